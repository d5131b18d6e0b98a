package dev.peregrine.bench.peers;

import java.util.UUID;

/**
 * One event as every peer receives it: the same pre-serialised bytes for all of them.
 *
 * @param stream   the stream (entity) the event belongs to, e.g. {@code acct-42}
 * @param version  the event's 1-based version in its stream as planned by the workload, or 0 when
 *                 the workload decides it at append time (command appends)
 * @param type     the event type
 * @param id       a unique event id (Message DB requires a UUID)
 * @param payload  the JSON payload, UTF-8
 * @param metadata the JSON metadata, UTF-8
 */
public record BenchEvent(String stream, long version, String type, UUID id, byte[] payload,
                         byte[] metadata) {

  /** The same event planned at another version (command appends learn it from the client cache). */
  public BenchEvent atVersion(long newVersion) {
    return new BenchEvent(stream, newVersion, type, id, payload, metadata);
  }

  /** Payload plus metadata bytes: what "MB/s" counts. */
  public int dataBytes() {
    return payload.length + metadata.length;
  }
}
