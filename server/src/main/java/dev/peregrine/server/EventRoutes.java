package dev.peregrine.server;

import dev.peregrine.schema.SchemaViolationException;
import dev.peregrine.server.tenant.TenantUsage;
import dev.peregrine.store.AppendResult;
import dev.peregrine.store.InvalidEventException;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.Query;
import dev.peregrine.store.StoredEvent;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Ingest ({@code POST /api/v1/events}, {@code POST /api/v1/events/batch}), read one event
 * ({@code GET /api/v1/events/{id}}) and query ({@code GET /api/v1/events/query}).
 *
 * <p>Appends never block the event loop: the store's future completes on its sequencer thread and
 * the response is rendered back on the event loop. A body is parsed completely, every event
 * validated, before anything is handed to the store, so a bad request writes nothing.
 */
final class EventRoutes {
    /** Pages up to this size are read on the event loop (see {@link #query}). */
    static final int INLINE_QUERY_LIMIT = 1_000;

    private EventRoutes() {
    }

    static void register(Router router) {
        router.add("POST", "/api/v1/events", EventRoutes::ingest);
        router.add("POST", "/api/v1/events/batch", EventRoutes::batch);
        router.add("GET", "/api/v1/events/query", EventRoutes::query);
        router.add("GET", "/api/v1/events/{id}", EventRoutes::get);
    }

    private static void ingest(Exchange exchange) {
        BodyReader.requireContentType(exchange.request(), "application/json");
        Services services = exchange.services();
        BodyReader.readThen(exchange, body -> {
            NewEvent event = exchange.scope().admit(services.parser().single(body, 0, body.length));
            exchange.answerWhenDone(append(exchange, List.of(event)),
                    results -> services.json().render(g -> EventJsonWriter.appended(results.getFirst(), g)));
        });
    }

    private static void batch(Exchange exchange) {
        BodyReader.requireContentType(exchange.request(), "application/json", NdjsonIngest.MEDIA_TYPE);
        String mediaType = BodyReader.mediaType(exchange.request().getHeader("Content-Type"));
        if (NdjsonIngest.MEDIA_TYPE.equals(mediaType)) {
            NdjsonIngest.start(exchange);
            return;
        }
        Services services = exchange.services();
        BodyReader.readThen(exchange, body -> {
            List<NewEvent> events = services.parser().batch(body, 0, body.length).stream()
                    .map(exchange.scope()::admit).toList();
            CompletableFuture<List<AppendResult>> appended = append(exchange, events).exceptionallyCompose(failure -> {
                OptionalInt refused = refusedIndex(failure);
                return CompletableFuture.failedFuture(refused.isEmpty() ? failure
                        : EventLocation.batchIndex(refused.getAsInt()).locate(failure));
            });
            exchange.answerWhenDone(appended, results -> batchResponse(services, results));
        });
    }

    /**
     * The index of the event the store's validation or the schema registry refused, when
     * {@code failure} is that refusal.
     */
    static OptionalInt refusedIndex(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return switch (cause) {
            case InvalidEventException invalid -> invalid.eventIndex();
            case SchemaViolationException violation -> OptionalInt.of(violation.eventIndex());
            default -> OptionalInt.empty();
        };
    }

