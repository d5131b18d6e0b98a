package dev.peregrine.store.internal;

import dev.peregrine.record.FieldDictionary;
import dev.peregrine.record.JsonCodec;
import dev.peregrine.record.Record;
import dev.peregrine.store.InvalidEventException;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.StoreOptions;
import dev.peregrine.store.StoredEvent;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Validates events and encodes them into {@link PreparedEvent}s, on the appending thread. Every
 * rejection is an {@link InvalidEventException} naming the field as the HTTP API spells it.
 *
 * <p>Rules: {@code event_type}, {@code entity_id} and {@code tenant_id} 1–128 characters (code
 * points), no control characters, no unpaired surrogates (so that a KurrentDB application's
 * {@code OrderPlaced} or {@code Order Placed} is stored as it is); {@code event_type} not
 * {@value StoredEvent#TOMBSTONE_TYPE}, which the store reserves for its tombstones; payload plus metadata at most {@link StoreOptions#maxPayloadBytes()} encoded bytes. Records of the
 * store's dictionary or of a draft of it are kept as they are; a record built with another dictionary
 * is re-encoded into a draft (through its JSON form) so its field ids can be made to mean what the
 * persisted dictionary says. Nothing here interns a name into the store's dictionary.
 *
 * <p>Thread safety: immutable; safe from any thread.
 */
public final class EventValidator {

    /** Longest id or type, in characters. */
    public static final int MAX_ID_CHARS = 128;

    private final FieldDictionary dictionary;
    private final int maxPayloadBytes;
    private final int maxBatchEvents;

    /**
     * @param dictionary the store's dictionary
     * @param options limits
     */
    public EventValidator(FieldDictionary dictionary, StoreOptions options) {
        this.dictionary = dictionary;
        this.maxPayloadBytes = options.maxPayloadBytes();
        this.maxBatchEvents = options.maxBatchEvents();
    }

    /**
     * @param events a batch
     * @return each event's encoded form, in order
     * @throws InvalidEventException if the batch is empty, too long, holds a {@code null} or an
     *         invalid event (naming the first problem found)
     */
    public List<PreparedEvent> prepareBatch(List<NewEvent> events) {
        if (events == null || events.isEmpty()) {
            throw new InvalidEventException("events", "a batch must hold at least one event");
        }
        if (events.size() > maxBatchEvents) {
            throw new InvalidEventException("events", "a batch holds at most " + maxBatchEvents
                    + " events, got " + events.size());
        }
        List<PreparedEvent> prepared = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            NewEvent e = events.get(i);
            if (e == null) {
                throw new InvalidEventException("events", "event " + i + " is null");
            }
            try {
                prepared.add(prepare(e));
            } catch (InvalidEventException invalid) {
                throw invalid.atIndex(i); // the caller can then point at the event in its request
            }
        }
        return prepared;
    }

    /**
     * @param event the event
     * @return its encoded form
     * @throws InvalidEventException naming the first problem found
     */
    public PreparedEvent prepare(NewEvent event) {
        checkEventType("event_type", event.eventType());
        if (StoredEvent.TOMBSTONE_TYPE.equals(event.eventType())) {
            // A stored event of this type would read back as a tombstone (StoredEvent.isTombstone).
            throw new InvalidEventException("event_type", "'" + StoredEvent.TOMBSTONE_TYPE
                    + "' is reserved for the store's tombstones");
        }
        checkId("entity_id", event.entityId());
        checkId("tenant_id", event.tenantId());
        Record payload = own(event.payload());
        Record metadata = event.metadata().map(this::own).orElse(null);
        long total = payload.segment().byteSize() + (metadata == null ? 0 : metadata.segment().byteSize());
        if (total > maxPayloadBytes) {
            throw new InvalidEventException("payload", "payload and metadata are " + total
                    + " bytes encoded, more than the limit of " + maxPayloadBytes);
        }
        byte[] type = event.eventType().getBytes(StandardCharsets.UTF_8);
        byte[] entity = event.entityId().getBytes(StandardCharsets.UTF_8);
        byte[] tenant = event.tenantId().getBytes(StandardCharsets.UTF_8);
        return PreparedEvent.of(event, type, entity, tenant, payload, metadata);
    }

    /**
     * The record in the store's ids or in a draft's (which the sequencer adopts when it writes the
     * event). A record of another dictionary is re-encoded, through its JSON form, into a new draft,
     * so that its names too are interned only if the event is stored.
     */
    private Record own(Record record) {
        FieldDictionary names = record.dictionary();
        if (names == dictionary || names.isDraftOf(dictionary)) {
            return record;
        }
        return JsonCodec.defaults().parse(dictionary.draft(), record.toJson());
    }

    /**
     * Checks an event type, in an event or in a filter: the rule of {@link #checkId}.
     *
     * @param field the field name for the error
     * @param value an event type
     * @throws InvalidEventException if it is empty, longer than 128 characters, or holds a control
     *         character or an unpaired surrogate
     */
    public static void checkEventType(String field, String value) {
        checkId(field, value);
    }

    /**
     * Checks the name of a projection: an identifier (it names files and checkpoints), so a narrower
     * rule than an event type's.
     *
     * @param field the field name for the error
     * @param value a name
     * @throws InvalidEventException if it is not 1–128 characters of {@code [a-z0-9._-]}
     */
    public static void checkName(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidEventException(field, "must not be empty");
        }
        if (value.length() > MAX_ID_CHARS) {
            throw new InvalidEventException(field, "is " + value.length() + " characters, more than " + MAX_ID_CHARS);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
            if (!ok) {
                throw new InvalidEventException(field, "character " + describe(c) + " at index " + i
                        + " is not allowed (use lowercase letters, digits, '.', '_' and '-')");
            }
        }
    }

    /**
     * @param field the field name for the error
     * @param value an entity or tenant id
     * @throws InvalidEventException if it is empty, too long, or holds a control character
     */
    public static void checkId(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidEventException(field, "must not be empty");
        }
        int chars = value.codePointCount(0, value.length());
        if (chars > MAX_ID_CHARS) {
            throw new InvalidEventException(field, "is " + chars + " characters, more than " + MAX_ID_CHARS);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                throw new InvalidEventException(field, "control character " + describe(c) + " at index " + i);
            }
            if (Character.isHighSurrogate(c) && (i + 1 == value.length() || !Character.isLowSurrogate(value.charAt(i + 1)))
                    || Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(value.charAt(i - 1)))) {
                throw new InvalidEventException(field, "unpaired surrogate at index " + i);
            }
        }
    }

    private static String describe(char c) {
        return String.format("U+%04X", (int) c) + (Character.isISOControl(c) ? "" : " '" + c + "'");
    }
}
