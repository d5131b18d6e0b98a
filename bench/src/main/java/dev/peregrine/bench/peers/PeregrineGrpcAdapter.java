package dev.peregrine.bench.peers;

import io.kurrent.dbclient.AppendToStreamOptions;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import io.kurrent.dbclient.Position;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamNotFoundException;
import io.kurrent.dbclient.StreamState;
import io.kurrent.dbclient.SubscribeToAllOptions;
import io.kurrent.dbclient.Subscription;
import io.kurrent.dbclient.SubscriptionFilter;
import io.kurrent.dbclient.SubscriptionListener;
import io.kurrent.dbclient.WrongExpectedVersionException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Peregrine over KurrentDB's gRPC protocol: the same {@code bin/peregrine serve} as
 * {@link PeregrineHttpAdapter} (which starts and resets it here), driven through the official
 * KurrentDB Java client, one client (one HTTP/2 connection) per session, as an application would.
 * A client connects when it is made (one read of a missing stream), not on its first measured call:
 * an application pays the connection, and the client's first-call set-up (about a second on a cold
 * JVM), once at start, where the HTTP peer's first request only opens a socket. Catch-ups share one
 * client, connected after each server start, for the same reason.
 *
 * <ul>
 *   <li>append: {@code appendToStream} with the expected revision (version − 1, or no stream);
 *       {@code WrongExpectedVersionException} is a conflict and carries the actual revision</li>
 *   <li>batch: the protocol appends to one stream at a time, so a batch that spans streams is one
 *       append per run of events of a stream, sent together and awaited together (not atomic
 *       across streams, unlike the HTTP batch)</li>
 *   <li>stream load: {@code readStream} from the start</li>
 *   <li>catch-up: a catch-up subscription to {@code $all} from the start, with a server-side
 *       event-type filter for the selective case, until it reports {@code caught_up}</li>
 * </ul>
 */
final class PeregrineGrpcAdapter implements PeerAdapter {

  /** A stream no workload writes: reading it connects a client. */
  private static final String CONNECT_PROBE = "peregrine-bench-connect";

  private final PeregrineHttpAdapter server;
  private final int grpcPort;
  /** The client catch-ups read through; made after each server start. */
  private KurrentDBClient catchUpClient;

  PeregrineGrpcAdapter(Path root, String serveCommand, int port, int grpcPort) {
    this.server = new PeregrineHttpAdapter(root, serveCommand, port, grpcPort, "fsync");
    this.grpcPort = grpcPort;
  }

  @Override
  public String name() {
    return "peregrine-grpc";
  }

  @Override
  public boolean conditional() {
    return true;
  }

  @Override
  public boolean streamReads() {
    return true;
  }

  /** Restarts the server on an empty store; open sessions' clients reconnect by themselves. */
  @Override
  public void reset() throws Exception {
    closeCatchUpClient();
    server.reset();
    catchUpClient = newClient();
  }

  private void closeCatchUpClient() {
    if (catchUpClient != null) {
      catchUpClient.shutdown().join();
      catchUpClient = null;
    }
  }

  @Override
  public List<Long> serverPids() {
    return server.serverPids();
  }

