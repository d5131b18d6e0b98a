package dev.peregrine.server;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The PEM certificate chain and private key the server's TLS uses, and whether they changed on
 * disk since they were last read (a renewal by certbot or cert-manager replaces them in place).
 *
 * <p>The files' bytes, not their paths, are handed to Vert.x, so that each reload reads each file
 * once and Vert.x never re-reads one half-way through a renewal. Not thread-safe: used by the
 * start-up thread, then only by the {@link FileWatch} thread.
 */
final class TlsFiles {
    /** TLS 1.2 and 1.3 only: 1.0 and 1.1 are deprecated (RFC 8996). */
    static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

    private final Path certificate;
    private final Path key;
    private List<Object> read;

    TlsFiles(Path certificate, Path key) {
        this.certificate = certificate;
        this.key = key;
    }

    /** The certificate and key as they are now on disk, and remembers them as read. */
    PemKeyCertOptions load() {
        // Remembered first: files that fail to load are retried when they change again, not every second.
        read = identity();
        return current();
    }

    /**
     * The certificate and key as they are now on disk, without remembering them as read: for
     * another listener sharing these files (any thread; the files are only read).
     */
    PemKeyCertOptions current() {
        return new PemKeyCertOptions()
                .setCertValue(Buffer.buffer(bytes(certificate, "--tls-cert")))
                .setKeyValue(Buffer.buffer(bytes(key, "--tls-key")));
    }

    /** The options for a running server's {@code updateSSLOptions}. */
    ServerSSLOptions sslOptions(PemKeyCertOptions keyCert) {
        return new ServerSSLOptions().setKeyCertOptions(keyCert).setEnabledSecureTransportProtocols(PROTOCOLS);
    }

    /** Whether either file was replaced or rewritten since {@link #load()}. */
    boolean changed() {
        return !Objects.equals(read, identity());
    }

    private List<Object> identity() {
        return List.of(attributes(certificate), attributes(key));
    }

    private static List<Object> attributes(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return java.util.Arrays.asList(attributes.fileKey(), attributes.lastModifiedTime(), attributes.size());
        } catch (IOException e) {
            return List.of("unreadable");
        }
    }

    private static byte[] bytes(Path file, String flag) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the " + flag + " file " + file + ": " + e.getMessage(), e);
        }
    }
}
