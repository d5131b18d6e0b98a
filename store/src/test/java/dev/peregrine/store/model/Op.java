package dev.peregrine.store.model;

import java.util.List;
import java.util.UUID;

/** One step of a model run: something a client does to the store. */
public sealed interface Op {

    /**
     * Appends a batch (one atomic request).
     *
     * @param events the events
     * @param kind what the generator meant ("new", "retry", "changed-content", "twice-in-batch")
     */
    record Append(List<StoreModel.Event> events, String kind) implements Op {
        @Override
        public String toString() {
            return "append " + kind + " of " + events.size() + " (first " + events.getFirst().entity() + " "
                    + events.getFirst().expected() + ")";
        }
    }

    /** @param entity the entity to delete */
    record Tombstone(String entity) implements Op {
    }

    /** @param id the event id to look up */
    record Get(UUID id) implements Op {
    }

    /**
     * A query, paged with cursors.
     *
     * @param spec the filters
     * @param limit the page size, or 0 for none
     * @param pages most pages to read
     */
    record Find(StoreModel.QuerySpec spec, int limit, int pages) implements Op {
    }

    /**
     * @param entity the entity
     * @param asOfNanos the time-travel point, or null
     */
    record Reconstruct(String entity, Long asOfNanos) implements Op {
    }

    /** @param entity the entity to snapshot */
    record Snapshot(String entity) implements Op {
    }

    /**
     * @param position first position
     * @param max most entries
     */
    record ReadFrom(long position, int max) implements Op {
    }

    /** @param entity the entity whose version to read */
    record Version(String entity) implements Op {
    }
}
