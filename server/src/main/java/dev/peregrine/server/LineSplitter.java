package dev.peregrine.server;

import io.vertx.core.buffer.Buffer;
import java.util.Arrays;

/**
 * Cuts a byte stream arriving in arbitrary chunks into lines (NDJSON): {@code \n} ends a line, a
 * {@code \r} before it is dropped, blank lines are skipped, and a last line without a newline
 * counts. A line longer than the limit is refused (a 413 naming the line) as soon as it crosses
 * it, so memory stays bounded by one line whatever the body's size. Not thread-safe: one instance per request, on its
 * event loop.
 */
final class LineSplitter {

    /** Receives each complete line; the bytes are only valid during the call. */
    @FunctionalInterface
    interface LineConsumer {
        void line(byte[] bytes, int offset, int length, long lineNumber);
    }

    private final int maxLineBytes;
    private byte[] partial = new byte[256];
    private int partialLength;
    private long lineNumber;

    LineSplitter(int maxLineBytes) {
        this.maxLineBytes = maxLineBytes;
    }

    /** Feeds the next chunk of the body. */
    void feed(Buffer chunk, LineConsumer consumer) {
        byte[] bytes = chunk.getBytes();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            if (partialLength == 0) {
                emit(bytes, start, i - start, consumer);
            } else {
                append(bytes, start, i - start);
                emit(partial, 0, partialLength, consumer);
                partialLength = 0;
            }
            start = i + 1;
        }
        append(bytes, start, bytes.length - start);
    }

    /** Ends the stream: a last line without a newline is emitted. */
    void finish(LineConsumer consumer) {
        if (partialLength > 0) {
            emit(partial, 0, partialLength, consumer);
            partialLength = 0;
        }
    }

    /** The number of the last line seen, from 1, blank lines included. */
    long lineNumber() {
        return lineNumber;
    }

    private void emit(byte[] bytes, int offset, int length, LineConsumer consumer) {
        lineNumber++;
        int end = offset + length;
        if (end > offset && bytes[end - 1] == '\r') {
            end--;
        }
        if (isBlank(bytes, offset, end)) {
            return;
        }
        if (end - offset > maxLineBytes) {
            throw tooLong(lineNumber);
        }
        consumer.line(bytes, offset, end - offset, lineNumber);
    }

    private void append(byte[] bytes, int offset, int length) {
        if (length == 0) {
            return;
        }
        if ((long) partialLength + length > maxLineBytes) {
            throw tooLong(lineNumber + 1);
        }
        if (partialLength + length > partial.length) {
            partial = Arrays.copyOf(partial, Math.max(partial.length * 2, partialLength + length));
        }
        System.arraycopy(bytes, offset, partial, partialLength, length);
        partialLength += length;
    }

    /** A 413 naming the line, as every error about one NDJSON line does. */
    private RuntimeException tooLong(long line) {
        return EventLocation.line(line).locate(ApiException.tooLarge("the line exceeds the limit of " + maxLineBytes
                + " bytes (--max-body-bytes)"));
    }

    private static boolean isBlank(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            byte b = bytes[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
