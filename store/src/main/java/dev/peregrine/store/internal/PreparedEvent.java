package dev.peregrine.store.internal;

import dev.peregrine.store.ExpectedVersion;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.log.EntryDescriptor;

import java.lang.foreign.MemorySegment;

/**
 * An event validated and encoded on the caller's thread, ready for the sequencer to order and copy
 * into the log: everything that does not depend on the log's state is done before the queue, so the
 * single writer only checks versions and ids and copies bytes.
 *
 * @param event the original event
 * @param type event type UTF-8
 * @param entity entity id UTF-8
 * @param tenant tenant id UTF-8
 * @param payload payload record bytes (encoded with the store's dictionary)
 * @param metadata metadata record bytes, or null
 * @param entryLength the log entry's total length
 */
public record PreparedEvent(NewEvent event, byte[] type, byte[] entity, byte[] tenant, MemorySegment payload,
                            MemorySegment metadata, int entryLength) {

    /** @return the expectation to check */
    public ExpectedVersion expected() {
        return event.expectedVersion();
    }

    /**
     * Whether this event has the same content as a stored entry (for idempotent retries): type,
     * entity, tenant, payload and metadata bytes.
     *
     * @param reader the log reader
     * @param position the stored entry's position
     * @return whether they match
     */
    public boolean sameContentAs(EventReader reader, long position) {
        return reader.contentEquals(position, type, entity, tenant, payload, metadata);
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
