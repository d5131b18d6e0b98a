package dev.peregrine.store.subscription;

import dev.peregrine.store.StoredEvent;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which events a subscription delivers: by event type (any of a set), entity id and tenant id. Unset
 * parts match everything; {@link #ALL} matches every event. Immutable.
 *
 * <pre>{@code
 * SubscriptionFilter orders = SubscriptionFilter.builder().eventTypes("order.placed", "order.paid").build();
 * }</pre>
 */
public final class SubscriptionFilter {

    /** Matches every event. */
    public static final SubscriptionFilter ALL = builder().build();

    private final Set<String> eventTypes;
    private final String entityId;
    private final String tenantId;

    private SubscriptionFilter(Builder b) {
        this.eventTypes = java.util.Collections.unmodifiableSet(new TreeSet<>(b.eventTypes));
        this.entityId = b.entityId;
        this.tenantId = b.tenantId;
    }

    /** @return a builder matching everything until narrowed */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the accepted event types, sorted; empty accepts every type */
    public Set<String> eventTypes() {
        return eventTypes;
    }

    /** @return the accepted entity id, if restricted */
    public Optional<String> entityId() {
        return Optional.ofNullable(entityId);
    }

    /** @return the accepted tenant id, if restricted */
    public Optional<String> tenantId() {
        return Optional.ofNullable(tenantId);
    }

    /**
     * @param event an event
     * @return whether the filter accepts it
     */
    public boolean test(StoredEvent event) {
        return accepts(event.eventType(), event.entityId(), event.tenantId());
    }

    /**
     * The same test on an event's parts, for readers that have not made a {@link StoredEvent}.
     *
     * @param eventType the event type
     * @param entityId the entity id
     * @param tenantId the tenant id
     * @return whether the filter accepts an event with them
     */
    public boolean accepts(String eventType, String entityId, String tenantId) {
        return (eventTypes.isEmpty() || eventTypes.contains(eventType))
                && (this.entityId == null || this.entityId.equals(entityId))
                && (this.tenantId == null || this.tenantId.equals(tenantId));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SubscriptionFilter f && eventTypes.equals(f.eventTypes)
                && Objects.equals(entityId, f.entityId) && Objects.equals(tenantId, f.tenantId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventTypes, entityId, tenantId);
    }

    @Override
    public String toString() {
        return "SubscriptionFilter{types=" + eventTypes + ", entity=" + entityId + ", tenant=" + tenantId + "}";
    }

    /** Builds a {@link SubscriptionFilter}; not thread-safe. */
    public static final class Builder {
        private final Set<String> eventTypes = new TreeSet<>();
        private String entityId;
        private String tenantId;

        private Builder() {}

        /**
         * @param types accepted event types (adds to any given before)
         * @return this builder
         */
        public Builder eventTypes(String... types) {
            for (String t : List.of(types)) {
                eventTypes.add(Objects.requireNonNull(t, "event type"));
            }
            return this;
        }

        /**
         * @param id the only entity accepted, {@code null} for any
         * @return this builder
         */
        public Builder entityId(String id) {
            this.entityId = id;
            return this;
        }

        /**
         * @param id the only tenant accepted, {@code null} for any
         * @return this builder
         */
        public Builder tenantId(String id) {
            this.tenantId = id;
            return this;
        }

        /** @return the filter */
        public SubscriptionFilter build() {
            return new SubscriptionFilter(this);
        }
    }
}
