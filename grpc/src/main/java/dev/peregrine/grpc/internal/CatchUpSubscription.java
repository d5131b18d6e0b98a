package dev.peregrine.grpc.internal;

import com.google.protobuf.Timestamp;
import dev.peregrine.record.JsonOutput;
import dev.peregrine.store.StoredEvent;
import dev.peregrine.store.subscription.Subscription;
import dev.peregrine.store.subscription.SubscriptionListener;
import io.grpc.Status;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadResp;
import java.time.Instant;

/**
 * One catch-up subscription of a client (a {@code Read} in subscription mode) on top of a store
 * subscription, which already delivers the log from a position and then live commits with no gap
 * and no duplicate. This class only translates: each accepted event to a {@code ReadEvent}, the
 * store's switch to live to {@code caught_up}, a fall back to the log to {@code fell_behind}, and,
 * with a filter, a checkpoint every {@link EventFilter#checkpointInterval()} events examined.
 *
 * <p>Runs on the store subscription's thread; sending waits for the client (see {@link Outbox}), so
 * a slow client slows only its subscription, which then reads from the log again.
 */
final class CatchUpSubscription implements SubscriptionListener {
    private final Outbox<ReadResp> out;
    private final WireEvents wire;
    private final boolean stringIds;
    private final EventFilter filter;
    /** The subscribed stream, or {@code null} for {@code $all}. */
    private final String stream;
    /** Events of the stream at or below this revision are passed over (a start after a revision not written yet). */
    private final long skipThroughRevision;
    /** Where events' JSON is rendered; only the subscription's thread uses it. */
    private final JsonOutput json = new JsonOutput(1024);
    private volatile Subscription subscription;
    private boolean live;
    private long examined;
    private long lastRevision = -1;

    CatchUpSubscription(Outbox<ReadResp> out, WireEvents wire, boolean stringIds, EventFilter filter, String stream,
                        long skipThroughRevision) {
        this.out = out;
        this.wire = wire;
        this.stringIds = stringIds;
        this.filter = filter;
        this.stream = stream;
        this.skipThroughRevision = skipThroughRevision;
    }

    /** Attaches the running store subscription, and closes it when the client cancels. */
    void started(Subscription running) {
        this.subscription = running;
        out.onCancel(running::close);
    }

    @Override
    public void onEvent(StoredEvent event) throws InterruptedException {
        Subscription running = subscription;
        if (live && running != null && !running.isLive()) {
            live = false;
            out.send(ReadResp.newBuilder().setFellBehind(fellBehind(event.position() - 1)).build());
        }
        examined++;
        if (!event.isTombstone() && (stream == null || event.version() - 1 > skipThroughRevision) && filter.test(event)) {
            lastRevision = event.version() - 1;
            out.send(wire.readResp(event, stringIds, json));
        }
        if (filter.isFiltering() && examined % filter.checkpointInterval() == 0) {
            out.send(ReadResp.newBuilder().setCheckpoint(ReadResp.Checkpoint.newBuilder()
                    .setCommitPosition(event.position()).setPreparePosition(event.position()).setTimestamp(now())).build());
        }
    }

    @Override
    public void onLive(long position) {
        live = true;
        ReadResp.CaughtUp.Builder caughtUp = ReadResp.CaughtUp.newBuilder().setTimestamp(now());
        if (stream == null) {
            caughtUp.setPosition(ReadResp.Position.newBuilder().setCommitPosition(position).setPreparePosition(position));
        } else if (lastRevision >= 0) {
            caughtUp.setStreamRevision(lastRevision);
        }
        try {
            out.send(ReadResp.newBuilder().setCaughtUp(caughtUp).build());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ReadResp.FellBehind fellBehind(long position) {
        ReadResp.FellBehind.Builder behind = ReadResp.FellBehind.newBuilder().setTimestamp(now());
        if (stream == null) {
            behind.setPosition(ReadResp.Position.newBuilder().setCommitPosition(position).setPreparePosition(position));
        } else if (lastRevision >= 0) {
            behind.setStreamRevision(lastRevision);
        }
        return behind.build();
    }

    @Override
    public void onClosed(Throwable cause) {
        // Closed without a cause and not by the client: the server is shutting down, and the client
        // is told so (UNAVAILABLE makes it reconnect); after a cancel there is no one to tell.
        out.fail(cause != null ? cause : Status.UNAVAILABLE.withDescription("the server is shutting down").asRuntimeException());
    }

    /** Ends the subscription for a server shutdown: the client is told to reconnect elsewhere or later. */
    void shutDown() {
        Subscription running = subscription;
        if (running != null) {
            running.close();
        }
    }

    private static Timestamp now() {
        Instant now = Instant.now();
        return Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()).build();
    }
}
