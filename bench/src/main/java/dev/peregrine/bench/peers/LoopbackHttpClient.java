package dev.peregrine.bench.peers;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A blocking HTTP/1.1 client on one keep-alive connection, as a load generator uses (wrk does the
 * same): the whole request goes out in one write with {@code TCP_NODELAY}, and the calling thread
 * reads the response itself. The harness measures the server, so the client must cost next to
 * nothing: {@code java.net.http.HttpClient} hands every exchange between its selector thread and an
 * executor and added milliseconds per request on a cold two-core machine, and
 * {@code HttpURLConnection} writes headers and body separately, which Nagle's algorithm delays.
 *
 * <p>Responses are framed by {@code Content-Length} or chunked transfer coding; a connection the
 * server closed is reopened once before the request is sent again. Not thread-safe: one per thread.
 */
public final class LoopbackHttpClient implements AutoCloseable {

  /** A response: the status code and the whole body. */
  public record Response(int status, byte[] body) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final String host;
  private final int port;
  private Socket socket;
  private OutputStream out;
  private InputStream in;

  public LoopbackHttpClient(String host, int port) {
    this.host = host;
    this.port = port;
  }

  public Response get(String pathAndQuery) throws IOException {
    return exchange(head("GET", pathAndQuery, null, 0));
  }

  public Response post(String path, String contentType, byte[] body) throws IOException {
    byte[] head = head("POST", path, contentType, body.length);
    byte[] request = new byte[head.length + body.length];
    System.arraycopy(head, 0, request, 0, head.length);
    System.arraycopy(body, 0, request, head.length, body.length);
    return exchange(request);
  }

  private byte[] head(String method, String target, String contentType, int length) {
    StringBuilder head = new StringBuilder(160).append(method).append(' ').append(target)
        .append(" HTTP/1.1\r\nHost: ").append(host).append(':').append(port).append("\r\n");
    if (contentType != null) {
      head.append("Content-Type: ").append(contentType).append("\r\nContent-Length: ").append(length).append("\r\n");
    }
    return head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
  }

  private Response exchange(byte[] request) throws IOException {
    boolean reused = socket != null;
    try {
      return send(request);
    } catch (EOFException | java.net.SocketException closedMeanwhile) {
      close();
      if (!reused) {
        throw closedMeanwhile;
      }
      return send(request); // the server closed an idle keep-alive connection: once more, fresh
    }
  }

  private Response send(byte[] request) throws IOException {
    if (socket == null) {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(host, port), 10_000);
      out = socket.getOutputStream();
      in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    }
    out.write(request);
    out.flush();
    String statusLine = line();
    if (!statusLine.startsWith("HTTP/1.1 ") || statusLine.length() < 12) {
      throw new IOException("not an HTTP/1.1 status line: '" + statusLine + "'");
    }
    int status = Integer.parseInt(statusLine.substring(9, 12));
    long contentLength = -1;
    boolean chunked = false;
    boolean closeAfter = false;
    for (String header = line(); !header.isEmpty(); header = line()) {
      int colon = header.indexOf(':');
      String name = header.substring(0, Math.max(colon, 0)).trim();
      String value = header.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("Content-Length")) {
        contentLength = Long.parseLong(value);
      } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
        chunked = value.equalsIgnoreCase("chunked");
      } else if (name.equalsIgnoreCase("Connection")) {
        closeAfter = value.equalsIgnoreCase("close");
      }
    }
    byte[] body = chunked ? chunkedBody() : in.readNBytes(Math.toIntExact(Math.max(contentLength, 0)));
    if (!chunked && body.length != Math.max(contentLength, 0)) {
      throw new EOFException("the connection closed inside a response body");
    }
    if (closeAfter) {
      close();
    }
    return new Response(status, body);
  }

  private byte[] chunkedBody() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = line();
      int extension = sizeLine.indexOf(';');
      int size = Integer.parseInt((extension < 0 ? sizeLine : sizeLine.substring(0, extension)).trim(), 16);
      if (size == 0) {
        while (!line().isEmpty()) {
          // Trailer fields: none expected, skipped.
        }
        return body.toByteArray();
      }
      byte[] chunk = in.readNBytes(size);
      if (chunk.length != size) {
        throw new EOFException("the connection closed inside a chunk");
      }
      body.writeBytes(chunk);
      line(); // the CRLF after the chunk
    }
  }

  /** One header line without its CRLF, ASCII. */
  private String line() throws IOException {
    StringBuilder line = new StringBuilder(64);
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("the server closed the connection");
      }
      if (b == '\n') {
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
      }
      line.append((char) b);
    }
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // Closing a loopback socket; nothing to recover.
      }
      socket = null;
    }
  }
}
