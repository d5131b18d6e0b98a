package dev.peregrine.store;

import dev.peregrine.record.Record;
import dev.peregrine.store.internal.Uuids;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * An event to append. Immutable; made with {@link #builder()}.
 *
 * <pre>{@code
 * NewEvent e = NewEvent.builder()
 *         .eventType("user.created")
 *         .entityId("user-123")
 *         .payload(JsonCodec.defaults().parse(store.dictionary().draft(), "{\"name\":\"Alice\"}"))
 *         .expectedVersion(ExpectedVersion.noStream())
 *         .build();
 * }</pre>
 *
 * <p>The builder checks only presence; the store validates content (lengths, characters, sizes) and
 * reports problems as {@link InvalidEventException} naming the field.
 */
public final class NewEvent {

    /** The tenant used when none is given. */
    public static final String DEFAULT_TENANT = "default";

    private final UUID eventId;
    private final boolean clientSuppliedId;
    private final String eventType;
    private final String entityId;
    private final String tenantId;
    private final Record payload;
    private final Record metadata;
    private final ExpectedVersion expectedVersion;

    private NewEvent(Builder b) {
        this.clientSuppliedId = b.eventId != null;
        this.eventId = b.eventId != null ? b.eventId : Uuids.timeOrdered();
        this.eventType = b.eventType;
        this.entityId = b.entityId;
        this.tenantId = b.tenantId;
        this.payload = b.payload;
        this.metadata = b.metadata;
        this.expectedVersion = b.expectedVersion;
    }

    /** @return a builder; {@code eventType}, {@code entityId} and {@code payload} are required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the event id: supplied by the client (for idempotent retries) or a generated UUIDv7 */
    public UUID eventId() {
        return eventId;
    }

    /** @return whether the client chose the id (an id the store generated can never be a retry) */
    public boolean clientSuppliedId() {
        return clientSuppliedId;
    }

    /** @return the event type, 1–128 characters, no control characters, not {@code $tombstone} */
    public String eventType() {
        return eventType;
    }

    /** @return the entity (stream) id, 1–128 characters, no control characters */
    public String entityId() {
        return entityId;
    }

    /** @return the tenant id; {@value #DEFAULT_TENANT} unless set */
    public String tenantId() {
        return tenantId;
    }

    /** @return the payload, a record (an object) of the store's dictionary or of a draft of it */
    public Record payload() {
        return payload;
    }

    /** @return the metadata record, if any */
    public Optional<Record> metadata() {
        return Optional.ofNullable(metadata);
    }

    /** @return the expectation on the entity's stream version; {@link ExpectedVersion#any()} unless set */
    public ExpectedVersion expectedVersion() {
        return expectedVersion;
    }

    @Override
    public String toString() {
        return "NewEvent[" + eventType + " on " + entityId + ", id " + eventId + "]";
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private UUID eventId;
        private String eventType;
        private String entityId;
        private String tenantId = DEFAULT_TENANT;
        private Record payload;
        private Record metadata;
        private ExpectedVersion expectedVersion = ExpectedVersion.any();

        private Builder() {
        }

        /** @param value client-chosen id, or {@code null} to generate a UUIDv7 @return this builder */
        public Builder eventId(UUID value) {
            this.eventId = value;
            return this;
        }

        /** @param value event type @return this builder */
        public Builder eventType(String value) {
            this.eventType = value;
            return this;
        }

        /** @param value entity id @return this builder */
        public Builder entityId(String value) {
            this.entityId = value;
            return this;
        }

        /** @param value tenant id, {@code null} for the default @return this builder */
        public Builder tenantId(String value) {
            this.tenantId = value == null ? DEFAULT_TENANT : value;
            return this;
        }

        /** @param value payload record @return this builder */
        public Builder payload(Record value) {
            this.payload = value;
            return this;
        }

        /** @param value metadata record, or {@code null} for none @return this builder */
        public Builder metadata(Record value) {
            this.metadata = value;
            return this;
        }

        /** @param value expected stream version @return this builder */
        public Builder expectedVersion(ExpectedVersion value) {
            this.expectedVersion = Objects.requireNonNull(value, "expectedVersion");
            return this;
        }

        /**
         * @return the event
         * @throws InvalidEventException if {@code event_type}, {@code entity_id} or {@code payload} is missing
         */
        public NewEvent build() {
            if (eventType == null) {
                throw new InvalidEventException("event_type", "is required");
            }
            if (entityId == null) {
                throw new InvalidEventException("entity_id", "is required");
            }
            if (payload == null) {
                throw new InvalidEventException("payload", "is required");
            }
            return new NewEvent(this);
        }
    }
}
