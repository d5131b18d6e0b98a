package dev.peregrine.grpc;

import dev.peregrine.server.ExtraMetric;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The gRPC endpoint's counters, for the HTTP server's {@code GET /metrics}: add {@link #metrics()} to
 * the {@code ServerConfig} (the server reads them at each scrape) and pass the same instance to
 * {@link GrpcServer#start(dev.peregrine.server.PeregrineServer, int, GrpcMetrics)}, as
 * {@code peregrine serve} does.
 *
 * <ul>
 *   <li>{@code peregrine_grpc_calls_started_total}, {@code peregrine_grpc_calls_active}: calls of every
 *       service, including the ones authentication refuses;</li>
 *   <li>{@code peregrine_grpc_calls_failed_total}: calls that ended with a status other than {@code OK}
 *       or {@code CANCELLED} (a client ending its subscription cancels it; that is no failure);</li>
 *   <li>{@code peregrine_grpc_messages_received_total}, {@code peregrine_grpc_messages_sent_total}:
 *       protocol messages (an appended event, a read event, an acknowledgement...).</li>
 * </ul>
 *
 * <p>Thread safety: counted from any transport or call thread ({@link LongAdder}s).
 */
public final class GrpcMetrics {

    private final LongAdder started = new LongAdder();
    private final LongAdder ended = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder sent = new LongAdder();

    /** @return the metrics to add to the HTTP server's configuration */
    public List<ExtraMetric> metrics() {
        return List.of(
                new ExtraMetric(ExtraMetric.Kind.COUNTER, "peregrine_grpc_calls_started_total",
                        "gRPC calls started (KurrentDB protocol)", started::sum),
                new ExtraMetric(ExtraMetric.Kind.GAUGE, "peregrine_grpc_calls_active",
                        "gRPC calls in progress (subscriptions included)", () -> started.sum() - ended.sum()),
                new ExtraMetric(ExtraMetric.Kind.COUNTER, "peregrine_grpc_calls_failed_total",
                        "gRPC calls ended with a status other than OK or CANCELLED", failed::sum),
                new ExtraMetric(ExtraMetric.Kind.COUNTER, "peregrine_grpc_messages_received_total",
                        "gRPC messages received from clients", received::sum),
                new ExtraMetric(ExtraMetric.Kind.COUNTER, "peregrine_grpc_messages_sent_total",
                        "gRPC messages sent to clients", sent::sum));
    }

    /** Counts every call it intercepts; install it outermost, so that refused calls count too. */
    ServerInterceptor interceptor() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                                ServerCallHandler<Q, R> next) {
                started.increment();
                ServerCall<Q, R> counted = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                    @Override
                    public void sendMessage(R message) {
                        sent.increment();
                        super.sendMessage(message);
                    }

                    @Override
                    public void close(Status status, Metadata trailers) {
                        if (!status.isOk() && status.getCode() != Status.Code.CANCELLED) {
                            failed.increment();
                        }
                        super.close(status, trailers);
                    }
                };
                ServerCall.Listener<Q> listener = next.startCall(counted, headers);
                return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
                    @Override
                    public void onMessage(Q message) {
                        received.increment();
                        super.onMessage(message);
                    }

                    @Override
                    public void onComplete() {
                        ended.increment();
                        super.onComplete();
                    }

                    @Override
                    public void onCancel() {
                        ended.increment();
                        super.onCancel();
                    }
                };
            }
        };
    }
}
