package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS with PEM files: real handshakes by the JDK's client, protocol versions, reload on renewal. */
class TlsTest {
    @TempDir
    Path directory;

    @Test
    void servesHttpsWithTls12And13AndFollowsARenewedCertificate() throws Exception {
        // Made side by side: each keytool run is a JVM start.
        CompletableFuture<TestCertificates.Pem> renewal = CompletableFuture.supplyAsync(() -> {
            try {
                return TestCertificates.create(directory, "renewed", "second");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        TestCertificates.Pem first = TestCertificates.create(directory, "served", "first");
        TestCertificates.Pem second = renewal.join();
        Path data = Files.createDirectories(directory.resolve("data"));
        try (TestServer server = new TestServer(data, config -> config.tls(first.certificate(), first.key()))) {
            URI health = URI.create("https://localhost:" + server.port() + "/health");
            for (String protocol : new String[] {"TLSv1.2", "TLSv1.3"}) {
                HttpResponse<String> response = client(first, protocol).send(HttpRequest.newBuilder(health).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.sslSession().orElseThrow().getProtocol()).isEqualTo(protocol);
            }
            // Plain HTTP on the TLS port is not served.
            assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/health")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
            // A client that only speaks TLS 1.1 finds no protocol in common.
            assertThatThrownBy(() -> client(first, "TLSv1.1").send(HttpRequest.newBuilder(health).build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);

            TestCertificates.install(second, first);
            // Renewed in place: new connections get the new certificate once the file watch has seen it.
            long deadline = System.nanoTime() + 30_000_000_000L;
            String served = "";
            while (!served.contains("CN=second") && System.nanoTime() < deadline) {
                try {
                    HttpResponse<String> response = client(second, "TLSv1.3").send(HttpRequest.newBuilder(health)
                            .build(), HttpResponse.BodyHandlers.ofString());
                    served = ((X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0])
                            .getSubjectX500Principal().getName();
                } catch (SSLHandshakeException stillTheOldOne) {
                    Thread.sleep(100);
                }
            }
            assertThat(served).contains("CN=second");
        }
    }

    @Test
    void servesAPkcs12KeystoreAndFollowsItsRenewal() throws Exception {
        TestCertificates.Pem first = TestCertificates.create(directory, "first", "first");
        TestCertificates.Pem second = TestCertificates.create(directory, "second", "second");
        Path served = directory.resolve("served.p12");
        Files.copy(directory.resolve("first.p12"), served);
        Path data = Files.createDirectories(directory.resolve("data"));
        try (TestServer server = new TestServer(data, config -> config.tlsKeystore(served,
                TestCertificates.PASSWORD))) {
            URI health = URI.create("https://localhost:" + server.port() + "/health");
            HttpResponse<String> response = client(first, "TLSv1.3").send(HttpRequest.newBuilder(health).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            Path next = Files.copy(directory.resolve("second.p12"), directory.resolve("next.p12"));
            Files.move(next, served, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            long deadline = System.nanoTime() + 30_000_000_000L;
            String subject = "";
            while (!subject.contains("CN=second") && System.nanoTime() < deadline) {
                try {
                    subject = ((X509Certificate) client(second, "TLSv1.3").send(HttpRequest.newBuilder(health).build(),
                            HttpResponse.BodyHandlers.ofString()).sslSession().orElseThrow().getPeerCertificates()[0])
                            .getSubjectX500Principal().getName();
                } catch (SSLHandshakeException stillTheOldOne) {
                    Thread.sleep(100);
                }
            }
            assertThat(subject).contains("CN=second");
        }
        // A wrong password stops the start naming the flag, without the password.
        assertThatThrownBy(() -> PeregrineServer.start(ServerConfig.builder().port(0).dataDirectory(data)
                .tlsKeystore(served, "wrong-password".toCharArray()).build()))
                .hasMessageContaining("--tls-keystore-password").hasMessageNotContaining("wrong-password");
    }

    @Test
    void aBadCertificateFileStopsTheStartWithItsFlag() throws Exception {
        Path certificate = Files.writeString(directory.resolve("cert.pem"), "not a certificate");
        Path data = Files.createDirectories(directory.resolve("data"));
        assertThatThrownBy(() -> PeregrineServer.start(ServerConfig.builder().port(0).dataDirectory(data)
                .tls(certificate, directory.resolve("missing-key.pem")).build()))
                .hasMessageContaining("--tls-key");
    }

    private static HttpClient client(TestCertificates.Pem trusted, String protocol) throws Exception {
        SSLParameters parameters = new SSLParameters();
        parameters.setProtocols(new String[] {protocol});
        return HttpClient.newBuilder().sslContext(trusted.trusting()).sslParameters(parameters)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }
}
