package dev.peregrine.server;

/**
 * The server refused to start: it was asked to listen on an address other clients can reach
 * without TLS or without authentication, and without {@link ServerConfig#insecure()}. The message
 * says which flags to add.
 */
public final class InsecureListenException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    InsecureListenException(String message) {
        super(message);
    }
}
