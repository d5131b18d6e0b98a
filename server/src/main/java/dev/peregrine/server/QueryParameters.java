package dev.peregrine.server;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Typed access to a request's query parameters. Unknown parameters are ignored (AllSource clients
 * may send more than we read); a known parameter with a bad value is a 400 naming it. When a
 * parameter is repeated, the first value counts. Confined to the request's event loop.
 */
final class QueryParameters {
    private final MultiMap parameters;

    private QueryParameters(MultiMap parameters) {
        this.parameters = parameters;
    }

    static QueryParameters of(HttpServerRequest request) {
        try {
            return new QueryParameters(request.params());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("malformed query string: " + e.getMessage());
        }
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
