package dev.peregrine.store.retention;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * A store's retention rules and its scavenge ({@link dev.peregrine.store.EventStore#retention()}).
 *
 * <p>Rules take effect the moment {@link #putRule} or {@link #removeRule} returns: queries, reads by
 * id, entity state and subscriptions filter expired events out at read time. The rules are stored in
 * the store's directory (forced before the call returns), so they hold after a restart. Their bytes
 * stay in the log until a <em>scavenge</em> rewrites the sealed segments without them, in the
 * background; positions of the events it keeps never change, so readers see gaps where removed events
 * were.
 *
 * <pre>{@code
 * Retention r = store.retention();
 * r.putRule(RetentionRule.builder("audit-1y").eventType("audit").maxAge(Duration.ofDays(365)).build());
 * r.startScavenge(50L << 20);                      // at most 50 MiB/s of rewriting
 * ScavengeStatus done = r.awaitScavenge(Duration.ofMinutes(10));
 * }</pre>
 *
 * <p>Thread safety: every method from any thread.
 */
public interface Retention {

    /** @return the rules in force, by name */
    List<RetentionRule> rules();

    /**
     * Adds a rule, or replaces the rule of the same name; in force and durable when it returns.
     *
     * @param rule the rule
     * @throws dev.peregrine.store.StorageFailureException if the rules cannot be stored (then nothing changed)
     */
    void putRule(RetentionRule rule);

    /**
     * Removes a rule; events it alone expired and no scavenge removed yet are visible again.
     *
     * @param name the rule's name
     * @return whether there was such a rule
     */
    boolean removeRule(String name);

    /**
     * Starts a scavenge in the background, unless one is running (then its status is returned).
     * Besides the events the rules expire, it removes events hidden by a later tombstone of their entity.
     *
     * @param maxBytesPerSecond most bytes written per second; 0 for no throttle
     * @return the status right after starting
     */
    ScavengeStatus startScavenge(long maxBytesPerSecond);

    /** @return the status of the running or last scavenge */
    ScavengeStatus scavengeStatus();

    /**
     * Asks a running scavenge to stop after the segment in hand; does nothing if none runs.
     *
     * @return the status right after asking
     */
    ScavengeStatus stopScavenge();

    /**
     * Waits for the running scavenge, if any, to end.
     *
     * @param timeout how long to wait at most
     * @return its final status
     * @throws TimeoutException if it still runs after {@code timeout}
     * @throws InterruptedException if interrupted while waiting
     */
    ScavengeStatus awaitScavenge(Duration timeout) throws TimeoutException, InterruptedException;
}
