package dev.peregrine.server.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The credentials of a data directory, API keys and users: verifies presented keys and passwords,
 * and creates, lists and revokes keys and adds, changes and removes users in the
 * {@linkplain CredentialFile credential file}. Used by the server and, offline, by
 * {@code peregrine keys} and {@code peregrine users}.
 *
 * <pre>{@code
 * KeyRing keys = KeyRing.open(Path.of("peregrine-data"));
 * KeyRing.Created created = keys.create("ci", Role.WRITER, "acme", null);
 * System.out.println(created.key());                   // shown once; only its hash is stored
 * Principal who = keys.verify(created.key());         // a hash and a map lookup
 * }</pre>
 *
 * <p>Authentication is on once the credential file exists, even when it holds no key: revoking the
 * last key locks everyone out instead of opening the server. On a data directory without the file
 * the server runs open (loopback only, unless started with {@code --insecure}).
 *
 * <p>Passwords are hashed with PBKDF2 ({@link PasswordHash}), deliberately slow; clients such as
 * KurrentDB's send their Basic credentials with every request, so a verified name and password is
 * remembered, as its SHA-256, in a bounded cache ({@value #VERIFIED_CACHE_SIZE} entries, emptied
 * when full) that belongs to the snapshot of the file it was verified against: any change of the
 * file (a new password, a removed user, a revoked key) starts an empty cache.
 *
 * <p>Thread-safe. Verification reads an immutable snapshot through a volatile field, so a
 * revocation is seen by the next request on any thread. Changes take an exclusive lock on
 * {@code credentials.lock} (so a running server and {@code peregrine keys} never lose each other's
 * changes), re-read the file, apply the change, write the file and publish the new snapshot.
 */
public final class KeyRing {
    private static final String LOCK_FILE_NAME = CredentialFile.FILE_NAME + ".lock";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder SECRET_ENCODING = Base64.getUrlEncoder().withoutPadding();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(KeyRing::sha256);

    /** Most verified passwords remembered at once. */
    static final int VERIFIED_CACHE_SIZE = 1_024;

    /**
     * One read of the file: keys by id, users by name, the identity of the file they were read
     * from, and the passwords verified against it (keyed by the SHA-256 of name and password).
     */
    private record Snapshot(boolean present, Map<String, ApiKey> byId, Map<String, User> users, Object fileKey,
                            long modified, long size, Map<Digest, Principal> verified) {
        static Snapshot absent() {
            return new Snapshot(false, Map.of(), Map.of(), null, -1, -1, new ConcurrentHashMap<>());
        }
    }

    /** A SHA-256 as a map key. */
    private record Digest(byte[] bytes) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Digest digest && java.util.Arrays.equals(bytes, digest.bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes);
        }
    }

    /** A new key: the key text, shown once, and its stored entry. */
    public record Created(String key, ApiKey entry) {
        /** Never shows the key. */
        @Override
        public String toString() {
            return "Created[" + entry + "]";
        }
    }

    private final Path file;
    private final Clock clock;
    private final int verifiedCacheSize;
    private volatile Snapshot snapshot;

    private KeyRing(Path file, Clock clock, int verifiedCacheSize) {
        this.file = file;
        this.clock = clock;
        this.verifiedCacheSize = verifiedCacheSize;
        this.snapshot = load(file);
    }

    /** The key ring of a data directory; reads its key file when there is one. */
    public static KeyRing open(Path dataDirectory) {
        return open(dataDirectory, Clock.systemUTC());
    }

    /** As {@link #open(Path)}, with the clock expiries are checked against. */
    public static KeyRing open(Path dataDirectory, Clock clock) {
        return new KeyRing(CredentialFile.of(dataDirectory), Objects.requireNonNull(clock, "clock"), VERIFIED_CACHE_SIZE);
    }

    /** As {@link #open(Path)}, remembering at most {@code verifiedCacheSize} passwords (tests use few). */
    static KeyRing open(Path dataDirectory, int verifiedCacheSize) {
        return new KeyRing(CredentialFile.of(dataDirectory), Clock.systemUTC(), verifiedCacheSize);
    }

    /** Whether authentication is required: the credential file exists (possibly with no key left). */
    public boolean enabled() {
        return snapshot.present();
    }

    /** The credential file. */
    public Path file() {
        return file;
    }

    /**
     * The principal of a presented key.
     *
     * @throws AuthenticationException when the key is malformed, unknown, wrong or expired
     */
    public Principal verify(String presented) {
        if (presented == null || presented.isEmpty()) {
            throw new AuthenticationException(AuthenticationException.Reason.MISSING, null);
        }
        if (presented.length() != ApiKey.KEY_LENGTH || !presented.startsWith(ApiKey.PREFIX)
                || presented.charAt(ApiKey.PREFIX.length() + ApiKey.ID_LENGTH) != '_') {
            throw new AuthenticationException(AuthenticationException.Reason.MALFORMED, null);
        }
        String id = presented.substring(ApiKey.PREFIX.length(), ApiKey.PREFIX.length() + ApiKey.ID_LENGTH);
        ApiKey key = snapshot.byId().get(id);
        // Hash even for an unknown id, so that timing does not tell known ids from unknown ones.
        byte[] digest = digest(presented);
        if (key == null || !key.hashMatches(digest)) {
            throw new AuthenticationException(AuthenticationException.Reason.UNKNOWN, ApiKey.isId(id) ? id : null);
        }
        if (key.expiredAt(clock.instant())) {
            throw new AuthenticationException(AuthenticationException.Reason.EXPIRED, id);
        }
        return key.principal();
    }

    /** Every key, oldest first (without secrets: none are stored). */
    public List<ApiKey> list() {
        return snapshot.byId().values().stream().sorted(Comparator.comparing(ApiKey::created)
                .thenComparing(ApiKey::id)).toList();
    }

    /**
     * Creates a key, writes it to the credential file (creating the file, which turns authentication on)
     * and returns its text, which is not stored anywhere.
     *
     * @param name a label for people, may be empty
     * @param tenant the tenant it is bound to, or {@code null} for every tenant (admin keys must be)
     * @param expires when it stops working, or {@code null} for never
     * @throws IllegalArgumentException when the tenant is malformed, an admin key is bound to a
     *         tenant, or the expiry is not in the future
     */
    public Created create(String name, Role role, String tenant, Instant expires) {
        Objects.requireNonNull(name, "name");
        if (expires != null && !expires.isAfter(clock.instant())) {
            throw new IllegalArgumentException("the expiry " + expires + " is not in the future");
        }
        return change((keys, users) -> {
            String id;
            do {
                id = HexFormat.of().formatHex(random(ApiKey.ID_LENGTH / 2));
            } while (keys.containsKey(id));
            String key = ApiKey.PREFIX + id + "_" + SECRET_ENCODING.encodeToString(random(32));
            ApiKey entry = new ApiKey(id, name, role, tenant, clock.instant(), expires, digest(key));
            keys.put(id, entry);
            return new Created(key, entry);
        });
    }

    /**
     * Revokes a key: from the moment this returns, requests with it are refused.
     *
     * @return whether a key with that id existed
     */
    public boolean revoke(String id) {
        return change((keys, users) -> keys.remove(id) != null);
    }

    /** Every user, by name (without password hashes: {@link User#toString()} shows none). */
    public List<User> users() {
        return snapshot.users().values().stream().sorted(Comparator.comparing(User::name)).toList();
    }

    /**
     * Adds a user with a password (hashed with PBKDF2, slow) and writes the file.
     *
     * @throws IllegalArgumentException when the name or tenant is malformed, the password empty, an
     *         admin is bound to a tenant, or the name is taken
     */
    public User addUser(String name, String password, Role role, String tenant) {
        return addUser(name, password, role, tenant, PasswordHash.DEFAULT_ITERATIONS);
    }

    /** As {@link #addUser(String, String, Role, String)} with a PBKDF2 iteration count (tests use few). */
    User addUser(String name, String password, Role role, String tenant, int iterations) {
        User.checkName(name);
        byte[] salt = PasswordHash.salt();
        User user = new User(name, role, tenant, clock.instant(), iterations, salt,
                PasswordHash.hash(requirePassword(password), salt, iterations));
        return change((keys, users) -> {
            if (users.putIfAbsent(name, user) != null) {
                throw new IllegalArgumentException("user '" + name + "' exists already");
            }
            return user;
        });
    }

    /**
     * Sets a user's password; from the moment this returns, the old one is refused.
     *
     * @return whether the user existed
     */
    public boolean setPassword(String name, String password) {
        byte[] salt = PasswordHash.salt();
        byte[] hash = PasswordHash.hash(requirePassword(password), salt, PasswordHash.DEFAULT_ITERATIONS);
        return change((keys, users) -> {
            User old = users.get(name);
            if (old == null) {
                return false;
            }
            users.put(name, new User(name, old.role(), old.tenant(), old.created(), PasswordHash.DEFAULT_ITERATIONS,
                    salt, hash));
            return true;
        });
    }

    /** Removes a user; from the moment this returns, its password is refused. @return whether it existed */
    public boolean removeUser(String name) {
        return change((keys, users) -> users.remove(name) != null);
    }

    /**
     * The principal of a name and password already verified against the current file, without
     * hashing the password slowly: empty when it must be verified by {@link #verifyPassword}.
     */
    public Optional<Principal> verifiedPassword(String name, String password) {
        return Optional.ofNullable(snapshot.verified().get(passwordDigest(name, password)));
    }

    /**
     * Verifies a name and password: slow (one PBKDF2) unless {@link #verifiedPassword} knows them;
     * never call it on an event loop. A success is remembered until the file changes.
     *
     * @throws AuthenticationException when the user does not exist or the password is wrong
     */
    public Principal verifyPassword(String name, String password) {
        Snapshot current = snapshot;
        Digest digest = passwordDigest(name, password);
        Principal known = current.verified().get(digest);
        if (known != null) {
            return known;
        }
        User user = current.users().get(name);
        // An unknown user costs the same hash as a wrong password, so timing does not tell them apart.
        boolean matches = user != null ? user.passwordMatches(password)
                : PasswordHash.matches(password, UNKNOWN_USER_SALT, PasswordHash.DEFAULT_ITERATIONS, UNKNOWN_USER_SALT);
        if (!matches) {
            throw new AuthenticationException(AuthenticationException.Reason.UNKNOWN, null);
        }
        Map<Digest, Principal> verified = current.verified();
        if (verified.size() >= verifiedCacheSize) {
            verified.clear(); // bounded; clients that keep using a credential put it back at the next request
        }
        verified.put(digest, user.principal());
        return user.principal();
    }

    private static final byte[] UNKNOWN_USER_SALT = new byte[PasswordHash.SALT_LENGTH];

    private static String requirePassword(String password) {
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("a password must not be empty");
        }
        return password;
    }

    private static Digest passwordDigest(String name, String password) {
        return new Digest(digest(name + '\u0000' + password));
    }

    /**
     * Re-reads the credential file when it was replaced since the last read (by
     * {@code peregrine keys} or {@code peregrine users} while the server runs). Cheap when nothing changed: one {@code stat}.
     *
     * @return whether the keys were re-read
     * @throws CredentialFileException when the new file is damaged (the keys in use stay as they were)
     */
    public boolean reloadIfChanged() {
        Snapshot current = snapshot;
        BasicFileAttributes attributes = attributes(file);
        if (attributes == null ? !current.present()
                : current.present() && Objects.equals(attributes.fileKey(), current.fileKey())
                        && attributes.lastModifiedTime().toMillis() == current.modified()
                        && attributes.size() == current.size()) {
            return false;
        }
        Snapshot loaded = load(file);
        // A vanished file is not a reason to run open: keep the last keys until the file is back.
        if (!loaded.present() && current.present()) {
            return false;
        }
        snapshot = loaded;
        return true;
    }

    private interface Change<T> {
        T apply(Map<String, ApiKey> keys, Map<String, User> users);
    }

    private synchronized <T> T change(Change<T> change) {
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel lockChannel = FileChannel.open(file.resolveSibling(LOCK_FILE_NAME),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lockChannel.lock()) {
                Snapshot before = load(file);
                Map<String, ApiKey> keys = new LinkedHashMap<>(before.byId());
                Map<String, User> users = new LinkedHashMap<>(before.users());
                T result = change.apply(keys, users);
                // Only a real change writes: revoking an unknown id must not create the file (and turn auth on).
                if (!keys.equals(before.byId()) || !users.equals(before.users())) {
                    CredentialFile.write(file, new CredentialFile.Credentials(new ArrayList<>(keys.values()),
                            new ArrayList<>(users.values())));
                }
                snapshot = load(file);
                return result;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("changing credential file " + file, e);
        }
    }

    private static Snapshot load(Path file) {
        BasicFileAttributes attributes = attributes(file);
        if (attributes == null) {
            return Snapshot.absent();
        }
        CredentialFile.Credentials credentials = CredentialFile.read(file);
        Map<String, ApiKey> byId = new LinkedHashMap<>();
        for (ApiKey key : credentials.keys()) {
            byId.put(key.id(), key);
        }
        Map<String, User> users = new LinkedHashMap<>();
        for (User user : credentials.users()) {
            users.put(user.name(), user);
        }
        return new Snapshot(true, Map.copyOf(byId), Map.copyOf(users), attributes.fileKey(),
                attributes.lastModifiedTime().toMillis(), attributes.size(), new ConcurrentHashMap<>());
    }

    private static BasicFileAttributes attributes(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("reading the attributes of credential file " + file, e);
        }
    }

    private static byte[] digest(String key) {
        return SHA256.get().digest(key.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] random(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return value;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
