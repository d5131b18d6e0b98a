package dev.peregrine.store.log;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.peregrine.store.log.EntryDescriptor.*;
import static dev.peregrine.store.log.LogSegment.INT;
import static dev.peregrine.store.log.LogSegment.LONG;
import static dev.peregrine.store.log.LogSegment.SHORT;

/**
 * Encodes one entry ({@link EntryDescriptor}) into a segment's mapped memory: header fields, body,
 * padding, and last the CRC. Sequencer only.
 *
 * <p>The bytes of a claimed region are zero already (the file is preallocated with zeros and recovery
 * zeroes whatever it truncates), so padding needs no writes.
 */
public final class EntryWriter {

    private EntryWriter() {
    }

    /**
     * Writes a complete entry.
     *
     * @param segment target segment
     * @param off offset claimed for it
     * @param length entry length from {@link EntryDescriptor#entryLength}
     * @param position global position
     * @param timestampNanos timestamp
     * @param msb event id high bits
     * @param lsb event id low bits
     * @param version stream version
     * @param batchRemaining entries of the same batch after this one
     * @param kind entry kind
     * @param payload payload bytes (may be empty)
     * @param metadata metadata bytes, or null
     * @param type event type UTF-8
     * @param entity entity id UTF-8
     * @param tenant tenant id UTF-8
     * @param dictionarySize field names persisted when the entry is written
     */
    public static void write(LogSegment segment, long off, int length, long position, long timestampNanos,
                             long msb, long lsb, long version, int batchRemaining, byte kind,
                             MemorySegment payload, MemorySegment metadata, byte[] type, byte[] entity, byte[] tenant,
                             int dictionarySize) {
        MemorySegment map = segment.memory();
        int payloadLength = (int) payload.byteSize();
        int metadataLength = metadata == null ? 0 : (int) metadata.byteSize();
        map.set(INT, off + LENGTH_OFFSET, length);
        map.set(LONG, off + POSITION_OFFSET, position);
        map.set(LONG, off + TIMESTAMP_OFFSET, timestampNanos);
        map.set(LONG, off + ID_MSB_OFFSET, msb);
        map.set(LONG, off + ID_LSB_OFFSET, lsb);
        map.set(LONG, off + VERSION_OFFSET, version);
        map.set(INT, off + BATCH_REMAINING_OFFSET, batchRemaining);
        map.set(INT, off + PAYLOAD_LENGTH_OFFSET, payloadLength);
        map.set(INT, off + METADATA_LENGTH_OFFSET, metadataLength);
        map.set(ValueLayout.JAVA_BYTE, off + KIND_OFFSET, kind);
        map.set(SHORT, off + TYPE_LENGTH_OFFSET, (short) type.length);
        map.set(SHORT, off + ENTITY_LENGTH_OFFSET, (short) entity.length);
        map.set(SHORT, off + TENANT_LENGTH_OFFSET, (short) tenant.length);
        map.set(INT, off + DICTIONARY_SIZE_OFFSET, dictionarySize);
        MemorySegment.copy(payload, 0, map, off + HEADER_LENGTH, payloadLength);
        if (metadataLength > 0) {
            MemorySegment.copy(metadata, 0, map, off + metadataOffset(payloadLength), metadataLength);
        }
        long strings = off + stringsOffset(payloadLength, metadataLength);
        MemorySegment.copy(type, 0, map, ValueLayout.JAVA_BYTE, strings, type.length);
        MemorySegment.copy(entity, 0, map, ValueLayout.JAVA_BYTE, strings + type.length, entity.length);
        MemorySegment.copy(tenant, 0, map, ValueLayout.JAVA_BYTE, strings + type.length + entity.length, tenant.length);
        map.set(INT, off + CRC_OFFSET, segment.writeChecker().ofEntry(off, length));
    }
}
