package dev.peregrine.server.auth;

import java.util.Map;

/**
 * The {@link Access} each route requires, by method and route pattern. A route missing from the
 * table requires {@link Access#ADMIN}: a route added without a decision here is closed, not open.
 * Immutable.
 */
public final class AccessPolicy {
    private static final Map<String, Access> ROUTES = Map.ofEntries(
            Map.entry("GET /health", Access.PUBLIC),
            Map.entry("GET /metrics", Access.READ_EVERY_TENANT),
            Map.entry("POST /api/v1/events", Access.WRITE),
            Map.entry("POST /api/v1/events/batch", Access.WRITE),
            Map.entry("GET /api/v1/events/query", Access.READ),
            Map.entry("GET /api/v1/events/{id}", Access.READ),
            Map.entry("GET /api/v1/events/subscribe", Access.READ),
            Map.entry("GET /api/v1/events/stream", Access.READ),
            Map.entry("GET /api/v1/entities/{id}/state", Access.READ),
            Map.entry("GET /api/v1/entities/{id}/snapshot", Access.READ),
            Map.entry("DELETE /api/v1/entities/{id}", Access.WRITE),
            // A tenant-bound credential gets its own tenant's counts (AdminRoutes).
            Map.entry("GET /api/v1/stats", Access.READ),
            Map.entry("POST /api/v1/snapshots", Access.WRITE),
            Map.entry("GET /api/v1/snapshots/{entity_id}/latest", Access.READ),
            Map.entry("GET /api/v1/projections", Access.READ),
            Map.entry("GET /api/v1/projections/{name}/{entity_id}", Access.READ),
            // A tenant-bound credential's views are its tenant's own (TenantScope).
            Map.entry("POST /api/v1/views", Access.WRITE),
            Map.entry("GET /api/v1/views", Access.READ),
            Map.entry("GET /api/v1/views/{name}", Access.READ),
            Map.entry("DELETE /api/v1/views/{name}", Access.WRITE),
            // Consumer groups are scoped like views: a tenant-bound credential's are its tenant's own.
            Map.entry("GET /api/v1/consumer-groups", Access.READ),
            Map.entry("POST /api/v1/consumer-groups", Access.WRITE),
            Map.entry("GET /api/v1/consumer-groups/{name}", Access.READ),
            Map.entry("PATCH /api/v1/consumer-groups/{name}", Access.WRITE),
            Map.entry("DELETE /api/v1/consumer-groups/{name}", Access.WRITE),
            Map.entry("GET /api/v1/consumer-groups/{name}/parked", Access.READ),
            Map.entry("POST /api/v1/consumer-groups/{name}/parked/replay", Access.WRITE),
            // Schemas are global (an event type means the same to every tenant): any reader may read them
            // and validate against them; registering and changing a subject's settings are admin's (not
            // listed: a route missing from the table needs admin), since they decide what every tenant may write.
            Map.entry("GET /api/v1/schemas", Access.READ),
            Map.entry("GET /api/v1/schemas/{subject}", Access.READ),
            Map.entry("GET /api/v1/schemas/{subject}/versions", Access.READ),
            Map.entry("POST /api/v1/schemas/validate", Access.READ),
            // Replays rebuild state shared by every tenant (projections) or any tenant's views: reading their
            // progress needs a key of no tenant; starting, cancelling and deleting them are admin's (not listed).
            Map.entry("GET /api/v1/replay", Access.READ_EVERY_TENANT),
            Map.entry("GET /api/v1/replay/{replay_id}", Access.READ_EVERY_TENANT),
            // The web console's page and assets load without a credential (its API calls carry one);
            // what it reads spans every tenant (and shows the data directory), so no tenant key sees it.
            Map.entry("GET /", Access.PUBLIC),
            Map.entry("GET /console", Access.PUBLIC),
            Map.entry("GET /console/assets/{version}/{name}", Access.PUBLIC),
            Map.entry("GET /api/v1/server", Access.READ_EVERY_TENANT),
            Map.entry("GET /api/v1/metrics/history", Access.READ_EVERY_TENANT),
            Map.entry("GET /api/v1/entities", Access.READ_EVERY_TENANT),
            // Operations: reading them needs a key of no tenant; backups and the server log are admin's
            // (they are not listed: a route missing from the table needs admin).
            Map.entry("GET /api/v1/ops/wal/status", Access.READ_EVERY_TENANT),
            Map.entry("GET /api/v1/ops/storage/stats", Access.READ_EVERY_TENANT),
            Map.entry("GET /api/v1/ops/health/deep", Access.READ_EVERY_TENANT),
            // Retention rules are store-wide: reading them needs a key of no tenant; changing them, and
            // starting or stopping a scavenge (compaction), is admin's (not listed).
            Map.entry("GET /api/v1/retention/rules", Access.READ_EVERY_TENANT),
            Map.entry("GET /api/v1/compaction/stats", Access.READ_EVERY_TENANT));
    // Tenants (/api/v1/tenants*) are not listed: managing them is admin's.

    private AccessPolicy() {
    }

    /** The access a route requires; {@link Access#ADMIN} for a route not in the table. */
    public static Access of(String method, String pattern) {
        return ROUTES.getOrDefault(method + " " + pattern, Access.ADMIN);
    }
}
