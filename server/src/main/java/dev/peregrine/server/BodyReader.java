package dev.peregrine.server;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads a request body into memory under a size limit, after checking its content type.
 *
 * <p>The limit is enforced while reading, not after: a declared {@code Content-Length} over the
 * limit is refused before a byte is read, and a chunked body is refused as soon as it crosses the
 * limit. A compressed body ({@code Content-Encoding: gzip} or {@code deflate}) is decoded as it
 * arrives (see {@link Exchange#readBody}), so the limit counts decoded bytes. A refused body is
 * drained without being kept (so the client, still sending, can read the 413) and the connection
 * is closed after the answer. Used on the request's event loop only.
 */
final class BodyReader {
    /** Bytes of a refused body we are willing to read and discard before hanging up. */
    private static final long DRAIN_LIMIT = 64L * 1024 * 1024;

    private BodyReader() {
    }

    /** Checks that the request is {@code mediaType} (parameters such as charset allowed). */
    static void requireContentType(HttpServerRequest request, String... mediaTypes) {
        String header = request.getHeader(HttpHeaders.CONTENT_TYPE);
        String actual = header == null ? "" : mediaType(header);
        for (String accepted : mediaTypes) {
            if (accepted.equals(actual)) {
                return;
            }
        }
        throw ApiException.unsupportedMediaType("Content-Type must be " + String.join(" or ", mediaTypes)
                + (header == null ? " (the request has none)" : ", got '" + header + "'"));
    }

    /** The media type of a Content-Type header, lower case and without parameters. */
    static String mediaType(String header) {
        int semicolon = header.indexOf(';');
        return (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(java.util.Locale.ROOT);
    }

    /** Consumes a body read whole; an exception it throws becomes the error response. */
    @FunctionalInterface
    interface BodyConsumer {
        void accept(byte[] body) throws Exception;
    }

    /**
     * Reads the body under {@link ServerLimits#maxBodyBytes()}, then hands it to {@code consumer}
     * on the event loop; a read failure or an exception from the consumer answers the exchange.
     */
    static void readThen(Exchange exchange, BodyConsumer consumer) {
        read(exchange, exchange.services().limits().maxBodyBytes()).onComplete(read -> {
            if (read.failed()) {
                exchange.fail(read.cause());
                return;
            }
            try {
                consumer.accept(read.result().getBytes());
            } catch (Exception e) {
                exchange.fail(e);
            }
        });
    }

    /** The whole body, failed with a 413 {@link ApiException} when it exceeds {@code maxBytes}. */
    static Future<Buffer> read(Exchange exchange, int maxBytes) {
        HttpServerRequest request = exchange.request();
        Promise<Buffer> promise = Promise.promise();
        String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        long length = declared == null ? -1 : parseLength(declared);
        Buffer body = Buffer.buffer(length < 0 || length > maxBytes ? 1024 : (int) length);
        exchange.readBody(new Exchange.BodySink() {
            @Override
            public void chunk(Buffer chunk) {
                if (body.length() + chunk.length() > maxBytes) {
                    long seen = body.length() + (long) chunk.length();
                    refuse(exchange, seen, maxBytes);
                    promise.tryFail(tooLarge(seen, maxBytes));
                    return;
                }
                body.appendBuffer(chunk);
            }

            @Override
            public void end() {
                promise.tryComplete(body);
            }

            @Override
            public void broken(Throwable cause) {
                promise.tryFail(cause);
            }
        });
        // A compressed body's declared length is not its decoded one: only the decoded bytes count.
        if (length > maxBytes && !exchange.bodyEncoded()) {
            refuse(exchange, length, maxBytes);
            promise.tryFail(tooLarge(length, maxBytes));
        }
        return promise.future();
    }

    private static long parseLength(String declared) {
        try {
            long length = Long.parseLong(declared.trim());
            if (length < 0) {
                throw ApiException.badRequest("Content-Length is negative: " + declared);
            }
            return length;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("Content-Length is not a number: '" + declared + "'");
        }
    }

    private static ApiException tooLarge(long seen, int maxBytes) {
        return ApiException.tooLarge("request body exceeds the limit of " + maxBytes
                + " bytes (--max-body-bytes); got at least " + seen + " bytes");
    }

    /** Answers 413 now, drains what the client still sends, and closes the connection after. */
    private static void refuse(Exchange exchange, long seen, int maxBytes) {
        exchange.drainThenClose(DRAIN_LIMIT);
        exchange.fail(tooLarge(seen, maxBytes));
    }
}
