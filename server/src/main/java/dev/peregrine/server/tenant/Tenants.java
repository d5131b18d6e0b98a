package dev.peregrine.server.tenant;

import dev.peregrine.record.Record;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.NewEvent;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The tenants of a server: who was created and in what state ({@link TenantRegistry}), what each
 * holds ({@link TenantUsage}), and the quotas an append must fit. A tenant that was not created
 * gets the server's default quotas. Thread-safe.
 */
public final class Tenants {
    private final TenantRegistry registry;
    private final TenantUsage usage;
    private final Quotas defaults;

    /**
     * A tenant's limits on what it holds.
     *
     * @param maxBytes bytes of events, 0 for no limit
     * @param maxEntities entities, 0 for no limit
     * @param maxFieldNames field names its events brought into the store's dictionary first (see
     *        {@link TenantUsage}), 0 for no limit
     */
    public record Quotas(long maxBytes, long maxEntities, long maxFieldNames) {
        /** No limits. */
        public static final Quotas NONE = new Quotas(0, 0, 0);

        public Quotas {
            if (maxBytes < 0 || maxEntities < 0 || maxFieldNames < 0) {
                throw new IllegalArgumentException("quotas are 0 (no limit) or positive, got max_bytes " + maxBytes
                        + ", max_entities " + maxEntities + " and max_field_names " + maxFieldNames);
            }
        }

        /** Whether any limit is set. */
        public boolean limited() {
            return maxBytes > 0 || maxEntities > 0 || maxFieldNames > 0;
        }
    }

    /**
     * @param registry the created tenants
     * @param usage the store's usage projection, registered on it
     * @param defaults the quotas of tenants that were not created
     */
    public Tenants(TenantRegistry registry, TenantUsage usage, Quotas defaults) {
        this.registry = registry;
        this.usage = usage;
        this.defaults = defaults;
    }

    public TenantRegistry registry() {
        return registry;
    }

    public TenantUsage usage() {
        return usage;
    }

    /** @return the quotas of {@code tenant}: its own when it was created, else the defaults */
    public Quotas quotas(String tenant) {
        return registry.find(tenant).map(Tenant::quotas).orElse(defaults);
    }

    /** @return the quotas of tenants that were not created */
    public Quotas defaults() {
        return defaults;
    }

    /**
     * Admits {@code events} for {@code tenant} against its quotas and reserves what they add.
     *
     * @param store where they go, asked which of their entities are new (only under an entity quota); the
     *        names they would bring into its dictionary are counted only under a field name quota
     * @return {@code null} when the tenant has no quota (nothing to reserve), else the reservation or
     *         the refusal
     */
    public TenantUsage.Admission admit(String tenant, List<NewEvent> events, EventStore store) {
        Quotas quotas = quotas(tenant);
        if (!quotas.limited()) {
            return null;
        }
        long bytes = 0;
        for (NewEvent event : events) {
            bytes += bytes(event);
        }
        long newEntities = 0;
        if (quotas.maxEntities() > 0) {
            Set<String> seen = new HashSet<>();
            for (NewEvent event : events) {
                if (seen.add(event.entityId()) && store.streamVersion(event.entityId()) == 0) {
                    newEntities++;
                }
            }
        }
        long newFieldNames = quotas.maxFieldNames() > 0 ? usage.newFieldNames(events) : 0;
        return usage.admit(tenant, new TenantUsage.Adding(bytes, newEntities, newFieldNames), quotas);
    }

    /** The bytes an event adds to its tenant, as {@link TenantUsage} counts them once stored. */
    static long bytes(NewEvent event) {
        return event.payload().sizeInBytes() + event.metadata().map(Record::sizeInBytes).orElse(0);
    }
}
