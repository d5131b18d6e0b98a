package dev.peregrine.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Maps a method and a path to a route: literal segments and {@code {name}} parameters, matched
 * segment by segment. An unknown path is a 404; a known path with another method is a 405 that
 * lists the allowed methods.
 *
 * <p>Written by hand over vertx-core rather than pulling in vertx-web: the API has a dozen fixed
 * routes, and this is the whole of what we would use from it. Built once at startup, then
 * read-only and safe to share between event loops.
 */
final class Router {

    /** What a route does with a matched request. */
    @FunctionalInterface
    interface Handler {
        /** Handles the exchange; a thrown exception becomes the error response. */
        void handle(Exchange exchange) throws Exception;
    }

    /** One registered route; {@code pattern} is also its metrics label. */
    record Route(String method, String pattern, String[] segments, Handler handler) {
    }

    /** A matched route and the decoded values of its path parameters. */
    record Match(Route route, Map<String, String> parameters) {
    }

    private final List<Route> routes = new ArrayList<>();

    /** Registers a route; the pattern starts with '/' and may hold {@code {name}} segments. */
    Router add(String method, String pattern, Handler handler) {
        routes.add(new Route(method, pattern, split(pattern), handler));
        return this;
    }

    /**
     * Finds the route for a request.
     *
     * @throws MethodNotAllowedException when the path exists under other methods
     * @throws ApiException 404 when no route has this path
     */
    Match match(String method, String path) {
        String[] segments = split(path);
        Set<String> allowed = new TreeSet<>();
        Match best = null;
        for (Route route : routes) {
            Map<String, String> parameters = bind(route.segments(), segments);
            if (parameters == null) {
                continue;
            }
            // The most specific route wins: /api/v1/events/query over /api/v1/events/{id}.
            if (route.method().equals(method) && (best == null || parameters.size() < best.parameters().size())) {
                best = new Match(route, parameters);
            }
            allowed.add(route.method());
        }
        if (best != null) {
            return best;
        }
        if (!allowed.isEmpty()) {
            throw new MethodNotAllowedException(method, path, allowed);
        }
        throw ApiException.notFound("no route for " + method + " " + path);
    }

    private static Map<String, String> bind(String[] pattern, String[] path) {
        if (pattern.length != path.length) {
            return null;
        }
        Map<String, String> parameters = Map.of();
        for (int i = 0; i < pattern.length; i++) {
            String expected = pattern[i];
            if (expected.startsWith("{") && expected.endsWith("}")) {
                if (path[i].isEmpty()) {
                    return null;
                }
                if (parameters.isEmpty()) {
                    parameters = new LinkedHashMap<>(4);
                }
                parameters.put(expected.substring(1, expected.length() - 1), path[i]);
            } else if (!expected.equals(path[i])) {
                return null;
            }
        }
        // Decode only once the route is known, so that a bad escape in an unknown path stays a 404.
        if (!parameters.isEmpty()) {
            parameters.replaceAll((name, raw) -> PercentDecoder.pathSegment(raw, name));
        }
        return parameters;
    }

    private static String[] split(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.split("/", -1);
    }

    /** A 405, carrying the methods to put in the {@code Allow} header. */
    static final class MethodNotAllowedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final transient Set<String> allowed;

        MethodNotAllowedException(String method, String path, Set<String> allowed) {
            super("method " + method + " is not allowed on " + path + "; allowed: " + String.join(", ", allowed),
                    null, false, false);
            this.allowed = Set.copyOf(allowed);
        }

        /** The methods the path accepts. */
        Set<String> allowed() {
            return allowed;
        }
    }
}
