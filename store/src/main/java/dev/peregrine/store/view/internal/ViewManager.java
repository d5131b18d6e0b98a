package dev.peregrine.store.view.internal;

import dev.peregrine.store.CorruptFileException;
import dev.peregrine.store.StateConflictException;
import dev.peregrine.store.StorageFailureException;
import dev.peregrine.store.UnsupportedFormatException;
import dev.peregrine.store.follow.CommittedLog;
import dev.peregrine.store.follow.LogConsumer;
import dev.peregrine.store.follow.LogEntry;
import dev.peregrine.store.follow.LogFollower;
import dev.peregrine.store.replay.internal.ShadowState;
import dev.peregrine.store.view.BackfillListener;
import dev.peregrine.store.view.View;
import dev.peregrine.store.view.ViewDefinition;
import dev.peregrine.store.view.ViewNotFoundException;
import dev.peregrine.store.view.Views;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a store's views: feeds them in log order from their checkpoints, persists them, registers,
 * backfills, rebuilds and drops them.
 *
 * <p><b>Feeding.</b> The manager is the consumer of one {@link LogFollower} (thread
 * {@code peregrine-views}), which reads the committed log from the applied position onwards; the
 * manager offers each event to the views its type routes to ({@link ViewRouter}), each tombstone to
 * every view as a retraction. All views share that one follower because they share one applied
 * position (a view's own floor only makes it skip what it already holds), so the log is read once for
 * all of them. Appends never wait for views; views lag the log by the follower's latency;
 * {@link View#awaitPosition} waits for a position. A failure to feed an event (a damaged log) is
 * retried after a second, from that event: views that already hold it skip it by their floor.
 *
 * <p><b>Files</b>, under {@code <store>/views/}: {@code <name>.def}, the definition
 * ({@link ViewDefinitionFile}, written once at registration; a {@code <name>.json} of the previous
 * release is upgraded to it), and {@code <name>.view}, the state ({@link ViewStateFile}) written on the
 * follower's checkpoint policy ({@link dev.peregrine.store.StoreOptions#followerCheckpointEvery()}),
 * after registration and rebuild, and at close. On open each view resumes from its state file; a view
 * whose state is missing, damaged, of another definition, or ahead of the recovered log (events lost
 * under a non-fsync policy) restarts from position 1.
 *
 * <p>Thread-safety: public methods are safe from any thread. {@link #feedLock} serialises feeding
 * (one event at a time) with registration, rebuild, drop and checkpoints.
 */
public final class ViewManager implements Views, AutoCloseable {

    /** Entries a backfill reads per call. */
    private static final long BATCH = 4_096;

    private static final Logger LOG = LoggerFactory.getLogger(ViewManager.class);

    private final CommittedLog log;
    /** What every view reads back: an entity's live events at its tombstone, a stretch for an as-of read. */
    private final ViewLog viewLog;
    private final Path dir;
    private final Map<String, ViewHandle> views = new ConcurrentHashMap<>();
    private final ViewRouter<ViewHandle> router = new ViewRouter<>(ViewHandle.class, ViewHandle::definition);
    /**
     * Fair: the feeder takes it once per event, and a registration or checkpoint waiting for it must
     * get it at the feeder's next release rather than lose every race to it while a backlog is fed.
     */
    private final ReentrantLock feedLock = new ReentrantLock(true);
    private final EntryInput input = new EntryInput();
    private final LogFollower follower;
    /**
     * The last position offered to every attached view; written under {@link #feedLock} as each event
     * is offered, so that a registration taking the lock sees exactly what the router's views hold.
     */
    private volatile long applied;
    private volatile boolean closed;

    /**
     * Opens the views persisted under {@code <storeDirectory>/views} and starts feeding them.
     *
     * @param log the store's committed log
     * @param storeDirectory the store's directory
     * @param checkpointEvery events between two checkpoints of every view's state
     */
    public ViewManager(CommittedLog log, Path storeDirectory, long checkpointEvery) {
        this.log = log;
        this.viewLog = new CommittedViewLog(log);
        this.dir = storeDirectory.resolve("views");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StorageFailureException("cannot create", dir, e);
        }
        long last = log.visiblePosition();
        long start = last;
        for (ViewHandle h : loadAll(last)) {
            views.put(h.name(), h);
            router.add(h);
            start = Math.min(start, h.floor());
        }
        this.applied = start;
        this.follower = LogFollower.builder("views", log, new Feed()).from(start).checkpointEvery(checkpointEvery)
                .gather(LogFollower.GATHER_UNDER_LOAD).start();
    }

    /** @return the last position offered to every attached view */
    long applied() {
        return applied;
    }

    private List<ViewHandle> loadAll(long last) {
        List<ViewHandle> out = new ArrayList<>();
        for (Path legacy : list("*" + ViewDefinitionFile.LEGACY_SUFFIX)) {
            ViewDefinitionFile.upgrade(legacy);
        }
        for (Path defFile : list("*" + ViewDefinitionFile.SUFFIX)) {
            out.add(load(defFile, last));
        }
        return out;
    }

    private List<Path> list(String glob) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, glob)) {
            files.forEach(out::add);
        } catch (IOException e) {
            throw new StorageFailureException("cannot list", dir, e);
        }
        out.sort(null);
        return out;
    }

    private ViewHandle load(Path defFile, long last) {
        ViewDefinition definition = ViewDefinitionFile.read(defFile);
        Path state = stateFile(definition.name());
        if (Files.exists(state)) {
            try {
                ViewStateFile.Loaded loaded = ViewStateFile.read(state, this::emptyView).orElseThrow();
                if (!loaded.view().definition().equals(definition)) {
                    LOG.warn("view {}: state file holds another definition; rebuilding from position 1",
                            definition.name());
                } else if (loaded.checkpoint() > last) {
                    LOG.warn("view {}: state is at position {} but the log ends at {} (events lost in a crash "
                            + "under a non-fsync policy); rebuilding from position 1", definition.name(),
                            loaded.checkpoint(), last);
                } else {
                    LOG.info("view {}: resumed at position {} with {} rows", definition.name(),
                            loaded.checkpoint(), loaded.view().rowCount());
                    return new ViewHandle(this, loaded.view(), loaded.checkpoint());
                }
            } catch (CorruptFileException | UnsupportedFormatException e) {
                LOG.warn("view {}: {}; rebuilding from position 1", definition.name(), e.getMessage());
            }
        } else {
            LOG.info("view {}: no state file; building from position 1", definition.name());
        }
        return new ViewHandle(this, emptyView(definition), 0);
    }

    private MaintainedView emptyView(ViewDefinition definition) {
        return new MaintainedView(definition, viewLog);
    }

    /** The follower's consumer: offers each entry to the views it routes to. */
    private final class Feed implements LogConsumer {
        @Override
        public boolean skip(long through) {
            feedLock.lock();
            try {
                if (router.all().length > 0) {
                    return false;
                }
                applied = through; // nothing to feed: no view reads these entries
                return true;
            } finally {
                feedLock.unlock();
            }
        }

        @Override
        public void accept(LogEntry entry) {
            feedLock.lock();
            try {
                apply(entry);
            } finally {
                feedLock.unlock();
            }
        }

        @Override
        public void checkpoint(long position) {
            feedLock.lock();
            try {
                persistAll();
            } finally {
                feedLock.unlock();
            }
        }
    }

    /** Offers one log entry to the views it routes to. Caller holds {@link #feedLock}. */
    private void apply(LogEntry e) {
        if (e.isTombstone()) {
            for (ViewHandle v : router.all()) {
                v.retract(e.entityId(), e.position());
            }
        } else {
            ViewInput in = input.of(e);
            for (ViewHandle v : router.typed(e.eventType())) {
                v.insert(in);
            }
            for (ViewHandle v : router.untyped()) {
                v.insert(in);
            }
        }
        applied = e.position();
    }

    boolean awaitApplied(long position, Duration timeout) throws InterruptedException {
        return follower.awaitPosition(position, timeout);
    }

    @Override
    public View register(ViewDefinition definition, BackfillListener listener) {
        ViewHandle existing = views.get(definition.name());
        if (existing != null) {
            if (existing.definition().equals(definition)) {
                return existing;
            }
            throw new StateConflictException("a different view named '" + definition.name() + "' exists: "
                    + existing.definition().toJson());
        }
        synchronized (this) {
            existing = views.get(definition.name());
            if (existing != null) {
                return register(definition, listener);
            }
            writeDefinition(definition);
            Backfill filled;
            try {
                filled = backfill(emptyView(definition), listener);
            } catch (RuntimeException e) {
                // No half-registered view may come back at the next open.
                try {
                    Files.deleteIfExists(definitionFile(definition.name()));
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            ViewHandle handle;
            feedLock.lock();
            try {
                // The feeder may have moved on while the backfill ran unlocked: catch up to it.
                long caughtUp = catchUp(filled, applied);
                handle = new ViewHandle(this, filled.view, caughtUp);
                views.put(definition.name(), handle);
                router.add(handle);
            } finally {
                feedLock.unlock();
            }
            persist(handle);
            LOG.info("view {}: registered at position {} with {} rows", definition.name(), handle.position(),
                    handle.rowCount());
            return handle;
        }
    }

    /**
     * Rebuilds through the same {@linkplain #shadow shadow} a replay uses, driven here by reading the
     * log up to its end at the time of the call rather than by a follower of its own.
     */
    @Override
    public void rebuild(String name, BackfillListener listener) {
        ShadowState shadow = shadow(name);
        shadow.swapIn(readAll(name, shadow::accept, listener));
    }

    /**
     * A new, empty engine of a view, to be fed from the log beside the live one (which keeps serving
     * reads) and swapped in for it: the one mechanism of {@link #rebuild} and of replays. The swap
     * takes the feed lock, so the live view is held still while the entries it holds beyond the shadow
     * are read into the shadow; the handle's engine is then replaced under its monitor and persisted.
     *
     * @param name a view
     * @return its shadow
     * @throws ViewNotFoundException when no view has that name
     */
    public ShadowState shadow(String name) {
        ViewHandle handle = views.get(name);
        if (handle == null) {
            throw new ViewNotFoundException(name);
        }
        MaintainedView fresh = emptyView(handle.definition());
        RoutingFilter route = new RoutingFilter(handle.definition());
        EntryInput in = new EntryInput();
        return new ShadowState() {
            @Override
            public void accept(LogEntry entry) {
                applyTo(fresh, route, in, entry);
            }

            @Override
            public long swapIn(long position) {
                long at;
                synchronized (ViewManager.this) { // against drop and registration
                    if (views.get(name) != handle) {
                        throw new StateConflictException("view '" + name + "' was dropped or replaced while it was "
                                + "being rebuilt");
                    }
                    feedLock.lock();
                    try {
                        at = catchUp(new Backfill(fresh, position), applied);
                        handle.replace(fresh, at);
                    } finally {
                        feedLock.unlock();
                    }
                    persist(handle);
                }
                LOG.info("view {}: rebuilt state swapped in at position {} with {} rows", name, at, handle.rowCount());
                return at;
            }
        };
    }

    /** A view filled up to a position by a backfill. */
    private record Backfill(MaintainedView view, long position) {}

    /**
     * Fills a fresh view from position 1 to the log's end at the time of the call, without the feed
     * lock (the feeder keeps feeding the other views meanwhile), reporting progress about every 1%.
     */
    private Backfill backfill(MaintainedView view, BackfillListener listener) {
        EntryInput in = new EntryInput();
        RoutingFilter route = new RoutingFilter(view.definition());
        return new Backfill(view, readAll(view.definition().name(), e -> applyTo(view, route, in, e), listener));
    }

    /** Reads the log from position 1 to its end now into {@code sink}, reporting progress about every 1%. */
    private long readAll(String name, java.util.function.Consumer<LogEntry> sink, BackfillListener listener) {
        long target = log.visiblePosition();
        long step = Math.max(1, target / 100);
        long[] next = {step};
        long from = 1;
        while (from <= target) {
            long to = Math.min(target, from + BATCH - 1);
            log.read(from, to, e -> {
                sink.accept(e);
                if (e.position() >= next[0]) {
                    listener.onProgress(name, e.position(), target);
                    next[0] = e.position() + step;
                }
            });
            from = to + 1;
        }
        listener.onProgress(name, target, target);
        return target;
    }

    /** Brings a backfilled view up to {@code to}. Caller holds {@link #feedLock}. */
    private long catchUp(Backfill filled, long to) {
        if (to > filled.position) {
            EntryInput in = new EntryInput();
            RoutingFilter route = new RoutingFilter(filled.view.definition());
            log.read(filled.position + 1, to, e -> applyTo(filled.view, route, in, e));
        }
        return Math.max(to, filled.position);
    }

    private static void applyTo(MaintainedView view, RoutingFilter route, EntryInput in, LogEntry e) {
        if (e.isTombstone()) {
            view.retract(e.entityId(), e.position(), null);
        } else if (route.accepts(e.eventType())) {
            view.insert(in.of(e), null);
        }
    }

    /** The router's type test for a single view being backfilled. */
    private record RoutingFilter(ViewDefinition definition) {
        boolean accepts(String type) {
            return definition.eventTypes().isEmpty() || definition.eventTypes().contains(type);
        }
    }

    @Override
    public Optional<View> get(String name) {
        return Optional.ofNullable(views.get(name));
    }

    @Override
    public List<View> list() {
        return List.copyOf(new TreeMap<String, View>(views).values());
    }

    @Override
    public boolean drop(String name) {
        synchronized (this) {
            ViewHandle handle;
            feedLock.lock();
            try {
                handle = views.remove(name);
                if (handle == null) {
                    return false;
                }
                router.remove(handle);
            } finally {
                feedLock.unlock();
            }
            try {
                Files.deleteIfExists(stateFile(name));
                Files.deleteIfExists(definitionFile(name));
            } catch (IOException e) {
                throw new StorageFailureException("cannot delete the files of view " + name, dir, e);
            }
            return true;
        }
    }

    /** Persists every view's state. Caller holds {@link #feedLock}. */
    private void persistAll() {
        for (ViewHandle h : views.values()) {
            persist(h);
        }
    }

    private void persist(ViewHandle h) {
        h.writeState(stateFile(h.name()));
    }

    private void writeDefinition(ViewDefinition definition) {
        ViewDefinitionFile.write(definitionFile(definition.name()), definition);
    }

    private Path definitionFile(String name) {
        return dir.resolve(name + ViewDefinitionFile.SUFFIX);
    }

    private Path stateFile(String name) {
        return dir.resolve(name + ".view");
    }

    /** Stops feeding and persists every view (the follower's last checkpoint). The store must still be readable. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        follower.close();
    }
}
