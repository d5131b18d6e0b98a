package dev.peregrine.server;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.peregrine.record.JsonCodec;
import dev.peregrine.record.internal.JsonStreams;
import dev.peregrine.store.Durability;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.Query;
import dev.peregrine.store.QueryPage;
import dev.peregrine.store.StoreOptions;
import dev.peregrine.store.StoredEvent;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The body of {@code GET /api/v1/events/query} for a page of 100 events (the store benchmarks'
 * payload {@code {"index":i,"data":"payload"}}, no metadata), rendered two ways in one JVM: by the
 * server's {@link EventJsonWriter} (from record bytes into a {@code JsonOutput}), and by the
 * jackson-core generator path it replaced (kept here as the baseline, as it was). Both produce the
 * same bytes ({@code EventJsonWriterTest}). {@link #queryAndRenderViews} and
 * {@link #queryAndRenderStoredEvents} add the query: the route's work through the store's views, and
 * through a {@code StoredEvent} per event. In the package of the server because the writer is
 * package-private; the bench jar puts both on one class path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class EventJsonBenchmark {

    private Path dir;
    private EventStore store;
    private Query query;
    private QueryPage page;
    private Json json;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("peregrine-bench-");
        store = EventStore.open(dir, StoreOptions.builder().durability(Durability.none()).builtInProjections(false).build());
        List<NewEvent> events = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            events.add(NewEvent.builder().eventType("benchmark.event").entityId("query-entity")
                    .payload(JsonCodec.defaults().parse(store.dictionary(), "{\"index\":" + i + ",\"data\":\"payload\"}"))
                    .build());
        }
        store.append(events);
        query = Query.builder().entityId("query-entity").limit(100).build();
        page = store.query(query);
        json = new Json(ServerLimits.defaults());
        if (!bytes().toString().equals(jackson().toString())
                || !queryAndRenderViews().toString().equals(bytes().toString())) {
            throw new IllegalStateException("the two renderings differ");
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        store.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The query endpoint's whole work: the query through the store's views, rendered as it visits (the server's path). */
    @Benchmark
    public Buffer queryAndRenderViews() {
        return EventJsonWriter.page(store, query, TenantScope.EVERY_TENANT);
    }

    /** The same, through a {@code StoredEvent} per event, then rendered (the server's path before). */
    @Benchmark
    public Buffer queryAndRenderStoredEvents() {
        return EventJsonWriter.page(store.query(query), TenantScope.EVERY_TENANT);
    }

    /** The page rendered from record bytes. */
    @Benchmark
    public Buffer bytes() {
        return EventJsonWriter.page(page, TenantScope.EVERY_TENANT);
    }

    /** The page rendered through jackson-core's generator, as the server did before. */
    @Benchmark
    public Buffer jackson() {
        return json.render(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("events");
            for (StoredEvent event : page.events()) {
                jacksonEvent(event, g);
            }
            g.writeEndArray();
            g.writeNumberField("count", page.events().size());
            g.writeFieldName("next_cursor");
            if (page.nextCursor().isPresent()) {
                g.writeString(page.nextCursor().get());
            } else {
                g.writeNull();
            }
            g.writeEndObject();
        });
    }

    private static void jacksonEvent(StoredEvent event, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", event.id().toString());
        g.writeStringField("event_type", event.eventType());
        g.writeStringField("entity_id", event.entityId());
        g.writeStringField("tenant_id", event.tenantId());
        g.writeFieldName("payload");
        JsonStreams.write(event.payload(), g);
        g.writeStringField("timestamp", Timestamps.format(event.timestamp()));
        g.writeFieldName("metadata");
        if (event.metadata().isPresent()) {
            JsonStreams.write(event.metadata().get(), g);
        } else {
            g.writeNull();
        }
        g.writeNumberField("version", event.version());
        g.writeNumberField("position", event.position());
        g.writeEndObject();
    }
}
