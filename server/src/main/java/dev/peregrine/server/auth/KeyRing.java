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

/**
 * The API keys of a data directory: verifies presented keys, and creates, lists and revokes keys
 * in the {@linkplain KeyFile key file}. Used by the server and, offline, by {@code peregrine keys}.
 *
 * <pre>{@code
 * KeyRing keys = KeyRing.open(Path.of("peregrine-data"));
 * KeyRing.Created created = keys.create("ci", Role.WRITER, "acme", null);
 * System.out.println(created.key());                   // shown once; only its hash is stored
 * Principal who = keys.verify(created.key());         // a hash and a map lookup
 * }</pre>
 *
 * <p>Authentication is on once the key file exists, even when it holds no key: revoking the last
 * key locks everyone out instead of opening the server. On a data directory without the file the
 * server runs open (loopback only, unless started with {@code --insecure}).
 *
 * <p>Thread-safe. Verification reads an immutable snapshot through a volatile field, so a
 * revocation is seen by the next request on any thread. Changes take an exclusive lock on
 * {@code api-keys.lock} (so a running server and {@code peregrine keys} never lose each other's
 * changes), re-read the file, apply the change, write the file and publish the new snapshot.
 */
public final class KeyRing {
    private static final String LOCK_FILE_NAME = KeyFile.FILE_NAME + ".lock";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder SECRET_ENCODING = Base64.getUrlEncoder().withoutPadding();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(KeyRing::sha256);

    /** The keys of one read of the file, by id, and the identity of the file they were read from. */
    private record Snapshot(boolean present, Map<String, ApiKey> byId, Object fileKey, long modified, long size) {
        static final Snapshot ABSENT = new Snapshot(false, Map.of(), null, -1, -1);
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
    private volatile Snapshot snapshot;

    private KeyRing(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
        this.snapshot = load(file);
    }

    /** The key ring of a data directory; reads its key file when there is one. */
    public static KeyRing open(Path dataDirectory) {
        return open(dataDirectory, Clock.systemUTC());
    }

    /** As {@link #open(Path)}, with the clock expiries are checked against. */
    public static KeyRing open(Path dataDirectory, Clock clock) {
        return new KeyRing(KeyFile.of(dataDirectory), Objects.requireNonNull(clock, "clock"));
    }

    /** Whether authentication is required: the key file exists (possibly with no key left). */
    public boolean enabled() {
        return snapshot.present();
    }

    /** The key file. */
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
     * Creates a key, writes it to the key file (creating the file, which turns authentication on)
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
        return change(keys -> {
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
        return change(keys -> keys.remove(id) != null);
    }

    /**
     * Re-reads the key file when it was replaced since the last read (by {@code peregrine keys}
     * while the server runs). Cheap when nothing changed: one {@code stat}.
     *
     * @return whether the keys were re-read
     * @throws KeyFileException when the new file is damaged (the keys in use stay as they were)
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
        T apply(Map<String, ApiKey> keys);
    }

    private synchronized <T> T change(Change<T> change) {
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel lockChannel = FileChannel.open(file.resolveSibling(LOCK_FILE_NAME),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lockChannel.lock()) {
                Map<String, ApiKey> before = load(file).byId();
                Map<String, ApiKey> keys = new LinkedHashMap<>(before);
                T result = change.apply(keys);
                // Only a real change writes: revoking an unknown id must not create the file (and turn auth on).
                if (!keys.equals(before)) {
                    KeyFile.write(file, new ArrayList<>(keys.values()));
                }
                snapshot = load(file);
                return result;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("changing key file " + file, e);
        }
    }

    private static Snapshot load(Path file) {
        BasicFileAttributes attributes = attributes(file);
        if (attributes == null) {
            return Snapshot.ABSENT;
        }
        Map<String, ApiKey> byId = new LinkedHashMap<>();
        for (ApiKey key : KeyFile.read(file)) {
            byId.put(key.id(), key);
        }
        return new Snapshot(true, Map.copyOf(byId), attributes.fileKey(), attributes.lastModifiedTime().toMillis(),
                attributes.size());
    }

    private static BasicFileAttributes attributes(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("reading the attributes of key file " + file, e);
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
