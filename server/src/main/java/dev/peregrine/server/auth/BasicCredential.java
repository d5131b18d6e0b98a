package dev.peregrine.server.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * A user's name and password as HTTP Basic carries them ({@code Authorization: Basic
 * base64(name:password)}), the way the HTTP API and the gRPC endpoint both read them. Never shown:
 * {@link #toString()} names the user only.
 *
 * @param user the name, before the first {@code ':'}
 * @param password the rest
 */
public record BasicCredential(String user, String password) {
    private static final String SCHEME = "basic ";

    /**
     * Parses an authorization value.
     *
     * @return the credential; empty when the value is not Basic, not base64, or has no name
     */
    public static Optional<BasicCredential> parse(String authorization) {
        if (authorization == null || !isBasic(authorization)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(SCHEME.length()).trim()),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        return colon <= 0 ? Optional.empty()
                : Optional.of(new BasicCredential(decoded.substring(0, colon), decoded.substring(colon + 1)));
    }

    /** Whether an authorization value uses the Basic scheme (case-insensitive), well-formed or not. */
    public static boolean isBasic(String authorization) {
        return authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
    }

    @Override
    public String toString() {
        return "BasicCredential[" + user + "]";
    }
}
