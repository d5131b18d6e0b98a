package dev.peregrine.server;

import dev.peregrine.server.auth.Principal;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.StoredEvent;
import dev.peregrine.store.subscription.SubscriptionFilter;
import dev.peregrine.store.view.ComparisonOperator;
import dev.peregrine.store.view.ViewAggregate;
import dev.peregrine.store.view.ViewColumn;
import dev.peregrine.store.view.ViewDefinition;
import dev.peregrine.store.view.ViewPredicate;
import java.util.List;
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
 * <p><b>Views and consumer groups</b> are scoped the same way: a tenant's view {@code orders} is the
 * store's view {@code acme.orders}, defined over {@code acme}'s events only, and its consumer group
 * {@code billing} is the store's group {@code acme.billing}, filtered to {@code acme}'s events.
 *
 * <p>Immutable; one per request.
 */
final class TenantScope {
    /** Separates the tenant from the entity id in a stored, tenant-scoped entity id. */
    static final char SEPARATOR = ':';
    /** Separates the tenant from a view's or consumer group's name (they allow {@code [A-Za-z0-9_.-]} only). */
    static final char NAME_SEPARATOR = '.';

    /** The scope of a credential bound to no tenant (and of every request on an open server). */
    static final TenantScope EVERY_TENANT = new TenantScope(null);

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

    /**
     * The name the store knows for the view or consumer group the client names: {@code <tenant>.<name>}
     * when bound. Tenant names may contain {@code '.'}, so a bound name may not: otherwise tenant
     * {@code acme}'s {@code x.orders} and tenant {@code acme.x}'s {@code orders} would be one name.
     *
     * @throws ApiException 400 when a bound request's name contains {@code '.'}
     */
    String storedName(String name) {
        if (tenant == null) {
            return name;
        }
        if (name.indexOf(NAME_SEPARATOR) >= 0) {
            throw ApiException.badRequest("a tenant's view and consumer group names cannot contain '"
                    + NAME_SEPARATOR + "' (it separates the tenant from the name), got '" + name + "'");
        }
        return namePrefix() + name;
    }

    /** The view or consumer group name the client sees for a stored one. */
    String shownName(String storedName) {
        return tenant != null && seesName(storedName) ? storedName.substring(namePrefix().length()) : storedName;
    }

    /** Whether a view or consumer group is this scope's to see: every one when unbound, else the tenant's own. */
    boolean seesName(String storedName) {
        return tenant == null || storedName.startsWith(namePrefix())
                && storedName.indexOf(NAME_SEPARATOR, namePrefix().length()) < 0;
    }

    /**
     * A consumer group's filter as the store is to keep it: as asked when unbound; else confined to
     * this tenant, with the entity id scoped, so that a tenant's group never receives another's events.
     *
     * @throws ApiException 403 when a bound request names another tenant
     */
    SubscriptionFilter scopedFilter(Optional<String> entityId, List<String> eventTypes, Optional<String> tenantId) {
        SubscriptionFilter.Builder filter = SubscriptionFilter.builder().eventTypes(eventTypes.toArray(String[]::new));
        entityId.map(this::storedEntityId).ifPresent(filter::entityId);
        tenantFilter(tenantId).ifPresent(filter::tenantId);
        return filter.build();
    }

    /**
     * The definition as the store is to register it: unchanged when unbound; else named
     * {@code <tenant>.<name>} and reading only the tenant's events (its {@code where} and'ed with
     * {@code $tenant_id = <tenant>}), so that a tenant's view never counts another tenant's data.
     */
    ViewDefinition scopedDefinition(ViewDefinition definition) {
        if (tenant == null) {
            return definition;
        }
        ViewPredicate own = new ViewPredicate.Compare("$tenant_id", ComparisonOperator.EQ, tenant);
        ViewDefinition.Builder scoped = ViewDefinition.builder(storedName(definition.name()))
                .eventTypes(definition.eventTypes().toArray(String[]::new))
                .where(definition.where().<ViewPredicate>map(where -> new ViewPredicate.And(List.of(own, where)))
                        .orElse(own))
                .groupBy(definition.groupBy().toArray(ViewColumn[]::new));
        if (!definition.grouped()) {
            scoped.select(definition.select().toArray(ViewColumn[]::new));
        }
        for (ViewAggregate aggregate : definition.aggregates()) {
            scoped.aggregate(aggregate.function(), aggregate.field(), aggregate.name());
        }
        return scoped.build();
    }

    private String namePrefix() {
        return tenant + NAME_SEPARATOR;
    }

    private ApiException otherTenant(String named) {
        return ApiException.forbidden("tenant_id '" + named + "' is not this credential's tenant ('" + tenant + "')");
    }
}
