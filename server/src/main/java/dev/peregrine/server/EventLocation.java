package dev.peregrine.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where one event sits in a request: {@code events[4]} of a JSON batch, {@code line 12} of an
 * NDJSON body. Every error about one event, whatever raised it (the parser, the record codec, the
 * store's validation), goes through {@link #locate}, so that all of them name the event the same
 * way: in the message ({@code "events[4]: 'payload' must be a JSON object, got a number"}) and in
 * fields a client reads without parsing text ({@code "index": 4} or {@code "line": 12}, and
 * {@code "problem"}, the message without the location). Immutable.
 *
 * @param label the location as messages start with it
 * @param field the name of the field carrying {@code value} in the error body
 * @param value the index or line number
 */
record EventLocation(String label, String field, long value) {

    /** The event at {@code index} of a JSON batch. */
    static EventLocation batchIndex(int index) {
        return new EventLocation("events[" + index + "]", "index", index);
    }

    /** The event on {@code line} (from 1) of an NDJSON body. */
    static EventLocation line(long line) {
        return new EventLocation("line " + line, "line", line);
    }

    /**
     * The failure as an error naming this event. A failure that is the server's, not the event's
     * (a storage failure), is returned unchanged: it is not about the event.
     */
    RuntimeException locate(Throwable failure) {
        Optional<ErrorMapper.Mapped> client = ErrorMapper.clientError(failure);
        if (client.isEmpty()) {
            return failure instanceof RuntimeException runtime ? runtime : new IllegalStateException(failure);
        }
        ErrorMapper.Mapped mapped = client.get();
        if (mapped.details().containsKey(field)) {
            return new ApiException(mapped.status(), mapped.message(), mapped.details()); // located already
        }
        // Callers make a location only once an event has failed, and reading an event carries none,
        // so a request of many good events builds no label per event.
        Map<String, Object> details = new LinkedHashMap<>();
        details.put(field, value);
        details.put("problem", mapped.message());
        details.putAll(mapped.details());
        return new ApiException(mapped.status(), label + ": " + mapped.message(), details);
    }
}
