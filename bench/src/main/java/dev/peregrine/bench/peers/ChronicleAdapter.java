package dev.peregrine.bench.peers;

import dev.peregrine.bench.BenchFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Chronicle Queue embedded: the raw persisted-journal limit, with no index and no conditions.
 * Each event is one excerpt: stream, version, type (UTF-8), then payload and metadata with stop-bit
 * lengths. {@code chronicle-sync} calls {@code ExcerptAppender.sync()} (msync with MS_SYNC of the
 * mapped queue file) after every append and after every batch; {@code chronicle-nosync} leaves the pages to the
 * OS. One appender per client thread (Chronicle serialises them with its write lock). No stream
 * reads: a stream load would be a scan of the whole queue.
 */
final class ChronicleAdapter implements PeerAdapter {

  private final Path root;
  private final boolean sync;
  private Path dir;
  private SingleChronicleQueue queue;
  private int generation;

  ChronicleAdapter(Path root, boolean sync) {
    this.root = root;
    this.sync = sync;
    // ExcerptAppender.sync() msyncs with MappedFile's default mode, ASYNC unless this property says
    // otherwise, and MS_ASYNC returns before the data is on disk. SYNC waits for the disk. The
    // property is read once when MappedFile is initialised, which happens after this point.
    System.setProperty("mappedFile.defaultSyncMode", sync ? "SYNC" : "ASYNC");
  }

  @Override
  public String name() {
    return sync ? "chronicle-sync" : "chronicle-nosync";
  }

  @Override
  public boolean conditional() {
    return false;
  }

  @Override
  public boolean streamReads() {
    return false;
  }

  @Override
  public void reset() throws IOException {
    closeQueue();
    dir = root.resolve("queue-" + (++generation));
    queue = SingleChronicleQueueBuilder.binary(dir).build();
  }

  @Override
  public Session openSession() {
    return new ChronicleSession(queue.createAppender());
  }

  @Override
  public long catchUp(String type, EventSink sink) {
    long count = 0;
    try (ExcerptTailer tailer = queue.createTailer()) {
      while (true) {
        try (DocumentContext document = tailer.readingDocument()) {
          if (!document.isPresent()) {
            return count;
          }
          Bytes<?> bytes = document.wire().bytes();
          bytes.readUtf8(); // stream
          bytes.readStopBit(); // version
          String eventType = bytes.readUtf8();
          if (type == null || type.equals(eventType)) {
            byte[] payload = new byte[(int) bytes.readStopBit()];
            bytes.read(payload);
            sink.accept(eventType, payload);
            count++;
          }
        }
      }
    }
  }

  @Override
  public long bytesOnDisk() throws Exception {
    return DiskUsage.allocated(List.of(dir));
  }

  @Override
  public void close() throws IOException {
    closeQueue();
  }

  private void closeQueue() throws IOException {
    if (queue != null) {
      queue.close();
      BenchFiles.deleteTree(dir);
      queue = null;
    }
  }

  private final class ChronicleSession implements Session {
    private final ExcerptAppender appender;

    ChronicleSession(ExcerptAppender appender) {
      this.appender = appender;
      // Sessions are opened by the harness thread and then used by exactly one client thread.
      appender.singleThreadedCheckDisabled(true);
    }

    private void write(BenchEvent event) {
      try (DocumentContext document = appender.writingDocument()) {
        Bytes<?> bytes = document.wire().bytes();
        bytes.writeUtf8(event.stream());
        bytes.writeStopBit(event.version());
        bytes.writeUtf8(event.type());
        bytes.writeStopBit(event.payload().length);
        bytes.write(event.payload());
        bytes.writeStopBit(event.metadata().length);
        bytes.write(event.metadata());
      }
    }

    @Override
    public boolean append(BenchEvent event, long expectedVersion) {
      write(event);
      if (sync) {
        appender.sync();
      }
      return true;
    }

    @Override
    public long streamVersion(String stream) {
      throw new UnsupportedOperationException("Chronicle Queue never reports a conflict");
    }

    @Override
    public void appendBatch(List<BenchEvent> batch) {
      for (BenchEvent event : batch) {
        write(event);
      }
      if (sync) {
        appender.sync();
      }
    }

    @Override
    public int readStream(String stream, EventSink sink) {
      throw new UnsupportedOperationException("Chronicle Queue has no per-stream index");
    }

    @Override
    public void close() {
      appender.close();
    }
  }
}
