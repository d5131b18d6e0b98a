package dev.peregrine.bench.store;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * How long one durable append takes as a segment file fills, for three ways of writing it: stores
 * through a read-write mapping forced with {@code msync}, the same forced with {@code fdatasync}, and
 * {@code pwrite} plus {@code fdatasync} (what the store does; see docs/durability.md). Each append is
 * one entry written and forced before the next, into a fresh sparse file the size of a segment;
 * latency percentiles are printed per slice of the file. Not JMH: the point is how the cost moves
 * with the file offset, which an averaged benchmark hides.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.peregrine.bench.store.ForceLatency [DIR] [ENTRY_BYTES] [FILE_MIB]
 * </pre>
 */
public final class ForceLatency {

  private static final int SLICES = 8;

  private enum Mode { MAPPED_MSYNC, MAPPED_FDATASYNC, PWRITE_FDATASYNC }

  private ForceLatency() {
  }

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir"));
    int entryBytes = args.length > 1 ? Integer.parseInt(args[1]) : 600;
    long fileBytes = (args.length > 2 ? Long.parseLong(args[2]) : 128) << 20;
    System.out.printf("one %d-byte entry per force into a sparse %d MiB file in %s%n", entryBytes, fileBytes >> 20, dir);
    for (Mode mode : Mode.values()) {
      run(mode, dir, entryBytes, fileBytes);
    }
  }

  private static void run(Mode mode, Path dir, int entryBytes, long fileBytes) throws IOException {
    Path file = Files.createTempFile(dir, "force-latency", ".seg");
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
         Arena arena = Arena.ofConfined()) {
      channel.write(ByteBuffer.allocate(1), fileBytes - 1); // sparse, like a new segment
      channel.force(true);
      MemorySegment map = channel.map(FileChannel.MapMode.READ_WRITE, 0, fileBytes, arena);
      ByteBuffer entry = ByteBuffer.allocateDirect(entryBytes);
      long entries = fileBytes / entryBytes - 1;
      long perSlice = entries / SLICES;
      long[] nanos = new long[(int) perSlice];
      long offset = 0;
      for (int slice = 0; slice < SLICES; slice++) {
        for (int i = 0; i < perSlice; i++, offset += entryBytes) {
          long start = System.nanoTime();
          switch (mode) {
            case MAPPED_MSYNC -> {
              map.asSlice(offset, entryBytes).fill((byte) (i | 1));
              map.force();
            }
            case MAPPED_FDATASYNC -> {
              map.asSlice(offset, entryBytes).fill((byte) (i | 1));
              channel.force(false);
            }
            case PWRITE_FDATASYNC -> {
              entry.clear();
              while (entry.hasRemaining()) {
                channel.write(entry, offset + entry.position());
              }
              channel.force(false);
            }
          }
          nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        System.out.printf("%-17s %4d–%4d MB: p50 %5d µs  p99 %6d µs%n", mode.name().toLowerCase(),
            (offset - perSlice * entryBytes) / 1_000_000, offset / 1_000_000, nanos[nanos.length / 2] / 1_000,
            nanos[(int) (nanos.length * 0.99)] / 1_000);
      }
    } finally {
      Files.delete(file);
    }
  }
}
