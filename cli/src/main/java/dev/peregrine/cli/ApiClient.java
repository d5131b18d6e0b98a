package dev.peregrine.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The command line's HTTP client for Peregrine's API: sends a request, returns the body of a 2xx,
 * and turns anything else into an {@link ApiError} carrying the server's {@code "error"} message.
 * Thread-safe.
 */
final class ApiClient {
    static final JsonFactory JSON = new JsonFactory();

    private final URI base;
    private final String apiKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** @param apiKey sent as {@code X-API-Key} on every request, or {@code null} for none */
    ApiClient(URI base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
    }

    /** GET {@code path} with the non-null {@code parameters} as a query string. */
    String get(String path, Map<String, ?> parameters) {
        return send(HttpRequest.newBuilder(uri(path, parameters)).GET());
    }

    /** POST a body of the given content type. */
    String post(String path, String contentType, byte[] body) {
        return send(HttpRequest.newBuilder(uri(path, Map.of())).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** PUT a JSON body. */
    String putJson(String path, byte[] body) {
        return send(HttpRequest.newBuilder(uri(path, Map.of())).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** DELETE {@code path}. */
    String delete(String path) {
        return send(HttpRequest.newBuilder(uri(path, Map.of())).DELETE());
    }

    private URI uri(String path, Map<String, ?> parameters) {
        Map<String, String> present = new LinkedHashMap<>();
        parameters.forEach((name, value) -> {
            if (value != null) {
                present.put(name, value.toString());
            }
        });
        String query = present.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return URI.create(base + path + (query.isEmpty() ? "" : "?" + query));
    }

    /** Percent-encodes one path segment (an entity id may contain '/', spaces, anything). */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private String send(HttpRequest.Builder request) {
        HttpResponse<String> response;
        try {
            if (apiKey != null) {
                request.header("X-API-Key", apiKey);
            }
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ApiError(0, "cannot reach " + base + ": " + e.getMessage(), "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(0, "interrupted", "");
        }
        if (response.statusCode() / 100 != 2) {
            throw new ApiError(response.statusCode(), errorMessage(response.body()), response.body());
        }
        return response.body();
    }

    /** The {@code "error"} field of an error body, or the body itself when it has none. */
    private static String errorMessage(String body) {
        return text(body, "error").orElse(body);
    }

    /** A top-level integer field of a JSON object; -1 when absent (or the text is not such an object). */
    static long number(String json, String name) {
        return field(json, name, JsonToken.VALUE_NUMBER_INT).map(Long::parseLong).orElse(-1L);
    }

    /** Whether a top-level field of a JSON object is {@code true}. */
    static boolean isTrue(String json, String name) {
        return field(json, name, JsonToken.VALUE_TRUE).isPresent();
    }

    /** A top-level string field of a JSON object, if present. */
    static Optional<String> text(String json, String name) {
        return field(json, name, JsonToken.VALUE_STRING);
    }

    private static Optional<String> field(String json, String name, JsonToken type) {
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals(field) && value == type) {
                    return Optional.of(parser.getText());
                }
                parser.skipChildren();
            }
        } catch (IOException e) {
            return Optional.empty(); // not JSON
        }
        return Optional.empty();
    }

    static final class ApiError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final int status;
        private final String body;

        ApiError(int status, String message, String body) {
            super(message);
            this.status = status;
            this.body = body;
        }

        int status() {
            return status;
        }

        String body() {
            return body;
        }

        /** The error as a command reports it: the HTTP status, if there was an answer, and the message. */
        String describe() {
            return (status == 0 ? "" : "HTTP " + status + ": ") + getMessage();
        }
    }
}
