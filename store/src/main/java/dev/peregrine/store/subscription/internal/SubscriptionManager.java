package dev.peregrine.store.subscription.internal;

import dev.peregrine.store.InvalidEventException;
import dev.peregrine.store.StateConflictException;
import dev.peregrine.store.StorageFailureException;
import dev.peregrine.store.follow.CommittedLog;
import dev.peregrine.store.framing.AtomicFile;
import dev.peregrine.store.log.SegmentedLog;
import dev.peregrine.store.subscription.ConsumerGroup;
import dev.peregrine.store.subscription.DurableSubscription;
import dev.peregrine.store.subscription.GroupOptions;
import dev.peregrine.store.subscription.StartPosition;
import dev.peregrine.store.subscription.Subscription;
import dev.peregrine.store.subscription.SubscriptionFilter;
import dev.peregrine.store.subscription.SubscriptionListener;
import dev.peregrine.store.subscription.Subscriptions;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The subscriptions of one store: starts them, keeps durable checkpoints and consumer groups under
 * {@code <store>/subscriptions/}, and stops them all at close. Thread-safe.
 */
public final class SubscriptionManager implements Subscriptions, AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SubscriptionManager.class);

    /** Events a subscription's live buffer holds before it falls back to reading the log. */
    public static final int DEFAULT_BUFFER = 4_096;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    private final CommittedLog log;
    private final Path dir;
    private final int bufferCapacity;
    private final LiveDispatcher dispatcher;
    private final Set<LiveSubscription> running = ConcurrentHashMap.newKeySet();
    private final Map<String, DurableLiveSubscription> durables = new ConcurrentHashMap<>();
    /** Open groups; opening, creating and deleting one synchronise on this map. */
    private final Map<String, ConsumerGroupImpl> groups = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param log the store's committed log
     * @param storeDirectory the store's directory; subscription state goes under {@code subscriptions/}
     * @param bufferCapacity each subscription's live buffer, in events
     */
    public SubscriptionManager(CommittedLog log, Path storeDirectory, int bufferCapacity) {
        if (bufferCapacity < 1) {
            throw new IllegalArgumentException("buffer capacity must be at least 1, got " + bufferCapacity);
        }
        this.log = log;
        this.dir = storeDirectory.resolve("subscriptions");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StorageFailureException("cannot create", dir, e);
        }
        this.bufferCapacity = bufferCapacity;
        this.dispatcher = new LiveDispatcher(log);
    }

    @Override
    public Subscription subscribe(StartPosition from, SubscriptionFilter filter, SubscriptionListener listener) {
        long start = switch (from) {
            case StartPosition.At at -> at.position();
            case StartPosition.Now now -> log.visiblePosition() + 1;
        };
        return start(new LiveSubscription(log, dispatcher, start, filter, listener, bufferCapacity,
                "from-" + start, null));
    }

    private <S extends LiveSubscription> S start(S sub) {
        checkOpen();
        running.add(sub);
        sub.start();
        return sub;
    }

    @Override
    public DurableSubscription durable(String name, SubscriptionFilter filter, SubscriptionListener listener) {
        checkName(name);
        synchronized (durables) {
            DurableLiveSubscription open = durables.get(name);
            if (open != null && !open.isClosed()) {
                throw new StateConflictException("durable subscription '" + name + "' is open already");
            }
            Path file = dir.resolve(name + ".sub");
            long acknowledged = clampToLog(name, SubscriptionStateFile.read(file).map(SubscriptionStateFile.State::position)
                    .orElse(0L));
            DurableLiveSubscription[] self = new DurableLiveSubscription[1];
            self[0] = new DurableLiveSubscription(log, dispatcher, name, file, acknowledged, filter, listener,
                    bufferCapacity, () -> durables.remove(name, self[0]));
            durables.put(name, self[0]);
            return start(self[0]);
        }
    }

    @Override
    public ConsumerGroup group(String name, GroupOptions options) {
        checkName(name);
        synchronized (groups) {
            checkOpen();
            ConsumerGroupImpl open = groups.get(name);
            return open != null ? open : openGroup(name, options, false);
        }
    }

    @Override
    public ConsumerGroup createGroup(String name, GroupOptions options) {
        checkName(name);
        synchronized (groups) {
            checkOpen();
            if (groups.containsKey(name) || Files.exists(groupFile(name))) {
                throw new StateConflictException("consumer group '" + name + "' exists already");
            }
            return openGroup(name, options, true);
        }
    }

    @Override
    public Optional<ConsumerGroup> findGroup(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        synchronized (groups) {
            checkOpen();
            ConsumerGroupImpl open = groups.get(name);
            if (open != null) {
                return Optional.of(open);
            }
            if (!Files.exists(groupFile(name))) {
                return Optional.empty();
            }
            return Optional.of(openGroup(name, GroupOptions.DEFAULTS, false));
        }
    }

    @Override
    public boolean deleteGroup(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            return false;
        }
        synchronized (groups) {
            checkOpen();
            ConsumerGroupImpl open = groups.remove(name);
            if (open != null) {
                open.delete();
                return true;
            }
            Path file = groupFile(name);
            if (!Files.exists(file)) {
                return false;
            }
            AtomicFile.delete(file);
            SegmentedLog.fsyncDirectory(dir);
            return true;
        }
    }

    @Override
    public List<String> groupNames() {
        return names(".group");
    }

    /** Reads the group's file (if any) and opens the group. Caller holds the {@link #groups} monitor. */
    private ConsumerGroupImpl openGroup(String name, GroupOptions options, boolean create) {
        Path file = groupFile(name);
        Optional<SubscriptionStateFile.State> persisted = create ? Optional.empty() : SubscriptionStateFile.read(file);
        ConsumerGroupImpl group = new ConsumerGroupImpl(name, file, persisted, options, log, this);
        groups.put(name, group);
        return group;
    }

    private Path groupFile(String name) {
        return dir.resolve(name + ".group");
    }

    /** Starts the internal subscription feeding a consumer group. */
    LiveSubscription startFeed(String group, long start, SubscriptionFilter filter, SubscriptionListener listener) {
        return start(new LiveSubscription(log, dispatcher, start, filter, listener, bufferCapacity,
                "group-" + group, null));
    }

    @Override
    public List<String> durableNames() {
        List<String> names = new ArrayList<>(names(".sub"));
        names.addAll(groupNames());
        return new ArrayList<>(new TreeSet<>(names));
    }

    /** @return the names of the state files with that suffix, sorted */
    private List<String> names(String suffix) {
        Set<String> names = new TreeSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + suffix)) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                names.add(n.substring(0, n.length() - suffix.length()));
            }
        } catch (IOException e) {
            throw new StorageFailureException("cannot list", dir, e);
        }
        return new ArrayList<>(names);
    }

    /**
     * A checkpoint past the end of the recovered log means events were lost in a crash under a
     * non-fsync durability policy; positions are then reused by new events, which must not be skipped.
     */
    long clampToLog(String name, long checkpoint) {
        long last = log.visiblePosition();
        if (checkpoint > last) {
            LOG.warn("subscription {}: acknowledged position {} is past the end of the log ({}); events were lost "
                    + "in a crash; resuming after {}", name, checkpoint, last, last);
            return last;
        }
        return checkpoint;
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidEventException("name", "a subscription name is 1 to 128 characters of [A-Za-z0-9_.-] "
                    + "starting with a letter or digit, got " + (name == null ? "none" : "'" + name + "'"));
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new StorageFailureException("the store is closed", null, null, StorageFailureException.Outcome.NOT_WRITTEN);
        }
    }

    /** Stops every subscription and group, waiting for their threads, then the dispatcher. */
    @Override
    public void close() {
        closed = true;
        groups.values().forEach(ConsumerGroupImpl::close);
        for (LiveSubscription s : running) {
            s.close();
        }
        for (LiveSubscription s : running) {
            s.awaitEnd();
        }
        dispatcher.close();
    }
}
