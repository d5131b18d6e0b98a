package dev.peregrine.bench.soak;

import dev.peregrine.bench.peers.LoopbackHttpClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The load and the sampler of {@code bench/soak/run}: drives a running {@code peregrine serve} for a
 * number of minutes and prints, every minute, what its memory and latency did. Run by the script,
 * which starts the server; see {@code bench/soak/run --help}.
 *
 * <p><b>Load.</b> First, unless a rate is given, the writers append as fast as the server answers
 * for a short probe, and the soak rate is 80% of what they reached. Then the writers send
 * single-event {@code POST /api/v1/events} at that rate, open loop: each writer keeps its own
 * schedule and a late answer does not slow the schedule down, so a latency is measured from when
 * the request was due, not from when it was sent (no coordinated omission). Alongside, one thread
 * runs entity and event-type queries, and one reads a Server-Sent Events subscription of every
 * event.
 *
 * <p><b>Samples.</b> Each minute: the server's heap after a full collection ({@code jcmd GC.run},
 * then {@code GC.heap_info}), its resident set ({@code VmRSS} of {@code /proc/<pid>/status}) and
 * what it is made of ({@link ResidentSet}: anonymous memory, the mapped log segments, the index
 * scratch mappings), the append and query latency percentiles of that minute, the events stored
 * ({@code /api/v1/stats}), the events the subscription received, and the load average.
 */
public final class SoakRun {
  private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total[^,]*,\\s*committed\\s+(\\d+)K,\\s*used\\s+(\\d+)K");
  private static final Pattern TOTAL_EVENTS = Pattern.compile("\"total_events\":(\\d+)");
  private static final int ENTITIES = 1_000;
  /** Queries per second of the query thread: a dashboard's worth, not a second load. */
  private static final int QUERIES_PER_SECOND = 20;

  private final String host;
  private final int port;
  private final long pid;
  private final String jcmd;
  private final int writers;
  private final Recorder appendLatency = new Recorder(3);
  private final Recorder queryLatency = new Recorder(3);
  private final AtomicLong appended = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong received = new AtomicLong();
  private volatile boolean running = true;

  private SoakRun(String host, int port, long pid, String jcmd, int writers) {
    this.host = host;
    this.port = port;
    this.pid = pid;
    this.jcmd = jcmd;
    this.writers = writers;
  }

