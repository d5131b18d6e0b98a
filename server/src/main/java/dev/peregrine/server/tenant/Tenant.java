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
 * @param quotas what it may hold: bytes of events (payload and metadata records), entities (streams)
 *        and field names it brought into the store, each 0 for no limit
 */
public record Tenant(String name, Instant created, State state, Tenants.Quotas quotas) {

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
        Objects.requireNonNull(quotas, "quotas");
    }

    /** @return this tenant in {@code state} */
    public Tenant in(State next) {
        return new Tenant(name, created, next, quotas);
    }

    /** @return this tenant with other quotas */
    public Tenant withQuotas(Tenants.Quotas next) {
        return new Tenant(name, created, state, next);
    }
}
