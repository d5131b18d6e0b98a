package dev.peregrine.store;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A query over the log. Every filter that is set applies, whichever index the store uses to find
 * candidates; results come in position order.
 *
 * <pre>{@code
 * QueryPage page = store.query(Query.builder().entityId("user-123").limit(100).build());
 * while (page.nextCursor().isPresent()) {
 *     page = store.query(Query.builder().entityId("user-123").limit(100).cursor(page.nextCursor().get()).build());
 * }
 * }</pre>
 *
 * <p>Time bounds are inclusive: {@code since <= timestamp}, {@code timestamp <= until} and
 * {@code timestamp <= asOf} ({@code asOf} is the time-travel spelling of an upper bound; when both
 * are set the earlier one wins). {@code fromPosition} is inclusive, and so is {@code fromVersion},
 * which needs an entity and starts at that version of its stream without passing over the events
 * before it (versions count from the entity's last tombstone). {@code offset} skips that many
 * matching events before the page starts (the skipped events are examined, not read, so an offset
 * costs about as much as a page of that size); the page's cursor then points after its last event.
 * A cursor is an opaque string from {@link QueryPage#nextCursor()}; it is valid only with the same
 * filters.
 */
public final class Query {

    private final String entityId;
    private final String eventType;
    private final String tenantId;
    private final Instant since;
    private final Instant until;
    private final Instant asOf;
    private final long fromPosition;
    private final long fromVersion;
    private final int limit;
    private final int offset;
    private final String cursor;

    private Query(Builder b) {
        this.entityId = b.entityId;
        this.eventType = b.eventType;
        this.tenantId = b.tenantId;
        this.since = b.since;
        this.until = b.until;
        this.asOf = b.asOf;
        this.fromPosition = b.fromPosition;
        this.fromVersion = b.fromVersion;
        this.limit = b.limit;
        this.offset = b.offset;
        this.cursor = b.cursor;
    }

    /** @return a builder with no filter: every event, from position 1, default page size */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the entity filter */
    public Optional<String> entityId() {
        return Optional.ofNullable(entityId);
    }

    /** @return the event type filter */
    public Optional<String> eventType() {
        return Optional.ofNullable(eventType);
    }

    /** @return the tenant filter */
    public Optional<String> tenantId() {
        return Optional.ofNullable(tenantId);
    }

    /** @return the inclusive lower time bound */
    public Optional<Instant> since() {
        return Optional.ofNullable(since);
    }

    /** @return the inclusive upper time bound */
    public Optional<Instant> until() {
        return Optional.ofNullable(until);
    }

    /** @return the time-travel point (an inclusive upper time bound) */
    public Optional<Instant> asOf() {
        return Optional.ofNullable(asOf);
    }

    /** @return the inclusive lower position bound, if set */
    public OptionalLong fromPosition() {
        return fromPosition > 0 ? OptionalLong.of(fromPosition) : OptionalLong.empty();
    }

    /** @return the inclusive lower stream-version bound of an entity query, if set */
    public OptionalLong fromVersion() {
        return fromVersion > 0 ? OptionalLong.of(fromVersion) : OptionalLong.empty();
    }

    /** @return the page size, if set (the store caps it at {@link StoreOptions#maxQueryLimit()}) */
    public OptionalInt limit() {
        return limit > 0 ? OptionalInt.of(limit) : OptionalInt.empty();
    }

    /** @return how many matching events to skip before the page starts (0 when not set) */
    public int offset() {
        return offset;
    }

    /** @return the cursor of the page to continue from */
    public Optional<String> cursor() {
        return Optional.ofNullable(cursor);
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private String entityId;
        private String eventType;
        private String tenantId;
        private Instant since;
        private Instant until;
        private Instant asOf;
        private long fromPosition;
        private long fromVersion;
        private int limit;
        private int offset;
        private String cursor;

        private Builder() {
        }

        /** @param value only this entity, or {@code null} @return this builder */
        public Builder entityId(String value) {
            this.entityId = value;
            return this;
        }

        /** @param value only this event type, or {@code null} @return this builder */
        public Builder eventType(String value) {
            this.eventType = value;
            return this;
        }

        /** @param value only this tenant, or {@code null} @return this builder */
        public Builder tenantId(String value) {
            this.tenantId = value;
            return this;
        }

        /** @param value only events at or after this time, or {@code null} @return this builder */
        public Builder since(Instant value) {
            this.since = value;
            return this;
        }

        /** @param value only events at or before this time, or {@code null} @return this builder */
        public Builder until(Instant value) {
            this.until = value;
            return this;
        }

        /** @param value the log as it was at this time, or {@code null} @return this builder */
        public Builder asOf(Instant value) {
            this.asOf = value;
            return this;
        }

        /**
         * @param value only events at or after this position (1 = the start)
         * @return this builder
         * @throws InvalidEventException if {@code value < 1}
         */
        public Builder fromPosition(long value) {
            if (value < 1) {
                throw new InvalidEventException("from_position", "must be >= 1, got " + value);
            }
            this.fromPosition = value;
            return this;
        }

        /**
         * @param value only the entity's events at or after this stream version (1 = its first event
         *     since its last tombstone); needs {@link #entityId(String)}
         * @return this builder
         * @throws InvalidEventException if {@code value < 1}
         */
        public Builder fromVersion(long value) {
            if (value < 1) {
                throw new InvalidEventException("from_version", "must be >= 1, got " + value);
            }
            this.fromVersion = value;
            return this;
        }

        /**
         * @param value page size, at least 1
         * @return this builder
         * @throws InvalidEventException if {@code value < 1}
         */
        public Builder limit(int value) {
            if (value < 1) {
                throw new InvalidEventException("limit", "must be >= 1, got " + value);
            }
            this.limit = value;
            return this;
        }

        /**
         * @param value matching events to skip before the page starts, 0 (the default) to skip none;
         *     at most {@link StoreOptions#maxQueryLimit()}, checked when the query runs
         * @return this builder
         * @throws InvalidEventException if {@code value < 0}
         */
        public Builder offset(int value) {
            if (value < 0) {
                throw new InvalidEventException("offset", "must be >= 0, got " + value);
            }
            this.offset = value;
            return this;
        }

        /** @param value a cursor from a previous page, or {@code null} @return this builder */
        public Builder cursor(String value) {
            this.cursor = value;
            return this;
        }

        /**
         * @return the query
         * @throws InvalidEventException if a version bound is set without an entity
         */
        public Query build() {
            if (fromVersion > 0 && entityId == null) {
                throw new InvalidEventException("from_version", "needs an entity_id: versions are per entity");
            }
            return new Query(this);
        }
    }
}
