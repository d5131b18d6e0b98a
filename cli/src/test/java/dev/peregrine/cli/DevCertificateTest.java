package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.server.PeregrineServer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code serve --dev}: a self-signed certificate made once in the data directory and reused, made
 * again when damaged, and served over HTTPS to a client that trusts only the PEM file it printed.
 */
class DevCertificateTest {
    @TempDir
    Path data;

    @Test
    void servesHttpsWithACertificateAClientTrustsFromThePrintedFile() throws Exception {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs("--dev", "--data", data.toString(), "--port", "0", "--durability", "none");
        try (PeregrineServer server = PeregrineServer.start(serve.config())) {
            DevCertificate made = DevCertificate.ensure(data);
            assertThat(made.howToTrust(server.port())).contains("--cacert " + made.certificatePem().toAbsolutePath());
            X509Certificate certificate;
            try (InputStream in = Files.newInputStream(made.certificatePem())) {
                certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            assertThat(certificate.getSubjectAlternativeNames().stream().map(name -> String.valueOf(name.get(1))))
                    .contains("localhost", "127.0.0.1");
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("dev", certificate);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            HttpResponse<String> health = HttpClient.newBuilder().sslContext(context).build().send(
                    HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(server.access()).contains("TLS").doesNotContain("no TLS");
        }
    }

    @Test
    void isMadeOnceReusedAndMadeAgainWhenDamaged() throws Exception {
        DevCertificate first = DevCertificate.ensure(data);
        byte[] keystore = Files.readAllBytes(first.keystore());
        String pem = Files.readString(first.certificatePem());
        DevCertificate again = DevCertificate.ensure(data);
        assertThat(Files.readAllBytes(again.keystore())).isEqualTo(keystore);
        assertThat(Files.readString(again.certificatePem())).isEqualTo(pem);
        Files.write(first.keystore(), new byte[] {1, 2, 3});
        DevCertificate remade = DevCertificate.ensure(data);
        assertThat(Files.readAllBytes(remade.keystore())).isNotEqualTo(keystore).hasSizeGreaterThan(100);
        assertThat(Files.readString(remade.certificatePem())).isNotEqualTo(pem).startsWith("-----BEGIN CERTIFICATE-----");
    }
}
