package dev.peregrine.bench.peers;

import io.nats.client.Connection;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.StreamContext;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * NATS JetStream: Debian's {@code nats-server} (2.9.10) started by bench/peers on loopback, one
 * JetStream stream with file storage and one replica over the subjects {@code ev.>}, driven through
 * the official Java client. Each bench stream is the subject {@code ev.<stream>}; the event type,
 * the metadata and the event's version ride in headers, the payload is the message body.
 *
 * <p>Durability is the server's, and 2.9.10 has no setting for it: a stored message is written to
 * its block file (into the page cache) before the acknowledgement is sent, and the blocks are
 * fsynced by a timer every 2 minutes (the server config's {@code sync_interval} came in 2.10; 2.9.10
 * refuses it). An acknowledged event survives a crash of nats-server, not one of the OS or the
 * machine. {@code peregrine-fsync} and {@code peregrine-http} acknowledge after an fsync: this
 * peer is not like for like, and is the one peer here that cannot be made so.
 *
 * <p>Conditional appends use JetStream's only per-subject check,
 * {@code Nats-Expected-Last-Subject-Sequence}: the server stores the message only if the last
 * message on the subject has that stream sequence (0: no message on the subject). The harness
 * speaks in versions (event counts), so each message carries its version in a header and a map
 * shared by the sessions remembers, per stream, the (version, sequence) of the newest message seen;
 * an entry is always a consistent pair, so the server's sequence check is exactly a version check.
 * On a cache miss the last message of the subject is read, except for expected version 0, which
 * needs no read: sequence 0 means "no message on the subject". A rejection with API error 10071
 * (wrong last sequence) is a conflict. The stream allows direct gets, so that reading the last
 * message of a subject is served by the stream itself rather than by the JetStream API queue.
 * Before 2.9.21 (nats-server issue 4320) two concurrent publishes expecting the same sequence
 * could both be stored, but only on a clustered stream, whose leader skipped the check; a single
 * server, as here, checks under the stream's lock (streams read back after a run had gap-free,
 * duplicate-free versions).
 *
 * <p>One connection shared by all sessions, as NATS recommends (a connection multiplexes requests
 * and is thread safe): on 2 cores it gave about 1.5 times the command appends of one connection
 * per client thread at 8 and 32 clients, whose client-side reader and writer threads crowd the
 * cores. Batches are published asynchronously and every acknowledgement is awaited; JetStream 2.9
 * has no atomic batch, so a batch is only as atomic as its single messages. Reads go through
 * ordered consumers (the client's recommended way to read a stream in order, pulling in batches):
 * a catch-up reads the whole stream up to the last sequence it had when it began, and filters by
 * type on the client (the type is a header, and subjects are per stream); a stream load is a
 * consumer filtered on the stream's subject, done when the server reports nothing pending.
 */
final class NatsAdapter implements PeerAdapter {

  private static final String STREAM = "bench";
  private static final String SUBJECT_PREFIX = "ev.";
  private static final String TYPE_HEADER = "Bench-Type";
  private static final String METADATA_HEADER = "Bench-Metadata";
  private static final String VERSION_HEADER = "Bench-Version";
  /** JSStreamWrongLastSequenceErr: the expected last (subject) sequence did not match. */
  private static final int WRONG_LAST_SEQUENCE = 10071;
  /** JSStreamNotFoundErr: the first reset, before the stream exists. */
  private static final int STREAM_NOT_FOUND = 10059;
  /** JSNoMessageFoundErr: no message on the subject (a stream without events). */
  private static final int NO_MESSAGE_FOUND = 10037;
  /** A subject token: no dots, wildcards or white space. Every stream name of the workloads is one. */
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]+");
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  private final long serverPid;
  private final Path storeDir;
  private final Connection connection;
  private final JetStreamManagement management;
  private final JetStream jetStream;
  private final Map<String, Tip> tips = new ConcurrentHashMap<>();

  NatsAdapter(String url, long serverPid, Path storeDir) throws Exception {
    this.serverPid = serverPid;
    this.storeDir = storeDir;
    this.connection = Nats.connect(Options.builder().server(url).connectionTimeout(Duration.ofSeconds(10)).build());
    this.management = connection.jetStreamManagement(options());
    this.jetStream = connection.jetStream(options());
  }

  /** Generous timeouts: a bulk run on a busy machine must not fail where the server is only slow. */
  private static JetStreamOptions options() {
    return JetStreamOptions.builder().requestTimeout(Duration.ofSeconds(30)).build();
  }

  @Override
  public String name() {
    return "nats-jetstream";
  }

  @Override
  public boolean conditional() {
    return true;
  }

  @Override
  public boolean streamReads() {
    return true;
  }

  /** Deletes the stream (so its blocks leave the disk) and creates it anew. */
  @Override
  public void reset() throws Exception {
    try {
      management.deleteStream(STREAM);
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
        throw e;
      }
    }
    management.addStream(StreamConfiguration.builder().name(STREAM).subjects(SUBJECT_PREFIX + ">")
        .storageType(StorageType.File).replicas(1).allowDirect(true).build());
    tips.clear();
  }

  @Override
  public Session openSession() throws Exception {
    return new NatsSession();
  }

  static String subject(String stream) {
    if (!TOKEN.matcher(stream).matches()) {
      throw new IllegalArgumentException("stream '" + stream + "' is not a NATS subject token");
    }
    return SUBJECT_PREFIX + stream;
  }

  private static Message message(BenchEvent event, long version) {
    Headers headers = new Headers()
        .put(TYPE_HEADER, event.type())
        .put(METADATA_HEADER, new String(event.metadata(), StandardCharsets.UTF_8))
        .put(VERSION_HEADER, Long.toString(version));
    return NatsMessage.builder().subject(subject(event.stream())).headers(headers).data(event.payload()).build();
  }

  /** The newest (version, sequence) of a stream, read from its last message; (0, 0) if it has none. */
  private Tip readTip(String stream) throws Exception {
    MessageInfo last;
    try {
      last = management.getLastMessage(STREAM, subject(stream));
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == NO_MESSAGE_FOUND) {
        return Tip.EMPTY;
      }
      throw e;
    }
    return remember(stream, new Tip(Long.parseLong(last.getHeaders().getFirst(VERSION_HEADER)), last.getSeq()));
  }

  /** Keeps the newer of two tips (sessions race); returns the one given. */
  private Tip remember(String stream, Tip tip) {
    tips.merge(stream, tip, (old, fresh) -> fresh.version() > old.version() ? fresh : old);
    return tip;
  }

  @Override
  public long catchUp(String type, EventSink sink) throws Exception {
    long last = management.getStreamInfo(STREAM).getStreamState().getLastSequence();
    if (last == 0) {
      return 0;
    }
    StreamContext stream = connection.getStreamContext(STREAM, options());
    long delivered = 0;
    try (IterableConsumer consumer = stream.createOrderedConsumer(new OrderedConsumerConfiguration()).iterate()) {
      while (true) {
        Message message = next(consumer);
        String messageType = message.getHeaders().getFirst(TYPE_HEADER);
        if (type == null || type.equals(messageType)) {
          sink.accept(messageType, message.getData());
          delivered++;
        }
        if (message.metaData().streamSequence() >= last) {
          return delivered;
        }
      }
    }
  }

  private static Message next(IterableConsumer consumer) throws Exception {
    Message message = consumer.nextMessage(READ_TIMEOUT);
    if (message == null) {
      throw new IllegalStateException("no message from the NATS consumer in " + READ_TIMEOUT);
    }
    return message;
  }

  /** The JetStream store directory (message blocks, their indexes and the stream's metadata). */
  @Override
  public long bytesOnDisk() throws Exception {
    return DiskUsage.allocated(List.of(storeDir));
  }

  @Override
  public List<Long> serverPids() {
    return List.of(serverPid);
  }

  @Override
  public void close() throws Exception {
    connection.close();
  }

  /** A stream's newest event as far as this process knows: its version and its stream sequence. */
  private record Tip(long version, long sequence) {
    static final Tip EMPTY = new Tip(0, 0);
  }

  private final class NatsSession implements Session {

    @Override
    public boolean append(BenchEvent event, long expectedVersion) throws Exception {
      String stream = event.stream();
      Tip tip = tips.get(stream);
      if (tip == null && expectedVersion == 0) {
        tip = Tip.EMPTY;
      } else if (tip != null && tip.version() > expectedVersion) {
        return false; // versions only grow: the stream is past the expected version
      } else if (tip == null || tip.version() != expectedVersion) {
        tip = readTip(stream);
        if (tip.version() != expectedVersion) {
          return false;
        }
      }
      PublishAck ack;
      try {
        ack = jetStream.publish(message(event, expectedVersion + 1),
            PublishOptions.builder().expectedLastSubjectSequence(tip.sequence()).build());
      } catch (JetStreamApiException e) {
        if (e.getApiErrorCode() == WRONG_LAST_SEQUENCE) {
          return false;
        }
        throw e;
      }
      remember(stream, new Tip(expectedVersion + 1, ack.getSeqno()));
      return true;
    }

    @Override
    public long streamVersion(String stream) throws Exception {
      return readTip(stream).version();
    }

    @Override
    public void appendBatch(List<BenchEvent> batch) throws Exception {
      List<CompletableFuture<PublishAck>> acks = new ArrayList<>(batch.size());
      for (BenchEvent event : batch) {
        acks.add(jetStream.publishAsync(message(event, event.version())));
      }
      for (CompletableFuture<PublishAck> ack : acks) {
        ack.get();
      }
    }

    @Override
    public int readStream(String stream, EventSink sink) throws Exception {
      StreamContext context = connection.getStreamContext(STREAM, options());
      OrderedConsumerConfiguration config = new OrderedConsumerConfiguration().filterSubject(subject(stream));
      int count = 0;
      try (IterableConsumer consumer = context.createOrderedConsumer(config).iterate()) {
        while (true) {
          Message message = next(consumer);
          sink.accept(message.getHeaders().getFirst(TYPE_HEADER), message.getData());
          count++;
          if (message.metaData().pendingCount() == 0) {
            return count;
          }
        }
      }
    }

    @Override
    public void close() {
      // The connection is shared and closed with the adapter.
    }
  }
}
