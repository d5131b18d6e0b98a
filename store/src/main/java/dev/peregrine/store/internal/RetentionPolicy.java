package dev.peregrine.store.internal;

import dev.peregrine.store.index.EntityStream;
import dev.peregrine.store.index.LogIndexes;
import dev.peregrine.store.index.LongPagedList;
import dev.peregrine.store.log.EntryDescriptor;
import dev.peregrine.store.log.LogSegment;
import dev.peregrine.store.retention.RetentionRule;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Decides which events the retention rules expire: the one definition that reads (a filter at read
 * time) and the scavenge (which removes what it expires) share, so that nothing a reader can see is
 * ever removed.
 *
 * <p>An event is expired when a rule that {@linkplain RetentionRule#covers covers} it says so:
 * <ul>
 *   <li><b>max age</b>: its timestamp is more than the age before now (this policy's clock);</li>
 *   <li><b>max count</b> N: the entity has at least N newer events (up to the visible position) that
 *       the same rule covers. Removed events count: they keep their type, entity and tenant
 *       ({@link EntryDescriptor#KIND_REMOVED}), so removing events never changes another's answer.</li>
 * </ul>
 * Both only ever turn an event from kept to expired as time passes and the log grows, never back, for
 * fixed rules: a scavenge that removes what it found expired removes nothing a later reader under the
 * same rules would have seen. Rules changes are the one way back, which is why a scavenge installs a
 * rewritten segment only if the rules it decided under are still the ones in force
 * ({@link #current()} is compared by identity).
 *
 * <p>Thread safety: any thread. The rules are one immutable value behind a volatile field.
 */
public final class RetentionPolicy {

    /**
     * The rules in force: replaced whole on every change.
     *
     * @param list the rules, by name
     */
    record Rules(List<RetentionRule> list) {
        boolean isEmpty() {
            return list.isEmpty();
        }
    }

    private final LogIndexes indexes;
    private final EventReader reader;
    private volatile Rules rules;
    private volatile Clock clock = Clock.systemUTC();

    /**
     * @param indexes the indexes (entity streams, for counts and tombstones)
     * @param reader the log reader
     * @param rules the rules loaded from the store's directory
     */
    RetentionPolicy(LogIndexes indexes, EventReader reader, List<RetentionRule> rules) {
        this.indexes = indexes;
        this.reader = reader;
        this.rules = new Rules(List.copyOf(rules));
    }

    /** @return the rules in force */
    Rules current() {
        return rules;
    }

    /** @param next the rules from now on (the caller stored them first) */
    void install(Rules next) {
        this.rules = next;
    }

    /** @param value the clock ages are judged by (tests set a fixed one) */
    void clock(Clock value) {
        this.clock = value;
    }

    /** @return now, by this policy's clock, in epoch nanoseconds */
    long nowNanos() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /**
     * @param entityId an entity
     * @return whether some rule could expire one of its events (then its state is folded from its
     *         retained events, never from a snapshot)
     */
    public boolean mayAffect(String entityId) {
        for (RetentionRule r : rules.list()) {
            if (r.entityIdPrefix().isEmpty() || entityId.startsWith(r.entityIdPrefix().get())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a reader must not be shown the entry: a removed event, or an event the rules expire now.
     * Tombstones are never hidden here (tombstoned events are hidden by the readers that hide them).
     *
     * @param loc the entry
     * @param position its position
     * @param max the visible position the reader reads at
     * @return whether to leave it out
     */
    public boolean hides(EventReader.Location loc, long position, long max) {
        return hides(loc.segment(), loc.offset(), position, max);
    }

    boolean hides(LogSegment s, long off, long position, long max) {
        byte kind = s.kindAt(off);
        if (kind == EntryDescriptor.KIND_REMOVED) {
            return true;
        }
        Rules r = rules;
        return kind == EntryDescriptor.KIND_EVENT && !r.isEmpty() && expired(r, s, off, position, max, nowNanos());
    }

    /**
     * Whether a scavenge may remove the entry: an event that {@code r} expires at {@code now}, or that
     * a later tombstone of its entity hides (for good: a re-created stream starts after the tombstone).
     */
    boolean removable(Rules r, LogSegment s, long off, long position, long max, long now) {
        if (s.kindAt(off) != EntryDescriptor.KIND_EVENT) {
            return false;
        }
        EntityStream stream = indexes.stream(reader.entityId(s, off));
        if (stream != null && stream.lastTombstone(max) > position) {
            return true;
        }
        return !r.isEmpty() && expired(r, s, off, position, max, now);
    }

    private boolean expired(Rules r, LogSegment s, long off, long position, long max, long now) {
        String type = reader.eventType(s, off);
        String entity = reader.entityId(s, off);
        String tenant = reader.tenantId(s, off);
        long timestamp = s.timestampAt(off);
        for (RetentionRule rule : r.list()) {
            if (!rule.covers(type, entity, tenant)) {
                continue;
            }
            if (rule.maxAge().isPresent() && now - timestamp > rule.maxAge().get().toNanos()) {
                return true;
            }
            if (rule.maxCount().isPresent() && newerCovered(rule, entity, position, max) >= rule.maxCount().getAsLong()) {
                return true;
            }
        }
        return false;
    }

    /** @return how many of the entity's events after {@code position} (to {@code max}) the rule covers, up to its max count */
    private long newerCovered(RetentionRule rule, String entity, long position, long max) {
        EntityStream stream = indexes.stream(entity);
        if (stream == null) {
            return 0;
        }
        LongPagedList positions = stream.positions();
        int to = positions.upperBound(max, positions.size());
        int after = positions.upperBound(position, to);
        if (!rule.selectsPerEvent()) {
            return to - after; // every event of the entity is covered: the entity decided the prefix
        }
        long limit = rule.maxCount().getAsLong();
        long n = 0;
        for (int i = to - 1; i >= after && n < limit; i--) {
            EventReader.Location loc = reader.locate(positions.get(i));
            LogSegment s = loc.segment();
            if (rule.covers(reader.eventType(s, loc.offset()), entity, reader.tenantId(s, loc.offset()))) {
                n++;
            }
        }
        return n;
    }
}
