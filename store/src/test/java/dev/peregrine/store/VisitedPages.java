package dev.peregrine.store;

import dev.peregrine.record.Record;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Test helper: runs a query through {@link EventStore#query(Query, EventVisitor)} and checks that the
 * visitor was shown exactly the events of {@link EventStore#query(Query)}'s page, field by field,
 * with the same cursor. Every field is copied out of the view during the visit (the view is re-pointed
 * afterwards), and {@link EventView#toStoredEvent()} is checked against the copy too.
 */
public final class VisitedPages {

    private VisitedPages() {
    }

    /** Everything an event holds, as plain values. */
    record Copy(long position, long msb, long lsb, String type, String entity, String tenant, long timestamp,
                long version, int payloadSize, byte[] payload, byte[] metadata) {

        static Copy of(StoredEvent e) {
            return new Copy(e.position(), e.id().getMostSignificantBits(), e.id().getLeastSignificantBits(),
                    e.eventType(), e.entityId(), e.tenantId(), e.timestampNanos(), e.version(),
                    e.payload().sizeInBytes(), e.payload().toByteArray(),
                    e.metadata().map(Record::toByteArray).orElse(null));
        }

        static Copy of(EventView e) {
            return new Copy(e.position(), e.idMostSignificantBits(), e.idLeastSignificantBits(), e.eventType(),
                    e.entityId(), e.tenantId(), e.timestampNanos(), e.version(), e.payloadSize(),
                    e.payload().toByteArray(), e.metadata().map(Record::toByteArray).orElse(null));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Copy c && position == c.position && msb == c.msb && lsb == c.lsb
                    && type.equals(c.type) && entity.equals(c.entity) && tenant.equals(c.tenant)
                    && timestamp == c.timestamp && version == c.version && payloadSize == c.payloadSize
                    && Arrays.equals(payload, c.payload) && Arrays.equals(metadata, c.metadata);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(position);
        }

        @Override
        public String toString() {
            return "event " + position + " (" + type + " on " + entity + " v" + version + ")";
        }
    }

    /**
     * Runs {@code query} with a visitor and asserts it saw {@code page} (the List path's answer to the
     * same query over the same visible log).
     *
     * @param store the store
     * @param query the query the page answered
     * @param page its page
     * @param what describes the query for failure messages (with the seed)
     */
    public static void assertSameAsPage(EventStore store, Query query, QueryPage page, String what) {
        List<Copy> seen = new ArrayList<>();
        Optional<String> next = store.query(query, e -> {
            Copy copy = Copy.of(e);
            assertThat(Copy.of(e.toStoredEvent())).as("%s: the view's stored event", what).isEqualTo(copy);
            seen.add(copy);
            return true;
        });
        assertThat(seen).as("%s: events the visitor saw", what)
                .containsExactlyElementsOf(page.events().stream().map(Copy::of).toList());
        assertThat(next).as("%s: the visitor's cursor", what).isEqualTo(page.nextCursor());
    }
}
