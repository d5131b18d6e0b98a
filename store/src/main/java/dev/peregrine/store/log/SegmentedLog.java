package dev.peregrine.store.log;

import dev.peregrine.store.StorageFailureException;
import dev.peregrine.store.index.IndexMemory;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * The log: an ordered run of {@link LogSegment}s whose positions are contiguous. Rolls to a new
 * segment when the active one cannot hold the next batch, fsyncing the new file and the directory
 * before any entry is written to it, so a position acknowledged later can never live in a file whose
 * name is not durable.
 *
 * <p>Thread safety: {@link #ensureRoom}, {@link #markDirty} and {@link #forceDirty} are for the
 * sequencer thread only. {@link #segmentFor} and {@link #segments} may be called from any thread: the
 * segment array is replaced copy-on-write and published with release, under this object's monitor
 * when a roll (sequencer) or a {@link #replace} (a scavenge) changes it. The sequencer writes and
 * forces at most the last two segments, which a scavenge never replaces. The force counters are
 * volatile, written by the sequencer thread only and read by any.
 */
public final class SegmentedLog implements AutoCloseable {

    private static final VarHandle SEGMENTS;

    static {
        try {
            SEGMENTS = MethodHandles.lookup().findVarHandle(SegmentedLog.class, "segments", LogSegment[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Path directory;
    private final int segmentBytes;
    private final IndexMemory indexMemory;
    @SuppressWarnings("unused") // accessed through SEGMENTS
    private LogSegment[] segments;
    /** Segments written since the last force; at most two (the active one and the one rolled from). */
    private LogSegment dirtyPrevious;
    private LogSegment dirtyActive;
    /** {@link System#nanoTime()} when the last {@link #forceDirty} returned (or the log was opened). */
    private long lastForceNanos = System.nanoTime();
    /** {@link System#currentTimeMillis()} when the last force returned; 0 before the first. */
    private volatile long lastForceMillis;
    /** Forces done and their summed duration: single writer, so the plain increments cannot race. */
    private volatile long forces;
    private volatile long forceNanos;

    /**
     * @param directory the log directory
     * @param segmentBytes size of new segment files
     * @param recovered segments validated by the {@link LogLoader}, in order (may be empty)
     * @param indexMemory where new segments' offset indexes are kept
     */
    public SegmentedLog(Path directory, int segmentBytes, List<LogSegment> recovered, IndexMemory indexMemory) {
        this.directory = directory;
        this.segmentBytes = segmentBytes;
        this.indexMemory = indexMemory;
        this.segments = recovered.toArray(new LogSegment[0]);
    }

    /** @return where the segments' offset indexes are kept */
    public IndexMemory indexMemory() {
        return indexMemory;
    }

    /** @return the size of new segment files */
    public int segmentBytes() {
        return segmentBytes;
    }

    /** @return the segments, oldest first (a snapshot; do not modify) */
    public LogSegment[] segments() {
        return (LogSegment[]) SEGMENTS.getAcquire(this);
    }

    /** @return the segment new entries go to, or {@code null} before the first append */
    public LogSegment active() {
        LogSegment[] s = segments();
        return s.length == 0 ? null : s[s.length - 1];
    }

    /**
     * @param position a position that exists in the log
     * @return the segment holding it
     */
    public LogSegment segmentFor(long position) {
        LogSegment[] s = segments();
        int lo = 0;
        int hi = s.length - 1;
        while (lo < hi) { // last segment whose base <= position
            int mid = (lo + hi + 1) >>> 1;
            if (s[mid].basePosition() <= position) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return s[lo];
    }

    /**
     * Makes sure the active segment has {@code bytes} free, rolling to a new segment starting at
     * {@code nextPosition} if not. Sequencer only.
     *
     * @param bytes bytes needed (at most a segment's capacity minus its header)
     * @param nextPosition the position the next entry will get
     * @return the segment to write to
     * @throws dev.peregrine.store.StorageFailureException with outcome {@code NOT_WRITTEN} if the
     *         segment cannot be made ready or a new one cannot be created (the disk is full): nothing
     *         was written, and the call may be retried
     */
    public LogSegment ensureRoom(int bytes, long nextPosition) {
        LogSegment active = active();
        if (active != null && active.remaining() >= bytes) {
            active.prepareForWrites();
            return active;
        }
        return roll(nextPosition);
    }

    private LogSegment roll(long basePosition) {
        Path path = directory.resolve(SegmentHeaderDescriptor.fileName(basePosition));
        LogSegment created = LogSegment.create(path, basePosition, segmentBytes, indexMemory);
        try {
            fsyncDirectory(directory);
        } catch (StorageFailureException e) {
            created.close();
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // an empty leftover segment is deleted by the next recovery
            }
            throw new StorageFailureException(e.reason(), directory, e, StorageFailureException.Outcome.NOT_WRITTEN);
        }
        synchronized (this) { // against a scavenge's replace(): both copy the array and publish it
            LogSegment[] old = segments();
            LogSegment[] next = Arrays.copyOf(old, old.length + 1);
            next[old.length] = created;
            SEGMENTS.setRelease(this, next);
        }
        if (dirtyActive != null) {
            if (dirtyPrevious != null) {
                dirtyPrevious.force(); // a second roll before a force: only two segments are tracked
            }
            dirtyPrevious = dirtyActive;
        }
        dirtyActive = null;
        return created;
    }

    /**
     * Puts a rewritten copy in place of a sealed segment, for readers that look it up from now on;
     * readers holding the old one keep reading its mapping. Called by a scavenge after the copy was
     * renamed over the old file. The old segment's file is closed.
     *
     * @param old a segment of this log that the sequencer no longer writes or forces
     * @param replacement the same positions, read from the rewritten file
     * @throws IllegalArgumentException if {@code old} is not in the log or the replacement does not
     *         start where it did
     */
    public void replace(LogSegment old, LogSegment replacement) {
        if (replacement.basePosition() != old.basePosition() || replacement.entryCount() != old.entryCount()) {
            throw new IllegalArgumentException(replacement + " cannot replace " + old);
        }
        synchronized (this) {
            LogSegment[] current = segments();
            int at = Arrays.asList(current).indexOf(old);
            if (at < 0 || at >= current.length - 2) {
                throw new IllegalArgumentException(old + " is not a sealed segment of the log");
            }
            LogSegment[] next = current.clone();
            next[at] = replacement;
            SEGMENTS.setRelease(this, next);
        }
        old.close();
    }

    /**
     * Notes that {@code segment} has unforced writes. Sequencer only.
     *
     * @param segment the segment just written
     */
    public void markDirty(LogSegment segment) {
        if (dirtyActive != segment) {
            if (dirtyActive != null) {
                dirtyPrevious = dirtyActive;
            }
            dirtyActive = segment;
        }
    }

    /** @return whether anything was written since the last force */
    public boolean hasDirty() {
        return dirtyActive != null || dirtyPrevious != null;
    }

    /**
     * Forces every segment written since the last force, older first, and counts the force.
     * Sequencer only; does nothing if nothing was written.
     */
    public void forceDirty() {
        if (!hasDirty()) {
            return;
        }
        long started = System.nanoTime();
        if (dirtyPrevious != null) {
            dirtyPrevious.force();
            dirtyPrevious = null;
        }
        if (dirtyActive != null) {
            dirtyActive.force();
            dirtyActive = null;
        }
        lastForceNanos = System.nanoTime();
        lastForceMillis = System.currentTimeMillis();
        forceNanos = forceNanos + (lastForceNanos - started);
        forces = forces + 1;
    }

    /** @return nanoseconds since the last {@link #forceDirty} returned, or since open (sequencer only) */
    public long nanosSinceForce() {
        return System.nanoTime() - lastForceNanos;
    }

    /** @return how many times {@link #forceDirty} forced the log since it was opened */
    public long forces() {
        return forces;
    }

    /** @return the time spent in those forces, in nanoseconds */
    public long forceNanos() {
        return forceNanos;
    }

    /** @return when the last force returned, epoch milliseconds; 0 if none since the log was opened */
    public long lastForceMillis() {
        return lastForceMillis;
    }

    /**
     * The bytes each segment holds up to {@code position}: its header and its entries up to that
     * position (a segment that ends before it, up to its last entry; one that starts after it, none).
     * Unlike {@link #bytesOnDisk()} this leaves out the allocated space not yet written.
     *
     * @param position a position readers may see (at most the visible one)
     * @return used bytes per segment, in order; 0 for segments past {@code position}
     */
    public long[] usedBytes(long position) {
        LogSegment[] all = segments();
        long[] used = new long[all.length];
        for (int i = 0; i < all.length && all[i].basePosition() <= position; i++) {
            long last = i + 1 < all.length ? Math.min(position, all[i + 1].basePosition() - 1) : position;
            used[i] = all[i].endOf(last);
        }
        return used;
    }

    /** @return bytes of all segment files */
    public long bytesOnDisk() {
        long total = 0;
        for (LogSegment s : segments()) {
            total += s.capacity();
        }
        return total;
    }

    /**
     * Fsyncs a directory so that files created or renamed in it are durable.
     *
     * @param directory the directory
     */
    public static void fsyncDirectory(Path directory) {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // Some file systems refuse to open directories; there the rename/creation is as durable
            // as the platform allows and there is nothing more to do.
            if (Files.isDirectory(directory)) {
                return;
            }
            throw new StorageFailureException("cannot fsync directory", directory, e);
        }
    }

    /** Drops every segment's pages from the process's resident set ({@link LogSegment#releaseResident()}). Any thread. */
    public void releaseResident() {
        for (LogSegment s : segments()) {
            s.releaseResident();
        }
    }

    @Override
    public void close() {
        for (LogSegment s : segments()) {
            s.close();
        }
    }
}
