package dev.peregrine.store.internal;

import dev.peregrine.record.FieldDictionary;
import dev.peregrine.record.Record;
import dev.peregrine.store.ExpectedVersion;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.log.EntryDescriptor;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * An event validated and encoded on the caller's thread, ready for the sequencer to order and copy
 * into the log: everything that does not depend on the log's state is done before the queue, so the
 * single writer only checks versions and ids and copies bytes.
 *
 * <p>The payload and metadata are records of the store's dictionary or of a
 * {@linkplain FieldDictionary#draft() draft} of it (the server parses each request into a draft).
 * A draft's new names are not in the store's dictionary yet: the sequencer
 * {@linkplain DictionaryFile#commit adopts} them only for events it is about to write, so a rejected
 * event never adds a name.
 *
 * @param event the original event
 * @param type event type UTF-8
 * @param entity entity id UTF-8
 * @param tenant tenant id UTF-8
 * @param payloadRecord the payload, a record of the store's dictionary or of a draft of it
 * @param metadataRecord the metadata likewise, or null
 * @param entryLength the log entry's total length
 */
public record PreparedEvent(NewEvent event, byte[] type, byte[] entity, byte[] tenant, Record payloadRecord,
                            Record metadataRecord, int entryLength) {

    /**
     * @param event the original event
     * @param type event type UTF-8
     * @param entity entity id UTF-8
     * @param tenant tenant id UTF-8
     * @param payload the payload record
     * @param metadata the metadata record, or null
     * @return the prepared event, its entry length computed
     */
    static PreparedEvent of(NewEvent event, byte[] type, byte[] entity, byte[] tenant, Record payload, Record metadata) {
        int length = lengthOf(type, entity, tenant, payload.segment().byteSize(),
                metadata == null ? 0 : metadata.segment().byteSize());
        return new PreparedEvent(event, type, entity, tenant, payload, metadata, length);
    }

    /** @return the expectation to check */
    public ExpectedVersion expected() {
        return event.expectedVersion();
    }

    /** @return payload record bytes */
    public MemorySegment payload() {
        return payloadRecord.segment();
    }

    /** @return metadata record bytes, or null */
    public MemorySegment metadata() {
        return metadataRecord == null ? null : metadataRecord.segment();
    }

    /**
     * @param store the store's dictionary
     * @return whether the payload or the metadata still uses a draft's ids
     */
    boolean usesDraft(FieldDictionary store) {
        return payloadRecord.dictionary() != store || metadataRecord != null && metadataRecord.dictionary() != store;
    }

    /**
     * Whether this event has the same content as a stored entry (for idempotent retries): type,
     * entity, tenant, payload and metadata bytes. A draft's records are compared in the store's ids;
     * one that uses a name the store does not hold cannot match a stored event.
     *
     * @param reader the log reader
     * @param position the stored entry's position
     * @return whether they match
     */
    public boolean sameContentAs(EventReader reader, long position) {
        FieldDictionary store = reader.dictionary();
        Optional<Record> payload = store.resolve(payloadRecord);
        Optional<Record> metadata = metadataRecord == null ? Optional.empty() : store.resolve(metadataRecord);
        if (payload.isEmpty() || metadataRecord != null && metadata.isEmpty()) {
            return false;
        }
        return reader.contentEquals(position, type, entity, tenant, payload.get().segment(),
                metadata.map(Record::segment).orElse(null));
    }

    /**
     * @param payload the payload, a record of the store's dictionary
     * @param metadata the metadata likewise, or null
     * @return this event with those records (whose encoded sizes equal the originals')
     */
    PreparedEvent withRecords(Record payload, Record metadata) {
        return of(event, type, entity, tenant, payload, metadata);
    }

    /**
     * @param type event type UTF-8
     * @param entity entity id UTF-8
     * @param tenant tenant id UTF-8
     * @param payloadLength payload bytes
     * @param metadataLength metadata bytes (0 if none)
     * @return the entry length
     */
    static int lengthOf(byte[] type, byte[] entity, byte[] tenant, long payloadLength, long metadataLength) {
        return EntryDescriptor.entryLength((int) payloadLength, (int) metadataLength,
                type.length + entity.length + tenant.length);
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return "PreparedEvent[" + event + ", " + entryLength + " bytes]";
    }
}
