package dev.peregrine.store.log;

import dev.peregrine.store.InsufficientSpaceException;
import dev.peregrine.store.StorageFailureException;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Refuses writes once the free space of the store's file system falls below a watermark
 * ({@link dev.peregrine.store.StoreOptions#minFreeBytes()}), before the disk is actually full.
 *
 * <p>Asking the file system ({@code statvfs}) costs a system call, too much for every single-event
 * append, so the free space is re-read at most every {@value #REFRESH_MILLIS} ms and estimated in
 * between by subtracting what was written since. Near the watermark (within one segment's size, which
 * a segment roll allocates at once) it is re-read on every write, so a refusal is always based on a
 * fresh reading, and so is the first write after space was freed.
 *
 * <p>Thread safety: the sequencer thread only.
 */
public final class FreeSpaceWatermark {

    private static final long REFRESH_MILLIS = 50;

    private final FileStore fileStore;
    private final Path directory;
    private final long watermark;
    private final long margin;
    private long estimatedFree;
    private long readAtNanos;

    /**
     * @param directory the store's directory
     * @param watermark the least free space writes leave, in bytes; 0 turns the check off
     * @param segmentBytes the size of a new segment (a roll takes that much at once)
     */
    public FreeSpaceWatermark(Path directory, long watermark, long segmentBytes) {
        this.directory = directory;
        this.watermark = watermark;
        this.margin = segmentBytes;
        try {
            this.fileStore = Files.getFileStore(directory);
        } catch (IOException e) {
            throw new StorageFailureException("cannot find the file system of", directory, e);
        }
        this.readAtNanos = System.nanoTime() - REFRESH_MILLIS * 2_000_000L;
    }

    /**
     * Admits a write of about {@code bytes}, or refuses it.
     *
     * @param bytes the bytes the write takes
     * @throws InsufficientSpaceException if the free space is below the watermark; nothing is written then
     */
    public void admit(long bytes) {
        if (watermark == 0) {
            return;
        }
        long now = System.nanoTime();
        if (now - readAtNanos > REFRESH_MILLIS * 1_000_000L || estimatedFree - bytes < watermark + margin) {
            try {
                estimatedFree = fileStore.getUsableSpace();
            } catch (IOException e) {
                throw new StorageFailureException("cannot read the free space of", directory, e,
                        StorageFailureException.Outcome.NOT_WRITTEN);
            }
            readAtNanos = now;
        }
        if (estimatedFree - bytes < watermark) {
            throw new InsufficientSpaceException(estimatedFree, watermark);
        }
        estimatedFree -= bytes;
    }
}
