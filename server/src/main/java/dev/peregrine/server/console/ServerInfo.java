package dev.peregrine.server.console;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the console's dashboard cards show about the running server ({@code GET /api/v1/server}):
 * fixed at startup, apart from the uptime derived from {@link #startedAt}.
 *
 * @param version the server's version
 * @param dataDirectory the absolute data directory, shown to the operator on the dashboard (never
 *                      in an error message)
 * @param durability the durability policy as configured ({@code fsync}, {@code interval:<ms>}, {@code none})
 * @param host the listen address
 * @param authentication how requests are authenticated; {@code "none"} until the server has authentication
 * @param startedAt when the server started
 * @param warnings what an operator should know about this configuration, as sentences
 */
public record ServerInfo(String version, String dataDirectory, String durability, String host, String authentication,
                         Instant startedAt, List<String> warnings) {

    /** The authentication mode of a server without authentication. */
    public static final String NO_AUTHENTICATION = "none";

    public ServerInfo {
        warnings = List.copyOf(warnings);
    }

    /** The information of a server configured so, with the warnings that configuration deserves. */
    public static ServerInfo of(String version, String dataDirectory, String durability, String host,
                                String authentication, Instant startedAt) {
        List<String> warnings = new ArrayList<>();
        if (NO_AUTHENTICATION.equals(authentication)) {
            warnings.add(exposed(host)
                    ? "authentication disabled, and the server listens on " + host + ": anyone who reaches it can read and write"
                    : "authentication disabled: anyone who can reach " + host + " can read and write");
        }
        if (durability.equals("none")) {
            warnings.add("durability none: acknowledged events may be lost if the machine crashes");
        } else if (durability.startsWith("interval:")) {
            warnings.add("durability " + durability + ": up to one interval of acknowledged events may be lost"
                    + " if the machine crashes");
        }
        return new ServerInfo(version, dataDirectory, durability, host, authentication, startedAt, warnings);
    }

    private static boolean exposed(String host) {
        return !(host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1") || host.startsWith("127."));
    }
}
