package dev.peregrine.server.auth;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One API key as it is stored: its public id, a label, its role and tenant, when it was created and
 * when it expires, and the SHA-256 of the key. The key itself is never stored: it is shown once,
 * when created. Immutable (the hash array is never handed out).
 *
 * <p>A key reads {@code pgk_<id>_<secret>}: {@code id} is 16 hex digits (64 random bits) used to
 * find the entry, {@code secret} 43 base64url characters (256 random bits). SHA-256 is enough for
 * such a secret: a slow password hash defends guessable secrets, and 256 random bits are not
 * guessable, so checking a key costs one short hash.
 *
 * @param id public id (16 lower-case hex digits), shown in listings and logs
 * @param name the label given at creation (for people; may be empty)
 * @param role what the key may do
 * @param tenant the tenant it is bound to, or {@code null} for every tenant
 * @param created when it was created
 * @param expires when it stops working, or {@code null} for never
 * @param hash SHA-256 of the whole key text (UTF-8), 32 bytes
 */
public record ApiKey(String id, String name, Role role, String tenant, Instant created, Instant expires, byte[] hash) {
    /** The text every key starts with, so that a key found in a file or a log is recognised as one. */
    public static final String PREFIX = "pgk_";
    /** Length of {@link #id()}: 8 random bytes in hex. */
    public static final int ID_LENGTH = 16;
    /** Length of the secret part: 32 random bytes in unpadded base64url. */
    public static final int SECRET_LENGTH = 43;
    /** Length of a whole key. */
    public static final int KEY_LENGTH = PREFIX.length() + ID_LENGTH + 1 + SECRET_LENGTH;
    /** Length of {@link #hash()}. */
    public static final int HASH_LENGTH = 32;

    private static final Pattern ID = Pattern.compile("[0-9a-f]{" + ID_LENGTH + "}");
    private static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    public ApiKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(created, "created");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("a key id is " + ID_LENGTH + " lower-case hex digits, got '" + id + "'");
        }
        if (hash.length != HASH_LENGTH) {
            throw new IllegalArgumentException("a key hash is " + HASH_LENGTH + " bytes, got " + hash.length);
        }
        if (tenant != null) {
            checkTenant(tenant);
            if (role == Role.ADMIN) {
                throw new IllegalArgumentException("an admin key sees every tenant: it cannot be bound to tenant '"
                        + tenant + "'");
            }
        }
        hash = hash.clone();
    }

    /** The tenant this key is confined to; empty when it sees every tenant. */
    public Optional<String> boundTenant() {
        return Optional.ofNullable(tenant);
    }

    /** When the key stops working; empty when it never does. */
    public Optional<Instant> expiry() {
        return Optional.ofNullable(expires);
    }

    /** Whether the key has expired at {@code now}. */
    public boolean expiredAt(Instant now) {
        return expires != null && !now.isBefore(expires);
    }

    /** A copy of the stored hash. */
    @Override
    public byte[] hash() {
        return hash.clone();
    }

    /** Whether {@code digest} is this key's hash, compared in constant time. */
    boolean hashMatches(byte[] digest) {
        return java.security.MessageDigest.isEqual(hash, digest);
    }

    /** The principal requests made with this key act as. */
    public Principal principal() {
        return new Principal(id, role, tenant);
    }

    /**
     * Checks a tenant name for a key: 1 to 64 characters of {@code [a-z0-9._-]}, starting with a
     * letter or digit. The set leaves out {@code ':'}, which separates a tenant from an entity id
     * in the store (see docs/security.md). The tenant {@code default} is refused: it is the
     * namespace of credentials not bound to a tenant.
     *
     * @throws IllegalArgumentException naming the rule
     */
    public static String checkTenant(String tenant) {
        if (!TENANT.matcher(tenant).matches()) {
            throw new IllegalArgumentException("a tenant is 1 to 64 characters of [a-z0-9._-] starting with a letter"
                    + " or digit, got '" + tenant + "'");
        }
        if (dev.peregrine.store.NewEvent.DEFAULT_TENANT.equals(tenant)) {
            throw new IllegalArgumentException("the tenant 'default' is the namespace of keys bound to no tenant:"
                    + " create the key without a tenant");
        }
        return tenant;
    }

    /** Whether {@code id} has the shape of a key id. */
    static boolean isId(String id) {
        return ID.matcher(id).matches();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ApiKey key && id.equals(key.id) && name.equals(key.name) && role == key.role
                && Objects.equals(tenant, key.tenant) && created.equals(key.created)
                && Objects.equals(expires, key.expires) && java.util.Arrays.equals(hash, key.hash);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    /** Never shows the hash. */
    @Override
    public String toString() {
        return "ApiKey[" + id + ", " + role.label() + (tenant == null ? ", all tenants" : ", tenant " + tenant)
                + (expires == null ? "" : ", expires " + expires) + "]";
    }
}
