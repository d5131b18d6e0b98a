package dev.peregrine.server.tenant;

import dev.peregrine.record.FieldDictionary;
import dev.peregrine.record.Record;
import dev.peregrine.record.RecordBuilder;
import dev.peregrine.store.EventView;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.Projection;
import dev.peregrine.store.StoredEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each tenant holds, counted by a projection of the log, and what its appends in flight will
 * add: the one place that the byte and entity quotas and the per-tenant statistics read.
 *
 * <p><b>What is counted.</b> Per {@link StoredEvent#tenantId()}: events, bytes (the sizes of the
 * payload and metadata records, as the log stores them), entities (an event of version 1 starts
 * one; a tombstone of an entity id scoped {@code tenant:id} ends one) and field names (a name of the
 * store's dictionary is charged to the tenant of the first event in the log that uses it, at any
 * depth of its payload or metadata; later users of the name are not charged). The counts, and the
 * set of names some event used, are persisted with the projection's checkpoint, so a restart
 * replays only the log after it. Names are never removed from the dictionary, so a tenant's count
 * never goes down, not even when its events are tombstoned.
 *
 * <p><b>Why reservations.</b> The projection runs behind the appends (by microseconds, or longer
 * under load). Checking a quota against it alone would let concurrent appends of one tenant all pass
 * while none is counted yet. So an admitted append {@linkplain #admit reserves} what it adds, under
 * the tenant's lock, and the reservation is released once the projection has counted the append's
 * last event (or at once when the append fails). Held plus reserved never undercounts, so a quota is
 * never passed; it may overcount briefly (two appends both creating the same new entity, or both
 * using the same new field name, each reserve one), which can only refuse early, never admit late.
 * For field names that holds because {@link #newFieldNames} counts every name no counted event
 * used yet, whoever's request is bringing it: a name charged to a tenant was among those its
 * request reserved.
 *
 * <p>Thread safety: {@link #apply} and {@link #tombstoned} on the projection thread; everything else
 * from any thread. Each tenant's counts are guarded by their own monitor.
 */
public final class TenantUsage implements Projection {
    /** The projection's name, under which its checkpoint is stored. */
    public static final String NAME = "peregrine.tenant-usage";

    /** First int of the saved state: its version, negative so that the previous release's state (a count) is told apart. */
    private static final int STATE_VERSION = -2;

    private final FieldDictionary dictionary;
    private final ConcurrentHashMap<String, Counts> tenants = new ConcurrentHashMap<>();
    /**
     * The store's field ids that some counted event uses: set on the projection thread, read by
     * admissions; guarded by its own monitor. One bit per name of the dictionary.
     */
    private final BitSet usedFieldIds = new BitSet();
    /** The field ids of the event being applied; projection thread only, empty between events. */
    private final BitSet eventFieldIds = new BitSet();

    /** @param dictionary the store's, for {@link #state} records */
    public TenantUsage(FieldDictionary dictionary) {
        this.dictionary = dictionary;
    }

    /**
     * What a tenant holds.
     *
     * @param events events stored
     * @param bytes bytes of their payload and metadata records
     * @param entities entities holding them, not tombstoned
     * @param fieldNames field names of the store's dictionary that its events used first
     */
    public record Held(long events, long bytes, long entities, long fieldNames) {
        static final Held NONE = new Held(0, 0, 0, 0);
    }

    /**
     * What an append adds to its tenant.
     *
     * @param bytes bytes of its payload and metadata records
     * @param entities entities it starts
     * @param fieldNames field names it uses that no counted event used yet ({@link #newFieldNames})
     */
    public record Adding(long bytes, long entities, long fieldNames) {
    }

    /** What {@link #admit} decided. */
    public sealed interface Admission permits Reservation, Refusal {
    }

    /** Why an append was refused by a quota. */
    public record Refusal(String quota, long limit, long held, long adding) implements Admission {
        /** @return a sentence for the client, naming the tenant, the quota and the numbers */
        public String describe(String tenant) {
            return "tenant '" + tenant + "' is at its quota of " + limit + " " + quota + " (holds " + held
                    + ", the request adds " + adding + ")";
        }
    }

    /**
     * What an admitted append added to its tenant's reservation; handed back through
     * {@link #appended} or {@link #failed} exactly once.
     */
    public static final class Reservation implements Admission {
        private final Counts counts;
        private final Adding adding;
        /** The append's last position once known; {@link Long#MAX_VALUE} until then. */
        private long lastPosition = Long.MAX_VALUE;

        private Reservation(Counts counts, Adding adding) {
            this.counts = counts;
            this.adding = adding;
        }
    }

    /** @return what {@code tenant} holds (counted events only) */
    public Held held(String tenant) {
        Counts counts = tenants.get(tenant);
        return counts == null ? Held.NONE : counts.held();
    }

    /** @return what every tenant that has events holds, by tenant name */
    public List<Map.Entry<String, Held>> all() {
        List<Map.Entry<String, Held>> all = new ArrayList<>();
        tenants.forEach((name, counts) -> all.add(Map.entry(name, counts.held())));
        all.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
        return all;
    }

    /**
     * Admits an append to {@code tenant} when what it adds fits the tenant's quotas together with
     * what the tenant holds and what is in flight, and reserves it.
     *
     * @param quotas the tenant's quotas
     * @return the reservation, or the refusal naming the first quota it would pass
     */
    public Admission admit(String tenant, Adding adding, Tenants.Quotas quotas) {
        Counts counts = tenants.computeIfAbsent(tenant, t -> new Counts());
        synchronized (counts) {
            long bytesAfter = counts.bytes + counts.reserved.bytes();
            if (quotas.maxBytes() > 0 && bytesAfter + adding.bytes() > quotas.maxBytes()) {
                return new Refusal("bytes", quotas.maxBytes(), bytesAfter, adding.bytes());
            }
            long entitiesAfter = counts.entities + counts.reserved.entities();
            if (quotas.maxEntities() > 0 && entitiesAfter + adding.entities() > quotas.maxEntities()) {
                return new Refusal("entities", quotas.maxEntities(), entitiesAfter, adding.entities());
            }
            long namesAfter = counts.fieldNames + counts.reserved.fieldNames();
            if (quotas.maxFieldNames() > 0 && namesAfter + adding.fieldNames() > quotas.maxFieldNames()) {
                return new Refusal("field names", quotas.maxFieldNames(), namesAfter, adding.fieldNames());
            }
            Reservation reservation = new Reservation(counts, adding);
            counts.reserve(reservation);
            return reservation;
        }
    }

    /**
     * The distinct field names the records of {@code events} use that no counted event used yet:
     * names the store's dictionary does not hold (a draft's own), and names it holds that only
     * uncounted events, or none, use. What an append could be charged at most once it is counted.
     */
    public long newFieldNames(List<NewEvent> events) {
        BitSet ids = new BitSet();
        Set<String> fresh = new HashSet<>();
        for (NewEvent event : events) {
            collectNew(event.payload(), ids, fresh);
            if (event.metadata().isPresent()) {
                collectNew(event.metadata().get(), ids, fresh);
            }
        }
        return fresh.size();
    }

    private void collectNew(Record record, BitSet ids, Set<String> fresh) {
        ids.clear();
        record.collectFieldIds(ids);
        FieldDictionary own = record.dictionary();
        for (int id = ids.nextSetBit(0); id >= 0; id = ids.nextSetBit(id + 1)) {
            String name = own.nameOf(id);
            int stored = own == dictionary ? id : dictionary.idOf(name);
            if (stored < 0 || !used(stored)) {
                fresh.add(name);
            }
        }
    }

    private boolean used(int fieldId) {
        synchronized (usedFieldIds) {
            return usedFieldIds.get(fieldId);
        }
    }

    /** The reserved append is in the log, its last event at {@code lastPosition}. */
    public void appended(Reservation reservation, long lastPosition) {
        Counts counts = reservation.counts;
        synchronized (counts) {
            if (lastPosition <= counts.countedThrough) {
                counts.release(reservation);
            } else {
                reservation.lastPosition = lastPosition;
            }
        }
    }

    /** The reserved append failed: nothing of it was stored. */
    public void failed(Reservation reservation) {
        synchronized (reservation.counts) {
            reservation.counts.release(reservation);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void apply(StoredEvent event) {
        apply((EventView) event);
    }

    @Override
    public void apply(EventView event) {
        Counts counts = tenants.computeIfAbsent(event.tenantId(), t -> new Counts());
        Record payload = event.payload();
        Optional<Record> metadata = event.metadata();
        long bytes = payload.sizeInBytes() + metadata.map(Record::sizeInBytes).orElse(0);
        long firstUses = firstUses(payload, metadata);
        synchronized (counts) {
            counts.events++;
            counts.bytes += bytes;
            if (event.version() == 1) {
                counts.entities++;
            }
            counts.fieldNames += firstUses;
            counts.countedThrough = event.position();
            if (!counts.reservations.isEmpty()) {
                counts.reservations.removeIf(r -> {
                    if (r.lastPosition > event.position()) {
                        return false;
                    }
                    counts.unreserve(r);
                    return true;
                });
            }
        }
    }

    /**
     * Marks the field ids the event uses as used and returns how many were not yet. Visits only the
     * event's own ids, and leaves {@link #eventFieldIds} empty again, so an event costs its number of
     * fields, not the size of the dictionary.
     */
    private long firstUses(Record payload, Optional<Record> metadata) {
        BitSet ids = eventFieldIds;
        payload.collectFieldIds(ids);
        metadata.ifPresent(m -> m.collectFieldIds(ids));
        long first = 0;
        synchronized (usedFieldIds) {
            for (int id = ids.nextSetBit(0); id >= 0; id = ids.nextSetBit(id + 1)) {
                if (!usedFieldIds.get(id)) {
                    usedFieldIds.set(id);
                    first++;
                }
                ids.clear(id);
            }
        }
        return first;
    }

    @Override
    public void tombstoned(String entityId) {
        int separator = entityId.indexOf(':');
        Counts counts = separator > 0 ? tenants.get(entityId.substring(0, separator)) : null;
        if (counts != null) {
            synchronized (counts) {
                counts.entities = Math.max(0, counts.entities - 1);
            }
        }
    }

    @Override
    public Optional<Record> state(String tenant) {
        Counts counts = tenants.get(tenant);
        if (counts == null) {
            return Optional.empty();
        }
        Held held = counts.held();
        // A draft dictionary: answering a read must not add names to the store.
        return Optional.of(RecordBuilder.create(dictionary.draft()).put("tenant", tenant)
                .put("events", held.events()).put("bytes", held.bytes()).put("entities", held.entities())
                .put("field_names", held.fieldNames()).build());
    }

    @Override
    public void reset() {
        tenants.clear();
        synchronized (usedFieldIds) {
            usedFieldIds.clear();
        }
    }

    /**
     * {@code version i32 (-2) | used field ids (i32 length + the bytes of BitSet.toByteArray) | count
     * u32, then per tenant: name (UTF), events, bytes, entities, field names, counted-through (i64)}.
     * The previous release's state started with the count and had no field names: it is refused by
     * {@link #restoreState}, and the store rebuilds this projection from the log.
     */
    @Override
    public Optional<byte[]> saveState() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(STATE_VERSION);
            byte[] used;
            synchronized (usedFieldIds) {
                used = usedFieldIds.toByteArray();
            }
            out.writeInt(used.length);
            out.write(used);
            List<Map.Entry<String, Counts>> entries = new ArrayList<>(tenants.entrySet());
            out.writeInt(entries.size());
            for (Map.Entry<String, Counts> entry : entries) {
                Counts counts = entry.getValue();
                synchronized (counts) {
                    out.writeUTF(entry.getKey());
                    out.writeLong(counts.events);
                    out.writeLong(counts.bytes);
                    out.writeLong(counts.entities);
                    out.writeLong(counts.fieldNames);
                    out.writeLong(counts.countedThrough);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Optional.of(bytes.toByteArray());
    }

    @Override
    public void restoreState(byte[] bytes) {
        reset();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int version = in.readInt();
            if (version != STATE_VERSION) {
                throw new IllegalStateException("tenant usage state of another release (first int " + version
                        + "); rebuilt from the log");
            }
            BitSet used = BitSet.valueOf(in.readNBytes(in.readInt()));
            synchronized (usedFieldIds) {
                usedFieldIds.or(used);
            }
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                Counts counts = new Counts();
                String name = in.readUTF();
                counts.events = in.readLong();
                counts.bytes = in.readLong();
                counts.entities = in.readLong();
                counts.fieldNames = in.readLong();
                counts.countedThrough = in.readLong();
                tenants.put(name, counts);
            }
        } catch (IOException e) {
            // The store hands back exactly the bytes saved, under its own checksum.
            throw new IllegalStateException("tenant usage state does not parse", e);
        }
    }

    /** One tenant's counts and reservations; guarded by its own monitor. */
    private static final class Counts {
        long events;
        long bytes;
        long entities;
        long fieldNames;
        /** Position of the last event of this tenant counted. */
        long countedThrough;
        /** The sum of what {@link #reservations} add. */
        Adding reserved = new Adding(0, 0, 0);
        final List<Reservation> reservations = new ArrayList<>();

        synchronized Held held() {
            return new Held(events, bytes, entities, fieldNames);
        }

        void reserve(Reservation reservation) {
            reservations.add(reservation);
            reserved = plus(reserved, reservation.adding, 1);
        }

        void release(Reservation reservation) {
            if (reservations.remove(reservation)) {
                unreserve(reservation);
            }
        }

        /** Subtracts a reservation already taken out of {@link #reservations}. */
        void unreserve(Reservation reservation) {
            reserved = plus(reserved, reservation.adding, -1);
        }

        private static Adding plus(Adding a, Adding b, int sign) {
            return new Adding(a.bytes() + sign * b.bytes(), a.entities() + sign * b.entities(),
                    a.fieldNames() + sign * b.fieldNames());
        }
    }
}
