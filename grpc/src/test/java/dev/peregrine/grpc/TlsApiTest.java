package dev.peregrine.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.ReadStreamOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.security.KeyStore;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gRPC endpoint shares the HTTP server's TLS certificate: the official client, trusting that
 * certificate through {@code tlsCaFile}, appends and reads over TLS.
 */
class TlsApiTest {
    @TempDir
    Path directory;

    @Test
    void theClientConnectsOverTlsWithTheHttpServersCertificate() throws Exception {
        Path certificate = directory.resolve("server.crt.pem");
        Path key = directory.resolve("server.key.pem");
        selfSigned(certificate, key);
        try (KurrentTestServer server = new KurrentTestServer(directory.resolve("data"), b -> b.tls(certificate, key))) {
            KurrentDBClient client = server.client("kurrentdb://127.0.0.1:" + server.grpcPort() + "?tls=true&tlsCaFile="
                    + certificate);
            client.appendToStream("secure", EventData.builderAsJson("secret.kept",
                    "{\"ok\":true}".getBytes(StandardCharsets.UTF_8)).build()).get();
            assertThat(client.readStream("secure", ReadStreamOptions.get()).get().getEvents()).singleElement()
                    .satisfies(e -> assertThat(new String(e.getEvent().getEventData(), StandardCharsets.UTF_8))
                            .isEqualTo("{\"ok\":true}"));
        }
    }

    /**
     * A renewed certificate (the files replaced in place, as certbot does) is what the gRPC port
     * presents to the next handshakes, without a restart, as the HTTP port does.
     */
    @Test
    void theGrpcPortFollowsARenewedCertificate() throws Exception {
        Path certificate = directory.resolve("server.crt.pem");
        Path key = directory.resolve("server.key.pem");
        selfSigned(certificate, key);
        Path renewedCertificate = directory.resolve("renewed.crt.pem");
        Path renewedKey = directory.resolve("renewed.key.pem");
        selfSigned(renewedCertificate, renewedKey);
        try (KurrentTestServer server = new KurrentTestServer(directory.resolve("data"), b -> b.tls(certificate, key))) {
            assertThat(presented(server.grpcPort())).isEqualTo(pemBody(certificate));
            Files.move(renewedKey, key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.move(renewedCertificate, certificate, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            String renewed = pemBody(certificate);
            String seen = null;
            for (int i = 0; i < 300 && !renewed.equals(seen); i++) { // the file watch polls once a second
                Thread.sleep(100);
                seen = presented(server.grpcPort());
            }
            assertThat(seen).as("the certificate the gRPC port presents 30 s after the renewal").isEqualTo(renewed);
            KurrentDBClient client = server.client("kurrentdb://127.0.0.1:" + server.grpcPort() + "?tls=true&tlsCaFile="
                    + certificate);
            client.appendToStream("renewed", EventData.builderAsJson("still.served",
                    "{\"ok\":true}".getBytes(StandardCharsets.UTF_8)).build()).get();
        }
    }

    /** The certificate a TLS handshake (ALPN h2, as gRPC clients offer) with the port receives, base64. */
    private static String presented(int port) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                // the test compares the certificate itself
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"h2"});
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            return Base64.getEncoder().encodeToString(socket.getSession().getPeerCertificates()[0].getEncoded());
        }
    }

    /** The DER of a PEM certificate file, base64 on one line. */
    private static String pemBody(Path pem) throws Exception {
        String text = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getEncoder().encodeToString(Base64.getDecoder().decode(text));
    }

    /** A certificate for 127.0.0.1 made by the JDK's keytool, written out as PEM. */
    private void selfSigned(Path certificate, Path key) throws Exception {
        Path store = Files.createTempFile(directory, "server", ".p12");
        Files.delete(store);
        String password = "test-only";
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "grpc", "-keyalg", "RSA", "-keysize", "2048", "-validity", "1",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", password).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            keys.load(in, password.toCharArray());
        }
        Files.writeString(certificate, pem("CERTIFICATE", keys.getCertificate("grpc").getEncoded()));
        Files.writeString(key, pem("PRIVATE KEY", keys.getKey("grpc", password.toCharArray()).getEncoded()));
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
