package dev.peregrine.bench.peers;

import dev.peregrine.bench.BenchFiles;
import dev.peregrine.record.JsonCodec;
import dev.peregrine.record.Record;
import dev.peregrine.store.ConcurrencyConflictException;
import dev.peregrine.store.Durability;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.ExpectedVersion;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.Query;
import dev.peregrine.store.QueryPage;
import dev.peregrine.store.StoreOptions;
import dev.peregrine.store.StoredEvent;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Peregrine embedded: an {@link EventStore} in this JVM with default options except the durability
 * ({@code fsync}: acknowledged after the group commit's force; {@code none}: left to the OS). The
 * JSON payload and metadata bytes are parsed into Peregrine records on every append, the cost a
 * user pays (as PostgreSQL parses its jsonb). Stream loads and the type-filtered catch-up go
 * through {@link EventStore#query(Query)} (entity and type indexes), and so does the full catch-up
 * (a query without filters walks the log in position order). A read copies each payload record's
 * bytes.
 */
final class PeregrineEmbeddedAdapter implements PeerAdapter {

  private static final int PAGE = 10_000;

  private final Path root;
  private final Durability durability;
  private final JsonCodec json = JsonCodec.defaults();
  private Path dir;
  private EventStore store;
  private int generation;

  PeregrineEmbeddedAdapter(Path root, Durability durability) {
    this.root = root;
    this.durability = durability;
  }

  @Override
  public String name() {
    return "peregrine-" + durability;
  }

  @Override
  public boolean conditional() {
    return true;
  }

  @Override
  public boolean streamReads() {
    return true;
  }

  @Override
  public void reset() throws IOException {
    closeStore();
    dir = root.resolve("store-" + (++generation));
    store = EventStore.open(dir, StoreOptions.builder().durability(durability).build());
  }

  @Override
  public Session openSession() {
    return new EmbeddedSession();
  }

  private NewEvent newEvent(BenchEvent event, ExpectedVersion expected) {
    Record payload = json.parse(store.dictionary(), event.payload());
    Record metadata = json.parse(store.dictionary(), event.metadata());
    return NewEvent.builder().eventId(event.id()).eventType(event.type()).entityId(event.stream())
        .payload(payload).metadata(metadata).expectedVersion(expected).build();
  }

  private static void deliver(StoredEvent event, EventSink sink) {
    sink.accept(event.eventType(), event.payload().segment().toArray(ValueLayout.JAVA_BYTE));
  }

  @Override
  public long catchUp(String type, EventSink sink) {
    long count = 0;
    Optional<String> cursor = Optional.empty();
    do {
      Query.Builder query = Query.builder().limit(PAGE);
      if (type != null) {
        query.eventType(type);
      }
      cursor.ifPresent(query::cursor);
      QueryPage page = store.query(query.build());
      for (StoredEvent event : page.events()) {
        deliver(event, sink);
      }
      count += page.events().size();
      cursor = page.nextCursor();
    } while (cursor.isPresent());
    return count;
  }

  /** The store's whole directory: segments, index files, snapshots, dictionary. */
  @Override
  public long bytesOnDisk() throws Exception {
    return DiskUsage.allocated(List.of(dir));
  }

  @Override
  public void close() throws IOException {
    closeStore();
  }

  private void closeStore() throws IOException {
    if (store != null) {
      store.close();
      store = null;
      BenchFiles.deleteTree(dir);
    }
  }

  private final class EmbeddedSession implements Session {
    // The conflict reports the stream's actual version: no second look-up, as a real client does.
    private String conflictStream;
    private long conflictVersion;

    @Override
    public boolean append(BenchEvent event, long expectedVersion) {
      ExpectedVersion expected = expectedVersion == 0 ? ExpectedVersion.noStream() : ExpectedVersion.exact(expectedVersion);
      try {
        store.append(newEvent(event, expected));
        return true;
      } catch (ConcurrencyConflictException e) {
        conflictStream = event.stream();
        conflictVersion = e.actualVersion();
        return false;
      }
    }

    @Override
    public long streamVersion(String stream) {
      return stream.equals(conflictStream) ? conflictVersion : store.streamVersion(stream);
    }

    @Override
    public void appendBatch(List<BenchEvent> batch) {
      List<NewEvent> events = new ArrayList<>(batch.size());
      for (BenchEvent event : batch) {
        events.add(newEvent(event, ExpectedVersion.any()));
      }
      store.append(events);
    }

    @Override
    public int readStream(String stream, EventSink sink) {
      QueryPage page = store.query(Query.builder().entityId(stream).limit(PAGE).build());
      for (StoredEvent event : page.events()) {
        deliver(event, sink);
      }
      return page.events().size();
    }

    @Override
    public void close() {
      // The store is shared by the sessions and closed with the adapter.
    }
  }
}
