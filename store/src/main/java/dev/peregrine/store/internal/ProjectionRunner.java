package dev.peregrine.store.internal;

import dev.peregrine.store.InvalidEventException;
import dev.peregrine.store.Projection;
import dev.peregrine.store.StateConflictException;
import dev.peregrine.store.StorageFailureException;
import dev.peregrine.store.StoredEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Feeds every registered {@link Projection} the log in position order from its checkpoint, on one
 * thread ({@code peregrine-projections}) so that the sequencer never waits for a projection.
 *
 * <p><b>Checkpoints.</b> {@code projections/<name>.ckpt} ({@link AtomicFileDescriptor}) holds, in one
 * atomically replaced file, the position the projection has applied up to, the id of the event at
 * that position, and the projection's saved state. State and position therefore always agree: after
 * a crash the projection restarts from the state it had at that position and is fed exactly the events
 * after it, so nothing is counted twice. A checkpoint whose position is beyond the log, or whose event
 * id no longer matches the log (the log was truncated by recovery), is discarded and the projection
 * rebuilt from position 1. Body (little-endian): {@code u64 position, u64 id msb, u64 id lsb,
 * u32 state length, state bytes}.
 *
 * <p>Thread safety: {@link #register}, {@link #rebuild}, {@link #awaitCaughtUp} from any thread;
 * {@code apply} calls happen only on the runner thread.
 */
public final class ProjectionRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProjectionRunner.class);
    private static final int FORMAT_VERSION = 1;
    private static final int CHUNK = 1024;

    /** One registered projection and where it is. */
    private static final class Slot {
        final Projection projection;
        volatile long position;
        volatile boolean rebuildRequested;
        volatile boolean failed;
        long sinceCheckpoint;

        Slot(Projection projection) {
            this.projection = projection;
        }
    }

    private final Path directory;
    private final EventReader reader;
    private final LongSupplier visible;
    private final int checkpointEvery;
    private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();
    private final Object progress = new Object();
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param directory where checkpoints go
     * @param reader the log reader
     * @param visible supplies the visible position
     * @param checkpointEvery events between checkpoints
     */
    public ProjectionRunner(Path directory, EventReader reader, LongSupplier visible, int checkpointEvery) {
        this.directory = directory;
        this.reader = reader;
        this.visible = visible;
        this.checkpointEvery = checkpointEvery;
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new StorageFailureException("cannot create", directory, e);
        }
        this.thread = Thread.ofPlatform().name("peregrine-projections").daemon(true).unstarted(this::run);
    }

    /** Starts the runner thread. */
    public void start() {
        thread.start();
    }

    /** Wakes the runner: new events are visible. Cheap; called from the sequencer's commit hook. */
    public void signal() {
        LockSupport.unpark(thread);
    }

    /**
     * Registers a projection, restoring it from its checkpoint when one is valid.
     *
     * @param projection the projection
     * @throws InvalidEventException if the name is invalid
     * @throws StateConflictException if the name is taken
     */
    public void register(Projection projection) {
        String name = projection.name();
        EventValidator.checkEventType("projection name", name);
        if (slots.containsKey(name)) {
            throw new StateConflictException("a projection named '" + name + "' is already registered");
        }
        Slot slot = new Slot(projection);
        slot.position = restore(projection); // before the runner can see the slot
        if (slots.putIfAbsent(name, slot) != null) {
            throw new StateConflictException("a projection named '" + name + "' is already registered");
        }
        signal();
    }

    private long restore(Projection projection) {
        Path file = checkpointFile(projection.name());
        Optional<ByteBuffer> body;
        try {
            body = AtomicFile.read(file, AtomicFileDescriptor.PROJECTION_MAGIC, FORMAT_VERSION);
        } catch (RuntimeException e) {
            LOG.warn("discarding unreadable checkpoint of projection {}: {}", projection.name(), e.getMessage());
            body = Optional.empty();
        }
        projection.reset();
        if (body.isEmpty()) {
            return 0;
        }
        ByteBuffer in = body.get();
        long position = in.getLong();
        long msb = in.getLong();
        long lsb = in.getLong();
        byte[] state = AtomicFile.getBytes(in);
        boolean matches = position == 0
                || position <= visible.getAsLong() && reader.msb(position) == msb && reader.lsb(position) == lsb;
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
        return slot == null ? -1 : slot.position;
    }

    /**
     * Asks for a projection to be reset and fed again from position 1.
     *
     * @param name the projection
     * @return whether one with that name is registered
     */
    public boolean rebuild(String name) {
        Slot slot = slots.get(name);
        if (slot == null) {
            return false;
        }
        slot.rebuildRequested = true;
        signal();
        return true;
    }

    /**
     * Waits until every projection has applied every event visible now.
     *
     * @param timeout how long to wait at most
     * @throws TimeoutException if they did not catch up in time
     * @throws InterruptedException if interrupted
     */
    public void awaitCaughtUp(Duration timeout) throws TimeoutException, InterruptedException {
        long target = visible.getAsLong();
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (!caughtUp(target)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("projections did not reach position " + target + " in " + timeout);
                }
                signal();
                progress.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    private boolean caughtUp(long target) {
        for (Slot slot : slots.values()) {
            if (!slot.failed && (slot.position < target || slot.rebuildRequested)) {
                return false;
            }
        }
        return true;
    }

    private void run() {
        while (running) {
            boolean worked = false;
            for (Slot slot : slots.values()) {
                synchronized (slot) {
                    worked |= step(slot);
                }
            }
            if (worked) {
                synchronized (progress) {
                    progress.notifyAll();
                }
            } else {
                synchronized (progress) {
                    progress.notifyAll();
                }
                LockSupport.parkNanos(50_000_000L);
            }
        }
    }

    /** Applies up to one chunk of events to one projection. Runner thread only. */
    private boolean step(Slot slot) {
        if (slot.rebuildRequested) {
            slot.projection.reset();
            AtomicFile.delete(checkpointFile(slot.projection.name()));
            slot.position = 0;
            slot.sinceCheckpoint = 0;
            slot.failed = false;
            slot.rebuildRequested = false;
        }
        if (slot.failed) {
            return false;
        }
        long target = Math.min(visible.getAsLong(), slot.position + CHUNK);
        if (slot.position >= target) {
            return false;
        }
        long p = slot.position;
        try {
            while (p < target) {
                long next = p + 1;
                StoredEvent event = reader.read(next);
                if (event.isTombstone()) {
                    slot.projection.tombstoned(event.entityId());
                } else {
                    slot.projection.apply(event);
                }
                p = next;
                slot.position = p;
                slot.sinceCheckpoint++;
            }
        } catch (RuntimeException e) {
            slot.failed = true;
            LOG.error("projection {} failed at position {}; it is stopped until rebuilt", slot.projection.name(), p + 1, e);
            return true;
        }
        if (slot.sinceCheckpoint >= checkpointEvery) {
            checkpoint(slot);
        }
        return true;
    }

    private void checkpoint(Slot slot) {
        Optional<byte[]> state = slot.projection.saveState();
        if (state.isEmpty()) {
            slot.sinceCheckpoint = 0;
            return;
        }
        long position = slot.position;
        long msb = position == 0 ? 0 : reader.msb(position);
        long lsb = position == 0 ? 0 : reader.lsb(position);
        try {
            AtomicFile.write(checkpointFile(slot.projection.name()), AtomicFileDescriptor.PROJECTION_MAGIC, FORMAT_VERSION,
                    out -> {
                        out.putLong(position);
                        out.putLong(msb);
                        out.putLong(lsb);
                        out.putBytes(state.get());
                    });
        } catch (StorageFailureException e) {
            // A checkpoint only shortens the next replay: a full disk must not stop the projection.
            // The previous checkpoint is intact (replaced atomically); the next interval tries again.
            LOG.warn("checkpoint of projection {} not saved: {}", slot.projection.name(), e.getMessage());
        }
        slot.sinceCheckpoint = 0;
    }

    /** Stops the runner and checkpoints every projection that is not failed. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Slot slot : slots.values()) {
            synchronized (slot) {
                if (!slot.failed && !slot.rebuildRequested) {
                    checkpoint(slot);
                }
            }
        }
    }
}
