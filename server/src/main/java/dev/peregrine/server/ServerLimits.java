package dev.peregrine.server;

/**
 * The limits the server enforces on every request, before anything reaches the store.
 *
 * <p>A request over a limit is refused with a 4xx and a JSON error naming the limit; nothing is
 * written. Every limit has a command-line flag and a {@code PEREGRINE_*} environment variable (see
 * {@code docs/api.md}). Immutable.
 *
 * @param maxBodyBytes        largest JSON request body (single event or {@code {"events":[…]}} batch)
 *                            and largest single NDJSON line; larger is 413
 * @param maxBatchEvents      most events in one JSON batch; more is 413
 * @param maxIdLength         longest {@code entity_id}, {@code tenant_id} or {@code event_type}
 *                            in characters; longer is 400
 * @param maxQueryLimit       largest {@code limit} a query may ask for, and the page size when it
 *                            asks for none; larger is 400
 * @param maxJsonDepth        deepest nesting of objects and arrays in a request body; deeper is 400
 * @param ndjsonChunkEvents   NDJSON bulk ingest appends in atomic chunks of at most this many events
 */
public record ServerLimits(
        int maxBodyBytes,
        int maxBatchEvents,
        int maxIdLength,
        int maxQueryLimit,
        int maxJsonDepth,
        int ndjsonChunkEvents) {

    /** 4 MiB: room for a batch of thousands of ordinary events, small enough to buffer per request. */
    public static final int DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
    /** 10,000 events per JSON batch, the largest batch AllSource's own benchmarks use. */
    public static final int DEFAULT_MAX_BATCH_EVENTS = 10_000;
    /** 128 characters, the store's own limit for entity ids and event types. */
    public static final int DEFAULT_MAX_ID_LENGTH = 128;
    /** 10,000 events per query page. */
    public static final int DEFAULT_MAX_QUERY_LIMIT = 10_000;
    /** 64 levels of nesting. */
    public static final int DEFAULT_MAX_JSON_DEPTH = 64;
    /** 4,096 events per NDJSON chunk: one group commit each, a few MB of memory at most. */
    public static final int DEFAULT_NDJSON_CHUNK_EVENTS = 4_096;

    /** Checks that every limit is positive. */
    public ServerLimits {
        requirePositive("maxBodyBytes", maxBodyBytes);
        requirePositive("maxBatchEvents", maxBatchEvents);
        requirePositive("maxIdLength", maxIdLength);
        requirePositive("maxQueryLimit", maxQueryLimit);
        requirePositive("maxJsonDepth", maxJsonDepth);
        requirePositive("ndjsonChunkEvents", ndjsonChunkEvents);
    }

    /** The documented defaults. */
    public static ServerLimits defaults() {
        return new ServerLimits(DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_BATCH_EVENTS, DEFAULT_MAX_ID_LENGTH,
                DEFAULT_MAX_QUERY_LIMIT, DEFAULT_MAX_JSON_DEPTH, DEFAULT_NDJSON_CHUNK_EVENTS);
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
