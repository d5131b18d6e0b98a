package dev.peregrine.store;

import java.util.Objects;

/**
 * How the store is doing inside, for operators, capacity planning and tests; {@link StoreStats}
 * holds the counters a dashboard shows. Immutable: each call of {@link EventStore#diagnostics()}
 * takes a new one.
 *
 * <pre>{@code
 * StoreDiagnostics d = store.diagnostics();
 * System.out.printf("index heap: %d bytes; replayed on open: %d entries%n",
 *         d.indexHeapBytes(), d.recovery().entriesReplayed());
 * }</pre>
 *
 * @param indexHeapBytes approximate heap bytes held by the indexes when taken (entity, type and id
 *                       indexes and the segments' offset indexes; payloads stay in the mapped log)
 * @param recovery what opening the store did
 */
public record StoreDiagnostics(long indexHeapBytes, RecoveryReport recovery) {

    /**
     * @throws NullPointerException if recovery is null
     */
    public StoreDiagnostics {
        Objects.requireNonNull(recovery, "recovery");
    }
}
