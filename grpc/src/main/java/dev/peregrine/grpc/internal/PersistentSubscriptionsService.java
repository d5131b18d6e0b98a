package dev.peregrine.grpc.internal;

import dev.peregrine.store.EventStore;
import dev.peregrine.store.Query;
import dev.peregrine.store.StateConflictException;
import dev.peregrine.store.StoredEvent;
import dev.peregrine.store.subscription.ConsumerGroup;
import dev.peregrine.store.subscription.ConsumerStrategy;
import dev.peregrine.store.subscription.GroupInfo;
import dev.peregrine.store.subscription.GroupOptions;
import dev.peregrine.store.subscription.StartPosition;
import dev.peregrine.store.subscription.SubscriptionFilter;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.CreateReq;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.CreateResp;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.DeleteReq;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.DeleteResp;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.GetInfoReq;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.GetInfoResp;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.ListReq;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.ListResp;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.ReadReq;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.ReadResp;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.ReplayParkedReq;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.ReplayParkedResp;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.SubscriptionInfo;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.UpdateReq;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent.UpdateResp;
import io.kurrent.dbclient.proto.persistentsubscriptions.PersistentSubscriptionsGrpc;
import io.kurrent.dbclient.proto.shared.Shared;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * KurrentDB's {@code PersistentSubscriptions} service over the store's consumer groups (see
 * docs/kurrentdb.md for the mapping). A subscription to a stream is a group whose filter is the
 * stream's entity; one to {@code $all} is a group over every event. Groups are named by
 * {@link GroupNames}. {@code RestartSubsystem} answers OK: groups run inside the store and have
 * nothing to restart.
 *
 * <p>Settings: {@code max_retry_count} counts retries, so the group's attempts are one more;
 * {@code message_timeout} is the ack timeout (0, KurrentDB's "no timeout", becomes
 * {@link #NO_TIMEOUT}); {@code max_subscriber_count} is the member limit; the consumer strategy maps
 * by name ({@code PinnedByCorrelation} is not served). The buffer, batch and checkpoint settings
 * have no counterpart: the group reads, buffers and checkpoints by its own rules, and
 * {@code GetInfo} reports them as KurrentDB's defaults. A filtered subscription to {@code $all} is a
 * group whose filter holds the stream-name or event-type prefixes and regular expression.
 */
public final class PersistentSubscriptionsService extends PersistentSubscriptionsGrpc.PersistentSubscriptionsImplBase {
    /** The ack timeout a message timeout of 0 (never time out) stands for. */
    static final Duration NO_TIMEOUT = Duration.ofDays(1);
    /** KurrentDB's defaults for the settings that have no counterpart here, as GetInfo reports them. */
    private static final int DEFAULT_LIVE_BUFFER = 500;
    private static final int DEFAULT_READ_BATCH = 20;
    private static final int DEFAULT_HISTORY_BUFFER = 500;
    private static final int DEFAULT_CHECKPOINT_MS = 2_000;
    private static final int DEFAULT_MIN_CHECKPOINTS = 10;
    private static final int DEFAULT_MAX_CHECKPOINTS = 1_000;

    private final EventStore store;
    private final WireEvents wire;
    private final LogReads reads;
    private final Set<PersistentReadCall> calls = ConcurrentHashMap.newKeySet();

    public PersistentSubscriptionsService(EventStore store) {
        this.store = store;
        this.wire = new WireEvents(store.dictionary());
        this.reads = new LogReads(store);
    }

    /** Ends every running {@code Read}, telling its client the server is going away. */
    public void shutDownReads() {
        calls.forEach(PersistentReadCall::shutDown);
    }

    // ---------------------------------------------------------------- Create, Update, Delete

    @Override
    public void create(CreateReq request, StreamObserver<CreateResp> responses) {
        answer(responses, () -> {
            CreateReq.Options options = request.getOptions();
            CreateReq.Settings settings = options.getSettings();
            String stream;
            StartPosition start;
            SubscriptionFilter allFilter = SubscriptionFilter.ALL;
            switch (options.getStreamOptionCase()) {
                case STREAM -> {
                    CreateReq.StreamOptions streamOptions = options.getStream();
                    stream = Streams.name(streamOptions.getStreamIdentifier());
                    start = streamStart(stream, streamOptions.hasRevision(), streamOptions.getRevision(),
                            streamOptions.hasEnd());
                }
                case ALL -> {
                    CreateReq.AllOptions all = options.getAll();
                    if (all.hasFilter()) {
                        allFilter = allFilter(all.getFilter());
                    }
                    stream = GroupNames.ALL;
                    start = allStart(all.hasPosition(), all.getPosition().getCommitPosition(), all.hasEnd());
                }
                // Clients before 21.10 name the stream in the deprecated field, the revision in the settings.
                case STREAMOPTION_NOT_SET -> {
                    stream = Streams.name(options.getStreamIdentifier());
                    start = revisionStart(stream, settings.getRevision());
                }
                default -> throw new IllegalStateException();
            }
            String name = GroupNames.encode(stream, options.getGroupName());
            GroupOptions group = GroupOptions.DEFAULTS.withFilter(GroupNames.ALL.equals(stream) ? allFilter
                    : SubscriptionFilter.builder().entityId(stream).build()).withStart(start);
            group = settings(group, settings.getMaxRetryCount(), settings.hasMessageTimeoutMs()
                    ? settings.getMessageTimeoutMs() : settings.getMessageTimeoutTicks() / 10_000,
                    settings.getMaxSubscriberCount(), strategy(settings.getConsumerStrategy(),
                            settings.getNamedConsumerStrategy().name()));
            try {
                store.subscriptions().createGroup(name, group);
            } catch (StateConflictException exists) {
                throw Status.ALREADY_EXISTS.withDescription("persistent subscription '" + options.getGroupName()
                        + "' on '" + stream + "' exists already").asRuntimeException();
            }
            return CreateResp.getDefaultInstance();
        });
    }

    @Override
    public void update(UpdateReq request, StreamObserver<UpdateResp> responses) {
        answer(responses, () -> {
            UpdateReq.Options options = request.getOptions();
            UpdateReq.Settings settings = options.getSettings();
            String stream = switch (options.getStreamOptionCase()) {
                case STREAM -> Streams.name(options.getStream().getStreamIdentifier());
                case ALL -> GroupNames.ALL;
                case STREAMOPTION_NOT_SET -> Streams.name(options.getStreamIdentifier());
            };
            ConsumerGroup group = existing(stream, options.getGroupName());
            // A new start is recorded but, as in KurrentDB, does not move the checkpoint.
            StartPosition start = switch (options.getStreamOptionCase()) {
                case STREAM -> streamStart(stream, options.getStream().hasRevision(), options.getStream().getRevision(),
                        options.getStream().hasEnd());
                case ALL -> allStart(options.getAll().hasPosition(), options.getAll().getPosition().getCommitPosition(),
                        options.getAll().hasEnd());
                case STREAMOPTION_NOT_SET -> group.options().start();
            };
            group.update(settings(group.options().withStart(start), settings.getMaxRetryCount(),
                    settings.hasMessageTimeoutMs() ? settings.getMessageTimeoutMs()
                            : settings.getMessageTimeoutTicks() / 10_000,
                    settings.getMaxSubscriberCount(), strategy("", settings.getNamedConsumerStrategy().name())));
            return UpdateResp.getDefaultInstance();
        });
    }

    @Override
    public void delete(DeleteReq request, StreamObserver<DeleteResp> responses) {
        answer(responses, () -> {
            DeleteReq.Options options = request.getOptions();
            String stream = options.hasAll() ? GroupNames.ALL : Streams.name(options.getStreamIdentifier());
            if (!store.subscriptions().deleteGroup(GroupNames.encode(stream, options.getGroupName()))) {
                throw notFound(stream, options.getGroupName());
            }
            return DeleteResp.getDefaultInstance();
        });
    }

    /** The settings KurrentDB's create and update share, onto a group's options. */
    private static GroupOptions settings(GroupOptions options, int maxRetryCount, long messageTimeoutMs,
                                         int maxSubscribers, ConsumerStrategy strategy) {
        if (maxRetryCount < 0 || maxRetryCount == Integer.MAX_VALUE) {
            throw Errors.invalid("max_retry_count must be within 0.." + (Integer.MAX_VALUE - 1) + ", got " + maxRetryCount);
        }
        if (messageTimeoutMs < 0) {
            throw Errors.invalid("message_timeout must not be negative, got " + messageTimeoutMs + " ms");
        }
        if (maxSubscribers < 0) {
            throw Errors.invalid("max_subscriber_count must be 0 (no limit) or more, got " + maxSubscribers);
        }
        return options.withMaxAttempts(maxRetryCount + 1)
                .withAckTimeout(messageTimeoutMs == 0 ? NO_TIMEOUT : Duration.ofMillis(messageTimeoutMs))
                .withMaxMembers(maxSubscribers)
                .withStrategy(strategy);
    }

    /** A strategy by KurrentDB's name, or by its deprecated enum's when the name is not sent. */
    private static ConsumerStrategy strategy(String name, String enumName) {
        String chosen = name.isEmpty() ? enumName : name;
        return switch (chosen) {
            case "RoundRobin" -> ConsumerStrategy.ROUND_ROBIN;
            case "DispatchToSingle" -> ConsumerStrategy.DISPATCH_TO_SINGLE;
            case "Pinned" -> ConsumerStrategy.PINNED;
            default -> throw Errors.invalid("consumer strategy '" + chosen + "' is not served (RoundRobin,"
                    + " DispatchToSingle and Pinned are)");
        };
    }

    private static String strategyName(ConsumerStrategy strategy) {
        return switch (strategy) {
            case ROUND_ROBIN -> "RoundRobin";
            case DISPATCH_TO_SINGLE -> "DispatchToSingle";
            case PINNED -> "Pinned";
        };
    }

    /**
     * A filtered {@code $all} subscription's filter, on the group: the stream name's or the event
     * type's prefixes and regular expression (either matching, as for catch-up subscriptions). The
     * window and checkpoint multiplier have no counterpart: the group checkpoints by its own rules.
     */
    private static SubscriptionFilter allFilter(CreateReq.AllOptions.FilterOptions filter) {
        SubscriptionFilter.Builder group = SubscriptionFilter.builder();
        CreateReq.AllOptions.FilterOptions.Expression expression;
        switch (filter.getFilterCase()) {
            case STREAM_IDENTIFIER -> {
                expression = filter.getStreamIdentifier();
                group.entityIdPrefixes(expression.getPrefixList().toArray(String[]::new));
                if (!expression.getRegex().isEmpty()) {
                    group.entityIdPattern(expression.getRegex());
                }
            }
            case EVENT_TYPE -> {
                expression = filter.getEventType();
                group.eventTypePrefixes(expression.getPrefixList().toArray(String[]::new));
                if (!expression.getRegex().isEmpty()) {
                    group.eventTypePattern(expression.getRegex());
                }
            }
            default -> throw Errors.invalid("a filter of a persistent subscription to $all is on the stream name"
                    + " or on the event type");
        }
        if (expression.getPrefixCount() == 0 && expression.getRegex().isEmpty()) {
            throw Errors.invalid("a filter of a persistent subscription to $all needs a regex or prefixes");
        }
        return group.build();
    }

    /** A stream's start: a revision, its end, or (neither) its start. */
    private StartPosition streamStart(String stream, boolean hasRevision, long revision, boolean end) {
        return hasRevision ? revisionStart(stream, revision) : end ? StartPosition.now() : StartPosition.at(1);
    }

    /** A start in $all: a position (inclusive; past Long.MAX_VALUE as uint64 is the end), its end, or (neither) its start. */
    private static StartPosition allStart(boolean hasPosition, long position, boolean end) {
        if (hasPosition) {
            return position < 0 ? StartPosition.now() : StartPosition.at(Math.max(1, position));
        }
        return end ? StartPosition.now() : StartPosition.at(1);
    }

    /**
     * A start at a stream revision: KurrentDB's includes the event at that revision, so the group
     * starts at its position; a revision not written yet starts after the end of the log.
     */
    private StartPosition revisionStart(String stream, long revision) {
        if (revision == 0) {
            return StartPosition.at(1);
        }
        if (revision < 0) {
            return StartPosition.now(); // past Long.MAX_VALUE as uint64: never written
        }
        StoredEvent[] found = new StoredEvent[1];
        try {
            reads.streamForwards(stream, revision, 1, Long.MAX_VALUE, event -> {
                found[0] = event;
                return false;
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
        }
        return found[0] == null ? StartPosition.now() : StartPosition.at(found[0].position());
    }

    // ---------------------------------------------------------------- Read

    @Override
    public StreamObserver<ReadReq> read(StreamObserver<ReadResp> responses) {
        return new PersistentReadCall(store, wire, responses, calls);
    }

    // ---------------------------------------------------------------- GetInfo, List, ReplayParked, RestartSubsystem

    @Override
    public void getInfo(GetInfoReq request, StreamObserver<GetInfoResp> responses) {
        answer(responses, () -> {
            GetInfoReq.Options options = request.getOptions();
            String stream = options.hasAll() ? GroupNames.ALL : Streams.name(options.getStreamIdentifier());
            ConsumerGroup group = existing(stream, options.getGroupName());
            return GetInfoResp.newBuilder().setSubscriptionInfo(info(new GroupNames.Key(stream, options.getGroupName()),
                    group.info())).build();
        });
    }

    @Override
    public void list(ListReq request, StreamObserver<ListResp> responses) {
        answer(responses, () -> {
            ListReq.Options options = request.getOptions();
            Optional<String> only = switch (options.getListOptionCase()) {
                case LIST_FOR_STREAM -> Optional.of(options.getListForStream().hasAll() ? GroupNames.ALL
                        : Streams.name(options.getListForStream().getStream()));
                case LIST_ALL_SUBSCRIPTIONS, LISTOPTION_NOT_SET -> Optional.empty();
            };
            ListResp.Builder list = ListResp.newBuilder();
            for (String name : store.subscriptions().groupNames()) {
                Optional<GroupNames.Key> key = GroupNames.decode(name);
                if (key.isEmpty() || only.isPresent() && !only.get().equals(key.get().stream())) {
                    continue;
                }
                // A group deleted since the names were listed is left out.
                store.subscriptions().findGroup(name).ifPresent(group -> list.addSubscriptions(info(key.get(), group.info())));
            }
            if (only.isPresent() && list.getSubscriptionsCount() == 0) {
                throw Status.NOT_FOUND.withDescription("no persistent subscriptions on '" + only.get() + "'").asRuntimeException();
            }
            return list.build();
        });
    }

    @Override
    public void replayParked(ReplayParkedReq request, StreamObserver<ReplayParkedResp> responses) {
        answer(responses, () -> {
            ReplayParkedReq.Options options = request.getOptions();
            String stream = options.hasAll() ? GroupNames.ALL : Streams.name(options.getStreamIdentifier());
            ConsumerGroup group = existing(stream, options.getGroupName());
            long stopAt = options.hasStopAt() ? options.getStopAt() : Integer.MAX_VALUE;
            if (stopAt < 0) {
                throw Errors.invalid("stop_at must not be negative, got " + stopAt);
            }
            group.replayOldestParked((int) Math.min(stopAt, Integer.MAX_VALUE));
            return ReplayParkedResp.getDefaultInstance();
        });
    }

    @Override
    public void restartSubsystem(Shared.Empty request, StreamObserver<Shared.Empty> responses) {
        responses.onNext(Shared.Empty.getDefaultInstance());
        responses.onCompleted();
    }

    /** KurrentDB's view of a group: settings, positions, counters and connections. */
    private SubscriptionInfo info(GroupNames.Key key, GroupInfo info) {
        GroupOptions options = info.options();
        SubscriptionInfo.Builder out = SubscriptionInfo.newBuilder()
                .setEventSource(key.stream())
                .setGroupName(key.group())
                .setStatus("Live")
                .setTotalItems(info.delivered())
                .setStartFrom(startFrom(key, options.start()))
                .setMessageTimeoutMilliseconds((int) Math.min(Integer.MAX_VALUE, options.ackTimeout().toMillis()))
                .setMaxRetryCount(options.maxAttempts() - 1)
                .setLiveBufferSize(DEFAULT_LIVE_BUFFER)
                .setBufferSize(options.maxInFlight())
                .setReadBatchSize(DEFAULT_READ_BATCH)
                .setCheckPointAfterMilliseconds(DEFAULT_CHECKPOINT_MS)
                .setMinCheckPointCount(DEFAULT_MIN_CHECKPOINTS)
                .setMaxCheckPointCount(DEFAULT_MAX_CHECKPOINTS)
                .setReadBufferCount(info.waiting())
                .setRetryBufferCount(info.replaying())
                .setTotalInFlightMessages(info.inFlight())
                .setOutstandingMessagesCount(info.inFlight())
                .setNamedConsumerStrategy(strategyName(options.strategy()))
                .setMaxSubscriberCount(options.maxMembers())
                .setParkedMessageCount(info.parked());
        // Positions in $all; a stream subscription's would be revisions, which the group does not keep.
        if (key.isAll()) {
            out.setLastCheckpointedEventPosition(position(info.checkpoint()))
                    .setLastKnownEventPosition(position(info.headPosition()));
        }
        for (GroupInfo.MemberInfo member : info.members()) {
            out.addConnections(SubscriptionInfo.ConnectionInfo.newBuilder()
                    .setFrom(member.id())
                    .setConnectionName(member.id())
                    .setTotalItems(member.delivered())
                    .setInFlightMessages(member.inFlight())
                    .setAvailableSlots(Math.max(0, member.maxInFlight() - member.inFlight())));
        }
        return out.build();
    }

    /** A start as KurrentDB spells it: a revision for a stream, {@code C:x/P:x} for $all; −1 is the end. */
    private String startFrom(GroupNames.Key key, StartPosition start) {
        long at = start instanceof StartPosition.At(long position) ? position : -1;
        if (key.isAll()) {
            return at == 1 ? position(0) : position(at);
        }
        if (at <= 1) {
            return Long.toString(at == 1 ? 0 : -1);
        }
        List<StoredEvent> first = store.query(Query.builder().entityId(key.stream()).fromPosition(at).limit(1).build()).events();
        return first.isEmpty() ? "-1" : Long.toString(first.getFirst().version() - 1);
    }

    private static String position(long position) {
        return "C:" + position + "/P:" + position;
    }

    private ConsumerGroup existing(String stream, String group) {
        return store.subscriptions().findGroup(GroupNames.encode(stream, group)).orElseThrow(() -> notFound(stream, group));
    }

    static StatusRuntimeException notFound(String stream, String group) {
        return Status.NOT_FOUND.withDescription("persistent subscription '" + group + "' on '" + stream
                + "' does not exist").asRuntimeException();
    }

    /** Answers a unary call with what {@code call} returns, or with its failure's status. */
    private static <R> void answer(StreamObserver<R> responses, Supplier<R> call) {
        R response;
        try {
            response = call.get();
        } catch (RuntimeException e) {
            responses.onError(Errors.of(e));
            return;
        }
        responses.onNext(response);
        responses.onCompleted();
    }
}
