package dev.peregrine.server;

import dev.peregrine.schema.SchemaRegistry;
import dev.peregrine.server.tenant.TenantDeletion;
import dev.peregrine.store.EventStore;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;

/**
 * What every handler shares: the store, the JSON factory and request parser, the metrics, the
 * limits, the worker pool for reads that may take long, the open streams, the backups, who may do
 * what, the schema registry, and the deletion of tenants. Built once per server; immutable, and its
 * parts are thread-safe.
 */
record Services(Json json, ServerMetrics metrics, ServerLimits limits, String version, EventStore store,
                EventRequestParser parser, WorkerExecutor workers, StreamRegistry streams, BackupJobs backups,
                Security security, SchemaRegistry schemas, TenantDeletion deletions) {

    /**
     * Runs a read that can take long (state reconstruction over many events, large pages) on the
     * worker pool, unordered so that reads run in parallel; completes on the caller's event loop.
     */
    <T> CompletionStage<T> offloop(Callable<T> read) {
        return workers.executeBlocking(read, false).toCompletionStage();
    }
}
