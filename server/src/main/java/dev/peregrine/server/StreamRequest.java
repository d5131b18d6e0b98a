package dev.peregrine.server;

import dev.peregrine.store.subscription.StartPosition;
import dev.peregrine.store.subscription.SubscriptionFilter;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a subscriber asks for: a filter ({@code entity_id}, {@code event_type}, {@code tenant_id})
 * and where to start: after {@code Last-Event-ID} (an SSE reconnection), else at
 * {@code from_position}, else with the next event committed after the request arrived. That last
 * case is pinned to a position when the request is parsed, so that a WebSocket filter change made
 * before any event was sent still starts from the connection's moment. Immutable.
 */
record StreamRequest(SubscriptionFilter filter, StartPosition start) {

    /** A tenant-bound {@code scope} confines the subscription to its tenant and entity namespace. */
    static StreamRequest parse(QueryParameters parameters, String lastEventId, long lastPosition, TenantScope scope) {
        return new StreamRequest(filter(parameters.string("entity_id"), parameters.string("event_type"),
                parameters.string("tenant_id"), scope), start(lastEventId, parameters.integer("from_position", 1,
                Long.MAX_VALUE), lastPosition));
    }

    /** A filter from a request's fields, confined to {@code scope}. */
    static SubscriptionFilter filter(Optional<String> entityId, Optional<String> eventType, Optional<String> tenantId,
                                     TenantScope scope) {
        SubscriptionFilter.Builder filter = SubscriptionFilter.builder();
        entityId.map(scope::storedEntityId).ifPresent(filter::entityId);
        eventType.ifPresent(filter::eventTypes);
        scope.tenantFilter(tenantId).ifPresent(filter::tenantId);
        return filter.build();
    }

    private static StartPosition start(String lastEventId, OptionalLong from, long lastPosition) {
        if (lastEventId != null && !lastEventId.isBlank()) {
            long last;
            try {
                last = Long.parseLong(lastEventId.trim());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("Last-Event-ID must be an event position (an integer), got '"
                        + lastEventId + "'");
            }
            if (last < 0 || last == Long.MAX_VALUE) {
                throw ApiException.badRequest("Last-Event-ID must be a position ≥ 0, got " + last);
            }
            return StartPosition.at(last + 1);
        }
        return StartPosition.at(from.isPresent() ? from.getAsLong() : lastPosition + 1);
    }
}
