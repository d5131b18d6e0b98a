package dev.peregrine.store.log;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Writes entries through the real write path ({@link SegmentedLog}, {@link EntryWriter}) for the log's unit tests. */
final class TestEntries {

    static final byte[] TYPE = "test.event".getBytes(StandardCharsets.US_ASCII);
    static final byte[] ENTITY = "entity-1".getBytes(StandardCharsets.UTF_8);
    static final byte[] TENANT = "default".getBytes(StandardCharsets.UTF_8);

    private final EntryWriter writer = new EntryWriter();
    private final EntryFields fields = new EntryFields();
    private final Random random;

    /** @param random fills payloads */
    TestEntries(Random random) {
        this.random = random;
    }

    /** @return random payload bytes of the given length */
    MemorySegment payload(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return MemorySegment.ofArray(bytes);
    }

    /** @return the entry length of an event with a payload of that length and no metadata */
    static int lengthOf(int payloadLength) {
        return EntryDescriptor.entryLength(payloadLength, 0, TYPE.length + ENTITY.length + TENANT.length);
    }

    /**
     * Writes one atomic batch of events into {@code log} after {@code lastPosition} (rolling as the
     * sequencer does), flushes it and indexes it in its segment.
     *
     * @return the offsets of the entries
     */
    long[] batch(SegmentedLog log, long lastPosition, int... payloadLengths) {
        int bytes = 0;
        for (int length : payloadLengths) {
            bytes += lengthOf(length);
        }
        LogSegment segment = log.ensureRoom(bytes, lastPosition + 1);
        long[] offsets = stage(segment, lastPosition, payloadLengths.length, payloadLengths);
        writer.flush();
        log.markDirty(segment);
        for (long off : offsets) {
            segment.indexEntry(off);
        }
        return offsets;
    }

    /**
     * Stages the first {@code count} entries of a batch of {@code payloadLengths.length} events,
     * without flushing.
     *
     * @return their offsets
     */
    long[] stage(LogSegment segment, long lastPosition, int count, int... payloadLengths) {
        long[] offsets = new long[count];
        for (int i = 0; i < count; i++) {
            fields.event(random.nextLong(), random.nextLong(), i + 1, TYPE, ENTITY, TENANT, payload(payloadLengths[i]), null)
                    .at(lastPosition + 1 + i, 1_000L + lastPosition + i, payloadLengths.length - 1 - i, 0);
            offsets[i] = writer.stage(segment, fields);
        }
        return offsets;
    }

    /** Writes what {@link #stage} staged. */
    void flush() {
        writer.flush();
    }
}
