package dev.peregrine.bench.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Appends measured figures to a CSV file, one figure per line:
 * {@code peer,workload,case,metric,value,unit}. {@link PeersReport} turns the files of all peers
 * into the tables; a figure is also echoed to stderr as it is measured (progress).
 */
final class ResultSink {

  static final String HEADER = "peer,workload,case,metric,value,unit";

  private final Path file;
  private final String peer;

  ResultSink(Path file, String peer) throws IOException {
    this.file = file;
    this.peer = peer;
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    Files.writeString(file, HEADER + "\n", StandardCharsets.UTF_8);
  }

  void record(String workload, String caseName, String metric, double value, String unit) {
    String line = String.join(",", peer, workload, caseName, metric,
        String.format(Locale.ROOT, "%.3f", value), unit);
    System.err.printf(Locale.ROOT, "  %-16s %-14s %-12s %-18s %,14.1f %s%n", peer, workload, caseName,
        metric, value, unit);
    try {
      Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write results to " + file, e);
    }
  }

  /** Records that the peer cannot run a case (e.g. Kafka has no stream reads), with the reason. */
  void unsupported(String workload, String caseName, String reason) {
    record(workload, caseName, "n/a:" + reason.replace(',', ';'), 0, "");
  }
}
