package dev.peregrine.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * The self-signed certificate of {@code serve --dev}: a PKCS#12 keystore for {@code localhost} and
 * 127.0.0.1 in {@code <data>/security/dev-tls.p12}, made on first use by the JDK's own
 * {@code keytool} (the JDK has no public API that signs a certificate, and a library for one dev
 * certificate would be a large dependency), with its certificate beside it as PEM for clients to
 * trust. Reused while it is valid for more than a day; made again otherwise.
 *
 * @param keystore the keystore the server serves
 * @param certificatePem the certificate, PEM, for {@code curl --cacert} and trust stores
 */
record DevCertificate(Path keystore, Path certificatePem) {
    /**
     * The keystore's password. Fixed and public: the keystore only ever holds this local,
     * self-signed development key, and a server started with {@code --dev} must find it again.
     */
    static final String PASSWORD = "peregrine-dev";
    private static final String ALIAS = "peregrine-dev";
    private static final int VALIDITY_DAYS = 90;

    /**
     * Finds the data directory's development certificate, or makes one.
     *
     * @throws IllegalArgumentException naming {@code --dev} when it cannot be made
     */
    static DevCertificate ensure(Path data) {
        Path directory = data.resolve("security");
        DevCertificate certificate = new DevCertificate(directory.resolve("dev-tls.p12"),
                directory.resolve("dev-tls.crt.pem"));
        try {
            Files.createDirectories(directory);
            if (!certificate.validForADay()) {
                certificate.make();
            }
            certificate.writePem();
            return certificate;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("--dev: cannot make a development certificate: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalArgumentException("--dev: interrupted while making a development certificate", e);
        }
    }

    /** What to print at start: the certificate and how to trust it. */
    String howToTrust(int port) {
        return "dev TLS: a self-signed certificate for localhost and 127.0.0.1 (never use it in production); trust it"
                + " with: curl --cacert " + certificatePem.toAbsolutePath() + " https://localhost:" + port + "/health"
                + " (browsers: import that file as a trusted authority, or accept the warning)";
    }

    private boolean validForADay() throws IOException, GeneralSecurityException {
        if (!Files.exists(keystore)) {
            return false;
        }
        X509Certificate x509;
        try {
            x509 = (X509Certificate) load().getCertificate(ALIAS);
        } catch (IOException unreadable) {
            return false; // damaged, or not ours: made again
        }
        return x509 != null && x509.getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(1)));
    }

    private KeyStore load() throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    /** Runs keytool into a temporary file, then renames it into place: never a half-made keystore. */
    private void make() throws IOException, InterruptedException {
        Path temporary = keystore.resolveSibling(keystore.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", ALIAS, "-keyalg", "EC",
                "-groupname", "secp256r1", "-validity", Integer.toString(VALIDITY_DAYS), "-dname",
                "CN=localhost, O=Peregrine development", "-ext", "SAN=dns:localhost,ip:127.0.0.1,ip:::1",
                "-storetype", "PKCS12", "-keystore", temporary.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        String output;
        try (InputStream out = process.getInputStream()) {
            output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("keytool failed: " + output.strip());
        }
        Files.move(temporary, keystore, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void writePem() throws IOException, GeneralSecurityException {
        byte[] der = load().getCertificate(ALIAS).getEncoded();
        String pem = "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END CERTIFICATE-----\n";
        Path temporary = certificatePem.resolveSibling(certificatePem.getFileName() + ".tmp");
        Files.writeString(temporary, pem);
        Files.move(temporary, certificatePem, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
