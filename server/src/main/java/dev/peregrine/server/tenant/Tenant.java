package dev.peregrine.server.tenant;

import dev.peregrine.server.auth.ApiKey;
import java.time.Instant;
import java.util.Objects;

/**
 * A tenant an admin created: its name, when, whether its credentials may act, and its quotas.
 * Tenants that keys name without one having been created are implicit: active, with the server's
 * default quotas. Immutable.
 *
 * @param name 1 to 64 characters of {@code [a-z0-9._-]} (see {@link ApiKey#checkTenant})
 * @param created when it was created
 * @param state whether its credentials act, or its data is being deleted
 * @param maxBytes most bytes of events it may hold (payload and metadata records), 0 for no limit
 * @param maxEntities most entities (streams) it may hold, 0 for no limit
 */
public record Tenant(String name, Instant created, State state, long maxBytes, long maxEntities) {

    /** What a tenant's credentials may do. */
    public enum State {
        /** Its credentials act as their roles allow. */
        ACTIVE,
        /** Its credentials are refused (403) until it is activated again; its data stays. */
        DEACTIVATED,
        /**
         * Its data is being deleted: credentials refused, entities being tombstoned. Only ever left by
         * the deletion finishing, which removes the tenant; a restart resumes it.
         */
        DELETING;

        /** The name used in files and JSON: lower case. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Tenant {
        ApiKey.checkTenant(name);
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(state, "state");
        if (maxBytes < 0 || maxEntities < 0) {
            throw new IllegalArgumentException("quotas are 0 (no limit) or positive, got max_bytes " + maxBytes
                    + " and max_entities " + maxEntities);
        }
    }

    /** @return this tenant in {@code state} */
    public Tenant in(State next) {
        return new Tenant(name, created, next, maxBytes, maxEntities);
    }

    /** @return this tenant with other quotas */
    public Tenant withQuotas(long bytes, long entities) {
        return new Tenant(name, created, state, bytes, entities);
    }
}