    /**
     * Hands events to the store as one atomic append, recording its latency, once every payload of an
     * enforced event type has passed its schema (else nothing of the batch is appended) and the
     * tenant's quotas allow them (a tenant-bound request only; see {@link Security#admitAppend}).
     * Every ingest path (single event, JSON batch, NDJSON chunk) goes through here.
     */
    static CompletableFuture<List<AppendResult>> append(Exchange exchange, List<NewEvent> events) {
        Services services = exchange.services();
        try {
            services.schemas().check(events);
        } catch (SchemaViolationException refused) {
            return CompletableFuture.failedFuture(refused);
        }
        String tenant = exchange.principal().tenant();
        TenantUsage.Reservation reservation = null;
        if (tenant != null) {
            try {
                reservation = services.security().admitAppend(tenant, events, services.store());
            } catch (ApiException refused) {
                return CompletableFuture.failedFuture(refused);
            }
        }
        TenantUsage.Reservation reserved = reservation;
        long start = System.nanoTime();
        return services.store().appendAsync(events).whenComplete((results, failure) -> {
            if (failure == null) {
                services.metrics().append(results.size(), System.nanoTime() - start);
            }
            if (reserved != null) {
                TenantUsage usage = services.security().tenants().usage();
                if (failure == null && !results.isEmpty()) {
                    usage.appended(reserved, results.getLast().position());
                } else {
                    usage.failed(reserved);
                }
            }
        });
    }

    private static Buffer batchResponse(Services services, List<AppendResult> results) {
        return services.json().render(g -> {
            g.writeStartObject();
            g.writeNumberField("total", results.size());
            g.writeNumberField("ingested", results.size());
            g.writeArrayFieldStart("events");
            for (AppendResult result : results) {
                EventJsonWriter.appended(result, g);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static void get(Exchange exchange) {
        UUID id = Uuids.parse("id", exchange.pathParameter("id"));
        TenantScope scope = exchange.scope();
        // Another tenant's event is not found, the same answer as no event: its id tells nothing.
        StoredEvent event = exchange.services().store().get(id).filter(scope::sees)
                .orElseThrow(() -> ApiException.notFound("no event with id " + id));
        exchange.json(200, EventJsonWriter.event(event, scope));
    }

    /**
     * Pages of up to {@link #INLINE_QUERY_LIMIT} events are read on the event loop: the indexes are
     * in memory and the payloads in mapped segments, so such a page costs microseconds, less than
     * the hop to a worker and back. Larger pages go to the worker pool.
     */
    private static void query(Exchange exchange) {
        Services services = exchange.services();
        TenantScope scope = exchange.scope();
        QueryRequest request = QueryRequest.parse(QueryParameters.of(exchange.request()), services.limits(), scope);
        if (request.examined() <= INLINE_QUERY_LIMIT) {
            exchange.json(200, EventJsonWriter.page(services.store(), request.query(), scope));
        } else {
            exchange.answerWhenDone(services.offloop(() -> EventJsonWriter.page(services.store(), request.query(),
                    scope)), buffer -> buffer);
        }
    }

    /**
     * The parsed parameters of {@code GET /api/v1/events/query}, and how many matching events the
     * store examines at most for them ({@code offset + limit}), which decides where the query runs.
     */
    record QueryRequest(Query query, int examined) {

        /**
         * {@code offset} skips that many matching events before the page ({@link Query.Builder#offset});
         * a tenant-bound {@code scope} confines the query to its tenant and entity namespace.
         */
        static QueryRequest parse(QueryParameters parameters, ServerLimits limits, TenantScope scope) {
            Query.Builder builder = Query.builder();
            parameters.string("entity_id").map(scope::storedEntityId).ifPresent(builder::entityId);
            parameters.string("event_type").ifPresent(builder::eventType);
            scope.tenantFilter(parameters.string("tenant_id")).ifPresent(builder::tenantId);
            parameters.instant("as_of").ifPresent(builder::asOf);
            parameters.instant("since").ifPresent(builder::since);
            parameters.instant("until").ifPresent(builder::until);
            parameters.integer("from_position", 0, Long.MAX_VALUE).ifPresent(builder::fromPosition);
            parameters.string("cursor").ifPresent(builder::cursor);
            int limit = (int) parameters.integer("limit", 1, limits.maxQueryLimit()).orElse(limits.maxQueryLimit());
            int offset = (int) parameters.integer("offset", 0, limits.maxQueryLimit()).orElse(0);
            builder.offset(offset).limit(limit);
            return new QueryRequest(builder.build(), offset + limit);
        }
    }
}
