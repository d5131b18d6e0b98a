package dev.peregrine.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Self-signed certificates for the TLS tests, made by the JDK's own {@code keytool} (no extra
 * library), written as the PEM files the server reads, and an {@link SSLContext} trusting one.
 */
final class TestCertificates {
    /** The password of the {@code <name>.p12} keystore each certificate is made in. */
    static final char[] PASSWORD = "test-only".toCharArray();

    /** A certificate and its key as PEM files, and the certificate itself. */
    record Pem(Path certificate, Path key, X509Certificate x509) {
        /** A client context that trusts this certificate only. */
        SSLContext trusting() throws GeneralSecurityException, IOException {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("server", x509);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        }
    }

    private TestCertificates() {
    }

    /**
     * Makes a certificate for {@code localhost} and 127.0.0.1 named {@code commonName} in
     * {@code directory}, as {@code <name>.crt.pem} and {@code <name>.key.pem}.
     */
    static Pem create(Path directory, String name, String commonName) throws Exception {
        Path store = directory.resolve(name + ".p12");
        Files.deleteIfExists(store);
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC",
                "-groupname", "secp256r1", "-validity", "2", "-dname", "CN=" + commonName,
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        String output;
        try (InputStream out = process.getInputStream()) {
            output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD);
        }
        PrivateKey key = (PrivateKey) keys.getKey("server", PASSWORD);
        Certificate certificate = keys.getCertificate("server");
        Pem pem = new Pem(directory.resolve(name + ".crt.pem"), directory.resolve(name + ".key.pem"),
                (X509Certificate) certificate);
        writeAtomically(pem.certificate(), pem("CERTIFICATE", certificate.getEncoded()));
        writeAtomically(pem.key(), pem("PRIVATE KEY", key.getEncoded()));
        return pem;
    }

    /** Copies {@code source}'s files over {@code target}'s, each replaced in one rename, as a renewal does. */
    static void install(Pem source, Pem target) throws IOException {
        for (List<Path> pair : List.of(List.of(source.key(), target.key()), List.of(source.certificate(), target.certificate()))) {
            writeAtomically(pair.get(1), Files.readString(pair.get(0)));
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static void writeAtomically(Path file, String content) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, content);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
