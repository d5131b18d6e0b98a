package dev.peregrine.store.internal;

import dev.peregrine.store.InvalidEventException;
import dev.peregrine.store.StorageFailureException;
import dev.peregrine.store.log.SegmentedLog;
import dev.peregrine.store.retention.Retention;
import dev.peregrine.store.retention.RetentionRule;
import dev.peregrine.store.retention.ScavengeStatus;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The engine's {@link Retention}: the rules (stored in {@link RetentionRulesFile} before they take
 * effect in the {@link RetentionPolicy}) and at most one {@link Scavenger} run at a time.
 *
 * <p>Thread safety: any thread. Rule changes and a scavenge's installs are serialized by one lock
 * ({@code install}), so a rewritten segment never goes in under rules that are no longer in force.
 */
public final class RetentionManager implements Retention, AutoCloseable {

    private final Path rulesFile;
    private final SegmentedLog log;
    private final EventReader reader;
    private final RetentionPolicy policy;
    private final SnapshotStore snapshots;
    private final LongSupplier visible;
    private final Lock files;
    private final ReentrantLock install = new ReentrantLock();
    private Scavenger current;
    private Thread thread;
    private boolean closed;

    /**
     * @param directory the store directory
     * @param log the log
     * @param reader the log reader
     * @param policy the policy, holding the rules read from {@code directory}
     * @param snapshots the snapshots a scavenge makes stale
     * @param visible the visible position
     * @param files held while a segment file is renamed (a backup holds it while copying segment files)
     */
    RetentionManager(Path directory, SegmentedLog log, EventReader reader, RetentionPolicy policy,
                     SnapshotStore snapshots, LongSupplier visible, Lock files) {
        this.rulesFile = rulesFile(directory);
        this.log = log;
        this.reader = reader;
        this.policy = policy;
        this.snapshots = snapshots;
        this.visible = visible;
        this.files = files;
    }

    /** @param directory the store directory @return its rules file */
    static Path rulesFile(Path directory) {
        return directory.resolve(RetentionRulesFile.DIRECTORY).resolve(RetentionRulesFile.NAME);
    }

    /** @return the policy readers filter with */
    public RetentionPolicy policy() {
        return policy;
    }

    /** @param clock the clock ages are judged by (for tests) */
    public void clock(Clock clock) {
        policy.clock(clock);
    }

    @Override
    public List<RetentionRule> rules() {
        return policy.current().list();
    }

    @Override
    public void putRule(RetentionRule rule) {
        Objects.requireNonNull(rule, "rule");
        change(list -> {
            list.removeIf(r -> r.name().equals(rule.name()));
            list.add(rule);
            return true;
        });
    }

    @Override
    public boolean removeRule(String name) {
        return change(list -> list.removeIf(r -> r.name().equals(name)));
    }

    private boolean change(Predicate<List<RetentionRule>> edit) {
        install.lock();
        try {
            List<RetentionRule> next = new ArrayList<>(policy.current().list());
            if (!edit.test(next)) {
                return false;
            }
            next.sort(Comparator.comparing(RetentionRule::name));
            RetentionRulesFile.write(rulesFile, next); // durable first: a crash never loses a rule that was in force
            policy.install(new RetentionPolicy.Rules(List.copyOf(next)));
            return true;
        } finally {
            install.unlock();
        }
    }

    @Override
    public synchronized ScavengeStatus startScavenge(long maxBytesPerSecond) {
        if (maxBytesPerSecond < 0) {
            throw new InvalidEventException("max_bytes_per_second", "must be >= 0, got "
                    + maxBytesPerSecond);
        }
        if (closed) {
            throw new StorageFailureException("the store is closed", rulesFile.getParent(), null,
                    StorageFailureException.Outcome.NOT_WRITTEN);
        }
        if (current != null && current.status().state().active()) {
            return current.status();
        }
        current = new Scavenger(log, reader, policy, snapshots, visible, install, files, maxBytesPerSecond);
        thread = Thread.ofPlatform().name("peregrine-scavenge").daemon(true).start(current);
        return current.status();
    }

    @Override
    public synchronized ScavengeStatus scavengeStatus() {
        return current == null ? ScavengeStatus.IDLE : current.status();
    }

    @Override
    public synchronized ScavengeStatus stopScavenge() {
        if (current != null) {
            current.stop();
        }
        return scavengeStatus();
    }

    @Override
    public ScavengeStatus awaitScavenge(Duration timeout) throws TimeoutException, InterruptedException {
        Scavenger run;
        synchronized (this) {
            run = current;
        }
        if (run == null) {
            return ScavengeStatus.IDLE;
        }
        if (!run.ended().await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            throw new TimeoutException("the scavenge still runs after " + timeout + ": " + run.status());
        }
        return run.status();
    }

    /** Stops a running scavenge and waits for it (its copy in hand is discarded). */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            if (current != null) {
                current.stop();
            }
            t = thread;
        }
        if (t != null) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
