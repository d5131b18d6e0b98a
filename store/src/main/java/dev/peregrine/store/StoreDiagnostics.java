package dev.peregrine.store;

import java.util.Objects;

/**
 * How the store is doing inside, for operators, capacity planning and tests; {@link StoreStats}
 * holds the counters a dashboard shows. Immutable: each call of {@link EventStore#diagnostics()}
 * takes a new one.
 *
 * <pre>{@code
 * StoreDiagnostics d = store.diagnostics();
 * System.out.printf("index heap: %d bytes, mapped: %d bytes; replayed on open: %d entries%n",
 *         d.indexHeapBytes(), d.indexMappedBytes(), d.recovery().entriesReplayed());
 * }</pre>
 *
 * @param indexHeapBytes approximate heap bytes held by the indexes' numbers when taken (entity, type
 *                       and id indexes and the segments' offset indexes; not the entity ids
 *                       themselves): page tables, and pages on the heap only where no scratch
 *                       mapping could be made (a full disk)
 * @param indexMappedBytes bytes of scratch mappings the indexes' numbers live in, off the heap
 *                         (deleted files in the store's directory; see {@code docs/storage-format.md})
 * @param recovery what opening the store did
 */
public record StoreDiagnostics(long indexHeapBytes, long indexMappedBytes, RecoveryReport recovery) {

    /**
     * @throws NullPointerException if recovery is null
     */
    public StoreDiagnostics {
        Objects.requireNonNull(recovery, "recovery");
    }
}