  public static void main(String[] args) throws Exception {
    String host = "127.0.0.1";
    int port = 0;
    long pid = 0;
    String jcmd = "jcmd";
    int minutes = 10;
    double rate = 0;
    int probeSeconds = 20;
    int writers = 16;
    Path out = null;
    for (int i = 0; i < args.length; i += 2) {
      String value = args[i + 1];
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(value);
        case "--pid" -> pid = Long.parseLong(value);
        case "--jcmd" -> jcmd = value;
        case "--minutes" -> minutes = Integer.parseInt(value);
        case "--rate" -> rate = Double.parseDouble(value);
        case "--probe-seconds" -> probeSeconds = Integer.parseInt(value);
        case "--writers" -> writers = Integer.parseInt(value);
        case "--out" -> out = Path.of(value);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (port == 0 || pid == 0 || out == null) {
      throw new IllegalArgumentException("--port, --pid and --out are required");
    }
    new SoakRun(host, port, pid, jcmd, writers).run(minutes, rate, probeSeconds, out);
  }

  private void run(int minutes, double givenRate, int probeSeconds, Path out) throws Exception {
    double rate = givenRate;
    String probeLine = null;
    if (rate <= 0) {
      double max = probe(probeSeconds);
      rate = Math.floor(max * 0.8);
      probeLine = String.format(Locale.ROOT, "Probe: %.0f events/s closed loop with %d writers for %d s; the soak"
          + " runs at 80%% of it.", max, writers, probeSeconds);
      log("%s", probeLine);
    }
    List<String> rows = new ArrayList<>();
    if (probeLine != null) {
      rows.add(probeLine);
    }
    rows.add(String.format(Locale.ROOT, "Soak at %.0f events/s (%d writers, single-event POST, open loop), "
        + "%d entity/type queries/s, one SSE subscription of every event.", rate, writers, QUERIES_PER_SECOND));
    rows.add("");
    rows.add("| minute | heap after GC (MiB) | heap committed (MiB) | RSS (MiB) | of it anonymous | log segments "
        + "| index mappings | appends/s | append p50 (ms) | append p99 (ms) | append max (ms) | query p99 (ms) "
        + "| events stored | SSE received | failures | load avg |");
    rows.add("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    rows.add(sample(0, 0, null, null));
    log("%s", rows.getLast());

    List<Thread> threads = new ArrayList<>();
    threads.add(Thread.ofPlatform().name("soak-sse").daemon().start(this::subscribe));
    threads.add(Thread.ofPlatform().name("soak-query").daemon().start(this::query));
    long start = System.nanoTime();
    long intervalNanos = (long) (writers * 1e9 / rate);
    for (int w = 0; w < writers; w++) {
      long first = start + w * intervalNanos / writers;
      int writer = w;
      threads.add(Thread.ofPlatform().name("soak-writer-" + w).daemon()
          .start(() -> paced(writer, first, intervalNanos)));
    }
    appendLatency.getIntervalHistogram();
    queryLatency.getIntervalHistogram();
    long before = appended.get();
    for (int minute = 1; minute <= minutes; minute++) {
      LockSupport.parkNanos(start + TimeUnit.MINUTES.toNanos(minute) - System.nanoTime());
      long now = appended.get();
      String row = sample(minute, now - before, appendLatency.getIntervalHistogram(), queryLatency.getIntervalHistogram());
      before = now;
      rows.add(row);
      log("%s", row);
    }
    running = false;
    Files.write(out, rows, StandardCharsets.UTF_8);
  }

  /** Appends closed loop for {@code seconds} and returns the events per second reached. */
  private double probe(int seconds) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    AtomicLong count = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      threads.add(Thread.ofPlatform().name("soak-probe-" + w).start(() -> {
        try (LoopbackHttpClient client = new LoopbackHttpClient(host, port)) {
          long n = writer;
          while (System.nanoTime() < end) {
            if (append(client, n += writers)) {
              count.incrementAndGet();
            }
          }
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    return count.get() / (double) seconds;
  }

  /** One writer of the soak: sends at {@code first}, {@code first + interval}, ... and records each latency. */
  private void paced(int writer, long first, long intervalNanos) {
    try (LoopbackHttpClient client = new LoopbackHttpClient(host, port)) {
      long due = first;
      long n = 1_000_000_000L + writer;
      while (running) {
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        if (append(client, n += writers)) {
          appended.incrementAndGet();
        }
        appendLatency.recordValue(Math.max(0, System.nanoTime() - due));
        due += intervalNanos;
      }
    }
  }

  private boolean append(LoopbackHttpClient client, long n) {
    byte[] body = ("{\"event_type\":\"soak.event\",\"entity_id\":\"entity-" + (n % ENTITIES)
        + "\",\"payload\":{\"index\":" + n + ",\"data\":\"payload\"}}").getBytes(StandardCharsets.UTF_8);
    try {
      if (client.post("/api/v1/events", "application/json", body).status() / 100 == 2) {
        return true;
      }
    } catch (IOException e) {
      // counted below: the soak goes on, and the table shows how many failed
    }
    failures.incrementAndGet();
    return false;
  }

  private void query() {
    try (LoopbackHttpClient client = new LoopbackHttpClient(host, port)) {
      long intervalNanos = 1_000_000_000L / QUERIES_PER_SECOND;
      long due = System.nanoTime();
      for (long n = 0; running; n++) {
        LockSupport.parkNanos(due - System.nanoTime());
        long sent = System.nanoTime();
        String target = n % 2 == 0
            ? "/api/v1/events/query?entity_id=entity-" + (n % ENTITIES) + "&limit=100"
            : "/api/v1/events/query?event_type=soak.event&limit=100";
        try {
          if (client.get(target).status() != 200) {
            failures.incrementAndGet();
          }
        } catch (IOException e) {
          failures.incrementAndGet();
        }
        queryLatency.recordValue(System.nanoTime() - sent);
        due += intervalNanos;
      }
    }
  }

  /** Reads an SSE stream of every new event and counts its messages ({@code id:} lines). */
  private void subscribe() {
    try (Socket socket = new Socket(host, port)) {
      OutputStream request = socket.getOutputStream();
      request.write(("GET /api/v1/events/subscribe HTTP/1.1\r\nHost: " + host + "\r\nAccept: text/event-stream\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      request.flush();
      // The body is chunked; a chunk boundary may split a line, which can only undercount by a few.
      BufferedReader lines = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      for (String line; running && (line = lines.readLine()) != null; ) {
        if (line.startsWith("id: ")) {
          received.incrementAndGet();
        }
      }
    } catch (IOException e) {
      if (running) {
        log("subscription ended: %s", e);
      }
    }
  }

  /** One table row: the server's memory now, and the latencies of the minute that ended. */
  private String sample(int minute, long appends, Histogram appendMinute, Histogram queryMinute) throws Exception {
    exec(jcmd, Long.toString(pid), "GC.run");
    String heapInfo = exec(jcmd, Long.toString(pid), "GC.heap_info");
    Matcher heap = HEAP_USED.matcher(heapInfo);
    String used = "?";
    String committed = "?";
    if (heap.find()) {
      committed = mib(Long.parseLong(heap.group(1)) * 1024);
      used = mib(Long.parseLong(heap.group(2)) * 1024);
    }
    String rss = "?";
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = mib(Long.parseLong(line.replaceAll("\\D", "")) * 1024);
      }
    }
    ResidentSet resident = ResidentSet.of(pid);
    String stored = "?";
    try (LoopbackHttpClient client = new LoopbackHttpClient(host, port)) {
      Matcher total = TOTAL_EVENTS.matcher(client.get("/api/v1/stats").text());
      if (total.find()) {
        stored = total.group(1);
      }
    }
    String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    return String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d | %d | %s |",
        minute, used, committed, rss, mib(resident.anonymous()), mib(resident.logSegments()),
        mib(resident.indexMappings()), appendMinute == null ? "-" : Long.toString(appends / 60), millis(appendMinute, 50),
        millis(appendMinute, 99), appendMinute == null ? "-" : ms(appendMinute.getMaxValue()), millis(queryMinute, 99),
        stored, received.get(), failures.get(), load);
  }

  private static String millis(Histogram h, double percentile) {
    return h == null || h.getTotalCount() == 0 ? "-" : ms(h.getValueAtPercentile(percentile));
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.0f", bytes / (1024.0 * 1024.0));
  }

  private static String exec(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + output);
    }
    return output;
  }

  private static void log(String format, Object... args) {
    PrintStream err = System.err;
    err.println("soak: " + String.format(Locale.ROOT, format, args));
  }
}
