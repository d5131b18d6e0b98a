package dev.peregrine.store.internal;

import dev.peregrine.record.FieldDictionary;
import dev.peregrine.record.MergePatch;
import dev.peregrine.record.Record;
import dev.peregrine.record.RecordBuilder;
import dev.peregrine.store.EventView;
import dev.peregrine.store.Projection;
import dev.peregrine.store.StoredEvent;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The two projections every store has, as AllSource defines them: {@code entity_snapshots} (the
 * current state of each entity, folded with JSON Merge Patch) and {@code event_counters} (events per
 * type). Both persist their whole state with their checkpoint, and both can be replayed beside
 * their live state ({@link Projection#emptyCopy()}).
 */
public final class BuiltInProjections {

    private BuiltInProjections() {
    }

    /**
     * @param dictionary the store's dictionary
     * @return the entity snapshots projection
     */
    public static Projection entitySnapshots(FieldDictionary dictionary) {
        return new EntitySnapshots(dictionary);
    }

    /**
     * @param dictionary the store's dictionary
     * @return the event counters projection
     */
    public static Projection eventCounters(FieldDictionary dictionary) {
        return new EventCounters(dictionary);
    }

    /** Encodes a string-keyed map: u32 count, then per entry u16 key length, key UTF-8, u32 value length, value. */
    private static byte[] encode(Map<String, byte[]> entries) {
        int bytes = 4;
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            bytes += 2 + e.getKey().getBytes(StandardCharsets.UTF_8).length + 4 + e.getValue().length;
        }
        ByteBuffer out = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(entries.size());
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            byte[] k = e.getKey().getBytes(StandardCharsets.UTF_8);
            out.putShort((short) k.length).put(k).putInt(e.getValue().length).put(e.getValue());
        }
        return out.array();
    }

    private interface EntryConsumer {
        void accept(String key, byte[] value);
    }

    private static void decode(byte[] bytes, EntryConsumer consumer) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int n = in.getInt();
        for (int i = 0; i < n; i++) {
            byte[] k = new byte[Short.toUnsignedInt(in.getShort())];
            in.get(k);
            byte[] v = new byte[in.getInt()];
            in.get(v);
            consumer.accept(new String(k, StandardCharsets.UTF_8), v);
        }
    }

    /** Current state per entity. Thread-safe for readers; applied from one thread. */
    private static final class EntitySnapshots implements Projection {
        private final FieldDictionary dictionary;
        private final ConcurrentHashMap<String, Record> states = new ConcurrentHashMap<>();
        // One builder for every fold: apply runs on the projection's one thread.
        private final RecordBuilder builder;

        @Override
        public Optional<Projection> emptyCopy() {
            return Optional.of(new EntitySnapshots(dictionary));
        }

        EntitySnapshots(FieldDictionary dictionary) {
            this.dictionary = dictionary;
            this.builder = RecordBuilder.create(dictionary);
        }

        @Override
        public String name() {
            return "entity_snapshots";
        }

        @Override
        public void apply(StoredEvent event) {
            apply((EventView) event);
        }

        @Override
        public void apply(EventView event) {
            Record current = states.get(event.entityId());
            // The merge's result is on the heap, never a view of the mapped payload it was fed (which
            // the projection outlives): a record it encoded, or the state it started from when the
            // payload names no field. So it is kept as it is, with no copy and no second validation.
            Record merged = MergePatch.fold(current != null ? current : Record.empty(dictionary))
                    .apply(event.payload()).result(builder);
            states.put(event.entityId(), merged);
        }

        @Override
        public void tombstoned(String entityId) {
            states.remove(entityId);
        }

        @Override
        public Optional<Record> state(String entityId) {
            return Optional.ofNullable(states.get(entityId));
        }

        @Override
        public void reset() {
            states.clear();
        }

        @Override
        public Optional<byte[]> saveState() {
            Map<String, byte[]> entries = new java.util.HashMap<>();
            states.forEach((k, v) -> entries.put(k, v.toByteArray()));
            return Optional.of(encode(entries));
        }

        @Override
        public void restoreState(byte[] bytes) {
            states.clear();
            decode(bytes, (k, v) -> states.put(k, Record.wrap(dictionary, v)));
        }
    }

    /** Events per type; {@code state(type)} is {@code {"event_type": type, "count": n}}. */
    private static final class EventCounters implements Projection {
        private final FieldDictionary dictionary;
        private final ConcurrentHashMap<String, AtomicLong> counts = new ConcurrentHashMap<>();

        @Override
        public Optional<Projection> emptyCopy() {
            return Optional.of(new EventCounters(dictionary));
        }

        EventCounters(FieldDictionary dictionary) {
            this.dictionary = dictionary;
        }

        @Override
        public String name() {
            return "event_counters";
        }

        @Override
        public void apply(StoredEvent event) {
            apply((EventView) event);
        }

        @Override
        public void apply(EventView event) {
            counts.computeIfAbsent(event.eventType(), t -> new AtomicLong()).incrementAndGet();
        }

        @Override
        public Optional<Record> state(String eventType) {
            AtomicLong n = counts.get(eventType);
            if (n == null) {
                return Optional.empty();
            }
            // A draft: answering a read must not add names to the store (nor fail at its name limit).
            return Optional.of(RecordBuilder.create(dictionary.draft()).put("event_type", eventType)
                    .put("count", n.get()).build());
        }

        @Override
        public void reset() {
            counts.clear();
        }

        @Override
        public Optional<byte[]> saveState() {
            Map<String, byte[]> entries = new java.util.HashMap<>();
            counts.forEach((k, v) -> entries.put(k, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(0, v.get()).array()));
            return Optional.of(encode(entries));
        }

        @Override
        public void restoreState(byte[] bytes) {
            counts.clear();
            decode(bytes, (k, v) -> counts.put(k,
                    new AtomicLong(ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).getLong(0))));
        }
    }
}
