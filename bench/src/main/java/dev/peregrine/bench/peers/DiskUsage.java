package dev.peregrine.bench.peers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Bytes allocated on disk under some paths, as {@code du --block-size=1 -s} counts them: allocated
 * blocks, so preallocated but sparse files count only what they really use, and preallocated
 * files that were really filled count in full (that is disk a user pays for).
 */
final class DiskUsage {

  private DiskUsage() {
  }

  static long allocated(List<Path> paths) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("du", "--block-size=1", "-s", "-c"));
    for (Path path : paths) {
      if (Files.exists(path)) {
        command.add(path.toString());
      }
    }
    if (command.size() == 4) {
      return 0;
    }
    Process du = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(du.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (du.waitFor() != 0) {
      throw new IOException("du failed: " + output);
    }
    String[] lines = output.strip().split("\n");
    String total = lines[lines.length - 1]; // "<bytes>\ttotal"
    return Long.parseLong(total.substring(0, total.indexOf('\t')));
  }
}
