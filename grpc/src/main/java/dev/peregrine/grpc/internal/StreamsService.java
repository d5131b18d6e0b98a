package dev.peregrine.grpc.internal;

import dev.peregrine.record.JsonOutput;
import dev.peregrine.schema.SchemaRegistry;
import dev.peregrine.store.AppendResult;
import dev.peregrine.store.ConcurrencyConflictException;
import dev.peregrine.store.EntityDeletedException;
import dev.peregrine.store.EntityNotFoundException;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.ExpectedVersion;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.Query;
import dev.peregrine.store.StoredEvent;
import dev.peregrine.store.subscription.StartPosition;
import dev.peregrine.store.subscription.SubscriptionFilter;
import io.grpc.stub.StreamObserver;
import io.kurrent.dbclient.proto.shared.Shared;
import io.kurrent.dbclient.proto.streams.StreamsGrpc;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.AppendReq;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.AppendResp;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.BatchAppendReq;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.BatchAppendResp;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.DeleteReq;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.DeleteResp;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadReq;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadResp;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.TombstoneReq;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.TombstoneResp;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * KurrentDB's {@code Streams} service over the store: {@code Append}, {@code Read} (reads and
 * catch-up subscriptions), {@code Delete} (soft) and {@code Tombstone} (hard); {@code BatchAppend}
 * ({@link BatchAppendCall}) appends each of its requests as an {@code Append}.
 *
 * <p>Deletes: a soft delete is Peregrine's tombstone: the stream reads as not found, and an append
 * expecting {@code any} or {@code no_stream} re-creates it (its revisions start again at 0, where
 * KurrentDB would go on from the last one). A hard delete is also recorded in {@link HardDeletes},
 * after which every read, append and delete of the stream fails as KurrentDB's do. Deletes check
 * their expected revision just before the tombstone, not atomically with it (the store's tombstone
 * takes no expected version).
 */
public final class StreamsService extends StreamsGrpc.StreamsImplBase {
    /**
     * Most bytes of event data and custom metadata one append may send: the messages are held until
     * the client completes (the append is one atomic batch), so this bounds the memory a client can
     * make the server hold. 32 MiB: 32 events at the store's largest size.
     */
    static final long MAX_APPEND_BYTES = 32L << 20;

    private final EventStore store;
    private final WireEvents wire;
    private final SchemaRegistry schemas;
    private final LogReads reads;
    private final HardDeletes hardDeletes;
    private final Set<CatchUpSubscription> subscriptions = ConcurrentHashMap.newKeySet();
    private final AtomicLong readThreads = new AtomicLong();

    public StreamsService(EventStore store, SchemaRegistry schemas) {
        this.store = store;
        this.schemas = schemas;
        this.wire = new WireEvents(store.dictionary());
        this.reads = new LogReads(store);
        this.hardDeletes = HardDeletes.load(store);
    }

    /** Ends every running subscription, telling its client the server is going away. */
    public void shutDownSubscriptions() {
        subscriptions.forEach(CatchUpSubscription::shutDown);
    }

    // ---------------------------------------------------------------- Append

    @Override
    public StreamObserver<AppendReq> append(StreamObserver<AppendResp> responses) {
        return new AppendCall(responses);
    }

    /** One {@code Append}: its options, then its proposed messages, answered once the client completes. */
    private final class AppendCall implements StreamObserver<AppendReq> {
        private final StreamObserver<AppendResp> responses;
        private final ArrayList<AppendReq.ProposedMessage> messages = new ArrayList<>();
        private String stream;
        private ExpectedVersion expected;
        private long bytes;
        private boolean failed;

        AppendCall(StreamObserver<AppendResp> responses) {
            this.responses = responses;
        }

