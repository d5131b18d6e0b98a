package dev.peregrine.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The harness's HTTP client against a scripted server on loopback: both body framings, keep-alive
 * reuse, and a connection the server closes between requests.
 */
class LoopbackHttpClientTest {

  private ServerSocket listener;
  private Thread acceptor;
  private final List<String> responses = new CopyOnWriteArrayList<>();
  private final List<String> requestLines = new CopyOnWriteArrayList<>();
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();

  @BeforeEach
  void start() throws IOException {
    listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    acceptor = Thread.ofPlatform().daemon().start(this::serve);
  }

  @AfterEach
  void stop() throws Exception {
    listener.close();
    acceptor.join(5_000);
  }

  /** Answers requests in order from {@link #responses}; a response ending in "CLOSE" closes after. */
  private void serve() {
    try {
      while (true) {
        try (Socket socket = listener.accept()) {
          connections.incrementAndGet();
          BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
          OutputStream out = socket.getOutputStream();
          while (true) {
            String requestLine = in.readLine();
            if (requestLine == null) {
              break;
            }
            requestLines.add(requestLine);
            int length = 0;
            for (String header = in.readLine(); !header.isEmpty(); header = in.readLine()) {
              if (header.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(header.substring(15).trim());
              }
            }
            char[] body = new char[length];
            int read = 0;
            while (read < length) {
              read += in.read(body, read, length - read);
            }
            bodies.add(new String(body));
            String response = responses.removeFirst();
            boolean close = response.endsWith("CLOSE");
            out.write(response.replace("CLOSE", "").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            if (close) {
              break;
            }
          }
        }
      }
    } catch (IOException listenerClosed) {
      // The test is over.
    }
  }

  @Test
  void readsContentLengthAndChunkedBodiesOnOneKeptAliveConnection() throws IOException {
    responses.add("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
    responses.add("HTTP/1.1 409 Conflict\r\ntransfer-encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3;ext=1\r\n:1}\r\n0\r\n\r\n");
    try (LoopbackHttpClient client = new LoopbackHttpClient("127.0.0.1", listener.getLocalPort())) {
      LoopbackHttpClient.Response first = client.post("/api/v1/events", "application/json",
          "{\"x\":1}".getBytes(StandardCharsets.UTF_8));
      LoopbackHttpClient.Response second = client.get("/api/v1/events/query?entity_id=a");

      assertThat(first.status()).isEqualTo(200);
      assertThat(first.text()).isEqualTo("hello");
      assertThat(second.status()).isEqualTo(409);
      assertThat(second.text()).isEqualTo("{\"a\":1}");
    }
    assertThat(requestLines).containsExactly("POST /api/v1/events HTTP/1.1",
        "GET /api/v1/events/query?entity_id=a HTTP/1.1");
    assertThat(bodies).containsExactly("{\"x\":1}", "");
    assertThat(connections).hasValue(1);
  }

  @Test
  void reconnectsWhenTheServerClosedTheConnection() throws IOException {
    responses.add("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokCLOSE");
    responses.add("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nagain");
    List<String> texts = new ArrayList<>();
    try (LoopbackHttpClient client = new LoopbackHttpClient("127.0.0.1", listener.getLocalPort())) {
      texts.add(client.get("/health").text());
      texts.add(client.get("/health").text());
    }
    assertThat(texts).containsExactly("ok", "again");
    assertThat(connections).hasValue(2);
  }
}
