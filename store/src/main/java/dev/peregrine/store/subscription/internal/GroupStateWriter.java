package dev.peregrine.store.subscription.internal;

import dev.peregrine.store.framing.AtomicFile;
import dev.peregrine.store.log.SegmentedLog;
import dev.peregrine.store.subscription.GroupOptions;
import dev.peregrine.store.subscription.ParkedEvent;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes a consumer group's state durable outside the group's lock, with group commit: members keep
 * polling and settling while the file is forced, and one write covers every state change made before
 * it started.
 *
 * <p>Protocol. Under the group lock, each change of the persisted state (checkpoint, parked list) is
 * {@linkplain #offer offered} as an immutable snapshot with the next generation number, so snapshots
 * arrive in generation order. After releasing the group lock, the thread that made the change calls
 * {@link #awaitDurable} with that generation. Only one thread writes at a time (the {@link #writing}
 * lock); whoever holds it writes the <em>newest</em> snapshot offered, so a thread that waited for the
 * lock usually finds its generation covered by the previous write and returns without writing. Writes
 * are serialised and each takes a snapshot at least as new as the one before, so a later state is
 * never replaced on disk by an earlier one.
 *
 * <p>Guarantee: when {@link #awaitDurable(long)} returns, a snapshot of at least that generation is in
 * the file (written atomically and forced, file and directory, by {@link SubscriptionStateFile}). When
 * a write fails, the caller that wrote gets the {@link dev.peregrine.store.StorageFailureException} and
 * the durable generation stays where it was; the next caller writes the newest state again.
 *
 * <p>Deletion: {@link #delete} removes the file under {@link #writing} and makes every later write a
 * no-op, so a settlement that returns after a group was deleted cannot bring its file back.
 *
 * <p>Thread-safety: {@link #offer} is called under the group lock; {@link #awaitDurable} from any
 * thread, never under the group lock (it may wait for a disk write).
 */
final class GroupStateWriter {

    /** One persisted state of the group. */
    record Snapshot(long generation, long checkpoint, List<ParkedEvent> parked, GroupOptions options) {}

    private final Path file;
    /** Single writer: the thread holding it writes; the threads waiting for it are the group of the commit. */
    private final ReentrantLock writing = new ReentrantLock();
    /** The newest snapshot offered. Volatile: set under the group lock, read under {@link #writing}. */
    private volatile Snapshot latest;
    /** The generation of the snapshot last written. Volatile for the unlocked fast path; written under {@link #writing}. */
    private volatile long durable;
    /** Set under {@link #writing} by {@link #delete}; read under it. */
    private boolean deleted;

    /**
     * @param file the group's state file
     * @param initial the state read from the file (or the empty state), generation 0, durable already
     */
    GroupStateWriter(Path file, Snapshot initial) {
        this.file = file;
        this.latest = initial;
        this.durable = initial.generation();
    }

    /**
     * Records the newest state. Caller holds the group lock, which orders offers by generation.
     *
     * @param snapshot the state after a change, with a generation above every earlier one
     */
    void offer(Snapshot snapshot) {
        latest = snapshot;
    }

    /**
     * Returns once a state of at least {@code generation} is durable, writing the newest state if no
     * write since that generation's offer has covered it. Never call under the group lock.
     *
     * @param generation a generation offered by this thread (or any earlier one)
     * @throws dev.peregrine.store.StorageFailureException when the write fails
     */
    void awaitDurable(long generation) {
        if (durable >= generation) {
            return;
        }
        writing.lock();
        try {
            if (durable >= generation || deleted) {
                return; // covered by the write that held the lock while this thread waited, or moot
            }
            Snapshot newest = latest; // at least `generation`: offered before this call
            SubscriptionStateFile.write(file, SubscriptionStateLayout.KIND_GROUP, newest.checkpoint(), newest.parked(),
                    newest.options());
            durable = newest.generation();
        } finally {
            writing.unlock();
        }
    }

    /**
     * Deletes the file (and forces the directory) after any write under way; no write follows.
     *
     * @throws dev.peregrine.store.StorageFailureException when the file cannot be deleted
     */
    void delete() {
        writing.lock();
        try {
            deleted = true;
            AtomicFile.delete(file);
            // A delete that a crash undoes would bring the group back: make the directory entry's removal durable.
            SegmentedLog.fsyncDirectory(file.toAbsolutePath().getParent());
        } finally {
            writing.unlock();
        }
    }
}
