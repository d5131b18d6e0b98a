package dev.peregrine.store.subscription;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.peregrine.store.InvalidEventException;
import dev.peregrine.store.StoredEvent;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which events a subscription delivers: by event type, entity id and tenant id. The event type is
 * accepted when it is one of a set, starts with one of a set of prefixes, or holds a match of a
 * regular expression (any of the three that are given); the entity id likewise (one id, prefixes, a
 * regular expression); the tenant when it is the one given. Unset parts match everything;
 * {@link #ALL} matches every event. Regular expressions are found anywhere in the name (as
 * KurrentDB's filters match), so anchor them with {@code ^} and {@code $} for a whole name. They are
 * RE2 expressions ({@link Pattern}): matched in time linear in the name, whatever the pattern, so a
 * subscriber's pattern cannot hold the thread that feeds subscriptions; backreferences and
 * lookaround, which need backtracking, are refused as malformed. Immutable.
 *
 * <pre>{@code
 * SubscriptionFilter orders = SubscriptionFilter.builder().eventTypes("order.placed", "order.paid").build();
 * SubscriptionFilter shop = SubscriptionFilter.builder().entityIdPrefixes("order-", "cart-").build();
 * }</pre>
 */
public final class SubscriptionFilter {

    /** Matches every event. */
    public static final SubscriptionFilter ALL = builder().build();

    private final Set<String> eventTypes;
    private final Set<String> eventTypePrefixes;
    private final Pattern eventTypePattern;
    private final String entityId;
    /** {@code entityId} as a set of none or one, for {@link #matches}. */
    private final Set<String> entityIds;
    private final Set<String> entityIdPrefixes;
    private final Pattern entityIdPattern;
    private final String tenantId;

    private SubscriptionFilter(Builder b) {
        this.eventTypes = java.util.Collections.unmodifiableSet(new TreeSet<>(b.eventTypes));
        this.eventTypePrefixes = java.util.Collections.unmodifiableSet(new TreeSet<>(b.eventTypePrefixes));
        this.eventTypePattern = compile("event_type_regex", b.eventTypePattern);
        this.entityId = b.entityId;
        this.entityIds = entityId == null ? Set.of() : Set.of(entityId);
        this.entityIdPrefixes = java.util.Collections.unmodifiableSet(new TreeSet<>(b.entityIdPrefixes));
        this.entityIdPattern = compile("entity_id_regex", b.entityIdPattern);
        this.tenantId = b.tenantId;
    }

    private static Pattern compile(String field, String regex) {
        if (regex == null) {
            return null;
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new InvalidEventException(field, "'" + regex + "' is not a regular expression: " + e.getDescription());
        }
    }

    /** @return a builder matching everything until narrowed */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the accepted event types, sorted; empty accepts every type */
    public Set<String> eventTypes() {
        return eventTypes;
    }

    /** @return the accepted prefixes of event types, sorted */
    public Set<String> eventTypePrefixes() {
        return eventTypePrefixes;
    }

    /** @return the regular expression accepted event types hold a match of, if given */
    public Optional<String> eventTypePattern() {
        return Optional.ofNullable(eventTypePattern).map(Pattern::pattern);
    }

    /** @return the accepted entity id, if restricted */
    public Optional<String> entityId() {
        return Optional.ofNullable(entityId);
    }

    /** @return the accepted prefixes of entity ids, sorted */
    public Set<String> entityIdPrefixes() {
        return entityIdPrefixes;
    }

    /** @return the regular expression accepted entity ids hold a match of, if given */
    public Optional<String> entityIdPattern() {
        return Optional.ofNullable(entityIdPattern).map(Pattern::pattern);
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
        return matches(eventType, eventTypes, eventTypePrefixes, eventTypePattern)
                && matches(entityId, entityIds, entityIdPrefixes, entityIdPattern)
                && (this.tenantId == null || this.tenantId.equals(tenantId));
    }

    /** Whether a name passes one part of the filter: any of its rules, or every name when it has none. */
    private static boolean matches(String name, Set<String> exact, Set<String> prefixes, Pattern pattern) {
        if (exact.isEmpty() && prefixes.isEmpty() && pattern == null) {
            return true;
        }
        if (exact.contains(name) || pattern != null && pattern.matcher(name).find()) {
            return true;
        }
        for (String prefix : prefixes) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SubscriptionFilter f && eventTypes.equals(f.eventTypes)
                && eventTypePrefixes.equals(f.eventTypePrefixes)
                && eventTypePattern().equals(f.eventTypePattern())
                && Objects.equals(entityId, f.entityId) && entityIdPrefixes.equals(f.entityIdPrefixes)
                && entityIdPattern().equals(f.entityIdPattern()) && Objects.equals(tenantId, f.tenantId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventTypes, eventTypePrefixes, eventTypePattern(), entityId, entityIdPrefixes,
                entityIdPattern(), tenantId);
    }

    @Override
    public String toString() {
        return "SubscriptionFilter{types=" + eventTypes + ", type prefixes=" + eventTypePrefixes + ", type regex="
                + eventTypePattern().orElse(null) + ", entity=" + entityId + ", entity prefixes=" + entityIdPrefixes
                + ", entity regex=" + entityIdPattern().orElse(null) + ", tenant=" + tenantId + "}";
    }

    /** Builds a {@link SubscriptionFilter}; not thread-safe. */
    public static final class Builder {
        private final Set<String> eventTypes = new TreeSet<>();
        private final Set<String> eventTypePrefixes = new TreeSet<>();
        private String eventTypePattern;
        private String entityId;
        private final Set<String> entityIdPrefixes = new TreeSet<>();
        private String entityIdPattern;
        private String tenantId;

        private Builder() {}

        /** Adds every value, refusing a {@code null} one by naming {@code what} it is. */
        private static void addAll(Collection<String> to, String[] values, String what) {
            for (String value : values) {
                to.add(Objects.requireNonNull(value, what));
            }
        }

        /**
         * @param types accepted event types (adds to any given before)
         * @return this builder
         */
        public Builder eventTypes(String... types) {
            addAll(eventTypes, types, "event type");
            return this;
        }

        /**
         * @param prefixes accepted beginnings of event types (adds to any given before)
         * @return this builder
         */
        public Builder eventTypePrefixes(String... prefixes) {
            addAll(eventTypePrefixes, prefixes, "event type prefix");
            return this;
        }

        /**
         * @param regex a regular expression ({@link Pattern}) accepted event types hold a match of,
         *     {@code null} for none; checked by {@link #build()}
         * @return this builder
         */
        public Builder eventTypePattern(String regex) {
            this.eventTypePattern = regex;
            return this;
        }

        /**
         * @param prefixes accepted beginnings of entity ids (adds to any given before)
         * @return this builder
         */
        public Builder entityIdPrefixes(String... prefixes) {
            addAll(entityIdPrefixes, prefixes, "entity id prefix");
            return this;
        }

        /**
         * @param regex a regular expression ({@link Pattern}) accepted entity ids hold a match of,
         *     {@code null} for none; checked by {@link #build()}
         * @return this builder
         */
        public Builder entityIdPattern(String regex) {
            this.entityIdPattern = regex;
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

        /**
         * @return the filter
         * @throws InvalidEventException naming {@code event_type_regex} or {@code entity_id_regex}
         *     when a regular expression is malformed
         */
        public SubscriptionFilter build() {
            return new SubscriptionFilter(this);
        }
    }
}
