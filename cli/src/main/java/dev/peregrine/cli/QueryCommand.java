package dev.peregrine.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code peregrine query}: prints matching events as NDJSON on stdout (one event object per line),
 * following the cursor through every page with {@code --all}.
 */
@Command(
        name = "query",
        mixinStandardHelpOptions = true,
        description = {"Print events as NDJSON (one event per line), in position order.",
                "Times are RFC 3339 with any offset, e.g. 2024-01-15T10:00:00Z."})
final class QueryCommand extends ClientCommand {

    @Option(names = "--entity", description = "Only this entity id.")
    String entity;

    @Option(names = "--type", description = "Only this event type.")
    String type;

    @Option(names = "--tenant", description = "Only this tenant id.")
    String tenant;

    @Option(names = "--since", description = "Only events at or after this time.")
    String since;

    @Option(names = "--until", description = "Only events at or before this time.")
    String until;

    @Option(names = "--as-of", description = "The log as it was at this time.")
    String asOf;

    @Option(names = "--from-position", description = "Start at this global position.")
    Long fromPosition;

    @Option(names = "--limit", description = "Events per page (server default: its maximum).")
    Integer limit;

    @Option(names = "--cursor", description = "Continue from a previous page's next_cursor.")
    String cursor;

    @Option(names = "--all", description = "Follow next_cursor through every page.")
    boolean all;

    @Override
    int run(ApiClient client) throws IOException {
        PrintStream out = System.out;
        String next = cursor;
        long printed = 0;
        do {
            Map<String, Object> parameters = new LinkedHashMap<>();
            parameters.put("entity_id", entity);
            parameters.put("event_type", type);
            parameters.put("tenant_id", tenant);
            parameters.put("since", since);
            parameters.put("until", until);
            parameters.put("as_of", asOf);
            parameters.put("from_position", fromPosition);
            parameters.put("limit", limit);
            parameters.put("cursor", next);
            Page page = printEvents(client.get("/api/v1/events/query", parameters), out);
            printed += page.count;
            next = page.nextCursor;
        } while (all && next != null);
        out.flush();
        if (next != null) {
            System.err.println("peregrine: " + printed + " events shown; more match: add --all, or --cursor " + next);
        }
        return 0;
    }

    private record Page(long count, String nextCursor) {
    }

    /** Copies each event of a query response to {@code out} as one line. */
    private static Page printEvents(String response, PrintStream out) throws IOException {
        long count = 0;
        String nextCursor = null;
        try (JsonParser parser = ApiClient.JSON.createParser(response)) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("events".equals(name) && value == JsonToken.START_ARRAY) {
                    while (parser.nextToken() == JsonToken.START_OBJECT) {
                        try (JsonGenerator generator = ApiClient.JSON.createGenerator(unclosable(out))) {
                            generator.copyCurrentStructure(parser);
                        }
                        out.println();
                        count++;
                    }
                } else if ("next_cursor".equals(name) && value == JsonToken.VALUE_STRING) {
                    nextCursor = parser.getText();
                } else {
                    parser.skipChildren();
                }
            }
        }
        return new Page(count, nextCursor);
    }

    private static OutputStream unclosable(PrintStream out) {
        return new OutputStream() {
            @Override
            public void write(int b) {
                out.write(b);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                out.write(bytes, offset, length);
            }
        };
    }
}
