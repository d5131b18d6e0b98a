package dev.peregrine.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.ReadStreamOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
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

    /** A certificate for 127.0.0.1 made by the JDK's keytool, written out as PEM. */
    private void selfSigned(Path certificate, Path key) throws Exception {
        Path store = directory.resolve("server.p12");
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
