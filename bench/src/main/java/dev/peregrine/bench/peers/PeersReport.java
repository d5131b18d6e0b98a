package dev.peregrine.bench.peers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Turns the per-peer CSV files of one bench/peers run into one table per workload, with
 * Peregrine's ratio to each peer, printed to stdout and written as Markdown and CSV.
 *
 * <p>A ratio is "how many times better Peregrine is": Peregrine's throughput divided by the
 * peer's, or the peer's latency divided by Peregrine's. Above 1 Peregrine wins, below 1 it loses.
 */
public final class PeersReport {

  /** The peers in table order; Peregrine's five modes first. */
  static final List<String> PEER_ORDER = List.of("peregrine-fsync", "peregrine-none", "peregrine-http", "peregrine-http-none",
      "peregrine-grpc",
      "postgres-table", "message-db", "kafka-durable", "kafka-pagecache", "nats-jetstream", "chronicle-sync",
      "chronicle-nosync");
  private static final List<String> BASELINES = List.of("peregrine-fsync", "peregrine-http");

  private record Column(String metric, String header) {
  }

  /** One table: the rows of a workload whose case starts with casePrefix. */
  private record Table(String title, String workload, String casePrefix, String caseHeader, List<Column> columns,
                       String keyMetric, boolean higherIsBetter) {
  }

  private static final List<Table> TABLES = List.of(
      new Table("1. Command appends with optimistic concurrency (Kafka and Chronicle append unconditionally: upper bounds)",
          CommandAppendWorkload.NAME, "c=", "clients", List.of(
          new Column("appends_per_s", "appends/s"), new Column("p50_us", "p50 µs"),
          new Column("p99_us", "p99 µs"), new Column("p999_us", "p99.9 µs"),
          new Column("conflicts_per_1k", "conflicts/1k"), new Column("cpu_us_per_event", "CPU µs/event")),
          "appends_per_s", true),
      new Table("2. Bulk ingest, 4 writers", BulkIngestWorkload.NAME, "batch=", "batch", List.of(
          new Column("events_per_s", "events/s"), new Column("mb_per_s", "MB/s"),
          new Column("disk_bytes_per_event", "disk bytes/event"), new Column("cpu_us_per_event", "CPU µs/event")),
          "events_per_s", true),
      new Table("3a. Whole-stream loads (latency per load; ratio on p99)", ReadWorkload.NAME, "stream-", "stream length",
          List.of(new Column("p50_us", "p50 µs"), new Column("p99_us", "p99 µs")), "p99_us", false),
      new Table("3b. Catch-up over the log (events of the whole log scanned per second)", ReadWorkload.NAME, "catch-up",
          "read", List.of(new Column("log_events_per_s", "log events/s"), new Column("cpu_us_per_event", "CPU µs/event")),
          "log_events_per_s", true));

  private PeersReport() {
  }

