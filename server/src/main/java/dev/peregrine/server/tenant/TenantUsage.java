package dev.peregrine.server.tenant;

import dev.peregrine.record.FieldDictionary;
import dev.peregrine.record.Record;
import dev.peregrine.record.RecordBuilder;
import dev.peregrine.store.Projection;
import dev.peregrine.store.StoredEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each tenant holds, counted by a projection of the log, and what its appends in flight will
 * add: the one place that the byte and entity quotas and the per-tenant statistics read.
 *
 * <p><b>What is counted.</b> Per {@link StoredEvent#tenantId()}: events, bytes (the sizes of the
 * payload and metadata records, as the log stores them) and entities (an event of version 1 starts
 * one; a tombstone of an entity id scoped {@code tenant:id} ends one). The counts are persisted with
 * the projection's checkpoint, so a restart replays only the log after it.
 *
 * <p><b>Why reservations.</b> The projection runs behind the appends (by microseconds, or longer
 * under load). Checking a quota against it alone would let concurrent appends of one tenant all pass
 * while none is counted yet. So an admitted append {@linkplain #admit reserves} what it adds, under
 * the tenant's lock, and the reservation is released once the projection has counted the append's
 * last event (or at once when the append fails). Held plus reserved never undercounts, so a quota is
 * never passed; it may overcount briefly (two appends both creating the same new entity each reserve
 * one), which can only refuse early, never admit late.
 *
 * <p>Thread safety: {@link #apply} and {@link #tombstoned} on the projection thread; everything else
 * from any thread. Each tenant's counts are guarded by their own monitor.
 */
public final class TenantUsage implements Projection {
    /** The projection's name, under which its checkpoint is stored. */
    public static final String NAME = "peregrine.tenant-usage";

    private final FieldDictionary dictionary;
    private final ConcurrentHashMap<String, Counts> tenants = new ConcurrentHashMap<>();

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
     */
    public record Held(long events, long bytes, long entities) {
        static final Held NONE = new Held(0, 0, 0);
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
        private final long bytes;
        private final long entities;
        /** The append's last position once known; {@link Long#MAX_VALUE} until then. */
        private long lastPosition = Long.MAX_VALUE;

        private Reservation(Counts counts, long bytes, long entities) {
            this.counts = counts;
            this.bytes = bytes;
            this.entities = entities;
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
     * Admits an append of {@code bytes} and {@code newEntities} to {@code tenant} when they fit its
     * quotas together with what it holds and what is in flight, and reserves them.
     *
     * @param maxBytes the tenant's byte quota, 0 for none
     * @param maxEntities its entity quota, 0 for none
     * @return the reservation, or the refusal
     */
    public Admission admit(String tenant, long bytes, long newEntities, long maxBytes, long maxEntities) {
        Counts counts = tenants.computeIfAbsent(tenant, t -> new Counts());
        synchronized (counts) {
            long bytesAfter = counts.bytes + counts.reservedBytes;
            if (maxBytes > 0 && bytesAfter + bytes > maxBytes) {
                return new Refusal("bytes", maxBytes, bytesAfter, bytes);
            }
            long entitiesAfter = counts.entities + counts.reservedEntities;
            if (maxEntities > 0 && entitiesAfter + newEntities > maxEntities) {
                return new Refusal("entities", maxEntities, entitiesAfter, newEntities);
            }
            Reservation reservation = new Reservation(counts, bytes, newEntities);
            counts.reservedBytes += bytes;
            counts.reservedEntities += newEntities;
            counts.reservations.add(reservation);
            return reservation;
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
        Counts counts = tenants.computeIfAbsent(event.tenantId(), t -> new Counts());
        long bytes = event.payload().sizeInBytes() + event.metadata().map(Record::sizeInBytes).orElse(0);
        synchronized (counts) {
            counts.events++;
            counts.bytes += bytes;
            if (event.version() == 1) {
                counts.entities++;
            }
            counts.countedThrough = event.position();
            if (!counts.reservations.isEmpty()) {
                counts.reservations.removeIf(r -> {
                    if (r.lastPosition > event.position()) {
                        return false;
                    }
                    counts.reservedBytes -= r.bytes;
                    counts.reservedEntities -= r.entities;
                    return true;
                });
            }
        }
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
                .put("events", held.events()).put("bytes", held.bytes()).put("entities", held.entities()).build());
    }

    @Override
    public void reset() {
        tenants.clear();
    }

    /** {@code count u32, then per tenant: name (UTF), events, bytes, entities, counted-through (i64)}. */
    @Override
    public Optional<byte[]> saveState() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            List<Map.Entry<String, Counts>> entries = new ArrayList<>(tenants.entrySet());
            out.writeInt(entries.size());
            for (Map.Entry<String, Counts> entry : entries) {
                Counts counts = entry.getValue();
                synchronized (counts) {
                    out.writeUTF(entry.getKey());
                    out.writeLong(counts.events);
                    out.writeLong(counts.bytes);
                    out.writeLong(counts.entities);
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
        tenants.clear();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                Counts counts = new Counts();
                String name = in.readUTF();
                counts.events = in.readLong();
                counts.bytes = in.readLong();
                counts.entities = in.readLong();
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
        /** Position of the last event of this tenant counted. */
        long countedThrough;
        long reservedBytes;
        long reservedEntities;
        final List<Reservation> reservations = new ArrayList<>();

        synchronized Held held() {
            return new Held(events, bytes, entities);
        }

        void release(Reservation reservation) {
            if (reservations.remove(reservation)) {
                reservedBytes -= reservation.bytes;
                reservedEntities -= reservation.entities;
            }
        }
    }
}