  /** A client with its connection open (the library connects lazily, on the first call). */
  private KurrentDBClient newClient() throws Exception {
    KurrentDBClient client = KurrentDBClient.create(
        KurrentDBConnectionString.parseOrThrow("kurrentdb://127.0.0.1:" + grpcPort + "?tls=false"));
    try {
      client.readStream(CONNECT_PROBE, ReadStreamOptions.get().maxCount(1)).get();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof StreamNotFoundException)) {
        client.shutdown().join();
        throw e;
      }
    }
    return client;
  }

  @Override
  public Session openSession() throws Exception {
    return new GrpcSession(newClient());
  }

  private static EventData data(BenchEvent event) {
    return EventData.builderAsJson(event.id(), event.type(), event.payload()).metadataAsBytes(event.metadata()).build();
  }

  @Override
  public long catchUp(String type, EventSink sink) throws Exception {
    if (catchUpClient == null) {
      throw new IllegalStateException("catch-up before the server was started (reset)");
    }
    return catchUp(catchUpClient, type, sink);
  }

  /** A catch-up of {@code $all} from the start through {@code client} (also {@link GrpcCatchUpProbe}'s). */
  static long catchUp(KurrentDBClient client, String type, EventSink sink) throws Exception {
    AtomicLong count = new AtomicLong();
    CountDownLatch caughtUp = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    SubscribeToAllOptions options = SubscribeToAllOptions.get().fromStart();
    if (type != null) {
      options = options.filter(SubscriptionFilter.newBuilder().addEventTypePrefix(type).build());
    }
    Subscription subscription = client.subscribeToAll(new SubscriptionListener() {
      @Override
      public void onEvent(Subscription s, ResolvedEvent event) {
        if (type == null || type.equals(event.getEvent().getEventType())) {
          sink.accept(event.getEvent().getEventType(), event.getEvent().getEventData());
          count.incrementAndGet();
        }
      }

      @Override
      public void onCaughtUp(Subscription s, Instant timestamp, Long revision, Position position) {
        caughtUp.countDown();
      }

      @Override
      public void onCancelled(Subscription s, Throwable error) {
        failure.set(error);
        caughtUp.countDown();
      }
    }, options).get();
    caughtUp.await();
    subscription.stop();
    if (failure.get() != null) {
      throw new IllegalStateException("catch-up subscription failed", failure.get());
    }
    return count.get();
  }

  @Override
  public long bytesOnDisk() throws Exception {
    return server.bytesOnDisk();
  }

  @Override
  public void close() throws Exception {
    closeCatchUpClient();
    server.close();
  }

  private static final class GrpcSession implements Session {
    private final KurrentDBClient client;
    private String conflictStream;
    private long conflictVersion;

    GrpcSession(KurrentDBClient client) {
      this.client = client;
    }

    @Override
    public boolean append(BenchEvent event, long expectedVersion) throws Exception {
      StreamState expected = expectedVersion == 0 ? StreamState.noStream() : StreamState.streamRevision(expectedVersion - 1);
      try {
        client.appendToStream(event.stream(), AppendToStreamOptions.get().streamState(expected), data(event)).get();
        return true;
      } catch (ExecutionException e) {
        if (e.getCause() instanceof WrongExpectedVersionException wrong) {
          conflictStream = event.stream();
          StreamState actual = wrong.getActualState();
          conflictVersion = actual.equals(StreamState.noStream()) ? 0 : actual.toRawLong() + 1;
          return false;
        }
        throw e;
      }
    }

    @Override
    public long streamVersion(String stream) {
      if (!stream.equals(conflictStream)) {
        throw new IllegalStateException("asked the version of " + stream + " without a conflict on it");
      }
      return conflictVersion;
    }

    @Override
    public void appendBatch(List<BenchEvent> batch) throws Exception {
      List<CompletableFuture<?>> appends = new ArrayList<>();
      int start = 0;
      for (int i = 1; i <= batch.size(); i++) {
        if (i == batch.size() || !batch.get(i).stream().equals(batch.get(start).stream())) {
          List<EventData> run = new ArrayList<>(i - start);
          for (BenchEvent event : batch.subList(start, i)) {
            run.add(data(event));
          }
          appends.add(client.appendToStream(batch.get(start).stream(), run.iterator()));
          start = i;
        }
      }
      CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new)).get();
    }

    @Override
    public int readStream(String stream, EventSink sink) throws Exception {
      try {
        List<ResolvedEvent> events = client.readStream(stream, ReadStreamOptions.get().fromStart()).get().getEvents();
        for (ResolvedEvent event : events) {
          sink.accept(event.getEvent().getEventType(), event.getEvent().getEventData());
        }
        return events.size();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof StreamNotFoundException) {
          return 0;
        }
        throw e;
      }
    }

    @Override
    public void close() {
      client.shutdown().join();
    }
  }
}
