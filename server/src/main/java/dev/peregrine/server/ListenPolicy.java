package dev.peregrine.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Secure by default off loopback: a server reachable from other machines must encrypt (TLS) and
 * authenticate (API keys), unless started with {@code --insecure}, which is then repeated as a
 * warning at start and on {@code /health}. On loopback nothing is required: only local processes
 * can connect, and {@code bin/peregrine serve} keeps working with no setup. Stateless.
 */
final class ListenPolicy {
    private ListenPolicy() {
    }

    /**
     * The warnings to show for this configuration; empty when it is safe as it is.
     *
     * @throws InsecureListenException when it is not safe and not {@linkplain ServerConfig#insecure() insecure}
     */
    static List<String> check(ServerConfig config, boolean authentication) {
        if (loopback(config.host())) {
            return List.of();
        }
        List<String> missing = new ArrayList<>();
        if (!config.tlsEnabled()) {
            missing.add("TLS (add --tls-cert <certificate.pem> --tls-key <key.pem>, or --tls-keystore <keystore.p12>)");
        }
        if (!authentication) {
            missing.add("authentication (create a key first: peregrine keys create --role admin --data "
                    + config.dataDirectory() + ")");
        }
        if (missing.isEmpty()) {
            return List.of();
        }
        String what = "listening on " + config.host() + ", reachable from other machines, without "
                + String.join(" and without ", missing);
        if (!config.insecure()) {
            throw new InsecureListenException("refusing to start: " + what
                    + "; or add --insecure to run this way anyway (docs/security.md)");
        }
        return List.of("insecure: " + what + " (--insecure)");
    }

    /** Whether {@code host} is a loopback address (or a name resolving to one). */
    static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false; // the bind fails anyway, with its own message
        }
    }
}
