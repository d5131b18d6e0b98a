package dev.peregrine.store.view.internal;

import dev.peregrine.store.view.View;
import dev.peregrine.store.view.ViewChange;
import dev.peregrine.store.view.ViewDefinition;
import dev.peregrine.store.view.ViewDelta;
import dev.peregrine.store.view.ViewFollower;
import dev.peregrine.store.view.ViewListener;
import dev.peregrine.store.view.ViewSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A registered view: its {@link MaintainedView} engine, its own checkpoint ({@code floor}: every
 * event at or below it is already in the engine, so the feeder skips it), and its followers.
 *
 * <p>Position: the manager's applied position {@code A} means every event up to {@code A} was offered
 * to every view; the feeder may be inside {@code A + 1}. A view that event was routed to has already
 * moved its floor to {@code A + 1} when its engine holds it, so {@code max(floor, A)} read under the
 * handle's monitor is exactly the position the engine's content reflects.
 *
 * <p>Thread-safety: the engine is mutated by the feeder (the views' log follower thread) or a
 * backfill, and read by any thread, all under this handle's monitor. Followers are a copy-on-write
 * list read by the feeder.
 */
final class ViewHandle implements View {

    private static final Logger LOG = LoggerFactory.getLogger(ViewHandle.class);

    private final ViewManager manager;
    private final ViewDefinition definition;
    private MaintainedView engine;
    private long floor;
    private final CopyOnWriteArrayList<Follower> followers = new CopyOnWriteArrayList<>();

    ViewHandle(ViewManager manager, MaintainedView engine, long floor) {
        this.manager = manager;
        this.definition = engine.definition();
        this.engine = engine;
        this.floor = floor;
    }

    /** Feeder: an appended event of a type the view reads. */
    void insert(ViewInput event) {
        synchronized (this) {
            if (event.position() <= floor) {
                return;
            }
            floor = event.position();
            List<ViewChange> changes = followers.isEmpty() ? null : new ArrayList<>(2);
            if (engine.insert(event, changes) && changes != null) {
                emit(new ViewDelta(definition.name(), event.position(), changes));
            }
        }
    }

    /** Feeder: a tombstone; retracts the entity's contributions. */
    void retract(String entityId, long position) {
        synchronized (this) {
            if (position <= floor) {
                return;
            }
            floor = position;
            List<ViewChange> changes = followers.isEmpty() ? null : new ArrayList<>();
            if (engine.retract(entityId, position, changes) > 0 && changes != null) {
                emit(new ViewDelta(definition.name(), position, changes));
            }
        }
    }

    private void emit(ViewDelta delta) {
        for (Follower f : followers) {
            try {
                f.listener.onDelta(delta);
            } catch (RuntimeException e) {
                LOG.warn("view {}: a follower threw; removing it", definition.name(), e);
                followers.remove(f);
            }
        }
    }

    /** Rebuild: replaces the engine with a freshly backfilled one and emits no delta for the swap. */
    synchronized void replace(MaintainedView fresh, long freshFloor) {
        this.engine = fresh;
        this.floor = freshFloor;
    }

    /**
     * Persists the engine with the position it reflects, under the monitor so the feeder cannot
     * change it halfway through.
     *
     * @param file the state file
     */
    synchronized void writeState(java.nio.file.Path file) {
        ViewStateFile.write(file, engine, position());
    }

    /** @return the engine now (for tests that look at what it holds) */
    synchronized MaintainedView engine() {
        return engine;
    }

    synchronized long floor() {
        return floor;
    }

    @Override
    public String name() {
        return definition.name();
    }

    @Override
    public ViewDefinition definition() {
        return definition;
    }

    @Override
    public long position() {
        long f;
        synchronized (this) {
            f = floor;
        }
        return Math.max(f, manager.applied());
    }

    @Override
    public synchronized long rowCount() {
        return engine.rowCount();
    }

    @Override
    public boolean awaitPosition(long position, Duration timeout) throws InterruptedException {
        return manager.awaitApplied(position, timeout) || position() >= position;
    }

    @Override
    public synchronized ViewSnapshot read() {
        return new ViewSnapshot(name(), position(), engine.columns(), engine.rows());
    }

    @Override
    public synchronized ViewSnapshot readAsOf(long position) {
        if (position < 0) {
            throw new IllegalArgumentException("a position is at least 0, got " + position);
        }
        long now = position();
        if (position >= now) {
            return read();
        }
        return new ViewSnapshot(name(), position, engine.columns(), engine.rowsAt(position));
    }

    @Override
    public synchronized ViewFollower follow(ViewListener listener) {
        ViewSnapshot snapshot = read();
        Follower f = new Follower(listener, snapshot);
        followers.add(f);
        return f;
    }

    @Override
    public String toString() {
        return "View[" + name() + " at " + position() + "]";
    }

    private final class Follower implements ViewFollower {
        final ViewListener listener;
        final ViewSnapshot snapshot;

        Follower(ViewListener listener, ViewSnapshot snapshot) {
            this.listener = listener;
            this.snapshot = snapshot;
        }

        @Override
        public ViewSnapshot snapshot() {
            return snapshot;
        }

        @Override
        public void close() {
            followers.remove(this);
        }
    }
}
