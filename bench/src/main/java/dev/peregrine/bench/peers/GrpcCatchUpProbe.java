package dev.peregrine.bench.peers;

import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import io.kurrent.dbclient.proto.shared.Shared;
import io.kurrent.dbclient.proto.streams.StreamsGrpc;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadReq;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadResp;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How fast a KurrentDB gRPC server delivers a catch-up subscription, without the official client's
 * per-event costs: {@code $all} from the start, through the protocol's generated stub (from the
 * {@code kurrentdb-client} artifact), counting events until {@code caught_up}, several rounds in one
 * JVM. The official Java client 1.1.0 builds a Jackson {@code ObjectMapper} for every event it
 * receives (to look for a tracing context in the custom metadata), which bounds what
 * {@code bench/peers} can show of the server; this probe shows the server's side alone. With
 * {@code official} it reads through that client instead (one client, connected once), as
 * {@code bench/peers} does. Against {@link GrpcCeilingServer} either shows the protocol's ceiling.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.peregrine.bench.peers.GrpcCatchUpProbe PORT ROUNDS [official]
 * </pre>
 */
public final class GrpcCatchUpProbe {

  private GrpcCatchUpProbe() {
  }

  public static void main(String[] args) throws Exception {
    boolean official = args.length == 3 && args[2].equals("official");
    if (args.length != 2 && !official) {
      System.err.println("usage: GrpcCatchUpProbe PORT ROUNDS [official] (a server on 127.0.0.1 with events in $all)");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    int rounds = Integer.parseInt(args[1]);
    ManagedChannel channel = official ? null : NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    KurrentDBClient client = official ? KurrentDBClient.create(
        KurrentDBConnectionString.parseOrThrow("kurrentdb://127.0.0.1:" + port + "?tls=false")) : null;
    long[] touched = new long[1];
    try {
      double[] rates = new double[rounds];
      for (int round = 0; round < rounds; round++) {
        long start = System.nanoTime();
        long events = official
            ? PeregrineGrpcAdapter.catchUp(client, null, (type, data) -> touched[0] += data[0])
            : catchUp(channel);
        long elapsed = System.nanoTime() - start;
        rates[round] = events * 1e9 / elapsed;
        System.out.printf("round %d: %,d events in %,.0f ms, %,.0f events/s%n", round + 1, events, elapsed / 1e6,
            rates[round]);
      }
      Arrays.sort(rates);
      System.out.printf("median of %d rounds: %,.0f events/s%n", rounds, rates[rounds / 2]);
    } finally {
      if (channel != null) {
        channel.shutdownNow();
      }
      if (client != null) {
        client.shutdown().join();
      }
    }
  }

  /** One catch-up subscription to {@code $all} from the start; returns the events before {@code caught_up}. */
  private static long catchUp(ManagedChannel channel) throws Exception {
    ReadReq request = ReadReq.newBuilder().setOptions(ReadReq.Options.newBuilder()
        .setAll(ReadReq.Options.AllOptions.newBuilder().setStart(Shared.Empty.getDefaultInstance()))
        .setSubscription(ReadReq.Options.SubscriptionOptions.getDefaultInstance())
        .setReadDirection(ReadReq.Options.ReadDirection.Forwards)
        .setNoFilter(Shared.Empty.getDefaultInstance())
        .setUuidOption(ReadReq.Options.UUIDOption.newBuilder().setStructured(Shared.Empty.getDefaultInstance())))
        .build();
    AtomicLong events = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch caughtUp = new CountDownLatch(1);
    long[] touched = new long[1];
    ClientCall<ReadReq, ReadResp> call = channel.newCall(StreamsGrpc.getReadMethod(), io.grpc.CallOptions.DEFAULT);
    ClientCalls.asyncServerStreamingCall(call, request, new StreamObserver<>() {
      @Override
      public void onNext(ReadResp response) {
        if (response.hasEvent()) {
          touched[0] += response.getEvent().getEvent().getData().byteAt(0);
          events.incrementAndGet();
        } else if (response.hasCaughtUp()) {
          caughtUp.countDown();
        }
      }

      @Override
      public void onError(Throwable error) {
        failure.set(error);
        caughtUp.countDown();
      }

      @Override
      public void onCompleted() {
        failure.set(new IllegalStateException("the subscription ended before caught_up"));
        caughtUp.countDown();
      }
    });
    caughtUp.await();
    call.cancel("caught up", null);
    if (failure.get() != null) {
      throw new IllegalStateException("catch-up failed", failure.get());
    }
    return events.get();
  }
}
