package dev.peregrine.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A client speaking HTTP/1.1 over a plain socket, for the requests a real HTTP client refuses to
 * send (a broken chunk size, a body cut short, a head sent byte by byte) and for watching what the
 * server does with the connection afterwards. Reads time out after {@link #READ_TIMEOUT_MILLIS},
 * which fails the test: it is a generous bound, never a measurement.
 */
final class RawHttp implements AutoCloseable {
    /** Longest wait for a byte from the server before the test fails. */
    static final int READ_TIMEOUT_MILLIS = 20_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawHttp(int port) {
        try {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends bytes as they are. */
    RawHttp send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends text as UTF-8. */
    RawHttp send(String text) {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Closes the connection from the client's side. */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one response: status line, headers, and a body framed by Content-Length (or none). */
    Response response() {
        try {
            String head = readHead();
            if (head == null) {
                throw new AssertionError("the server closed the connection without a response");
            }
            String[] lines = head.split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            int length = 0;
            StringBuilder headers = new StringBuilder();
            for (int i = 1; i < lines.length; i++) {
                headers.append(lines[i].toLowerCase(Locale.ROOT)).append('\n');
                if (lines[i].toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(lines[i].substring("content-length:".length()).trim());
                }
            }
            byte[] body = in.readNBytes(length);
            return new Response(status, headers.toString(), new String(body, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until the server closes the connection: true when it did (end of stream or reset), and
     * false when it sent {@code limit} more bytes first.
     */
    boolean closedByServer(int limit) {
        try {
            for (int i = 0; i < limit; i++) {
                if (in.read() < 0) {
                    return true;
                }
            }
            return false;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open for " + READ_TIMEOUT_MILLIS + " ms", e);
        } catch (SocketException e) {
            return true; // reset: closed while we were still sending
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads up to and including {@code marker}; the text read. */
    String readUntil(String marker) {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        try {
            while (!seen.toString(StandardCharsets.UTF_8).contains(marker)) {
                int b = in.read();
                if (b < 0) {
                    throw new AssertionError("the connection closed before '" + marker + "'; read: " + seen);
                }
                seen.write(b);
            }
            return seen.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                return head.size() == 0 ? null : head.toString(StandardCharsets.ISO_8859_1);
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** A response read off the socket; header names are lower case. */
    record Response(int status, String headers, String body) {
        JsonNode json() {
            try {
                return TestServer.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("response is not JSON (status " + status + "): " + body, e);
            }
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
