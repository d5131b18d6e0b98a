package dev.peregrine.server;

import dev.peregrine.server.auth.Principal;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.StoredEvent;
import java.util.Optional;

/**
 * The part of the store a request may see: everything, or one tenant's events and entities.
 *
 * <p><b>How entity ids are scoped.</b> The store keys streams by entity id alone. A credential
 * bound to tenant {@code acme} works in its own namespace: its entity {@code order-1} is stored
 * as {@code acme:order-1}, so the same id in two tenants is two streams, and it can never name
 * another tenant's entity (tenant names cannot contain {@code ':'}). Its responses show ids
 * without the prefix. Credentials not bound to a tenant (admin keys, and every request on a server
 * running open) see the stored ids as they are: the single-tenant API is unchanged. The
 * {@code default} tenant cannot be bound to a key: it is the unbound namespace.
 *
 * <p>Immutable; one per request.
 */
final class TenantScope {
    /** Separates the tenant from the entity id in a stored, tenant-scoped entity id. */
    static final char SEPARATOR = ':';

    private static final TenantScope EVERY_TENANT = new TenantScope(null);

    private final String tenant;
    private final String prefix;

    private TenantScope(String tenant) {
        this.tenant = tenant;
        this.prefix = tenant == null ? "" : tenant + SEPARATOR;
    }

    static TenantScope of(Principal principal) {
        return principal.tenant() == null ? EVERY_TENANT : new TenantScope(principal.tenant());
    }

    /** Whether the request is confined to one tenant. */
    boolean bound() {
        return tenant != null;
    }

    /** The entity id the store knows for the id the client sent. */
    String storedEntityId(String entityId) {
        return tenant == null ? entityId : prefix + entityId;
    }

    /** The entity id the client sees for a stored one. */
    String shownEntityId(String storedEntityId) {
        return tenant != null && storedEntityId.startsWith(prefix) ? storedEntityId.substring(prefix.length())
                : storedEntityId;
    }

    /** Whether the event is this scope's to see. */
    boolean sees(StoredEvent event) {
        return tenant == null || tenant.equals(event.tenantId());
    }

    /**
     * The tenant filter of a read: the request's own for an unbound scope, else this tenant.
     *
     * @throws ApiException 403 when a bound request asks for another tenant
     */
    Optional<String> tenantFilter(Optional<String> requested) {
        if (tenant == null) {
            return requested;
        }
        if (requested.isPresent() && !requested.get().equals(tenant)) {
            throw otherTenant(requested.get());
        }
        return Optional.of(tenant);
    }

    /**
     * The event as the store is to append it: unchanged for an unbound scope; else in this tenant
     * (an event that names no tenant is put in it) under its scoped entity id.
     *
     * @throws ApiException 403 when the event names another tenant
     */
    NewEvent admit(NewEvent event) {
        if (tenant == null) {
            return event;
        }
        String named = event.tenantId();
        if (!named.equals(tenant) && !named.equals(NewEvent.DEFAULT_TENANT)) {
            throw otherTenant(named);
        }
        NewEvent.Builder scoped = NewEvent.builder()
                .eventType(event.eventType())
                .entityId(storedEntityId(event.entityId()))
                .tenantId(tenant)
                .payload(event.payload())
                .metadata(event.metadata().orElse(null))
                .expectedVersion(event.expectedVersion());
        if (event.clientSuppliedId()) {
            scoped.eventId(event.eventId());
        }
        return scoped.build();
    }

    private ApiException otherTenant(String named) {
        return ApiException.forbidden("tenant_id '" + named + "' is not this credential's tenant ('" + tenant + "')");
    }
}
