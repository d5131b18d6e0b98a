package dev.peregrine.store.internal;

import dev.peregrine.store.CorruptFileException;
import dev.peregrine.store.EventView;
import dev.peregrine.store.InvalidEventException;
import dev.peregrine.store.Projection;
import dev.peregrine.store.StateConflictException;
import dev.peregrine.store.StorageFailureException;
import dev.peregrine.store.UnsupportedFormatException;
import dev.peregrine.store.framing.AtomicFile;
import dev.peregrine.store.framing.FileBody;
import dev.peregrine.store.framing.FileFormat;
import dev.peregrine.store.follow.CommittedLog;
import dev.peregrine.store.follow.LogConsumer;
import dev.peregrine.store.follow.LogEntry;
import dev.peregrine.store.follow.LogFollower;
import dev.peregrine.store.replay.internal.ShadowState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * Feeds every registered {@link Projection} the log in position order from its checkpoint: each
 * projection is the consumer of its own {@link LogFollower} (thread {@code peregrine-projection-<name>}),
 * so the sequencer never waits for a projection and a slow or failed projection never holds back
 * another. A projection whose {@code apply} throws is stopped (its follower halts) until it is rebuilt.
 *
 * <p><b>Checkpoints.</b> {@code projections/<name>.ckpt} (an {@link AtomicFile} of format {@link #FORMAT}) holds, in one
 * atomically replaced file, the position the projection has applied up to, the id of the event at
 * that position, and the projection's saved state, written on the follower's checkpoint policy
 * ({@link dev.peregrine.store.StoreOptions#followerCheckpointEvery()}) and at close. State and position
 * therefore always agree: after a crash the projection restarts from the state it had at that position
 * and is fed exactly the events after it, so nothing is counted twice. A checkpoint whose position is
 * beyond the log, or whose event id no longer matches the log (the log was truncated by recovery), is
 * discarded and the projection rebuilt from position 1, as is one that is damaged or of a version
 * this build does not read (the previous release's, version 1, among them). Body (little-endian): {@code u64 position,
 * u64 id msb, u64 id lsb, u32 state length, state bytes}.
 *
 * <p>Thread safety: every method from any thread; {@code apply} calls happen only on the projection's
 * follower thread.
 */
public final class ProjectionRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProjectionRunner.class);
    /** {@code projections/<name>.ckpt}: version 2 is this framing; the previous release's (version 1) is discarded. */
    public static final FileFormat FORMAT = FileFormat.of("projection-checkpoint", 2, "PRGNPROJ");

    /**
     * One registered projection: the consumer of its follower. A replay may swap a rebuilt instance in
     * ({@link #shadow}); the slot's monitor orders that swap with the entries applied, and
     * {@code floor} makes the follower skip what a swapped-in instance already holds.
     */
    private final class Slot implements LogConsumer {
        /** The live instance; replaced by a swap, read by any thread. */
        volatile Projection projection;
        final Path file;
        LogFollower follower;
        /** The last position offered to the live instance (applied, or skipped by the floor). Guarded by the slot. */
        long applied;
        /** Entries at or below it are in the live instance already (it was swapped in holding them). Guarded by the slot. */
        long floor;

        Slot(Projection projection, long restored) {
            this.projection = projection;
            this.file = checkpointFile(projection.name());
            this.applied = restored;
        }

        @Override
        public synchronized void accept(LogEntry entry) {
            if (entry.position() > floor) {
                feed(projection, entry);
            }
            applied = entry.position();
        }

        @Override
        public Failure onFailure(long position, Exception failure) {
            return Failure.HALT; // its state may hold half of the event: only a rebuild can tell
        }

        @Override
        public synchronized void rewound(long position) {
            projection.reset();
            AtomicFile.delete(file);
            applied = position;
            floor = position;
        }

        /** Persists the live instance with the position it reflects: the follower's, or a swap's beyond it. */
        @Override
        public synchronized void checkpoint(long followed) {
            long position = Math.max(Math.max(followed, applied), floor);
            Optional<byte[]> state = projection.saveState();
            if (state.isEmpty()) {
                return;
            }
            long msb = position == 0 ? 0 : reader.msb(position);
            long lsb = position == 0 ? 0 : reader.lsb(position);
            AtomicFile.write(file, FORMAT, out -> {
                out.putLong(position);
                out.putLong(msb);
                out.putLong(lsb);
                out.putBlob(state.get());
            });
        }
    }

    private final Path directory;
    private final EventReader reader;
    private final CommittedLog log;
    private final long checkpointEvery;
    private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();

    /**
     * @param directory where checkpoints go
     * @param reader the log reader, for the ids checkpoints are checked against
     * @param log the committed log the projections follow
     * @param checkpointEvery events between checkpoints
     */
    public ProjectionRunner(Path directory, EventReader reader, CommittedLog log, long checkpointEvery) {
        this.directory = directory;
        this.reader = reader;
        this.log = log;
        this.checkpointEvery = checkpointEvery;
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new StorageFailureException("cannot create", directory, e);
        }
    }

    /**
     * Registers a projection, restoring it from its checkpoint when one is valid, and starts feeding it.
     *
     * @param projection the projection
     * @throws InvalidEventException if the name is invalid
     * @throws StateConflictException if the name is taken
     */
    public synchronized void register(Projection projection) {
        String name = projection.name();
        EventValidator.checkName("projection name", name);
        if (slots.containsKey(name)) {
            throw new StateConflictException("a projection named '" + name + "' is already registered");
        }
        long restored = restore(projection);
        Slot slot = new Slot(projection, restored);
        slot.follower = LogFollower.builder("projection-" + name, log, slot).from(restored)
                .checkpointEvery(checkpointEvery).gather(LogFollower.GATHER_UNDER_LOAD).start();
        slots.put(name, slot); // publishes the slot with its follower
    }

    private long restore(Projection projection) {
        Path file = checkpointFile(projection.name());
        projection.reset();
        long position;
        long msb;
        long lsb;
        byte[] state;
        try {
            Optional<FileBody> body = AtomicFile.read(file, FORMAT);
            if (body.isEmpty()) {
                return 0;
            }
            FileBody in = body.get();
            position = in.getLong();
            msb = in.getLong();
            lsb = in.getLong();
            state = in.getBlob();
            in.expectEnd();
        } catch (CorruptFileException | UnsupportedFormatException | StorageFailureException e) {
            LOG.warn("discarding the checkpoint of projection {}: {}; rebuilding from position 1", projection.name(),
                    e.getMessage());
            return 0;
        }
        boolean matches = position == 0 || position > 0
                && position <= log.visiblePosition() && reader.msb(position) == msb && reader.lsb(position) == lsb;
        if (!matches) {
            LOG.warn("checkpoint of projection {} at position {} does not match the log; rebuilding from position 1",
                    projection.name(), position);
            return 0;
        }
        try {
            projection.restoreState(state);
            return position;
        } catch (RuntimeException e) {
            LOG.warn("projection {} could not restore its state; rebuilding from position 1", projection.name(), e);
            projection.reset();
            return 0;
        }
    }

    /** Applies one log entry to a projection: an event, or a tombstone. */
    private static void feed(Projection projection, LogEntry entry) {
        if (entry.isTombstone()) {
            projection.tombstoned(entry.entityId());
        } else {
            projection.apply((EventView) entry);
        }
    }

    /**
     * A new, empty instance of a projection ({@link Projection#emptyCopy()}), to be fed from the log
     * beside the live one, which keeps serving reads, and swapped in for it. The swap holds the slot's
     * monitor, so no entry reaches the live instance meanwhile: the entries it holds beyond the shadow
     * are read into the shadow, the shadow replaces it, and is checkpointed at once. A shadow ahead of
     * the live instance sets the floor, so the follower does not apply those entries twice.
     *
     * @param name a projection
     * @return its shadow
     * @throws InvalidEventException when no projection has that name
     * @throws StateConflictException when it has no empty copy to rebuild into
     */
    public ShadowState shadow(String name) {
        Slot slot = slots.get(name);
        if (slot == null) {
            throw new InvalidEventException("projection", "no projection named '" + name + "'");
        }
        Projection fresh = slot.projection.emptyCopy().orElseThrow(() -> new StateConflictException("projection '"
                + name + "' cannot be rebuilt beside its live state: it has no Projection.emptyCopy(); "
                + "rebuild it in place (EventStore.rebuildProjection)"));
        if (!fresh.name().equals(name)) {
            throw new IllegalStateException("projection " + name + "'s empty copy is named " + fresh.name());
        }
        return new ShadowState() {
            @Override
            public void accept(LogEntry entry) {
                feed(fresh, entry);
            }

            @Override
            public long swapIn(long position) {
                long at;
                synchronized (slot) {
                    if (slots.get(name) != slot) {
                        throw new StateConflictException("projection '" + name + "' was replaced while it was being rebuilt");
                    }
                    if (slot.applied > position) {
                        log.read(position + 1, slot.applied, e -> feed(fresh, e));
                    }
                    at = Math.max(slot.applied, position);
                    slot.floor = at;
                    slot.projection = fresh;
                    slot.checkpoint(at);
                }
                LOG.info("projection {}: rebuilt state swapped in at position {}", name, at);
                return at;
            }
        };
    }

    private Path checkpointFile(String name) {
        return directory.resolve(name + ".ckpt");
    }

    /** @return registered names, sorted */
    public List<String> names() {
        List<String> names = new ArrayList<>(slots.keySet());
        names.sort(null);
        return names;
    }

    /** @param name a name @return the projection */
    public Optional<Projection> get(String name) {
        Slot slot = slots.get(name);
        return slot == null ? Optional.empty() : Optional.of(slot.projection);
    }

    /** @param name a name @return the position it has applied, or -1 if none is registered */
    public long position(String name) {
        Slot slot = slots.get(name);
        return slot == null ? -1 : slot.follower.position();
    }

    /**
     * Asks for a projection to be reset and fed again from position 1 (a stopped one starts again).
     *
     * @param name the projection
     * @return whether one with that name is registered
     */
    public boolean rebuild(String name) {
        Slot slot = slots.get(name);
        if (slot == null) {
            return false;
        }
        slot.follower.rewind(0);
        return true;
    }

    /**
     * Waits until every projection that is not stopped has applied every event visible now.
     *
     * @param timeout how long to wait at most
     * @throws TimeoutException if they did not catch up in time
     * @throws InterruptedException if interrupted
     */
    public void awaitCaughtUp(Duration timeout) throws TimeoutException, InterruptedException {
        long target = log.visiblePosition();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Slot slot : slots.values()) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            if (!slot.follower.awaitPosition(target, left) && !slot.follower.halted()) {
                throw new TimeoutException("projection " + slot.projection.name() + " did not reach position "
                        + target + " in " + timeout);
            }
        }
    }

    /** Stops every projection's follower, each checkpointing its projection unless it is stopped. */
    @Override
    public void close() {
        for (Slot slot : slots.values()) {
            slot.follower.close();
        }
    }
}
