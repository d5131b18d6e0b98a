package dev.peregrine.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Verifies JSON Web Tokens from an external identity provider (single sign-on), with
 * nimbus-jose-jwt: the signature against a configured public key (a PEM file) or key set (a JWKS
 * JSON file), asymmetric algorithms only (RS256/384/512, PS256/384/512, ES256/384/512: a shared HMAC
 * secret would let the server mint tokens too), then the claims: {@code iss} and {@code aud} must
 * equal the configured ones, {@code sub}, {@code exp} and {@code role} must be there, {@code exp}
 * and {@code nbf} are checked with nimbus' default 60 s of clock skew. {@code role} is a
 * {@link Role} name (AllSource's accepted), {@code tenant_id}, when present, binds the principal
 * to that tenant.
 *
 * <p>A verified token is remembered until its expiry in a bounded cache
 * ({@value #CACHE_SIZE} tokens, emptied when full): clients send the same token with every request,
 * and a signature check costs tens of microseconds. Thread-safe.
 */
public final class JwtVerifier {
    static final int CACHE_SIZE = 4_096;
    private static final Pattern PEM_BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private record Verified(Principal principal, Instant expires) {
    }

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final Clock clock;
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    private JwtVerifier(JWKSet keys, String issuer, String audience, Clock clock) {
        this.clock = clock;
        Set<JWSAlgorithm> algorithms = new HashSet<>();
        for (JWK key : keys.getKeys()) {
            if (KeyType.RSA.equals(key.getKeyType())) {
                algorithms.addAll(List.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
                        JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512));
            } else if (KeyType.EC.equals(key.getKeyType())) {
                algorithms.addAll(List.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512));
            }
        }
        if (algorithms.isEmpty()) {
            throw new IllegalArgumentException("the JWT key file holds no RSA or EC public key");
        }
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, new ImmutableJWKSet<>(keys)));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(audience,
                new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "exp", "role")));
    }

    /**
     * Reads the verification keys: a PEM public key (or certificate), or a JWKS document.
     *
     * @throws IllegalArgumentException when the file holds no usable public key
     */
    public static JwtVerifier load(Path keyFile, String issuer, String audience) {
        return load(keyFile, issuer, audience, Clock.systemUTC());
    }

    static JwtVerifier load(Path keyFile, String issuer, String audience, Clock clock) {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(audience, "audience");
        String text;
        try {
            text = Files.readString(keyFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the --jwt-key file " + keyFile + ": " + e.getMessage(), e);
        }
        try {
            JWKSet keys = text.stripLeading().startsWith("{") ? JWKSet.parse(text) : new JWKSet(pemPublicKey(text));
            return new JwtVerifier(keys.toPublicJWKSet(), issuer, audience, clock);
        } catch (ParseException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the --jwt-key file " + keyFile + " holds no usable public key: "
                    + e.getMessage(), e);
        }
    }

    /**
     * The key of a PEM {@code PUBLIC KEY} (X.509 SubjectPublicKeyInfo, RSA or EC) or
     * {@code CERTIFICATE}, read with the JDK (nimbus' own PEM reader needs BouncyCastle).
     */
    private static JWK pemPublicKey(String pem) throws GeneralSecurityException {
        Matcher block = PEM_BLOCK.matcher(pem);
        if (!block.find()) {
            throw new IllegalArgumentException("no PEM block (-----BEGIN PUBLIC KEY----- or CERTIFICATE)");
        }
        byte[] der = Base64.getMimeDecoder().decode(block.group(2));
        PublicKey key;
        if (block.group(1).equals("CERTIFICATE")) {
            key = CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
        } else if (block.group(1).equals("PUBLIC KEY")) {
            key = decode(der);
        } else {
            throw new IllegalArgumentException("a " + block.group(1) + " is not a public key or certificate");
        }
        return switch (key) {
            case RSAPublicKey rsa -> new RSAKey.Builder(rsa).build();
            case ECPublicKey ec -> new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).build();
            default -> throw new IllegalArgumentException("a " + key.getAlgorithm() + " key is neither RSA nor EC");
        };
    }

    private static PublicKey decode(byte[] der) throws GeneralSecurityException {
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (InvalidKeySpecException notRsa) {
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
        }
    }

    /** Whether {@code token} has the shape of a JWT (three base64url parts), not of an API key. */
    public static boolean looksLikeToken(String token) {
        int first = token.indexOf('.');
        return first > 0 && token.indexOf('.', first + 1) > first && !token.startsWith(ApiKey.PREFIX);
    }

    /**
     * The principal of a token.
     *
     * @throws AuthenticationException when the token is malformed, badly signed, for another
     *         issuer or audience, expired, or its claims are not a role and tenant this server knows
     */
    public Principal verify(String token) {
        Verified known = verified.get(token);
        if (known != null) {
            if (clock.instant().isBefore(known.expires())) {
                return known.principal();
            }
            verified.remove(token);
            throw new AuthenticationException(AuthenticationException.Reason.EXPIRED, null);
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw new AuthenticationException(AuthenticationException.Reason.MALFORMED, null);
        } catch (BadJOSEException | JOSEException e) {
            boolean expired = e.getMessage() != null && e.getMessage().contains("Expired");
            throw new AuthenticationException(expired ? AuthenticationException.Reason.EXPIRED
                    : AuthenticationException.Reason.UNKNOWN, null);
        }
        Principal principal;
        try {
            Role role = Role.parse(claims.getStringClaim("role"));
            String tenant = claims.getStringClaim("tenant_id");
            if (tenant != null) {
                ApiKey.checkTenant(tenant);
                if (role == Role.ADMIN) {
                    throw new IllegalArgumentException("an admin token cannot be bound to a tenant");
                }
            }
            principal = new Principal("jwt:" + claims.getSubject(), role, tenant);
        } catch (ParseException | IllegalArgumentException e) {
            throw new AuthenticationException(AuthenticationException.Reason.UNKNOWN, null);
        }
        if (verified.size() >= CACHE_SIZE) {
            verified.clear();
        }
        verified.put(token, new Verified(principal, claims.getExpirationTime().toInstant()));
        return principal;
    }
}
