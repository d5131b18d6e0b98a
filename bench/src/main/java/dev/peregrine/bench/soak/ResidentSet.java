package dev.peregrine.bench.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a process's resident set is made of, from {@code /proc/<pid>/smaps}: anonymous memory (the
 * heap, the JIT's code, thread stacks, native buffers), the store's mapped log segments
 * ({@code *.seg}) and its index scratch mappings ({@code index-*.scratch}, deleted once mapped). The
 * last two are file pages: the kernel can write them back and reclaim them, which it cannot do
 * with anonymous memory (there is no swap on these machines).
 *
 * @param anonymous bytes of anonymous resident memory
 * @param logSegments resident bytes of mapped log segments
 * @param indexMappings resident bytes of index scratch mappings
 */
record ResidentSet(long anonymous, long logSegments, long indexMappings) {

  static ResidentSet of(long pid) throws IOException {
    return parse(Files.readAllLines(Path.of("/proc/" + pid + "/smaps")));
  }

  /**
   * Sums {@code Rss} per kind of mapping. A mapping's header line is its address range, flags,
   * offset, device, inode and (for a file) the path; its {@code Rss:} line follows. A mapping with
   * no path (inode 0) is anonymous, as are the heap's and the stacks' named ones ({@code [heap]},
   * {@code [stack]}).
   */
  static ResidentSet parse(List<String> smaps) {
    long anonymous = 0;
    long log = 0;
    long index = 0;
    String kind = "other";
    for (String line : smaps) {
      if (isHeader(line)) {
        kind = kindOf(line);
      } else if (line.startsWith("Rss:")) {
        long bytes = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        switch (kind) {
          case "anonymous" -> anonymous += bytes;
          case "log" -> log += bytes;
          case "index" -> index += bytes;
          default -> { }
        }
      }
    }
    return new ResidentSet(anonymous, log, index);
  }

  private static boolean isHeader(String line) {
    int dash = line.indexOf('-');
    int space = line.indexOf(' ');
    return dash > 0 && space > dash && line.substring(0, dash).chars().allMatch(c -> Character.digit(c, 16) >= 0);
  }

  private static String kindOf(String header) {
    String[] fields = header.trim().split("\\s+", 6);
    String path = fields.length == 6 ? fields[5] : "";
    if (path.isEmpty() || path.startsWith("[")) {
      return "anonymous";
    }
    if (path.endsWith(".seg")) {
      return "log";
    }
    if (path.contains("index-") && path.contains(".scratch")) {
      return "index";
    }
    return "other";
  }
}
