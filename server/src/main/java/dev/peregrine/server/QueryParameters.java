package dev.peregrine.server;

import io.vertx.core.http.HttpServerRequest;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Typed access to a request's query parameters. Unknown parameters are ignored (AllSource clients
 * may send more than we read); a known parameter with a bad value is a 400 naming it. When a
 * parameter is repeated, the first value counts. Confined to the request's event loop.
 *
 * <p>The query string is split and decoded here rather than by Vert.x, whose decoder replaces
 * bytes that are not UTF-8 with U+FFFD: every name and value goes through {@link PercentDecoder},
 * so that ill-formed UTF-8 in any parameter is a 400 naming it. Pairs are separated by {@code &}
 * or {@code ;} and {@code +} is a space, as Vert.x reads them.
 */
final class QueryParameters {
    private final Map<String, String> parameters;

    private QueryParameters(Map<String, String> parameters) {
        this.parameters = parameters;
    }

    static QueryParameters of(HttpServerRequest request) {
        Map<String, String> first = new HashMap<>();
        String query = request.query();
        if (query != null) {
            for (String pair : query.split("[&;]")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String name = PercentDecoder.queryComponent(equals < 0 ? pair : pair.substring(0, equals),
                        "a query parameter name");
                String value = PercentDecoder.queryComponent(equals < 0 ? "" : pair.substring(equals + 1),
                        "parameter '" + name + "'");
                first.putIfAbsent(name, value);
            }
        }
        return new QueryParameters(first);
    }

    /** A non-empty string parameter. */
    Optional<String> string(String name) {
        String value = parameters.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value.isEmpty()) {
            throw ApiException.badRequest("parameter '" + name + "' is empty");
        }
        return Optional.of(value);
    }

    /** An RFC 3339 timestamp parameter. */
    Optional<Instant> instant(String name) {
        return string(name).map(text -> Timestamps.parse(name, text));
    }

    /** An integer parameter within {@code [min, max]}. */
    OptionalLong integer(String name, long min, long max) {
        Optional<String> text = string(name);
        if (text.isEmpty()) {
            return OptionalLong.empty();
        }
        long value;
        try {
            value = Long.parseLong(text.get());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("parameter '" + name + "' must be an integer, got '" + text.get() + "'");
        }
        if (value < min || value > max) {
            throw ApiException.badRequest("parameter '" + name + "' must be within " + min + ".." + max
                    + ", got " + value);
        }
        return OptionalLong.of(value);
    }
}
