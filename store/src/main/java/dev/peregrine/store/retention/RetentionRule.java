package dev.peregrine.store.retention;

import dev.peregrine.store.InvalidEventException;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One retention rule: which events it covers (by event type, entity-id prefix and tenant; each
 * optional, all given ones must match) and how long they are kept: a maximum age, a maximum count per
 * entity (the newest N of the entity's events the rule covers are kept), or both.
 *
 * <p>An event is <em>expired</em> as soon as any rule that covers it says so: from that moment
 * queries, reads, entity state and subscriptions no longer return it, and a scavenge later removes its
 * bytes. Until a scavenge has removed it, taking a rule away (or relaxing it) brings the event back;
 * after, it is gone for good. Counts include every event of the entity the rule covers, removed ones
 * too, so a scavenge interrupted and run again removes exactly what the first run would have.
 *
 * <p>Tenants: a tenant's entity ids are stored as {@code <tenant>:<id>}, and its events carry its
 * tenant id; {@link Builder#tenantId} matches the latter.
 *
 * <pre>{@code
 * store.retention().putRule(RetentionRule.builder("clicks-30d")
 *         .eventType("page.clicked").maxAge(Duration.ofDays(30)).build());
 * store.retention().putRule(RetentionRule.builder("sensors-last-100")
 *         .entityIdPrefix("sensor-").maxCount(100).build());
 * }</pre>
 *
 * <p>Immutable.
 */
public final class RetentionRule {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");
    /** Longest selector string (event types and entity ids are at most this long in the store). */
    private static final int MAX_SELECTOR = 256;
    /** Longest maximum age: 100 years, well inside the nanoseconds a {@code long} holds. */
    private static final Duration MAX_AGE = Duration.ofDays(36_525);

    private final String name;
    private final Optional<String> eventType;
    private final Optional<String> entityIdPrefix;
    private final Optional<String> tenantId;
    private final Optional<Duration> maxAge;
    private final OptionalLong maxCount;

    private RetentionRule(Builder b) {
        this.name = b.name;
        this.eventType = Optional.ofNullable(b.eventType);
        this.entityIdPrefix = Optional.ofNullable(b.entityIdPrefix);
        this.tenantId = Optional.ofNullable(b.tenantId);
        this.maxAge = Optional.ofNullable(b.maxAge);
        this.maxCount = b.maxCount == 0 ? OptionalLong.empty() : OptionalLong.of(b.maxCount);
    }

    /**
     * @param name the rule's name, 1 to 64 characters of {@code A-Z a-z 0-9 _ . -}; putting a rule of a
     *             name that exists replaces it
     * @return a builder
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * Parses a maximum age as operators write it: a whole number with a unit ({@code 500ms},
     * {@code 10s}, {@code 15m}, {@code 12h}, {@code 30d}) or an ISO-8601 duration ({@code PT1H30M}).
     *
     * @param text the text
     * @return the duration
     * @throws InvalidEventException naming {@code max_age} if it is neither
     */
    public static Duration parseAge(String text) {
        Matcher m = SHORT_DURATION.matcher(text);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidEventException("max_age", "must be a duration like 30d, 12h, 15m, 10s, 500ms or PT1H, got '"
                    + text + "'");
        }
    }

    /** @return the rule's name */
    public String name() {
        return name;
    }

    /** @return the event type it covers; empty for every type */
    public Optional<String> eventType() {
        return eventType;
    }

    /** @return the prefix of the entity ids it covers; empty for every entity */
    public Optional<String> entityIdPrefix() {
        return entityIdPrefix;
    }

    /** @return the tenant whose events it covers; empty for every tenant */
    public Optional<String> tenantId() {
        return tenantId;
    }

    /** @return how old a covered event may get; empty for no age limit */
    public Optional<Duration> maxAge() {
        return maxAge;
    }

    /** @return how many of an entity's covered events are kept, newest first; empty for no count limit */
    public OptionalLong maxCount() {
        return maxCount;
    }

    /**
     * @param type the event's type
     * @param entityId its (stored) entity id
     * @param tenant its tenant id
     * @return whether this rule covers the event
     */
    public boolean covers(String type, String entityId, String tenant) {
        return (eventType.isEmpty() || eventType.get().equals(type))
                && (entityIdPrefix.isEmpty() || entityId.startsWith(entityIdPrefix.get()))
                && (tenantId.isEmpty() || tenantId.get().equals(tenant));
    }

    /** @return whether the rule selects by something its entity alone does not decide (type or tenant) */
    public boolean selectsPerEvent() {
        return eventType.isPresent() || tenantId.isPresent();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RetentionRule r && name.equals(r.name) && eventType.equals(r.eventType)
                && entityIdPrefix.equals(r.entityIdPrefix) && tenantId.equals(r.tenantId) && maxAge.equals(r.maxAge)
                && maxCount.equals(r.maxCount);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, eventType, entityIdPrefix, tenantId, maxAge, maxCount);
    }

    @Override
    public String toString() {
        return "RetentionRule[" + name + eventType.map(t -> ", type " + t).orElse("")
                + entityIdPrefix.map(p -> ", entity prefix " + p).orElse("")
                + tenantId.map(t -> ", tenant " + t).orElse("") + maxAge.map(a -> ", max age " + a).orElse("")
                + (maxCount.isPresent() ? ", max count " + maxCount.getAsLong() : "") + "]";
    }

    /** Builds a {@link RetentionRule}; {@link #build()} checks it. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private String eventType;
        private String entityIdPrefix;
        private String tenantId;
        private Duration maxAge;
        private long maxCount;

        private Builder(String name) {
            this.name = name;
        }

        /** @param value the event type covered (exact match) @return this builder */
        public Builder eventType(String value) {
            this.eventType = value;
            return this;
        }

        /** @param value the prefix of the entity ids covered @return this builder */
        public Builder entityIdPrefix(String value) {
            this.entityIdPrefix = value;
            return this;
        }

        /** @param value the tenant whose events are covered @return this builder */
        public Builder tenantId(String value) {
            this.tenantId = value;
            return this;
        }

        /** @param value the age past which covered events expire, 1 ms to 100 years @return this builder */
        public Builder maxAge(Duration value) {
            this.maxAge = value;
            return this;
        }

        /** @param value covered events kept per entity, newest first, at least 1 @return this builder */
        public Builder maxCount(long value) {
            if (value < 1) {
                throw new InvalidEventException("max_count", "must be at least 1, got " + value);
            }
            this.maxCount = value;
            return this;
        }

        /**
         * @return the rule
         * @throws InvalidEventException naming the field if the name or a selector is malformed, or the
         *         rule has neither a maximum age nor a maximum count
         */
        public RetentionRule build() {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new InvalidEventException("name", "must be 1 to 64 characters of A-Z a-z 0-9 _ . -, got '"
                        + name + "'");
            }
            checkSelector("event_type", eventType);
            checkSelector("entity_id_prefix", entityIdPrefix);
            checkSelector("tenant_id", tenantId);
            if (maxAge != null && (maxAge.compareTo(Duration.ofMillis(1)) < 0 || maxAge.compareTo(MAX_AGE) > 0)) {
                throw new InvalidEventException("max_age", "must be from 1 ms to " + MAX_AGE.toDays() + " days, got "
                        + maxAge);
            }
            if (maxAge == null && maxCount == 0) {
                throw new InvalidEventException("max_age", "a rule needs max_age, max_count or both");
            }
            return new RetentionRule(this);
        }

        private static void checkSelector(String field, String value) {
            if (value == null) {
                return;
            }
            if (value.isEmpty() || value.length() > MAX_SELECTOR) {
                throw new InvalidEventException(field, "must be 1 to " + MAX_SELECTOR + " characters, got "
                        + value.length());
            }
            if (value.chars().anyMatch(Character::isISOControl)) {
                throw new InvalidEventException(field, "must not contain control characters");
            }
        }
    }
}
