package dev.peregrine.bench.peers;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.peregrine.bench.BenchFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Peregrine over HTTP: {@code bin/peregrine serve} in its own JVM on loopback (durability
 * {@code fsync}, the server's default, as {@code peregrine-http}; or {@code none}, acknowledged from the
 * page cache, as {@code peregrine-http-none}, to compare with peers that do not fsync), driven through the AllSource-compatible API with a
 * {@link LoopbackHttpClient} per client thread (HTTP/1.1, one keep-alive connection, one request in
 * flight). The adapter starts the server itself so that {@link #reset()} can give every bulk
 * run an empty data directory. Request bodies splice the pre-serialised JSON payload and metadata
 * bytes in unchanged. Responses are read with Jackson's streaming parser, counting events.
 *
 * <ul>
 *   <li>append: {@code POST /api/v1/events} with {@code expected_version}; 409 is a conflict</li>
 *   <li>stream version after a conflict: the 409's {@code actual_version}</li>
 *   <li>batch: {@code POST /api/v1/events/batch} with {@code {"events":[…]}} (atomic)</li>
 *   <li>stream load and catch-up: {@code GET /api/v1/events/query} with {@code entity_id}, or
 *       {@code event_type}, {@code limit} and the {@code next_cursor} pages</li>
 * </ul>
 */
final class PeregrineHttpAdapter implements PeerAdapter {

  private static final int PAGE = 10_000;
  private static final byte[] TOUCHED = {1};
  private static final JsonFactory JSON = new JsonFactory();

  private final Path root;
  private final String serveCommand;
  private final int port;
  private final int grpcPort;
  private final String durability;
  private Process server;
  private Path dir;
  private int generation;

  /**
   * @param grpcPort the port of the server's KurrentDB gRPC endpoint, 0 to turn it off
   * @param durability the server's {@code --durability}: {@code fsync} or {@code none}
   */
  PeregrineHttpAdapter(Path root, String serveCommand, int port, int grpcPort, String durability) {
    this.root = root;
    this.serveCommand = serveCommand;
    this.port = port;
    this.grpcPort = grpcPort;
    this.durability = durability;
  }

  @Override
  public String name() {
    return durability.equals("fsync") ? "peregrine-http" : "peregrine-http-" + durability;
  }

  @Override
  public boolean conditional() {
    return true;
  }

  @Override
  public boolean streamReads() {
    return true;
  }

  /** Stops the server, deletes its data, starts a new one on a new directory. */
  @Override
  public void reset() throws Exception {
    stopServer();
    Files.createDirectories(root);
    dir = root.resolve("data-" + (++generation));
    Path log = root.resolve("server-" + generation + ".log");
    server = new ProcessBuilder(serveCommand, "serve", "--port", String.valueOf(port), "--data", dir.toString(),
        "--durability", durability, "--grpc-port", String.valueOf(grpcPort))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      try (LoopbackHttpClient http = client()) {
        if (http.get("/health").status() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // Not listening yet.
      }
      if (!server.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("peregrine serve did not become healthy on port " + port + "; see " + log);
      }
      Thread.sleep(200);
    }
  }

  @Override
  public List<Long> serverPids() {
    return server == null ? List.of() : List.of(server.pid());
  }

  @Override
  public Session openSession() {
    return new HttpSession();
  }

  private LoopbackHttpClient client() {
    return new LoopbackHttpClient("127.0.0.1", port);
  }

  private static LoopbackHttpClient.Response ok(LoopbackHttpClient.Response response, String what) {
    if (response.status() != 200) {
      throw new IllegalStateException(what + " answered " + response.status() + ": " + response.text());
    }
    return response;
  }

  private static void writeEvent(ByteArrayOutputStream out, BenchEvent event, Long expectedVersion) {
    StringBuilder head = new StringBuilder(160).append("{\"event_type\":\"").append(event.type())
        .append("\",\"entity_id\":\"").append(event.stream()).append("\",\"event_id\":\"").append(event.id())
        .append('"');
    if (expectedVersion != null) {
      head.append(",\"expected_version\":").append(expectedVersion);
    }
    out.writeBytes(head.append(",\"payload\":").toString().getBytes(StandardCharsets.UTF_8));
    out.writeBytes(event.payload());
    out.writeBytes(",\"metadata\":".getBytes(StandardCharsets.UTF_8));
    out.writeBytes(event.metadata());
    out.write('}');
  }

  /** Runs one query page; returns the events delivered and the next cursor (null at the end). */
  private static String readPage(byte[] body, EventSink sink, long[] count) throws IOException {
    String cursor = null;
    try (JsonParser parser = JSON.createParser(body)) {
      parser.nextToken(); // START_OBJECT
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (field.equals("events") && value == JsonToken.START_ARRAY) {
          while (parser.nextToken() == JsonToken.START_OBJECT) {
            String type = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
              String name = parser.currentName();
              parser.nextToken();
              if (name.equals("event_type")) {
                type = parser.getText();
              } else {
                parser.skipChildren();
              }
            }
            sink.accept(type, TOUCHED);
            count[0]++;
          }
        } else if (field.equals("next_cursor") && value == JsonToken.VALUE_STRING) {
          cursor = parser.getText();
        } else {
          parser.skipChildren();
        }
      }
    }
    return cursor;
  }

  private static long query(LoopbackHttpClient http, String filter, EventSink sink) throws IOException {
    long[] count = {0};
    String cursor = null;
    do {
      String path = "/api/v1/events/query?" + filter + "&limit=" + PAGE
          + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
      cursor = readPage(ok(http.get(path), "query " + filter).body(), sink, count);
    } while (cursor != null);
    return count[0];
  }

  @Override
  public long catchUp(String type, EventSink sink) throws Exception {
    try (LoopbackHttpClient http = client()) {
      return query(http, type == null ? "from_position=1" : "event_type=" + URLEncoder.encode(type, StandardCharsets.UTF_8), sink);
    }
  }

  @Override
  public long bytesOnDisk() throws Exception {
    return DiskUsage.allocated(List.of(dir));
  }

  @Override
  public void close() throws Exception {
    stopServer();
  }

  private void stopServer() throws Exception {
    if (server != null) {
      server.destroy(); // SIGTERM: the server shuts down cleanly
      if (!server.waitFor(60, TimeUnit.SECONDS)) {
        server.destroyForcibly().waitFor();
      }
      server = null;
      BenchFiles.deleteTree(dir);
    }
  }

  private final class HttpSession implements Session {
    private final LoopbackHttpClient http = client();
    private String conflictStream;
    private long conflictVersion;

    @Override
    public boolean append(BenchEvent event, long expectedVersion) throws Exception {
      ByteArrayOutputStream body = new ByteArrayOutputStream(512);
      writeEvent(body, event, expectedVersion);
      LoopbackHttpClient.Response response = http.post("/api/v1/events", "application/json", body.toByteArray());
      if (response.status() == 409) {
        conflictStream = event.stream();
        conflictVersion = actualVersion(response.body());
        return false;
      }
      ok(response, "append");
      return true;
    }

    /** The 409 body's {@code actual_version}: what a client does instead of asking again. */
    private long actualVersion(byte[] body) throws IOException {
      try (JsonParser parser = JSON.createParser(body)) {
        parser.nextToken();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String field = parser.currentName();
          parser.nextToken();
          if (field.equals("actual_version")) {
            return parser.getLongValue();
          }
          parser.skipChildren();
        }
      }
      throw new IllegalStateException("a 409 without actual_version: " + new String(body, StandardCharsets.UTF_8));
    }

    @Override
    public long streamVersion(String stream) {
      if (!stream.equals(conflictStream)) {
        throw new IllegalStateException("asked the version of " + stream + " without a conflict on it");
      }
      return conflictVersion;
    }

    @Override
    public void appendBatch(List<BenchEvent> batch) throws Exception {
      ByteArrayOutputStream body = new ByteArrayOutputStream(batch.size() * 1_300 + 16);
      body.writeBytes("{\"events\":[".getBytes(StandardCharsets.UTF_8));
      for (int i = 0; i < batch.size(); i++) {
        if (i > 0) {
          body.write(',');
        }
        writeEvent(body, batch.get(i), null);
      }
      body.writeBytes("]}".getBytes(StandardCharsets.UTF_8));
      ok(http.post("/api/v1/events/batch", "application/json", body.toByteArray()), "batch");
    }

    @Override
    public int readStream(String stream, EventSink sink) throws Exception {
      return (int) query(http, "entity_id=" + URLEncoder.encode(stream, StandardCharsets.UTF_8), sink);
    }

    @Override
    public void close() {
      http.close();
    }
  }
}
