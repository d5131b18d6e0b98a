package dev.peregrine.store;

/**
 * Counters describing the store, read without stopping appends (each value is exact, the set is not
 * taken atomically).
 *
 * @param totalEvents events in the log (tombstone markers not counted)
 * @param totalEntities entities with at least one event ever (tombstoned ones included)
 * @param totalEventTypes distinct event types
 * @param ingestedSinceStart events appended since this store was opened
 * @param bytesOnDisk bytes the store holds: {@code logBytesUsed} plus the field dictionary and the
 *                    snapshots (the segments' allocated but unwritten space is not counted; see
 *                    {@code GET /api/v1/ops/storage/stats} for file sizes)
 * @param segments number of segment files
 * @param lastPosition the last visible position (0 when empty)
 * @param forces times the log was forced to disk since the store opened (one per group commit under
 *               {@code fsync}, one per interval under {@code interval:<ms>}, none under {@code none})
 * @param forceNanos time spent in those forces, in nanoseconds ({@code forceNanos / forces} is the mean
 *                   fsync latency)
 * @param fieldNames distinct field names in the store's dictionary (limited by
 *                   {@link StoreOptions#maxFieldNames()})
 * @param logBytesUsed bytes of the segment files that hold headers and entries up to
 *                     {@code lastPosition}: the log's size without its allocated, unwritten space
 * @param lastForceMillis when the log was last forced to disk, epoch milliseconds; 0 if not since the
 *                        store opened
 * @param writable whether the store accepts appends: {@code false} once closed, or once a write or
 *                 force failed with an unknown outcome (then only reopening makes it writable again)
 */
public record StoreStats(long totalEvents, long totalEntities, long totalEventTypes, long ingestedSinceStart,
                         long bytesOnDisk, int segments, long lastPosition, long forces, long forceNanos,
                         int fieldNames, long logBytesUsed, long lastForceMillis, boolean writable) {
}
