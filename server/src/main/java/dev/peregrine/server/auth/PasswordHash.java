package dev.peregrine.server.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Password hashing with PBKDF2-HMAC-SHA256 from the JDK: {@value #DEFAULT_ITERATIONS} iterations
 * (OWASP's 2023 recommendation for this function), a {@value #SALT_LENGTH}-byte random salt per
 * password, a {@value #HASH_LENGTH}-byte output. Deliberately slow (about 0.2 s of one core): it
 * never runs on an event loop, and verified credentials are cached (see {@link KeyRing}). The
 * iteration count is stored with each hash, so raising the default later keeps old hashes valid.
 * Stateless and thread-safe.
 */
public final class PasswordHash {
    /** Iterations for new passwords. */
    public static final int DEFAULT_ITERATIONS = 600_000;
    /** Salt length in bytes. */
    public static final int SALT_LENGTH = 16;
    /** Output length in bytes. */
    public static final int HASH_LENGTH = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordHash() {
    }

    /** A fresh random salt. */
    static byte[] salt() {
        byte[] salt = new byte[SALT_LENGTH];
        RANDOM.nextBytes(salt);
        return salt;
    }

    /** PBKDF2-HMAC-SHA256 of {@code password}. */
    static byte[] hash(String password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_LENGTH * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has PBKDF2WithHmacSHA256", e);
        } finally {
            spec.clearPassword();
        }
    }

    /** Whether {@code password} hashes to {@code expected}, compared in constant time. */
    static boolean matches(String password, byte[] salt, int iterations, byte[] expected) {
        return MessageDigest.isEqual(hash(password, salt, iterations), expected);
    }
}
