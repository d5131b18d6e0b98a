package dev.peregrine.server.auth;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads and writes the credential file, {@code <data>/security/credentials}: the API keys and the
 * users of a data directory. Stateless.
 *
 * <pre>
 *  magic "PGCR" (4) | format name, "peregrine-credentials" (modified UTF-8, u16 length first)
 *  version u16 | key count u32
 *  per key:  id (UTF) | name (UTF) | role (UTF) | tenant (UTF, "" = every tenant)
 *            created (i64, epoch ms) | expires (i64, epoch ms; -1 = never) | SHA-256 (32 bytes)
 *  user count u32
 *  per user: name (UTF) | role (UTF) | tenant (UTF, "" = every tenant) | created (i64, epoch ms)
 *            PBKDF2 iterations (u32) | salt (16 bytes) | PBKDF2-HMAC-SHA256 (32 bytes)
 *  CRC-32C (u32) of every byte before it
 * </pre>
 *
 * All numbers big-endian. The footer covers the whole file, so a torn or bit-flipped file is
 * refused as a whole instead of losing or inventing one key. The file is replaced atomically (a
 * temporary file, forced, renamed over the old one, then the directory forced), so a reader sees
 * the old set or the new one, never a mix; its inode changes with each write, which is how a
 * running server notices that {@code peregrine keys} changed it (see {@link KeyRing#reloadIfChanged}).
 */
final class CredentialFile {
    static final int MAGIC = 0x50474352; // "PGCR"
    static final String FORMAT_NAME = "peregrine-credentials";
    static final int VERSION = 1;
    static final String DIRECTORY = "security";
    static final String FILE_NAME = "credentials";
    private static final int FOOTER_LENGTH = Integer.BYTES;
    /** A bound on the counts read from a file, so that a damaged count cannot allocate without limit. */
    private static final int MAX_ENTRIES = 1_000_000;

    /** What the file holds. */
    record Credentials(List<ApiKey> keys, List<User> users) {
        static final Credentials NONE = new Credentials(List.of(), List.of());

        Credentials {
            keys = List.copyOf(keys);
            users = List.copyOf(users);
        }
    }

    private CredentialFile() {
    }

    /** The credential file of a data directory. */
    static Path of(Path dataDirectory) {
        return dataDirectory.resolve(DIRECTORY).resolve(FILE_NAME);
    }

    /**
     * The keys and users in {@code file}.
     *
     * @throws CredentialFileException when the file is damaged or of another format or version
     */
    static Credentials read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("reading credential file " + file, e);
        }
        if (bytes.length < Integer.BYTES + FOOTER_LENGTH) {
            throw new CredentialFileException(file, "too short to be a credential file (" + bytes.length + " bytes)");
        }
        int bodyLength = bytes.length - FOOTER_LENGTH;
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bodyLength);
        int expected = ByteBuffer.wrap(bytes, bodyLength, FOOTER_LENGTH).getInt();
        int magic = ByteBuffer.wrap(bytes, 0, Integer.BYTES).getInt();
        if (magic != MAGIC) {
            throw new CredentialFileException(file, String.format("not a credential file: magic 0x%08x, expected 0x%08x", magic, MAGIC));
        }
        if ((int) crc.getValue() != expected) {
            throw new CredentialFileException(file, String.format("corrupt: CRC-32C 0x%08x, footer says 0x%08x",
                    (int) crc.getValue(), expected));
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, Integer.BYTES,
                bodyLength - Integer.BYTES))) {
            String format = in.readUTF();
            if (!FORMAT_NAME.equals(format)) {
                throw new CredentialFileException(file, "format '" + format + "', expected '" + FORMAT_NAME + "'");
            }
            int version = in.readUnsignedShort();
            if (version != VERSION) {
                throw new CredentialFileException(file, "format version " + version + (version > VERSION
                        ? " is newer than this build reads (" + VERSION + ")" : " is older than " + VERSION));
            }
            int count = count(in, file, "key");
            List<ApiKey> keys = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String id = in.readUTF();
                String name = in.readUTF();
                Role role = Role.parse(in.readUTF());
                String tenant = in.readUTF();
                Instant created = Instant.ofEpochMilli(in.readLong());
                long expires = in.readLong();
                byte[] hash = new byte[ApiKey.HASH_LENGTH];
                in.readFully(hash);
                keys.add(new ApiKey(id, name, role, tenant.isEmpty() ? null : tenant, created,
                        expires < 0 ? null : Instant.ofEpochMilli(expires), hash));
            }
            int userCount = count(in, file, "user");
            List<User> users = new ArrayList<>(userCount);
            for (int i = 0; i < userCount; i++) {
                String name = in.readUTF();
                Role role = Role.parse(in.readUTF());
                String tenant = in.readUTF();
                Instant created = Instant.ofEpochMilli(in.readLong());
                int iterations = in.readInt();
                byte[] salt = new byte[PasswordHash.SALT_LENGTH];
                in.readFully(salt);
                byte[] hash = new byte[PasswordHash.HASH_LENGTH];
                in.readFully(hash);
                users.add(new User(name, role, tenant.isEmpty() ? null : tenant, created, iterations, salt, hash));
            }
            if (in.available() != 0) {
                throw new CredentialFileException(file, in.available() + " bytes after the last of " + userCount + " users");
            }
            return new Credentials(keys, users);
        } catch (EOFException e) {
            throw new CredentialFileException(file, "ends inside its lists (a count does not match the content)", e);
        } catch (IllegalArgumentException e) {
            throw new CredentialFileException(file, "holds an invalid entry: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading credential file " + file, e);
        }
    }

    private static int count(DataInputStream in, Path file, String what) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > MAX_ENTRIES) {
            throw new CredentialFileException(file, what + " count " + count + " out of range 0.." + MAX_ENTRIES);
        }
        return count;
    }

    /** Replaces {@code file} by one holding {@code credentials}, atomically and durably. */
    static void write(Path file, Credentials credentials) {
        List<ApiKey> keys = credentials.keys();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + (keys.size() + credentials.users().size()) * 128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeUTF(FORMAT_NAME);
            out.writeShort(VERSION);
            out.writeInt(keys.size());
            for (ApiKey key : keys) {
                out.writeUTF(key.id());
                out.writeUTF(key.name());
                out.writeUTF(key.role().label());
                out.writeUTF(key.tenant() == null ? "" : key.tenant());
                out.writeLong(key.created().toEpochMilli());
                out.writeLong(key.expires() == null ? -1 : key.expires().toEpochMilli());
                out.write(key.hash());
            }
            out.writeInt(credentials.users().size());
            for (User user : credentials.users()) {
                out.writeUTF(user.name());
                out.writeUTF(user.role().label());
                out.writeUTF(user.tenant() == null ? "" : user.tenant());
                out.writeLong(user.created().toEpochMilli());
                out.writeInt(user.iterations());
                out.write(user.salt());
                out.write(user.hash());
            }
            CRC32C crc = new CRC32C();
            crc.update(bytes.toByteArray());
            out.writeInt((int) crc.getValue());
        } catch (IOException e) {
            throw new UncheckedIOException("encoding the credential file in memory", e);
        }
        replace(file, bytes.toByteArray());
    }

    private static void replace(Path file, byte[] content) {
        Path directory = file.getParent();
        Path temporary = directory.resolve(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(directory);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new UncheckedIOException("the file system of " + directory + " cannot rename atomically", e);
            }
            // The rename is durable only once the directory is.
            try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
                dir.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing credential file " + file, e);
        }
    }
}
