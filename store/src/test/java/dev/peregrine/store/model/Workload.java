package dev.peregrine.store.model;

import dev.peregrine.store.ExpectedVersion;
import dev.peregrine.store.NewEvent;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Draws a seeded random sequence of operations against what the {@link StoreModel} knows, shaped to
 * reach every growth threshold of the store's indexes: one hot entity takes about 45% of the events
 * (its entity list crosses many pages), one type about half (its type list too), a tail of entities
 * keeps growing (thousands of small lists crossing the first-page doublings), new field names keep
 * arriving (the field dictionary grows), and now and then a batch of thousands of events (the log
 * writer's staging buffer grows).
 *
 * <p>Every choice comes from the one {@link Random}, so a seed replays the same operations (only
 * the ids that {@code NewEvent} generates for events without a client id, and the store's
 * timestamps, differ between runs).
 */
public final class Workload {

    private static final String[] TYPES = {"order.created", "order.paid", "user.renamed", "x.y-z_1", "misc"};
    private static final int[] TYPE_WEIGHTS = {55, 15, 10, 8, 7}; // the remaining 5%: 31 rare types
    private static final String[] TENANTS = {NewEvent.DEFAULT_TENANT, "acme", "globex", "ténant-ü"};
    private static final String[] TAIL_NAMES = {"u-", "ü-", "日本-", "😀-", "sp ace-"};
    private static final String[] STRINGS = {"", "plain", "with \"quotes\"", "back\\slash", "tab\tand\nnewline",
        "ünïcödé", "日本語テキスト", "emoji 😀🎉", "ctrl \u0001\u001f", "slash /", "long-" + "x".repeat(200)};
    private static final int HISTORY = 4096;

    private final Random r;
    private final StoreModel model;
    private final String prefix;
    private final boolean reads;
    private final List<String> entities = new ArrayList<>();
    private final List<List<StoreModel.Event>> history = new ArrayList<>();
    /** Entities this workload tombstoned. */
    private final List<String> deleted = new ArrayList<>();
    private int tail;
    private int fields;
    private int batchBytes;
    private int maxBatchEvents;

    /**
     * @param random the seeded source of every choice
     * @param model what the store holds
     * @param entityPrefix put before every entity id (disjoint workloads on one store)
     * @param reads whether to draw reads too, or appends and tombstones only
     */
    public Workload(Random random, StoreModel model, String entityPrefix, boolean reads) {
        this.r = random;
        this.model = model;
        this.prefix = entityPrefix;
        this.reads = reads;
        entities.add(prefix + "hot");
        for (int i = 0; i < 20; i++) {
            entities.add(prefix + "w-" + i);
        }
        for (String e : model.entities()) {
            if (e.startsWith(prefix) && !entities.contains(e)) {
                entities.add(e);
                tail++;
            }
        }
        limits(64 * 1024, 100_000);
    }

    /**
     * Sets how big a batch may be: its estimated log bytes stay well inside one segment.
     *
     * @param segmentBytes the store's segment size
     * @param maxEvents the store's largest batch
     */
    public void limits(int segmentBytes, int maxEvents) {
        this.batchBytes = segmentBytes / 2;
        this.maxBatchEvents = maxEvents;
    }

    /** @return the entities this workload uses (hot first) */
    public List<String> entities() {
        return entities;
    }

    /** @return the next operation */
    public Op next() {
        int roll = r.nextInt(reads ? 1000 : 645);
        if (roll < 560) {
            return r.nextInt(200) == 0 ? twiceInBatch() : newBatch();
        }
        if (roll < 610) {
            return retry();
        }
        if (roll < 630) {
            return changedContent();
        }
        if (roll < 645) {
            return new Op.Tombstone(tombstoneTarget());
        }
        if (roll < 725) {
            return new Op.Get(someId());
        }
        if (roll < 845) {
            return query();
        }
        if (roll < 905) {
            String entity = someEntity();
            boolean cheap = model.live(entity).size() < 5000 || r.nextInt(10) == 0;
            return new Op.Reconstruct(entity, cheap && r.nextInt(5) < 2 ? someTime(entity) : null);
        }
        if (roll < 915) {
            return new Op.Snapshot(someEntity());
        }
        if (roll < 955) {
            long last = model.lastPosition();
            return new Op.ReadFrom(1 + (long) r.nextInt((int) Math.min(Integer.MAX_VALUE - 2, last + 2)), 1 + r.nextInt(200));
        }
        return new Op.Version(someEntity());
    }

    private int batchSize() {
        int k = r.nextInt(1000);
        int size;
        if (k < 350) {
            size = 1;
        } else if (k < 750) {
            size = 2 + r.nextInt(9);
        } else if (k < 930) {
            size = 11 + r.nextInt(90);
        } else if (k < 990) {
            size = 101 + r.nextInt(900);
        } else {
            size = 1000 + r.nextInt(3000);
        }
        return Math.min(size, maxBatchEvents);
    }

    /** A batch of new events; about one in twelve is meant to be refused by one bad expectation. */
    private Op newBatch() {
        int size = batchSize();
        int broken = r.nextInt(12) == 0 ? r.nextInt(size) : -1;
        Map<String, Long> pending = new HashMap<>();
        List<StoreModel.Event> batch = new ArrayList<>(size);
        long bytes = 0;
        for (int i = 0; i < size; i++) {
            StoreModel.Event e = newEvent(pending, i == broken);
            bytes += estimatedBytes(e);
            if (i > 0 && bytes > batchBytes) {
                break;
            }
            batch.add(e);
        }
        return remember(new Op.Append(batch, "new"));
    }

    /** A batch in which a new id appears twice: invalid as a whole. */
    private Op twiceInBatch() {
        Map<String, Long> pending = new HashMap<>();
        List<StoreModel.Event> batch = new ArrayList<>();
        int size = 2 + r.nextInt(5);
        for (int i = 0; i < size; i++) {
            batch.add(newEvent(pending, false));
        }
        int dup = 1 + r.nextInt(size - 1);
        int original = r.nextInt(dup);
        StoreModel.Event first = batch.get(original);
        UUID id = first.clientId() ? first.id() : new UUID(r.nextLong(), r.nextLong());
        batch.set(original, new StoreModel.Event(id, true, first.type(), first.entity(), first.tenant(),
                first.payload(), first.metadata(), first.expected()));
        StoreModel.Event later = batch.get(dup);
        batch.set(dup, new StoreModel.Event(id, true, later.type(), later.entity(), later.tenant(), later.payload(),
                later.metadata(), later.expected()));
        return new Op.Append(batch, "twice-in-batch");
    }

    /** The same request again: client ids repeat (idempotent), events without one are new again. */
    private Op retry() {
        if (history.isEmpty()) {
            return newBatch();
        }
        List<StoreModel.Event> old = history.get(r.nextInt(history.size()));
        List<StoreModel.Event> again = new ArrayList<>(old.size());
        for (StoreModel.Event e : old) {
            again.add(e.clientId() ? e : e.withId(null));
        }
        return new Op.Append(again, "retry");
    }

    /** A stored client id sent again with other content: a duplicate, alone or inside new events. */
    private Op changedContent() {
        StoreModel.Event stored = storedClientEvent();
        if (stored == null) {
            return newBatch();
        }
        Map<String, Object> payload = new LinkedHashMap<>(stored.payload());
        StoreModel.Event changed = switch (r.nextInt(4)) {
            case 0 -> new StoreModel.Event(stored.id(), true, stored.type(), stored.entity(), stored.tenant(),
                    put(payload, "retried", r.nextLong()), stored.metadata(), stored.expected());
            case 1 -> new StoreModel.Event(stored.id(), true, stored.type(), stored.entity(),
                    stored.tenant().equals("acme") ? "globex" : "acme", payload, stored.metadata(), stored.expected());
            case 2 -> new StoreModel.Event(stored.id(), true, stored.type().equals("misc") ? "order.paid" : "misc",
                    stored.entity(), stored.tenant(), payload, stored.metadata(), stored.expected());
            default -> new StoreModel.Event(stored.id(), true, stored.type(), stored.entity(), stored.tenant(), payload,
                    stored.metadata() == null ? Map.of("source", "changed") : null, stored.expected());
        };
        List<StoreModel.Event> batch = new ArrayList<>();
        Map<String, Long> pending = new HashMap<>();
        int before = r.nextInt(3);
        for (int i = 0; i < before; i++) {
            batch.add(newEvent(pending, false));
        }
        batch.add(changed);
        for (int i = r.nextInt(3); i > 0; i--) {
            batch.add(newEvent(pending, false));
        }
        return new Op.Append(batch, "changed-content");
    }

    private static Map<String, Object> put(Map<String, Object> map, String key, Object value) {
        map.put(key, value);
        return map;
    }

    private StoreModel.Event storedClientEvent() {
        for (int attempt = 0; attempt < 20 && !history.isEmpty(); attempt++) {
            List<StoreModel.Event> request = history.get(r.nextInt(history.size()));
            StoreModel.Event e = request.get(r.nextInt(request.size()));
            if (e.clientId() && model.stored(e.id()) != null) {
                return model.stored(e.id()).event();
            }
        }
        return null;
    }

    private Op remember(Op.Append append) {
        remember(history, append.events());
        return append;
    }

    /** Keeps up to {@value #HISTORY} items, replacing random ones when full. */
    private <T> void remember(List<T> list, T item) {
        if (list.size() < HISTORY) {
            list.add(item);
        } else {
            list.set(r.nextInt(HISTORY), item);
        }
    }

    private StoreModel.Event newEvent(Map<String, Long> pending, boolean broken) {
        String entity = appendTarget();
        long current = pending.containsKey(entity) ? pending.get(entity) : model.version(entity);
        boolean deleted = !pending.containsKey(entity) && model.deleted(entity);
        ExpectedVersion expected = expectation(current, deleted, broken);
        pending.put(entity, current + 1);
        boolean clientId = r.nextInt(4) != 0;
        UUID id = clientId ? new UUID(r.nextLong(), r.nextLong()) : null;
        Map<String, Object> metadata = r.nextInt(7) == 0 ? metadata() : null;
        return new StoreModel.Event(id, clientId, type(), entity, TENANTS[weighted(60, 25, 10, 5)], payload(0, true),
                metadata, expected);
    }

    private ExpectedVersion expectation(long current, boolean deleted, boolean broken) {
        if (broken && deleted) {
            return r.nextBoolean() ? ExpectedVersion.any() : ExpectedVersion.exact(0); // refused: deleted
        }
        if (broken) {
            return switch (r.nextInt(3)) {
                case 0 -> ExpectedVersion.exact(current + 1 + r.nextInt(3));
                case 1 -> current > 0 ? ExpectedVersion.noStream() : ExpectedVersion.exists();
                default -> current > 0 ? ExpectedVersion.exact(current - 1) : ExpectedVersion.exact(1);
            };
        }
        if (deleted) {
            return ExpectedVersion.noStream(); // re-creates the stream
        }
        int k = r.nextInt(100);
        if (k < 45) {
            return ExpectedVersion.any();
        }
        if (k < 75) {
            return ExpectedVersion.exact(current);
        }
        if (k < 90) {
            return current > 0 ? ExpectedVersion.exists() : ExpectedVersion.noStream();
        }
        return current == 0 ? ExpectedVersion.exact(0) : ExpectedVersion.any();
    }

    private String appendTarget() {
        int k = r.nextInt(100);
        if (k < 45) {
            return entities.getFirst();
        }
        if (k < 75) {
            return entities.get(1 + r.nextInt(20));
        }
        if (tail == 0 || r.nextInt(10) < 3) {
            String name = prefix + TAIL_NAMES[r.nextInt(TAIL_NAMES.length)] + tail++;
            entities.add(name);
            return name;
        }
        return entities.get(21 + r.nextInt(tail));
    }

    private String tombstoneTarget() {
        if (r.nextInt(300) == 0) {
            return entities.getFirst(); // the hot entity, rarely: its long list gets a tombstone too
        }
        int k = r.nextInt(20);
        if (k == 0) {
            return prefix + "never-" + r.nextInt(100); // no events: not found
        }
        for (int attempt = 0; k == 1 && attempt < 20 && !deleted.isEmpty(); attempt++) {
            String e = deleted.get(r.nextInt(deleted.size()));
            if (model.deleted(e)) {
                return e; // deleted already (and not re-created since): refused
            }
        }
        for (int attempt = 0; attempt < 20; attempt++) {
            String e = entities.get(1 + r.nextInt(entities.size() - 1));
            if (model.version(e) > 0) {
                remember(deleted, e);
                return e;
            }
        }
        return entities.get(1 + r.nextInt(20));
    }

    private String type() {
        int k = r.nextInt(100);
        int acc = 0;
        for (int i = 0; i < TYPES.length; i++) {
            acc += TYPE_WEIGHTS[i];
            if (k < acc) {
                return TYPES[i];
            }
        }
        return "t." + r.nextInt(31);
    }

    private int weighted(int... weights) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int k = r.nextInt(total);
        for (int i = 0; i < weights.length; i++) {
            k -= weights[i];
            if (k < 0) {
                return i;
            }
        }
        throw new AssertionError();
    }

    private Map<String, Object> payload(int depth, boolean top) {
        Map<String, Object> m = new LinkedHashMap<>();
        int n = (top ? 1 : 0) + r.nextInt(5);
        for (int i = 0; i < n; i++) {
            m.put("k" + r.nextInt(10), value(depth));
        }
        if (top && r.nextInt(600) == 0) {
            // Field names never seen before, a burst of them (each new set of names costs the store an
            // fsync of its dictionary), inside an array, which merge patch replaces whole: the
            // dictionary grows while states stay small.
            Map<String, Object> fresh = new LinkedHashMap<>();
            for (int i = 4 + r.nextInt(20); i > 0; i--) {
                fresh.put("f" + prefix + fields++, (long) fields);
            }
            m.put("fresh", List.of(fresh));
        }
        if (top && r.nextInt(4) == 0) {
            m.put("pad", pad(r.nextInt(400)));
        }
        return m;
    }

    private Object value(int depth) {
        int k = r.nextInt(100);
        if (k < 10) {
            return null;
        }
        if (k < 30) {
            return (long) r.nextInt(2001) - 1000;
        }
        if (k < 33) {
            return r.nextLong();
        }
        if (k < 40) {
            return (2 * r.nextInt(4000) + 1 - 4000) / 8.0; // exact in binary, never a whole number
        }
        if (k < 50) {
            return r.nextBoolean();
        }
        if (k < 75) {
            return STRINGS[r.nextInt(STRINGS.length)];
        }
        if (k < 90 && depth < 2) {
            return payload(depth + 1, false);
        }
        if (k < 97) {
            List<Object> list = new ArrayList<>();
            for (int i = r.nextInt(4); i > 0; i--) {
                list.add(r.nextBoolean() ? (Object) (long) r.nextInt(100) : STRINGS[r.nextInt(STRINGS.length)]);
            }
            if (depth < 2 && r.nextInt(4) == 0) {
                list.add(payload(depth + 1, false));
            }
            return list;
        }
        return "s" + r.nextInt(1000);
    }

    private String pad(int length) {
        StringBuilder sb = new StringBuilder(length);
        while (sb.length() < length) {
            sb.append(r.nextInt(8) == 0 ? "é" : "abcdefgh".charAt(r.nextInt(8)));
        }
        return sb.toString();
    }

    private Map<String, Object> metadata() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", r.nextBoolean() ? "model" : "import");
        m.put("trace", r.nextLong());
        if (r.nextBoolean()) {
            m.put("user", STRINGS[r.nextInt(STRINGS.length)]);
        }
        return m;
    }

    /**
     * A generous bound on an event's log bytes (entry header, strings, and records that are at most
     * about three times their JSON), so that generated batches always fit a segment.
     */
    private static long estimatedBytes(StoreModel.Event e) {
        long strings = e.type().length() + e.entity().getBytes(StandardCharsets.UTF_8).length
                + e.tenant().getBytes(StandardCharsets.UTF_8).length;
        long json = ModelJson.write(e.payload()).getBytes(StandardCharsets.UTF_8).length
                + (e.metadata() == null ? 0 : ModelJson.write(e.metadata()).getBytes(StandardCharsets.UTF_8).length);
        return 160 + strings + 3 * json;
    }

    private UUID someId() {
        long last = model.lastPosition();
        if (last > 0 && r.nextInt(5) != 0) {
            StoreModel.Entry e = model.at(1 + (long) r.nextInt((int) last));
            if (e != null && !e.tombstone()) {
                return e.id();
            }
        }
        return new UUID(r.nextLong(), r.nextLong());
    }

    private String someEntity() {
        return r.nextInt(30) == 0 ? prefix + "never-" + r.nextInt(100) : entities.get(r.nextInt(entities.size()));
    }

    private Long someTime(String entity) {
        List<StoreModel.Entry> live = model.live(entity);
        long last = model.lastPosition();
        StoreModel.Entry e = !live.isEmpty() && r.nextBoolean() ? live.get(r.nextInt(live.size()))
                : last == 0 ? null : model.at(1 + (long) r.nextInt((int) last));
        return e == null ? null : e.nanos() + r.nextInt(3) - 1;
    }

    /** @return a random query over what the model holds */
    public Op.Find query() {
        String entity = r.nextInt(10) < 4 ? someEntity() : null;
        String type = r.nextInt(100) < 35 ? (r.nextInt(10) == 0 ? "t." + r.nextInt(40) : TYPES[r.nextInt(TYPES.length)]) : null;
        String tenant = r.nextInt(5) == 0 ? TENANTS[r.nextInt(TENANTS.length)] : null;
        Long since = r.nextInt(5) == 0 ? someTime(entity == null ? entities.getFirst() : entity) : null;
        Long until = r.nextInt(7) == 0 ? someTime(entity == null ? entities.getFirst() : entity) : null;
        Long asOf = r.nextInt(10) == 0 ? someTime(entity == null ? entities.getFirst() : entity) : null;
        long last = model.lastPosition();
        long from = r.nextInt(10) < 3 && last > 0 ? 1 + (long) r.nextInt((int) last + 1) : 0;
        // A version bound: inside the live stream, at its ends, or past them.
        long fromVersion = entity != null && r.nextInt(3) == 0 ? 1 + r.nextInt(model.live(entity).size() + 3) : 0;
        int k = r.nextInt(20);
        int limit = k == 0 ? 0 : k < 3 ? 200 + r.nextInt(800) : 1 + r.nextInt(50);
        return new Op.Find(new StoreModel.QuerySpec(entity, type, tenant, since, until, asOf, from, fromVersion), limit,
                1 + r.nextInt(6));
    }
}
