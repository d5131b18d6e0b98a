package dev.peregrine.server.auth;

/**
 * A request's credential was refused. The {@link #reason()} is for the server's metrics and log;
 * the client is told only that authentication failed, so that it learns nothing about which part
 * was wrong. Carries no key material. Stackless: failed attempts can be many.
 */
public final class AuthenticationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a credential was refused; the metrics label of the failure. */
    public enum Reason {
        /** No credential on a server that requires one. */
        MISSING,
        /** Not the shape of any credential this server issues. */
        MALFORMED,
        /** No key with that id, or the secret does not match (told apart nowhere, not even here). */
        UNKNOWN,
        /** A real key whose expiry has passed. */
        EXPIRED;

        /** The lower-case label used on {@code /metrics}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Reason reason;
    private final String keyId;

    /** @param keyId the public id of the key presented, or {@code null} */
    public AuthenticationException(Reason reason, String keyId) {
        super("authentication failed (" + reason.label() + (keyId == null ? "" : ", key " + keyId) + ")",
                null, false, false);
        this.reason = reason;
        this.keyId = keyId;
    }

    /** Why the credential was refused. */
    public Reason reason() {
        return reason;
    }

    /** The public id of the key presented, when it had the shape of one (for the log); may be {@code null}. */
    public String keyId() {
        return keyId;
    }
}
