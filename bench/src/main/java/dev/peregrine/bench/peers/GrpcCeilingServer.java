package dev.peregrine.bench.peers;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kurrent.dbclient.proto.serverfeatures.ServerFeaturesGrpc;
import io.kurrent.dbclient.proto.serverfeatures.Serverfeatures.SupportedMethod;
import io.kurrent.dbclient.proto.serverfeatures.Serverfeatures.SupportedMethods;
import io.kurrent.dbclient.proto.shared.Shared;
import io.kurrent.dbclient.proto.streams.StreamsGrpc;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.AppendReq;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.AppendResp;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadReq;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadResp;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadResp.ReadEvent;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ceiling of KurrentDB's gRPC protocol on this machine: a server that speaks just enough of it
 * for the official client and the stub probes, and stores nothing. An {@code Append} is read to its
 * end and answered with success (the revision the expectation implies, a counter as position); a
 * catch-up subscription to {@code $all} is a confirmation, then {@code EVENTS} copies of one
 * pre-built event (about 250 B of JSON data and 140 B of JSON metadata, the catch-up load of
 * docs/benchmarks.md), sent from a thread of its own while the transport is ready, then
 * {@code caught_up}; a read of a stream is {@code stream_not_found} (the harness's
 * connect probe). What a client measures against it is what the protocol, grpc-java and the client
 * cost with no store behind them, the figure Peregrine's gRPC endpoint is compared with.
 * Benchmark build only, never part of the product.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.peregrine.bench.peers.GrpcCeilingServer PORT EVENTS
 * </pre>
 */
public final class GrpcCeilingServer {

  private GrpcCeilingServer() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: GrpcCeilingServer PORT EVENTS (EVENTS: how many events a catch-up of $all delivers)");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    long events = Long.parseLong(args[1]);
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
        .addService(new Streams(events))
        .addService(new Features())
        .build()
        .start();
    System.out.println("grpc ceiling listening on 127.0.0.1:" + port);
    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
    server.awaitTermination();
  }

  /** The methods the client checks for at connect: the two served here. */
  private static final class Features extends ServerFeaturesGrpc.ServerFeaturesImplBase {
    @Override
    public void getSupportedMethods(Shared.Empty request, StreamObserver<SupportedMethods> responses) {
      SupportedMethods.Builder methods = SupportedMethods.newBuilder().setEventStoreServerVersion("24.10.0");
      for (var method : List.of(StreamsGrpc.getAppendMethod(), StreamsGrpc.getReadMethod())) {
        methods.addMethods(SupportedMethod.newBuilder().setServiceName(method.getServiceName().toLowerCase(Locale.ROOT))
            .setMethodName(method.getBareMethodName().toLowerCase(Locale.ROOT)));
      }
      responses.onNext(methods.build());
      responses.onCompleted();
    }
  }

  private static final class Streams extends StreamsGrpc.StreamsImplBase {
    private final long events;
    private final ReadResp event;
    private final AtomicLong position = new AtomicLong();

    Streams(long events) {
      this.events = events;
      String data = "{\"n\":1,\"text\":\"" + "x".repeat(200) + "\",\"kind\":\"order\",\"amount\":3}";
      String metadata = "{\"source\":\"bench\",\"trace\":\"t-1\",\"user\":\"u-17\",\"region\":\"eu-west-1\",\"note\":\""
          + "y".repeat(60) + "\"}";
      this.event = ReadResp.newBuilder().setEvent(ReadEvent.newBuilder().setCommitPosition(1).setEvent(
          ReadEvent.RecordedEvent.newBuilder()
              .setId(Shared.UUID.newBuilder().setStructured(Shared.UUID.Structured.newBuilder()
                  .setMostSignificantBits(7).setLeastSignificantBits(1)))
              .setStreamIdentifier(Shared.StreamIdentifier.newBuilder()
                  .setStreamName(ByteString.copyFromUtf8("order-1")))
              .setStreamRevision(0).setCommitPosition(1).setPreparePosition(1)
              .putMetadata("type", "order.placed").putMetadata("content-type", "application/json")
              .putMetadata("created", "17647200000000000")
              .setCustomMetadata(ByteString.copyFrom(metadata, StandardCharsets.UTF_8))
              .setData(ByteString.copyFrom(data, StandardCharsets.UTF_8)))).build();
    }

    @Override
    public StreamObserver<AppendReq> append(StreamObserver<AppendResp> responses) {
      return new StreamObserver<>() {
        private long revision = -1;

        @Override
        public void onNext(AppendReq request) {
          if (request.hasOptions()) {
            revision = request.getOptions().hasRevision() ? request.getOptions().getRevision() : -1;
          } else {
            revision++;
          }
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
          long at = position.incrementAndGet();
          responses.onNext(AppendResp.newBuilder().setSuccess(AppendResp.Success.newBuilder().setCurrentRevision(revision)
              .setPosition(AppendResp.Position.newBuilder().setCommitPosition(at).setPreparePosition(at))).build());
          responses.onCompleted();
        }
      };
    }

    @Override
    public void read(ReadReq request, StreamObserver<ReadResp> responses) {
      ReadReq.Options options = request.getOptions();
      if (!options.hasAll() || !options.hasSubscription()) {
        responses.onNext(ReadResp.newBuilder().setStreamNotFound(ReadResp.StreamNotFound.newBuilder()
            .setStreamIdentifier(options.getStream().getStreamIdentifier())).build());
        responses.onCompleted();
        return;
      }
      // Sent as Peregrine's Outbox sends: from a thread of its own, waiting while the transport is not
      // ready (measured: pumping from the call's onReady callback instead was slower, 36-42k events/s
      // against Peregrine's 54-73k through GrpcCatchUpProbe).
      ServerCallStreamObserver<ReadResp> call = (ServerCallStreamObserver<ReadResp>) responses;
      Object lock = new Object();
      call.setOnReadyThreshold(1 << 20);
      Runnable wake = () -> {
        synchronized (lock) {
          lock.notifyAll();
        }
      };
      call.setOnReadyHandler(wake);
      call.setOnCancelHandler(wake);
      Thread.ofPlatform().daemon().start(() -> {
        try {
          call.onNext(ReadResp.newBuilder().setConfirmation(ReadResp.SubscriptionConfirmation.newBuilder()
              .setSubscriptionId("ceiling")).build());
          for (long sent = 0; sent < events; sent++) {
            synchronized (lock) {
              while (!call.isCancelled() && !call.isReady()) {
                lock.wait();
              }
            }
            if (call.isCancelled()) {
              return;
            }
            call.onNext(event);
          }
          // caught_up once; the subscription then stays open until the client cancels
          call.onNext(ReadResp.newBuilder().setCaughtUp(ReadResp.CaughtUp.getDefaultInstance()).build());
        } catch (InterruptedException | RuntimeException e) {
          // the client went away
        }
      });
    }
  }
}
