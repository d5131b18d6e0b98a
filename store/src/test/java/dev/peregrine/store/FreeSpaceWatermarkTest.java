package dev.peregrine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.record.JsonCodec;
import dev.peregrine.store.testing.SmallFileSystem;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The free-space watermark on a real small file system: below it every write is refused before
 * anything is written, reads go on, and writes resume by themselves once space is freed.
 */
class FreeSpaceWatermarkTest {

    private static final long WATERMARK = 8 << 20;

    @TempDir
    Path work;

    @Test
    void writesAreRefusedBelowTheWatermarkAndResumeWithoutAReopen() throws Exception {
        try (SmallFileSystem fs = SmallFileSystem.mount(SmallFileSystem.Kind.TMPFS, 32, work)) {
            Path dir = fs.root().resolve("store");
            StoreOptions options = StoreOptions.builder().durability(Durability.fsync())
                    .segmentBytes(StoreOptions.MIN_SEGMENT_BYTES).minFreeBytes(WATERMARK).build();
            try (EventStore store = EventStore.open(dir, options)) {
                for (int i = 0; i < 100; i++) {
                    store.append(event(store, "e" + (i % 5), i));
                }
                fs.fill(WATERMARK - (2 << 20));
                // The watermark reads the file system at most every 50 ms and estimates from its own
                // writes in between: a disk another process fills is seen within that, not at once.
                Thread.sleep(2 * 50);
                for (int i = 0; i < 20; i++) { // every write, not only the first after the fill
                    int n = i;
                    assertThatThrownBy(() -> store.append(event(store, "e1", 1000 + n)))
                            .isInstanceOfSatisfying(InsufficientSpaceException.class, e -> {
                                assertThat(e.watermarkBytes()).isEqualTo(WATERMARK);
                                assertThat(e.freeBytes()).isLessThan(WATERMARK);
                            });
                }
                assertThatThrownBy(() -> store.tombstone("e2")).isInstanceOf(InsufficientSpaceException.class);
                assertThat(store.lastPosition()).isEqualTo(100);
                assertThat(store.query(Query.builder().entityId("e1").build()).events()).hasSize(20);

                fs.freeBallast();
                assertThat(store.append(event(store, "e1", 2000)).position()).isEqualTo(101);
                assertThat(store.tombstone("e2")).isEqualTo(102);
            }
            try (EventStore reopened = EventStore.open(dir, options)) {
                assertThat(reopened.lastPosition()).isEqualTo(102);
                assertThat(reopened.stats().totalEvents()).isEqualTo(101);
            }
        }
    }

    private static NewEvent event(EventStore store, String entity, int n) {
        return NewEvent.builder().eventType("space.t").entityId(entity)
                .payload(JsonCodec.defaults().parse(store.dictionary(), "{\"n\":" + n + "}")).build();
    }
}