  public static void main(String[] args) throws IOException {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    Path in = Path.of(PeerRun.required(options, "in"));
    // figures.get(workload|case|peer|metric) = value; notes hold "n/a" reasons.
    Map<String, Double> figures = new LinkedHashMap<>();
    Map<String, String> notes = new LinkedHashMap<>();
    Set<String> peers = new LinkedHashSet<>();
    Map<String, Set<String>> cases = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(in)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".csv")).sorted().toList()) {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          if (line.equals(ResultSink.HEADER) || line.isBlank()) {
            continue;
          }
          String[] f = line.split(",", -1);
          peers.add(f[0]);
          cases.computeIfAbsent(f[1], w -> new LinkedHashSet<>()).add(f[2]);
          if (f[3].startsWith("n/a:")) {
            notes.put(f[1] + "|" + f[2] + "|" + f[0], f[3].substring(4));
          } else {
            figures.put(f[1] + "|" + f[2] + "|" + f[0] + "|" + f[3], Double.parseDouble(f[4]));
          }
        }
      }
    }
    List<String> orderedPeers = new ArrayList<>(PEER_ORDER);
    orderedPeers.retainAll(peers);
    StringBuilder md = new StringBuilder();
    StringBuilder csv = new StringBuilder("workload,case,peer,metric,value,peregrine_fsync_ratio,peregrine_http_ratio\n");
    String scale = options.getOrDefault("scale", "full");
    md.append("Peregrine against its peers: `").append(options.getOrDefault("command", "bench/peers")).append("`, ")
        .append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append(", ").append(machine()).append(".\n\n");
    md.append(Scale.named(scale).describe()).append("\n\n");
    md.append("Ratio columns: how many times better Peregrine (embedded `fsync`, or over HTTP) is than the row's ")
        .append("peer on the key figure (throughput ÷ throughput, or latency ÷ latency); above 1 Peregrine wins.")
        .append(" CPU is the harness JVM's process CPU time plus the server process tree's (out-of-process peers).\n");
    for (Table table : TABLES) {
      md.append("\n### ").append(table.title()).append("\n\n| ").append(table.caseHeader()).append(" | peer |");
      for (Column column : table.columns()) {
        md.append(' ').append(column.header()).append(" |");
      }
      md.append(" × fsync | × HTTP |\n|---|---|");
      md.append("---:|".repeat(table.columns().size() + 2)).append('\n');
      for (String caseName : cases.getOrDefault(table.workload(), Set.of())) {
        if (!caseName.startsWith(table.casePrefix())) {
          continue;
        }
        for (String peer : orderedPeers) {
          String key = table.workload() + "|" + caseName + "|" + peer;
          String note = notes.get(key);
          if (note == null && !figures.containsKey(key + "|" + table.keyMetric())) {
            continue;
          }
          md.append("| ").append(caseName.substring(table.casePrefix().length()).replaceFirst("^-", ""))
              .append(" | ").append(peer).append(" |");
          if (note != null) {
            md.append(" n/a: ").append(note).append(" |").append(" |".repeat(table.columns().size() + 1)).append('\n');
            continue;
          }
          for (Column column : table.columns()) {
            Double value = figures.get(key + "|" + column.metric());
            md.append(' ').append(value == null ? "–" : format(value)).append(" |");
            if (value != null) {
              csv.append(String.join(",", table.workload(), caseName, peer, column.metric(),
                  String.format(Locale.ROOT, "%.3f", value)));
              if (column.metric().equals(table.keyMetric())) {
                csv.append(',').append(ratioText(figures, table, caseName, peer, BASELINES.get(0)))
                    .append(',').append(ratioText(figures, table, caseName, peer, BASELINES.get(1)));
              } else {
                csv.append(",,");
              }
              csv.append('\n');
            }
          }
          for (String baseline : BASELINES) {
            String ratio = ratioText(figures, table, caseName, peer, baseline);
            md.append(' ').append(ratio.isEmpty() ? "–" : ratio + "×").append(" |");
          }
          md.append('\n');
        }
      }
    }
    md.append("\nTotal wall time of the run: ").append(options.getOrDefault("elapsed", "?")).append(" s.\n");
    System.out.print(md);
    if (options.containsKey("md")) {
      Files.writeString(Path.of(options.get("md")), md.toString(), StandardCharsets.UTF_8);
    }
    if (options.containsKey("csv")) {
      Files.writeString(Path.of(options.get("csv")), csv.toString(), StandardCharsets.UTF_8);
    }
  }

  private static String ratioText(Map<String, Double> figures, Table table, String caseName, String peer,
                                  String baseline) {
    Double ours = figures.get(table.workload() + "|" + caseName + "|" + baseline + "|" + table.keyMetric());
    Double theirs = figures.get(table.workload() + "|" + caseName + "|" + peer + "|" + table.keyMetric());
    if (ours == null || theirs == null || ours <= 0 || theirs <= 0) {
      return "";
    }
    double ratio = table.higherIsBetter() ? ours / theirs : theirs / ours;
    return String.format(Locale.ROOT, ratio >= 10 ? "%.0f" : ratio >= 0.1 ? "%.2f" : "%.1g", ratio);
  }

  private static String format(double value) {
    if (value >= 100) {
      return String.format(Locale.ROOT, "%,.0f", value);
    }
    return String.format(Locale.ROOT, value >= 10 ? "%.1f" : "%.2f", value);
  }

  /** CPU count, memory and CPU model, from the JVM and /proc. */
  private static String machine() {
    String model = "unknown CPU";
    try {
      model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse(model);
    } catch (IOException e) {
      // Not Linux: the model stays unknown.
    }
    long memory = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getTotalMemorySize();
    return String.format(Locale.ROOT, "%d cores (%s), %.0f GiB RAM, Java %s", Runtime.getRuntime().availableProcessors(),
        model, memory / (1024.0 * 1024 * 1024), Runtime.version());
  }
}
