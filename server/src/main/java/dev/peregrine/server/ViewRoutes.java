package dev.peregrine.server;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.peregrine.store.view.BackfillListener;
import dev.peregrine.store.view.View;
import dev.peregrine.store.view.ViewDefinition;
import dev.peregrine.store.view.ViewRow;
import dev.peregrine.store.view.ViewSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalLong;

/**
 * Incrementally maintained views: create from a JSON definition ({@code POST /api/v1/views}), list
 * ({@code GET /api/v1/views}), read now or as of a log position ({@code GET /api/v1/views/{name}
 * [?as_of_position=N]}), delete ({@code DELETE /api/v1/views/{name}}). The definition language is
 * the store's ({@link ViewDefinition#fromJson}); its errors name the offending part.
 */
final class ViewRoutes {
    private ViewRoutes() {
    }

    static void register(Router router) {
        router.add("POST", "/api/v1/views", ViewRoutes::create);
        router.add("GET", "/api/v1/views", ViewRoutes::list);
        router.add("GET", "/api/v1/views/{name}", ViewRoutes::read);
        router.add("DELETE", "/api/v1/views/{name}", ViewRoutes::drop);
    }

    /** Registering backfills the view from the whole log: unbounded work, done on a worker. */
    private static void create(Exchange exchange) {
        BodyReader.requireContentType(exchange.request(), "application/json");
        Services services = exchange.services();
        BodyReader.readThen(exchange, body -> {
            // The store parses definitions with its own parser: hold the body to the request limits first.
            services.json().requireWithinLimits(body);
            ViewDefinition definition = exchange.scope().scopedDefinition(
                    ViewDefinition.fromJson(new String(body, StandardCharsets.UTF_8)));
            // A different view of that name is a StateConflictException: 409, by StoreErrors.
            exchange.answerWhenDone(services.offloop(() -> services.store().views().register(definition,
                    BackfillListener.NONE)), view -> services.json().render(g -> describe(view, exchange.scope(), g)));
        });
    }

    private static void list(Exchange exchange) {
        TenantScope scope = exchange.scope();
        List<View> views = exchange.services().store().views().list().stream()
                .filter(view -> scope.seesName(view.name())).toList();
        exchange.json(200, g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("views");
            for (View view : views) {
                describe(view, scope, g);
            }
            g.writeEndArray();
            g.writeNumberField("count", views.size());
            g.writeEndObject();
        });
    }

    /** Reads the rows: a view's size is its own, so the copy is made on a worker. */
    private static void read(Exchange exchange) {
        Services services = exchange.services();
        String name = exchange.pathParameter("name");
        TenantScope scope = exchange.scope();
        OptionalLong asOf = QueryParameters.of(exchange.request()).integer("as_of_position", 0, Long.MAX_VALUE);
        exchange.answerWhenDone(services.offloop(() -> {
            View view = view(services, scope.storedName(name), name);
            return asOf.isPresent() ? view.readAsOf(asOf.getAsLong()) : view.read();
        }), snapshot -> services.json().render(g -> rows(snapshot, scope, g)));
    }

    private static void drop(Exchange exchange) {
        Services services = exchange.services();
        String name = exchange.pathParameter("name");
        String stored = exchange.scope().storedName(name);
        exchange.answerWhenDone(services.offloop(() -> {
            if (!services.store().views().drop(stored)) {
                throw ApiException.notFound("no view named '" + name + "'");
            }
            return name;
        }), dropped -> services.json().render(g -> {
            g.writeStartObject();
            g.writeStringField("name", dropped);
            g.writeBooleanField("deleted", true);
            g.writeEndObject();
        }));
    }

    private static View view(Services services, String stored, String shown) {
        return services.store().views().get(stored)
                .orElseThrow(() -> ApiException.notFound("no view named '" + shown + "'"));
    }

    /** {@code {"name","position","row_count","definition"}}; the definition as stored. */
    private static void describe(View view, TenantScope scope, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", scope.shownName(view.name()));
        g.writeNumberField("position", view.position());
        g.writeNumberField("row_count", view.rowCount());
        g.writeFieldName("definition");
        g.writeRawValue(view.definition().toJson());
        g.writeEndObject();
    }

    /** {@code {"view","position","columns":[…],"rows":[{column: value}…],"count"}}. */
    private static void rows(ViewSnapshot snapshot, TenantScope scope, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("view", scope.shownName(snapshot.view()));
        g.writeNumberField("position", snapshot.position());
        g.writeArrayFieldStart("columns");
        for (String column : snapshot.columns()) {
            g.writeString(column);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("rows");
        for (ViewRow row : snapshot.rows()) {
            g.writeStartObject();
            List<String> columns = row.columns();
            for (int i = 0; i < columns.size(); i++) {
                g.writeFieldName(columns.get(i));
                g.writeObject(row.get(i));
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeNumberField("count", snapshot.rows().size());
        g.writeEndObject();
    }
}
