package dev.peregrine.flight;

/**
 * A point-in-time reading of a recorder's counters. Immutable. The identities
 * {@code offered == recorded + filtered} and {@code recorded == retained + overwritten + inFlight}
 * hold exactly; once producers are quiet {@code inFlight} is 0 (apart from rare holes, see {@link #holes()}).
 *
 * <p>Suggested Prometheus names: {@code flight_events_offered_total}, {@code flight_events_recorded_total},
 * {@code flight_events_filtered_total}, {@code flight_events_overwritten_total} (counters);
 * {@code flight_ring_retained_events}, {@code flight_ring_capacity_events}, {@code flight_ring_utilisation_ratio}
 * (gauges); {@code flight_snapshots_total}, {@code flight_snapshot_failures_total},
 * {@code flight_snapshot_duration_seconds_sum}/{@code _max}/{@code _last}; {@code flight_sink_*}.
 *
 * @param offered                 log calls that reached the recorder (recorded + filtered)
 * @param recorded                events written into the ring since it was created
 * @param filtered                log calls rejected by a level filter
 * @param retained                events in the ring now
 * @param overwritten             recorded events the ring no longer holds (overwritten by newer ones)
 * @param inFlight                events being written at the moment of reading
 * @param holes                   sequences abandoned because a lapped producer still held the slot (each retried, not lost)
 * @param capacity                ring slots
 * @param utilisation             retained / capacity, 0..1
 * @param snapshots               snapshot files written
 * @param snapshotFailures        snapshots that failed (I/O errors)
 * @param snapshotNanosTotal      time spent writing snapshots
 * @param snapshotNanosMax        longest snapshot
 * @param snapshotNanosLast       latest snapshot
 * @param snapshotOverwrittenDuringCopy events overwritten while a snapshot copied them, all snapshots
 * @param internedStrings         strings in the intern table
 * @param internRejected          strings stored inline because the intern table was full
 * @param sinkEvents              events delivered to console/file/HTTP sinks
 * @param sinkMissed              events the sinks missed because the ring overwrote them first
 * @param httpSent                events the HTTP forwarder delivered
 * @param httpDropped             events the HTTP forwarder dropped because its queue was full
 * @param httpFailed              events the HTTP forwarder could not deliver (server error or unreachable)
 */
public record FlightMetrics(
        long offered,
        long recorded,
        long filtered,
        long retained,
        long overwritten,
        long inFlight,
        long holes,
        int capacity,
        double utilisation,
        long snapshots,
        long snapshotFailures,
        long snapshotNanosTotal,
        long snapshotNanosMax,
        long snapshotNanosLast,
        long snapshotOverwrittenDuringCopy,
        int internedStrings,
        long internRejected,
        long sinkEvents,
        long sinkMissed,
        long httpSent,
        long httpDropped,
        long httpFailed) {
}
