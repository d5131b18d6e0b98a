package dev.peregrine.flight;

import java.time.Instant;

/**
 * The header and accounting of a snapshot file.
 *
 * @param formatVersion       version of the file format
 * @param createdNanos        when the snapshot was taken, nanoseconds since the Unix epoch
 * @param firstTimestampNanos timestamp of the oldest event in the file (0 if none)
 * @param lastTimestampNanos  timestamp of the newest event in the file (0 if none)
 * @param pid                 process id of the recording JVM
 * @param capacity            ring capacity (slots)
 * @param recorded            events recorded into the ring since it was created, at the time of the snapshot
 * @param filtered            events rejected by level filters since the ring was created
 * @param overwritten         recorded events no longer in the ring when the snapshot started
 * @param eventCount          events in this file
 * @param overwrittenDuringCopy events overwritten by producers while the snapshot copied them (not in the file)
 * @param inFlight            sequences of the copied window that were still being written (not in the file)
 * @param service             service name
 * @param host                host name
 * @param reason              why the snapshot was taken ({@code on-demand}, {@code shutdown}, {@code sigterm}, ...)
 */
public record SnapshotHeader(
        int formatVersion,
        long createdNanos,
        long firstTimestampNanos,
        long lastTimestampNanos,
        long pid,
        int capacity,
        long recorded,
        long filtered,
        long overwritten,
        long eventCount,
        long overwrittenDuringCopy,
        long inFlight,
        String service,
        String host,
        String reason) {

    /** When the snapshot was taken. */
    public Instant created() {
        return Instant.ofEpochSecond(Math.floorDiv(createdNanos, 1_000_000_000L), Math.floorMod(createdNanos, 1_000_000_000L));
    }
}
