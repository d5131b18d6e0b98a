package dev.peregrine.cli;

import dev.peregrine.server.ServerConfig;
import dev.peregrine.server.auth.ApiKey;
import dev.peregrine.server.auth.KeyRing;
import dev.peregrine.server.auth.Role;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Mixin;

/**
 * {@code peregrine keys create|list|revoke}: manages the API keys of a data directory, offline.
 * A server running on the directory picks the change up within a second (it polls the credential file),
 * so a revocation made here applies without a restart.
 */
@Command(
        name = "keys",
        mixinStandardHelpOptions = true,
        description = {"Create, list and revoke the API keys of a data directory (works while a server runs on it).",
                "The first key created turns authentication on for that directory."},
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
    }

    /** The {@code --data} option every subcommand takes. */
    static final class DataDirectory {
        @Option(names = "--data", defaultValue = "${env:PEREGRINE_DATA:-" + ServerConfig.DEFAULT_DATA_DIRECTORY + "}",
                description = "Data directory (env PEREGRINE_DATA, default ${DEFAULT-VALUE}).")
        Path data;

        KeyRing keys() {
            return KeyRing.open(data);
        }
    }

    /** {@code keys create}: prints the new key once, on standard output, and its id on standard error. */
    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a key and print it (only once).")
    static final class Create implements Callable<Integer> {
        @Mixin
        DataDirectory parent;

        @Option(names = "--role", required = true,
                description = "admin | writer | reader (AllSource names Admin, Developer, ServiceAccount, ReadOnly too).")
        String role;

        @Option(names = "--tenant", description = "Bind the key to this tenant (not for admin keys).")
        String tenant;

        @Option(names = "--name", defaultValue = "", description = "A label shown by 'keys list'.")
        String name;

        @Option(names = "--expires", description = "Expiry: an ISO-8601 instant (2027-01-01T00:00:00Z) or a"
                + " duration from now (P90D, PT12H).")
        String expires;

        @Override
        public Integer call() {
            return refusingBadArguments("keys create", () -> {
                KeyRing.Created created = parent.keys().create(name, Role.parse(role), tenant, expiry(expires));
                System.out.println(created.key());
                System.err.println("created key " + created.entry().id() + " (" + describe(created.entry())
                        + "); it is shown only now, store it safely");
                return 0;
            });
        }

        private static Instant expiry(String text) {
            if (text == null) {
                return null;
            }
            try {
                return text.startsWith("P") ? Instant.now().plus(Duration.parse(text)) : Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("--expires must be an ISO-8601 instant or duration, got '" + text + "'");
            }
        }
    }

    /** {@code keys list}: one line per key, without secrets (none are stored). */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List keys (ids, roles, tenants; no secrets).")
    static final class ListKeys implements Callable<Integer> {
        @Mixin
        DataDirectory parent;

        @Override
        public Integer call() {
            KeyRing keys = parent.keys();
            if (!keys.enabled()) {
                System.err.println("no credential file in " + parent.data + ": authentication is off");
                return 0;
            }
            for (ApiKey key : keys.list()) {
                System.out.println(key.id() + "  " + describe(key) + (key.name().isEmpty() ? "" : "  " + key.name()));
            }
            return 0;
        }
    }

    /** {@code keys revoke <id>}. */
    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key by its id.")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        DataDirectory parent;

        @Parameters(paramLabel = "ID", description = "The key's id, as 'keys list' shows it.")
        String id;

        @Override
        public Integer call() {
            if (!parent.keys().revoke(id)) {
                System.err.println("peregrine keys revoke: no key with id '" + id + "'");
                return 1;
            }
            System.err.println("revoked key " + id);
            return 0;
        }
    }

    /**
     * Runs {@code body}; an argument it refuses ({@link IllegalArgumentException}: a bad role,
     * tenant, name, expiry or password) is printed as {@code peregrine <command>: <reason>} and
     * exits with status 2, instead of a stack trace.
     */
    static int refusingBadArguments(String command, java.util.function.IntSupplier body) {
        try {
            return body.getAsInt();
        } catch (IllegalArgumentException e) {
            System.err.println("peregrine " + command + ": " + e.getMessage());
            return 2;
        }
    }

    static String describe(ApiKey key) {
        return key.role().label() + ", " + key.boundTenant().map(t -> "tenant " + t).orElse("all tenants")
                + ", created " + key.created() + key.expiry().map(e -> ", expires " + e).orElse("");
    }
}
