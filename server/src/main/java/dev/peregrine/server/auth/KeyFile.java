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
 * Reads and writes the API key file, {@code <data>/security/api-keys}. Stateless.
 *
 * <pre>
 *  magic "PGAK" (4) | format name, "peregrine-api-keys" (modified UTF-8, u16 length first)
 *  version u16 | key count u32
 *  per key: id (UTF) | name (UTF) | role (UTF) | tenant (UTF, "" = every tenant)
 *           created (i64, epoch ms) | expires (i64, epoch ms; -1 = never) | SHA-256 (32 bytes)
 *  CRC-32C (u32) of every byte before it
 * </pre>
 *
 * All numbers big-endian. The footer covers the whole file, so a torn or bit-flipped file is
 * refused as a whole instead of losing or inventing one key. The file is replaced atomically (a
 * temporary file, forced, renamed over the old one, then the directory forced), so a reader sees
 * the old set or the new one, never a mix; its inode changes with each write, which is how a
 * running server notices that {@code peregrine keys} changed it (see {@link KeyRing#reloadIfChanged}).
 */
final class KeyFile {
    static final int MAGIC = 0x5047414B; // "PGAK"
    static final String FORMAT_NAME = "peregrine-api-keys";
    static final int VERSION = 1;
    static final String DIRECTORY = "security";
    static final String FILE_NAME = "api-keys";
    private static final int FOOTER_LENGTH = Integer.BYTES;
    /** A bound on the count read from a file, so that a damaged count cannot allocate without limit. */
    private static final int MAX_KEYS = 1_000_000;

    private KeyFile() {
    }

    /** The key file of a data directory. */
    static Path of(Path dataDirectory) {
        return dataDirectory.resolve(DIRECTORY).resolve(FILE_NAME);
    }

    /**
     * The keys in {@code file}.
     *
     * @throws KeyFileException when the file is damaged or of another format or version
     */
    static List<ApiKey> read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("reading key file " + file, e);
        }
        if (bytes.length < Integer.BYTES + FOOTER_LENGTH) {
            throw new KeyFileException(file, "too short to be a key file (" + bytes.length + " bytes)");
        }
        int bodyLength = bytes.length - FOOTER_LENGTH;
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bodyLength);
        int expected = ByteBuffer.wrap(bytes, bodyLength, FOOTER_LENGTH).getInt();
        int magic = ByteBuffer.wrap(bytes, 0, Integer.BYTES).getInt();
        if (magic != MAGIC) {
            throw new KeyFileException(file, String.format("not a key file: magic 0x%08x, expected 0x%08x", magic, MAGIC));
        }
        if ((int) crc.getValue() != expected) {
            throw new KeyFileException(file, String.format("corrupt: CRC-32C 0x%08x, footer says 0x%08x",
                    (int) crc.getValue(), expected));
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, Integer.BYTES,
                bodyLength - Integer.BYTES))) {
            String format = in.readUTF();
            if (!FORMAT_NAME.equals(format)) {
                throw new KeyFileException(file, "format '" + format + "', expected '" + FORMAT_NAME + "'");
            }
            int version = in.readUnsignedShort();
            if (version != VERSION) {
                throw new KeyFileException(file, "format version " + version + (version > VERSION
                        ? " is newer than this build reads (" + VERSION + ")" : " is older than " + VERSION));
            }
            int count = in.readInt();
            if (count < 0 || count > MAX_KEYS) {
                throw new KeyFileException(file, "key count " + count + " out of range 0.." + MAX_KEYS);
            }
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
            if (in.available() != 0) {
                throw new KeyFileException(file, in.available() + " bytes after the last of " + count + " keys");
            }
            return List.copyOf(keys);
        } catch (EOFException e) {
            throw new KeyFileException(file, "ends inside its key list (the count does not match the content)", e);
        } catch (IllegalArgumentException e) {
            throw new KeyFileException(file, "holds an invalid key entry: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading key file " + file, e);
        }
    }

    /** Replaces {@code file} by one holding {@code keys}, atomically and durably. */
    static void write(Path file, List<ApiKey> keys) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + keys.size() * 128);
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
            CRC32C crc = new CRC32C();
            crc.update(bytes.toByteArray());
            out.writeInt((int) crc.getValue());
        } catch (IOException e) {
            throw new UncheckedIOException("encoding the key file in memory", e);
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
            throw new UncheckedIOException("writing key file " + file, e);
        }
    }
}
