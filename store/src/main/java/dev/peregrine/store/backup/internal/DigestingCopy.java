package dev.peregrine.store.backup.internal;

import dev.peregrine.store.StorageFailureException;
import dev.peregrine.store.backup.BackupProgress;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Reads the first bytes of a file in chunks, hashing them with SHA-256 and, when given a target,
 * writing them there and forcing it: the one loop behind a backup's copies, a restore's checks and
 * a restore's copies. Counts what it read into a shared {@link Counter} so that one progress line
 * covers a whole operation.
 */
final class DigestingCopy {

    private static final int CHUNK = 1 << 20;

    /** Bytes done so far of an operation, and how many it does in all. */
    static final class Counter {
        private final long total;
        private final BackupProgress progress;
        private long done;

        Counter(long total, BackupProgress progress) {
            this.total = total;
            this.progress = progress;
        }

        void add(long bytes) {
            done += bytes;
            progress.progress(done, total);
        }
    }

    private DigestingCopy() {
    }

    /**
     * @param source the file to read
     * @param bytes how many bytes from its start
     * @param target where to write them, created or truncated; {@code null} to only hash
     * @param counter progress
     * @return the SHA-256 of the bytes, lower-case hex
     * @throws StorageFailureException if the source is shorter than {@code bytes} or a read or write fails
     */
    static String run(Path source, long bytes, Path target, Counter counter) {
        MessageDigest sha = sha256();
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(bytes, 1)));
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
             FileChannel out = target == null ? null : FileChannel.open(target, StandardOpenOption.CREATE,
                     StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            long at = 0;
            while (at < bytes) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), bytes - at));
                int n = in.read(buffer, at);
                if (n < 0) {
                    throw new StorageFailureException("the file ended after " + at + " of " + bytes + " bytes", source, null);
                }
                buffer.flip();
                sha.update(buffer.duplicate());
                while (out != null && buffer.hasRemaining()) {
                    out.write(buffer, at + buffer.position());
                }
                at += n;
                counter.add(n);
            }
            if (out != null) {
                out.force(true);
            }
        } catch (IOException e) {
            throw new StorageFailureException("cannot copy", target == null ? source : target, e);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /**
     * @param content bytes to write
     * @param target the file, created or truncated, then forced
     * @return the SHA-256 of the bytes, lower-case hex
     */
    static String write(byte[] content, Path target) {
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(content);
            while (b.hasRemaining()) {
                out.write(b, b.position());
            }
            out.force(true);
        } catch (IOException e) {
            throw new StorageFailureException("cannot write", target, e);
        }
        return HexFormat.of().formatHex(sha256().digest(content));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
