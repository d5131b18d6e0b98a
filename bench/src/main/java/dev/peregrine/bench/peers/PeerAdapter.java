package dev.peregrine.bench.peers;

import java.util.List;

/**
 * What the harness needs from one peer store. An adapter owns its connection(s) to the peer; the
 * per-thread work goes through {@link Session}s, so that peers with one connection per client
 * (PostgreSQL) and peers with one shared client (Kafka, embedded stores) look the same.
 *
 * <p>Versions are event counts: a stream with 3 events has version 3, a missing stream version 0.
 * Adapters translate to their peer's convention (Message DB counts from 0 and uses -1 for "no
 * stream", the plain table stores 1-based versions).
 */
public interface PeerAdapter extends AutoCloseable {

  /** The label in the tables, e.g. {@code postgres-table} or {@code kafka-durable}. */
  String name();

  /** True when the peer checks expected versions; false peers append unconditionally (upper bound). */
  boolean conditional();

  /** True when the peer can load one stream without scanning the whole log. */
  boolean streamReads();

  /** Empties the store (or replaces it with a fresh one) before a workload run. */
  void reset() throws Exception;

  /** A session for the calling thread; used by that thread only. */
  Session openSession() throws Exception;

  /**
   * Reads the whole log in order, optionally only events of {@code type} (server-side when the peer
   * can filter, client-side otherwise), handing each payload to {@code sink}.
   *
   * @return the number of events delivered
   */
  long catchUp(String type, EventSink sink) throws Exception;

  /** Bytes the store keeps on disk for the events now in it (see each adapter for what it counts). */
  long bytesOnDisk() throws Exception;

  /** Process ids of out-of-process servers whose CPU time is charged to the peer (empty if embedded). */
  default List<Long> serverPids() {
    return List.of();
  }

  @Override
  void close() throws Exception;

  /** Receives events read back: the payload bytes are touched so that no peer skips the copy. */
  @FunctionalInterface
  interface EventSink {
    void accept(String type, byte[] payload);
  }

  /** One client thread's connection to the peer. */
  interface Session extends AutoCloseable {

    /**
     * Appends one event if its stream is at {@code expectedVersion} (unconditional peers ignore it).
     *
     * @return true if appended, false on a concurrency conflict
     */
    boolean append(BenchEvent event, long expectedVersion) throws Exception;

    /** The stream's current version, asked after a conflict (unconditional peers never conflict). */
    long streamVersion(String stream) throws Exception;

    /** Appends a batch unconditionally, durably as the peer's mode promises, before returning. */
    void appendBatch(List<BenchEvent> batch) throws Exception;

    /** Loads a whole stream in order; returns its event count. Only if {@link #streamReads()}. */
    int readStream(String stream, EventSink sink) throws Exception;

    @Override
    void close() throws Exception;
  }
}
