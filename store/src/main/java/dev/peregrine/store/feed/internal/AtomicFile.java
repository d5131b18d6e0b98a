package dev.peregrine.store.feed.internal;

import dev.peregrine.store.StorageFailureException;
import dev.peregrine.store.log.SegmentedLog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a small file atomically and durably: write a temporary sibling, force it, rename it over
 * the target, force the directory. After a crash the target holds the old bytes or the new ones,
 * never a mix. Used by view state files and subscription checkpoints. Stateless; thread-safe for
 * different targets.
 */
public final class AtomicFile {

    private AtomicFile() {}

    /**
     * @param target the file to replace (created if absent)
     * @param bytes its new content, from position to limit
     * @throws StorageFailureException naming the file when the write fails
     */
    public static void write(Path target, ByteBuffer bytes) {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                while (bytes.hasRemaining()) {
                    ch.write(bytes);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            SegmentedLog.fsyncDirectory(target.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new StorageFailureException("cannot write", target, e);
        }
    }
}
