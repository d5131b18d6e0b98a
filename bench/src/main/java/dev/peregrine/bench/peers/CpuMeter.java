package dev.peregrine.bench.peers;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * CPU time charged to a peer: this JVM's process CPU time (the client, and the whole store when it
 * is embedded) plus, for out-of-process peers, the CPU time of each server process and all its
 * descendants read from {@code /proc/<pid>/stat} (utime + stime, plus cutime + cstime so that
 * PostgreSQL backends that already exited and were reaped by the postmaster still count).
 */
final class CpuMeter {

  /** USER_HZ: Linux reports /proc times in clock ticks of 1/100 s on every mainstream platform. */
  private static final long NANOS_PER_TICK = 10_000_000L;

  private final Supplier<List<Long>> serverPids;

  /** @param serverPids asked at each reading: a peer may restart its server between runs */
  CpuMeter(Supplier<List<Long>> serverPids) {
    this.serverPids = serverPids;
  }

  /** Total CPU nanoseconds so far; subtract two readings to charge an interval. */
  long nanos() {
    long own = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
    List<Long> roots = serverPids.get();
    return own + (roots.isEmpty() ? 0 : serverTreeTicks(roots) * NANOS_PER_TICK);
  }

  private static long serverTreeTicks(List<Long> roots) {
    Map<Long, List<long[]>> children = new HashMap<>();
    Map<Long, Long> ticks = new HashMap<>();
    try (var dirs = Files.list(Path.of("/proc"))) {
      for (Path dir : (Iterable<Path>) dirs::iterator) {
        String name = dir.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        long[] stat = readStat(dir.resolve("stat"));
        if (stat != null) {
          long pid = Long.parseLong(name);
          ticks.put(pid, stat[1]);
          children.computeIfAbsent(stat[0], p -> new ArrayList<>()).add(new long[] {pid});
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc to measure server CPU time", e);
    }
    long total = 0;
    List<Long> pending = new ArrayList<>(roots);
    while (!pending.isEmpty()) {
      long pid = pending.removeLast();
      total += ticks.getOrDefault(pid, 0L);
      for (long[] child : children.getOrDefault(pid, List.of())) {
        pending.add(child[0]);
      }
    }
    return total;
  }

  /** {parent pid, utime + stime + cutime + cstime} or null if the process is gone. */
  private static long[] readStat(Path stat) {
    String text;
    try {
      text = Files.readString(stat);
    } catch (IOException e) {
      return null; // the process exited between the listing and the read
    }
    // The command name (field 2) is in parentheses and may contain spaces: split after the last ')'.
    String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
    // fields[0] is field 3 (state); ppid is field 4, utime..cstime are fields 14..17.
    long ppid = Long.parseLong(fields[1]);
    long cpu = Long.parseLong(fields[11]) + Long.parseLong(fields[12]) + Long.parseLong(fields[13])
        + Long.parseLong(fields[14]);
    return new long[] {ppid, cpu};
  }
}
