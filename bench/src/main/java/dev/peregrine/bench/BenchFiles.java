package dev.peregrine.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** File chores the benchmarks share. */
public final class BenchFiles {

  private BenchFiles() {
  }

  /**
   * Deletes a directory and everything under it, deepest first; nothing if it does not exist.
   *
   * @param dir the directory (or a single file)
   * @throws IOException if an entry cannot be deleted
   */
  public static void deleteTree(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
