package dev.peregrine.server.auth;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A user who signs in with a password (HTTP Basic, as the KurrentDB clients do), as stored: name,
 * role, tenant, and the PBKDF2 hash of the password with its salt and iteration count (see
 * {@link PasswordHash}). Immutable (the arrays are never handed out).
 *
 * @param name 1 to 64 characters of {@code [A-Za-z0-9._@-]} (no {@code ':'}, which ends the name
 *             in a Basic credential)
 * @param role what the user may do
 * @param tenant the tenant the user is bound to, or {@code null} for every tenant
 * @param created when the user was added
 * @param iterations PBKDF2 iterations of {@code hash}
 * @param salt the password's salt
 * @param hash PBKDF2-HMAC-SHA256 of the password
 */
public record User(String name, Role role, String tenant, Instant created, int iterations, byte[] salt, byte[] hash) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

    public User {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(created, "created");
        checkName(name);
        if (tenant != null) {
            ApiKey.checkTenant(tenant);
            if (role == Role.ADMIN) {
                throw new IllegalArgumentException("an admin sees every tenant: user '" + name
                        + "' cannot be bound to tenant '" + tenant + "'");
            }
        }
        if (iterations < 1 || salt.length != PasswordHash.SALT_LENGTH || hash.length != PasswordHash.HASH_LENGTH) {
            throw new IllegalArgumentException("user '" + name + "' has a malformed password hash");
        }
        salt = salt.clone();
        hash = hash.clone();
    }

    /** Checks a user name. @throws IllegalArgumentException naming the rule */
    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a user name is 1 to 64 characters of [A-Za-z0-9._@-], got '" + name + "'");
        }
        return name;
    }

    /** A copy of the salt. */
    @Override
    public byte[] salt() {
        return salt.clone();
    }

    /** A copy of the hash. */
    @Override
    public byte[] hash() {
        return hash.clone();
    }

    /** Whether {@code password} is this user's (slow: one PBKDF2). */
    boolean passwordMatches(String password) {
        return PasswordHash.matches(password, salt, iterations, hash);
    }

    /** The principal requests made as this user act as. */
    public Principal principal() {
        return new Principal("user:" + name, role, tenant);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof User user && name.equals(user.name) && role == user.role
                && Objects.equals(tenant, user.tenant) && created.equals(user.created) && iterations == user.iterations
                && Arrays.equals(salt, user.salt) && Arrays.equals(hash, user.hash);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    /** Never shows the hash or salt. */
    @Override
    public String toString() {
        return "User[" + name + ", " + role.label() + (tenant == null ? ", all tenants" : ", tenant " + tenant) + "]";
    }
}
