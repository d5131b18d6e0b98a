package dev.peregrine.grpc.internal;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.peregrine.store.StoredEvent;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadReq.Options.FilterOptions;
import java.util.List;

/**
 * A server-side filter of a {@code $all} read: on the stream name or on the event type, by any of
 * a list of prefixes or by a regular expression (found anywhere in the name, as KurrentDB's
 * {@code Regex.IsMatch} does; an RE2 expression, matched in linear time, so that no pattern can hold
 * the reading thread; backreferences and lookaround are refused as malformed). With a filter, a
 * subscription also sends a checkpoint every {@link #checkpointInterval()} events it examines, so that
 * a client filtering out almost everything still learns how far the server has looked.
 */
final class EventFilter {
    /** Every event passes; no checkpoints. */
    static final EventFilter NONE = new EventFilter(false, List.of(), null, 0);

    private final boolean onStreamName;
    private final List<String> prefixes;
    private final Pattern regex;
    private final int checkpointInterval;

    private EventFilter(boolean onStreamName, List<String> prefixes, Pattern regex, int checkpointInterval) {
        this.onStreamName = onStreamName;
        this.prefixes = prefixes;
        this.regex = regex;
        this.checkpointInterval = checkpointInterval;
    }

    /** @throws io.grpc.StatusRuntimeException {@code INVALID_ARGUMENT} for a malformed regular expression */
    static EventFilter of(FilterOptions options) {
        boolean onStream = options.hasStreamIdentifier();
        FilterOptions.Expression expression = onStream ? options.getStreamIdentifier() : options.getEventType();
        Pattern regex = null;
        if (!expression.getRegex().isEmpty()) {
            try {
                regex = Pattern.compile(expression.getRegex());
            } catch (PatternSyntaxException e) {
                throw Errors.invalid("filter regex '" + expression.getRegex() + "' is malformed: " + e.getDescription());
            }
        }
        // KurrentDB checks a window of `max` events, times the multiplier, between checkpoints.
        long window = options.hasMax() ? Math.max(1, options.getMax()) : 32;
        long interval = window * Math.max(1, options.getCheckpointIntervalMultiplier());
        return new EventFilter(onStream, List.copyOf(expression.getPrefixList()), regex,
                (int) Math.min(Integer.MAX_VALUE, interval));
    }

    boolean isFiltering() {
        return this != NONE;
    }

    /** Events examined between two checkpoints of a filtered subscription. */
    int checkpointInterval() {
        return checkpointInterval;
    }

    boolean test(StoredEvent event) {
        if (!isFiltering()) {
            return true;
        }
        String subject = onStreamName ? event.entityId() : event.eventType();
        if (regex != null && regex.matcher(subject).find()) {
            return true;
        }
        for (String prefix : prefixes) {
            if (subject.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
