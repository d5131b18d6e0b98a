package dev.peregrine.store;

import java.util.List;
import java.util.Optional;

/**
 * One page of query results.
 *
 * @param events matching events in position order (immutable list of zero-copy views)
 * @param nextCursor present when the page was full and more events may match: pass it to
 *        {@link Query.Builder#cursor(String)} with the same filters to continue
 */
public record QueryPage(List<StoredEvent> events, Optional<String> nextCursor) {

    /** Makes the list immutable. */
    public QueryPage {
        events = List.copyOf(events);
    }
}
