package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokens of an identity provider: signature, issuer, audience, expiry, role and tenant claims. */
class JwtApiTest {
    private static final String ISSUER = "https://idp.example.com";
    private static final String AUDIENCE = "peregrine";

    @TempDir
    Path data;

    static String token(JWSSigner signer, JWSAlgorithm algorithm, UnaryOperator<JWTClaimsSet.Builder> claims)
            throws Exception {
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder().subject("alice").issuer(ISSUER).audience(AUDIENCE)
                .expirationTime(Date.from(Instant.now().plusSeconds(600))).claim("role", "writer");
        SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims.apply(builder).build());
        jwt.sign(signer);
        return jwt.serialize();
    }

    static TestServer.Response get(TestServer server, String path, String token) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Bearer " + token).GET());
    }

    @Test
    void rsaTokensFromAPemKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair provider = generator.generateKeyPair();
        KeyPair stranger = generator.generateKeyPair();
        Path pem = Files.writeString(data.resolve("idp.pem"), "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(provider.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        Path store = Files.createDirectories(data.resolve("store"));
        RSASSASigner signer = new RSASSASigner(provider.getPrivate());
        try (TestServer server = new TestServer(store, config -> config.jwt(pem, ISSUER, AUDIENCE).durability("none"))) {
            assertThat(server.server().access()).contains("JWTs of " + ISSUER);
            String writer = token(signer, JWSAlgorithm.RS256, c -> c.claim("tenant_id", "acme"));
            TestServer.Response appended = server.send(HttpRequest.newBuilder(server.uri("/api/v1/events"))
                    .header("Authorization", "Bearer " + writer).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"event_type\":\"j.x\",\"entity_id\":\"e\",\"payload\":{}}")));
            assertThat(appended.status()).as(appended.body()).isEqualTo(200);
            assertThat(get(server, "/api/v1/events/query", writer).json().get("events").get(0).get("tenant_id").asText())
                    .isEqualTo("acme");
            assertThat(get(server, "/metrics", writer).status()).isEqualTo(403);
            assertThat(get(server, "/metrics", token(signer, JWSAlgorithm.RS256, c -> c.claim("role", "Admin")))
                    .status()).isEqualTo(200);

            List<String> refused = List.of(
                    token(new RSASSASigner(stranger.getPrivate()), JWSAlgorithm.RS256, c -> c),
                    token(signer, JWSAlgorithm.RS256, c -> c.issuer("https://evil.example.com")),
                    token(signer, JWSAlgorithm.RS256, c -> c.audience("someone-else")),
                    token(signer, JWSAlgorithm.RS256, c -> c.expirationTime(Date.from(Instant.now().minusSeconds(3600)))),
                    token(signer, JWSAlgorithm.RS256, c -> c.claim("role", null)),
                    token(signer, JWSAlgorithm.RS256, c -> c.claim("role", "root")),
                    token(signer, JWSAlgorithm.RS256, c -> c.claim("role", "admin").claim("tenant_id", "acme")),
                    token(signer, JWSAlgorithm.RS256, c -> c.claim("tenant_id", "Not A Tenant")),
                    new PlainJWT(new JWTClaimsSet.Builder().subject("alice").issuer(ISSUER).audience(AUDIENCE)
                            .expirationTime(Date.from(Instant.now().plusSeconds(600))).claim("role", "admin").build())
                            .serialize(),
                    "a.b.c");
            String first = null;
            for (String token : refused) {
                TestServer.Response response = get(server, "/api/v1/events/query", token);
                assertThat(response.status()).as(token).isEqualTo(401);
                first = first == null ? response.body() : first;
                assertThat(response.body()).isEqualTo(first);
            }
        }
    }

    @Test
    void ecTokensFromAJwksFileAndKeysStillWork() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        Path jwks = Files.writeString(data.resolve("jwks.json"), new JWKSet(key.toPublicJWK()).toString());
        Path store = Files.createDirectories(data.resolve("store"));
        String apiKey = dev.peregrine.server.auth.KeyRing.open(store).create("", dev.peregrine.server.auth.Role.READER,
                null, null).key();
        try (TestServer server = new TestServer(store, config -> config.jwt(jwks, ISSUER, AUDIENCE))) {
            String reader = token(new ECDSASigner(key), JWSAlgorithm.ES256, c -> c.claim("role", "ReadOnly"));
            assertThat(get(server, "/api/v1/events/query", reader).status()).isEqualTo(200);
            assertThat(get(server, "/api/v1/events/query", reader).status()).isEqualTo(200);
            assertThat(get(server, "/api/v1/events/query", apiKey).status()).isEqualTo(200);
        }
    }

    @Test
    void aKeyFileWithoutAPublicKeyStopsTheStart() throws Exception {
        Path bad = Files.writeString(data.resolve("bad.pem"), "not a key");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PeregrineServer.start(ServerConfig.builder().port(0)
                .dataDirectory(data).jwt(bad, ISSUER, AUDIENCE).build())).hasMessageContaining("--jwt-key");
    }
}