        @Override
        public void onNext(AppendReq request) {
            if (failed) {
                return;
            }
            try {
                if (request.hasOptions()) {
                    if (stream != null) {
                        throw Errors.invalid("an append sends its options once, first");
                    }
                    AppendReq.Options options = request.getOptions();
                    stream = writableStream(Streams.name(options.getStreamIdentifier()));
                    expected = Streams.expected(options.hasRevision(), options.getRevision(), options.hasNoStream(),
                            options.hasStreamExists());
                } else if (request.hasProposedMessage()) {
                    if (stream == null) {
                        throw Errors.invalid("an append sends its options before its events");
                    }
                    if (messages.size() == store.options().maxBatchEvents()) {
                        throw Errors.invalid("an append holds at most " + store.options().maxBatchEvents() + " events");
                    }
                    AppendReq.ProposedMessage message = request.getProposedMessage();
                    bytes += message.getData().size() + message.getCustomMetadata().size();
                    if (bytes > MAX_APPEND_BYTES) {
                        throw Errors.invalid("an append holds at most " + MAX_APPEND_BYTES + " bytes of data and metadata");
                    }
                    messages.add(message);
                }
            } catch (RuntimeException e) {
                failed = true;
                responses.onError(Errors.of(e));
            }
        }

        @Override
        public void onError(Throwable t) {
            failed = true; // the client went away: nothing was appended, nothing to answer
        }

        @Override
        public void onCompleted() {
            if (failed) {
                return;
            }
            if (stream == null) {
                responses.onError(Errors.invalid("an append sends its options first"));
                return;
            }
            if (messages.isEmpty()) {
                try {
                    responses.onNext(emptyAppend(stream, expected));
                    responses.onCompleted();
                } catch (RuntimeException e) {
                    responses.onError(Errors.of(e));
                }
                return;
            }
            appendAll(stream, expected, expected, messages, 0, responses);
        }
    }

    /**
     * Appends the messages to the stream, the first expecting {@code attempt} and the others following
     * it (the store checks each event of a batch against the stream including the earlier ones), and
     * answers once the events are durable. Nothing waits: the answer is sent by the thread that
     * completes the store's append, as the HTTP API does, so no call thread is parked on an fsync and
     * no hop to another thread lies between the fsync and the answer.
     *
     * <p>A soft-deleted stream is tombstoned in the store, which re-creates it only for no_stream; for
     * KurrentDB {@code any} re-creates it too. Another client may re-create it in between, so {@code any}
     * retries as itself once more; rounds 0 to 2 settle it.
     */
    private void appendAll(String stream, ExpectedVersion expected, ExpectedVersion attempt,
                           List<AppendReq.ProposedMessage> messages, int round, StreamObserver<AppendResp> responses) {
        List<NewEvent> batch;
        try {
            batch = batch(stream, attempt, messages);
            // The registry the HTTP API checks against: a payload an enforced schema refuses is refused
            // here too, before the store sees any of the batch, whichever face sent it.
            schemas.check(batch, WireEvents::isJson);
        } catch (RuntimeException e) {
            responses.onError(Errors.of(e));
            return;
        }
        store.appendAsync(batch).whenComplete((results, failure) -> {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            try {
                AppendResp answer;
                if (cause == null) {
                    AppendResult last = results.getLast();
                    answer = AppendResp.newBuilder().setSuccess(AppendResp.Success.newBuilder()
                            .setCurrentRevision(last.version() - 1)
                            .setPosition(AppendResp.Position.newBuilder().setCommitPosition(last.position())
                                    .setPreparePosition(last.position()))).build();
                } else if (cause instanceof EntityDeletedException) {
                    if (expected.kind() == ExpectedVersion.Kind.ANY && round < 2) {
                        appendAll(stream, expected, ExpectedVersion.noStream(), messages, round + 1, responses);
                        return;
                    }
                    answer = Streams.wrongExpectedVersion(expected, 0);
                } else if (cause instanceof ConcurrencyConflictException conflict) {
                    if (attempt != expected && round < 2) {
                        // re-created by someone else since: `any` holds again
                        appendAll(stream, expected, expected, messages, round + 1, responses);
                        return;
                    }
                    answer = Streams.wrongExpectedVersion(expected, conflict.actualVersion());
                } else {
                    responses.onError(Errors.of(cause));
                    return;
                }
                responses.onNext(answer);
                responses.onCompleted();
            } catch (RuntimeException e) {
                responses.onError(Errors.of(e));
            }
        });
    }

