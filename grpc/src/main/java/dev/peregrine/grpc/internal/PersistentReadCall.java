package dev.peregrine.grpc.internal;

import dev.peregrine.store.EventStore;
import dev.peregrine.store.InvalidEventException;
import dev.peregrine.store.StateConflictException;
import dev.peregrine.store.subscription.ConsumerGroup;
import dev.peregrine.store.subscription.Delivery;
import dev.peregrine.store.subscription.GroupMember;
import dev.peregrine.store.subscription.NackAction;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.ReadReq;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.ReadResp;
import io.kurrent.dbclient.proto.shared.Shared;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One {@code PersistentSubscriptions.Read}: the client sends its options, then acks and nacks; the
 * server answers with the subscription's confirmation, then events. The call is one member of the
 * subscription's consumer group, holding at most {@code buffer_size} unsettled deliveries.
 *
 * <p>Its own virtual thread joins the group and then polls and sends; it is the only one that
 * writes to the call (see {@link Outbox}). Acks and nacks arrive on the call's callback thread and
 * name events by id: the deliveries handed out are kept by event id until settled (an event timed
 * out and delivered again replaces its earlier delivery, whose settling would do nothing).
 */
final class PersistentReadCall implements StreamObserver<ReadReq> {
    /** How long one poll waits before the thread looks again whether the call has ended. */
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final AtomicLong THREADS = new AtomicLong();

    private final EventStore store;
    private final WireEvents wire;
    private final Outbox<ReadResp> out;
    private final Set<PersistentReadCall> running;
    private final Map<UUID, Delivery> deliveries = new ConcurrentHashMap<>();
    private volatile GroupMember member;
    private volatile boolean started;
    /** The member left by a nack with {@code Stop} or the client's end of sending: the call ends successfully. */
    private volatile boolean stopped;
    private volatile boolean shutDown;

    PersistentReadCall(EventStore store, WireEvents wire, StreamObserver<ReadResp> responses, Set<PersistentReadCall> running) {
        this.store = store;
        this.wire = wire;
        this.out = new Outbox<>(responses);
        this.running = running;
        out.onCancel(this::leave);
    }

    @Override
    public void onNext(ReadReq request) {
        switch (request.getContentCase()) {
            case OPTIONS -> {
                if (!started) {
                    started = true;
                    ReadReq.Options options = request.getOptions();
                    running.add(this);
                    Thread.ofVirtual().name("peregrine-grpc-persistent-" + THREADS.incrementAndGet())
                            .start(() -> run(options));
                }
            }
            case ACK -> {
                for (Shared.UUID id : request.getAck().getIdsList()) {
                    settle(id, Delivery::ack);
                }
            }
            case NACK -> {
                ReadReq.Nack nack = request.getNack();
                NackAction action = switch (nack.getAction()) {
                    case Park -> NackAction.PARK;
                    case Skip -> NackAction.SKIP;
                    case Stop -> NackAction.STOP;
                    case Retry, Unknown, UNRECOGNIZED -> NackAction.RETRY;
                };
                if (action == NackAction.STOP) {
                    stopped = true;
                }
                for (Shared.UUID id : nack.getIdsList()) {
                    settle(id, delivery -> delivery.nack(action, nack.getReason()));
                }
            }
            case CONTENT_NOT_SET -> { }
        }
    }

    private void settle(Shared.UUID wireId, Consumer<Delivery> settlement) {
        UUID id;
        try {
            id = WireEvents.uuid(wireId);
        } catch (InvalidEventException notAnId) {
            return; // names no delivery of this call
        }
        Delivery delivery = deliveries.remove(id);
        if (delivery != null) {
            try {
                settlement.accept(delivery);
            } catch (StateConflictException settledAlready) {
                // Timed out and handed out again, or the group was deleted: nothing left to settle.
            }
        }
    }

    @Override
    public void onError(Throwable t) {
        leave(); // the client went away
    }

    @Override
    public void onCompleted() {
        stopped = true;
        leave(); // the client has nothing more to say: it leaves the group, the call ends
    }

    /** Ends the call for a server shutdown: the client is told to reconnect later. */
    void shutDown() {
        shutDown = true;
        leave();
    }

    private void leave() {
        running.remove(this);
        GroupMember joined = member;
        if (joined != null) {
            joined.close();
        }
    }

    /** The call's thread: join, confirm, then hand out deliveries until the member leaves. */
    private void run(ReadReq.Options options) {
        try {
            String stream = options.hasAll() ? GroupNames.ALL : Streams.name(options.getStreamIdentifier());
            String name = GroupNames.encode(stream, options.getGroupName());
            Optional<ConsumerGroup> group = store.subscriptions().findGroup(name);
            if (group.isEmpty()) {
                throw PersistentSubscriptionsService.notFound(stream, options.getGroupName());
            }
            int bufferSize = options.getBufferSize() > 0 ? options.getBufferSize() : group.get().options().maxInFlight();
            GroupMember joined;
            try {
                joined = group.get().join("grpc-" + UUID.randomUUID(), bufferSize);
            } catch (StateConflictException e) {
                throw Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException();
            }
            member = joined;
            if (out.isCancelled() || shutDown) {
                joined.close(); // cancelled while joining: leave() saw no member
                return;
            }
            boolean stringIds = options.getUuidOption().hasString();
            if (!out.send(ReadResp.newBuilder().setSubscriptionConfirmation(ReadResp.SubscriptionConfirmation
                    .newBuilder().setSubscriptionId(stream + "::" + options.getGroupName())).build())) {
                return;
            }
            deliver(joined, stringIds, stream, options.getGroupName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            out.fail(e);
        } finally {
            leave();
        }
    }

    private void deliver(GroupMember joined, boolean stringIds, String stream, String group) throws InterruptedException {
        while (true) {
            Optional<Delivery> next;
            try {
                next = joined.poll(POLL);
            } catch (StateConflictException left) {
                if (stopped || out.isCancelled()) {
                    out.complete();
                } else if (shutDown) {
                    out.fail(Status.UNAVAILABLE.withDescription("the server is shutting down").asRuntimeException());
                } else {
                    out.fail(Status.NOT_FOUND.withDescription("persistent subscription '" + group + "' on '" + stream
                            + "' was deleted").asRuntimeException());
                }
                return;
            }
            if (next.isEmpty()) {
                continue;
            }
            Delivery delivery = next.get();
            // Kept before it is sent: the client may ack before send returns.
            deliveries.put(delivery.event().id(), delivery);
            io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadResp.ReadEvent.RecordedEvent recorded = wire.toRecorded(delivery.event(), stringIds);
            if (!out.send(ReadResp.newBuilder().setEvent(ReadResp.ReadEvent.newBuilder()
                    .setEvent(ReadResp.ReadEvent.RecordedEvent.newBuilder()
                            .setId(recorded.getId())
                            .setStreamIdentifier(recorded.getStreamIdentifier())
                            .setStreamRevision(recorded.getStreamRevision())
                            .setCommitPosition(recorded.getCommitPosition())
                            .setPreparePosition(recorded.getPreparePosition())
                            .putAllMetadata(recorded.getMetadataMap())
                            .setCustomMetadata(recorded.getCustomMetadata())
                            .setData(recorded.getData()))
                    .setCommitPosition(delivery.event().position())
                    .setRetryCount(delivery.attempt() - 1)).build())) {
                return;
            }
        }
    }
}
