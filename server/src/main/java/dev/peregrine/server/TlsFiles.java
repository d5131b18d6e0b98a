package dev.peregrine.server;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The key and certificate chain the server's TLS uses: a PEM certificate chain and private key, or
 * a PKCS#12 keystore; and whether the files changed on disk since they were last read (a renewal
 * by certbot or cert-manager replaces them in place).
 *
 * <p>The files' bytes, not their paths, are handed to Vert.x, so that each reload reads each file
 * once and Vert.x never re-reads one half-way through a renewal. A keystore is opened with the
 * JDK first, so that a wrong password or a keystore without a key is refused naming its flag. Not
 * thread-safe: used by the start-up thread, then only by the {@link FileWatch} thread.
 */
final class TlsFiles {
    /** TLS 1.2 and 1.3 only: 1.0 and 1.1 are deprecated (RFC 8996). */
    static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

    private final Path certificate;
    private final Path key;
    private final Path keystore;
    private final char[] password;
    private List<Object> read;

    private TlsFiles(Path certificate, Path key, Path keystore, char[] password) {
        this.certificate = certificate;
        this.key = key;
        this.keystore = keystore;
        this.password = password;
    }

    /** The TLS files {@code config} names, or {@code null} for plain HTTP. */
    static TlsFiles of(ServerConfig config) {
        if (config.tlsKeystore().isPresent()) {
            return new TlsFiles(null, null, config.tlsKeystore().get(), config.tlsKeystorePassword());
        }
        return config.tlsCertificate().map(cert -> new TlsFiles(cert, config.tlsKey().orElseThrow(), null, null))
                .orElse(null);
    }

    /** The key and certificates as they are now on disk, and remembers them as read. */
    KeyCertOptions load() {
        // Remembered first: files that fail to load are retried when they change again, not every second.
        read = identity();
        return current();
    }

    /** The key and certificates as they are now on disk. */
    private KeyCertOptions current() {
        if (keystore != null) {
            byte[] bytes = bytes(keystore, "--tls-keystore");
            checkKeystore(bytes);
            return new PfxOptions().setValue(Buffer.buffer(bytes)).setPassword(new String(password));
        }
        return new PemKeyCertOptions()
                .setCertValue(Buffer.buffer(bytes(certificate, "--tls-cert")))
                .setKeyValue(Buffer.buffer(bytes(key, "--tls-key")));
    }

    /** The options for a running server's {@code updateSSLOptions}. */
    ServerSSLOptions sslOptions(KeyCertOptions keyCert) {
        return new ServerSSLOptions().setKeyCertOptions(keyCert).setEnabledSecureTransportProtocols(PROTOCOLS);
    }

    /** Whether any of the files was replaced or rewritten since {@link #load()}. */
    boolean changed() {
        return !Objects.equals(read, identity());
    }

    /** @throws IllegalArgumentException naming the flag when the keystore cannot serve */
    private void checkKeystore(byte[] bytes) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(bytes), password);
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    return;
                }
            }
            throw new IllegalArgumentException("the --tls-keystore file " + keystore + " holds no private key");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot open the --tls-keystore file " + keystore
                    + ": a wrong --tls-keystore-password, or not a PKCS#12 keystore", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot open the --tls-keystore file " + keystore + ": " + e.getMessage(), e);
        }
    }

    private List<Object> identity() {
        return keystore != null ? List.of(attributes(keystore)) : List.of(attributes(certificate), attributes(key));
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