    private List<NewEvent> batch(String stream, ExpectedVersion expected,
                                                     List<AppendReq.ProposedMessage> messages) {
        ArrayList<NewEvent> events = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            events.add(wire.toNewEvent(stream, messages.get(i), i == 0 ? expected : ExpectedVersion.any()));
        }
        return events;
    }

    /** An append of no events: KurrentDB checks the expectation and reports the stream as it is. */
    private AppendResp emptyAppend(String stream, ExpectedVersion expected) {
        long version = store.streamVersion(stream);
        if (!expected.matches(version)) {
            return Streams.wrongExpectedVersion(expected, version);
        }
        AppendResp.Success.Builder success = AppendResp.Success.newBuilder().setNoPosition(Shared.Empty.getDefaultInstance());
        if (version == 0) {
            success.setNoStream(Shared.Empty.getDefaultInstance());
        } else {
            success.setCurrentRevision(version - 1);
        }
        return AppendResp.newBuilder().setSuccess(success).build();
    }

    /**
     * @return the stream, when the client may write it
     * @throws io.grpc.StatusRuntimeException stream-deleted for a hard-deleted stream, INVALID_ARGUMENT
     *         for the stream of the hard-delete records
     */
    private String writableStream(String stream) {
        if (stream.isEmpty()) {
            throw Errors.invalid("a stream name must not be empty");
        }
        if (stream.equals(HardDeletes.STREAM)) {
            throw Errors.invalid("stream '" + stream + "' is reserved by the server");
        }
        if (hardDeletes.contains(stream)) {
            throw Errors.streamDeleted(stream);
        }
        return stream;
    }

    // ---------------------------------------------------------------- BatchAppend

    @Override
    public StreamObserver<BatchAppendReq> batchAppend(StreamObserver<BatchAppendResp> responses) {
        return new BatchAppendCall(responses, this::appendRequest, store.options().maxBatchEvents(), MAX_APPEND_BYTES);
    }

    /**
     * One complete request of a {@code BatchAppend}, by the rules of an {@code Append}. It waits for
     * the append to be durable: a batch append call runs on a virtual thread (only {@code Append} runs
     * on the transport), and its requests are answered in the order their final chunks arrive.
     */
    private AppendResp appendRequest(String stream, ExpectedVersion expected, List<AppendReq.ProposedMessage> messages) {
        String writable = writableStream(stream);
        if (messages.isEmpty()) {
            return emptyAppend(writable, expected);
        }
        CompletableFuture<AppendResp> answer = new CompletableFuture<>();
        appendAll(writable, expected, expected, messages, 0, new StreamObserver<>() {
            @Override
            public void onNext(AppendResp response) {
                answer.complete(response);
            }

            @Override
            public void onError(Throwable failure) {
                answer.completeExceptionally(failure);
            }

            @Override
            public void onCompleted() {
            }
        });
        try {
            return answer.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : e;
        }
    }

    // ---------------------------------------------------------------- Delete, Tombstone

    @Override
    public void delete(DeleteReq request, StreamObserver<DeleteResp> responses) {
        DeleteReq.Options options = request.getOptions();
        remove(Streams.name(options.getStreamIdentifier()), Streams.expected(options.hasRevision(), options.getRevision(),
                options.hasNoStream(), options.hasStreamExists()), false, position -> position == 0
                ? DeleteResp.newBuilder().setNoPosition(Shared.Empty.getDefaultInstance()).build()
                : DeleteResp.newBuilder().setPosition(DeleteResp.Position.newBuilder().setCommitPosition(position)
                        .setPreparePosition(position)).build(), responses);
    }

    @Override
    public void tombstone(TombstoneReq request, StreamObserver<TombstoneResp> responses) {
        TombstoneReq.Options options = request.getOptions();
        remove(Streams.name(options.getStreamIdentifier()), Streams.expected(options.hasRevision(), options.getRevision(),
                options.hasNoStream(), options.hasStreamExists()), true, position -> position == 0
                ? TombstoneResp.newBuilder().setNoPosition(Shared.Empty.getDefaultInstance()).build()
                : TombstoneResp.newBuilder().setPosition(TombstoneResp.Position.newBuilder().setCommitPosition(position)
                        .setPreparePosition(position)).build(), responses);
    }

    /**
     * A soft or hard delete: checks the expectation, records a hard delete, tombstones the stream if
     * it has events, and answers with the tombstone's position (0 when there was nothing to delete).
     */
    private <R> void remove(String name, ExpectedVersion expected, boolean hard, LongFunction<R> response,
                            StreamObserver<R> responses) {
        try {
            String stream = writableStream(name);
            long position;
            if (hard) {
                checkExpected(stream, expected);
                hardDeletes.add(stream);
                position = tombstone(stream, ExpectedVersion.any());
            } else {
                position = tombstone(stream, expected);
            }
            responses.onNext(response.apply(position));
            responses.onCompleted();
        } catch (RuntimeException e) {
            responses.onError(Errors.of(e));
        }
    }

    private long checkExpected(String stream, ExpectedVersion expected) {
        long version = store.streamVersion(stream);
        if (!expected.matches(version)) {
            throw Errors.wrongExpectedVersion(stream, expected, version);
        }
        return version;
    }

    /** Tombstones the stream if it has events; @return the tombstone's position, 0 when there was nothing to delete */
    private long tombstone(String stream, ExpectedVersion expected) {
        if (checkExpected(stream, expected) == 0) {
            return 0;
        }
        try {
            return store.tombstone(stream);
        } catch (EntityNotFoundException | EntityDeletedException deletedMeanwhile) {
            return 0;
        }
    }

    // ---------------------------------------------------------------- Read

    @Override
    public void read(ReadReq request, StreamObserver<ReadResp> responses) {
        Outbox<ReadResp> out = new Outbox<>(responses);
        ReadReq.Options options = request.getOptions();
        // Off the call's callback thread: sending waits for onReady, which that thread delivers.
        Thread.ofVirtual().name("peregrine-grpc-read-" + readThreads.incrementAndGet()).start(() -> {
            try {
                if (options.hasSubscription()) {
                    subscribe(options, out);
                } else {
                    readOnce(options, out);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                out.fail(e);
            }
        });
    }

    private static boolean stringIds(ReadReq.Options options) {
        return options.getUuidOption().hasString();
    }

    private boolean backwards(ReadReq.Options options) {
        return options.getReadDirection() == ReadReq.Options.ReadDirection.Backwards;
    }

    private LogReads.Sink sink(Outbox<ReadResp> out, boolean stringIds) {
        JsonOutput json = new JsonOutput(1024); // the read's own thread renders every event in it
        return event -> out.send(wire.readResp(event, stringIds, json));
    }

    private void readOnce(ReadReq.Options options, Outbox<ReadResp> out) throws InterruptedException {
        long count = options.getCount() == 0 ? 0 : options.getCount() < 0 ? Long.MAX_VALUE : options.getCount();
        LogReads.Sink sink = sink(out, stringIds(options));
        if (options.hasStream()) {
            ReadReq.Options.StreamOptions streamOptions = options.getStream();
            String stream = Streams.name(streamOptions.getStreamIdentifier());
            if (hardDeletes.contains(stream)) {
                throw Errors.streamDeleted(stream);
            }
            if (store.streamVersion(stream) == 0) {
                out.send(ReadResp.newBuilder().setStreamNotFound(ReadResp.StreamNotFound.newBuilder()
                        .setStreamIdentifier(streamOptions.getStreamIdentifier())).build());
                out.complete();
                return;
            }
            if (backwards(options)) {
                long from = switch (streamOptions.getRevisionOptionCase()) {
                    case REVISION -> streamOptions.getRevision() < 0 ? Long.MAX_VALUE : streamOptions.getRevision();
                    case START -> 0;
                    case END, REVISIONOPTION_NOT_SET -> Long.MAX_VALUE;
                };
                reads.streamBackwards(stream, from, count, sink);
            } else {
                long from = switch (streamOptions.getRevisionOptionCase()) {
                    case REVISION -> streamOptions.getRevision() < 0 ? Long.MAX_VALUE : streamOptions.getRevision();
                    case START, REVISIONOPTION_NOT_SET -> 0;
                    case END -> Long.MAX_VALUE;
                };
                reads.streamForwards(stream, from, count, Long.MAX_VALUE, sink);
            }
        } else if (options.hasAll()) {
            ReadReq.Options.AllOptions all = options.getAll();
            EventFilter filter = options.hasFilter() ? EventFilter.of(options.getFilter()) : EventFilter.NONE;
            if (backwards(options)) {
                long before = switch (all.getAllOptionCase()) {
                    case POSITION -> all.getPosition().getCommitPosition();
                    case START -> 1;
                    case END, ALLOPTION_NOT_SET -> Long.MAX_VALUE;
                };
                reads.allBackwards(before, count, filter, sink);
            } else {
                long from = switch (all.getAllOptionCase()) {
                    case POSITION -> all.getPosition().getCommitPosition();
                    case START, ALLOPTION_NOT_SET -> 1;
                    case END -> Long.MAX_VALUE;
                };
                if (from != Long.MAX_VALUE) {
                    reads.allForwards(from, count, filter, sink);
                }
            }
        } else {
            throw Errors.invalid("a read names a stream or $all");
        }
        out.complete();
    }

    /**
     * Starts a catch-up subscription: confirmation first, then the events from the start point,
     * {@code caught_up} once live. Starts are exclusive, as KurrentDB's are: from a revision or a
     * position, the first event delivered is the one after it.
     */
    private void subscribe(ReadReq.Options options, Outbox<ReadResp> out) throws InterruptedException {
        if (options.getReadDirection() != ReadReq.Options.ReadDirection.Forwards) {
            throw Errors.invalid("a subscription reads forwards");
        }
        String stream = null;
        StartPosition start;
        long skipThrough = -1;
        SubscriptionFilter storeFilter = SubscriptionFilter.ALL;
        EventFilter filter = EventFilter.NONE;
        if (options.hasStream()) {
            ReadReq.Options.StreamOptions streamOptions = options.getStream();
            stream = Streams.name(streamOptions.getStreamIdentifier());
            if (hardDeletes.contains(stream)) {
                throw Errors.streamDeleted(stream);
            }
            storeFilter = SubscriptionFilter.builder().entityId(stream).build();
            long end = store.lastPosition();
            switch (streamOptions.getRevisionOptionCase()) {
                case START, REVISIONOPTION_NOT_SET -> {
                    List<StoredEvent> first = store.query(Query.builder().entityId(stream).limit(1).build()).events();
                    start = StartPosition.at(first.isEmpty() ? end + 1 : first.getFirst().position());
                }
                case END -> start = StartPosition.at(end + 1);
                case REVISION -> {
                    long revision = streamOptions.getRevision();
                    StoredEvent[] at = new StoredEvent[1];
                    reads.streamForwards(stream, revision, 1, end, event -> {
                        at[0] = event;
                        return false;
                    });
                    if (at[0] != null && at[0].version() - 1 == revision) {
                        start = StartPosition.at(at[0].position() + 1);
                    } else {
                        start = StartPosition.at(end + 1); // a revision not written yet
                        skipThrough = revision;
                    }
                }
                default -> throw new IllegalStateException();
            }
        } else if (options.hasAll()) {
            ReadReq.Options.AllOptions all = options.getAll();
            start = switch (all.getAllOptionCase()) {
                case POSITION -> StartPosition.at(all.getPosition().getCommitPosition() + 1);
                case START, ALLOPTION_NOT_SET -> StartPosition.at(1);
                case END -> StartPosition.now();
            };
            if (options.hasFilter()) {
                filter = EventFilter.of(options.getFilter());
            }
        } else {
            throw Errors.invalid("a subscription names a stream or $all");
        }
        String id = UUID.randomUUID().toString();
        if (!out.send(ReadResp.newBuilder().setConfirmation(ReadResp.SubscriptionConfirmation.newBuilder()
                .setSubscriptionId(id)).build())) {
            return;
        }
        CatchUpSubscription subscription = new CatchUpSubscription(out, wire, stringIds(options), filter, stream, skipThrough);
        subscriptions.add(subscription);
        out.onCancel(() -> subscriptions.remove(subscription));
        subscription.started(store.subscriptions().subscribe(start, storeFilter, subscription));
    }
}
