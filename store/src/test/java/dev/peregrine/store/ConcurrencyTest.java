package dev.peregrine.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.peregrine.store.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

/** Real threads racing on the same and on different entities, with expected versions. */
class ConcurrencyTest {

    @TempDir
    Path dir;

    private record Win(String entity, long version, long position, int thread) {
    }

    @Test
    void exactlyOneWinnerPerVersionAndNoLostOrDuplicatePositions() throws Exception {
        int threads = 8;
        int attempts = 150;
        List<String> shared = List.of("hot-1", "hot-2", "hot-3");
        ConcurrentLinkedQueue<Win> wins = new ConcurrentLinkedQueue<>();
        AtomicInteger conflicts = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        CyclicBarrier start = new CyclicBarrier(threads);
        try (EventStore store = EventStore.open(dir, StoreOptions.builder().segmentBytes(256 * 1024).build())) {
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                workers.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < attempts; i++) {
                            if (i % 3 == 2) { // a private entity: never conflicts
                                String mine = "own-" + id;
                                AppendResult r = store.append(event(store, "t", mine, "{\"t\":" + id + "}")
                                        .expectedVersion(ExpectedVersion.any()).build());
                                wins.add(new Win(mine, r.version(), r.position(), id));
                                continue;
                            }
                            String entity = shared.get((id + i) % shared.size());
                            long seen = store.streamVersion(entity);
                            try {
                                AppendResult r = store.append(event(store, "t", entity, "{\"t\":" + id + ",\"v\":" + (seen + 1) + "}")
                                        .expectedVersion(ExpectedVersion.exact(seen)).build());
                                assertThat(r.version()).isEqualTo(seen + 1);
                                wins.add(new Win(entity, r.version(), r.position(), id));
                            } catch (ConcurrencyConflictException e) {
                                assertThat(e.actualVersion()).isGreaterThan(seen);
                                conflicts.incrementAndGet();
                            }
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }));
            }
            for (Thread w : workers) {
                w.join();
            }
            assertThat(errors).as("failures in worker threads").isEmpty();
            long last = store.lastPosition();
            assertThat(wins).hasSize((int) last);
            Set<Long> positions = new HashSet<>();
            Map<String, Set<Long>> versions = new ConcurrentHashMap<>();
            for (Win w : wins) {
                assertThat(positions.add(w.position())).as("position %d given twice", w.position()).isTrue();
                assertThat(versions.computeIfAbsent(w.entity(), k -> new HashSet<>()).add(w.version()))
                        .as("%s version %d won twice", w.entity(), w.version()).isTrue();
            }
            assertThat(positions).hasSize((int) last).allMatch(p -> p >= 1 && p <= last);
            versions.forEach((entity, vs) -> {
                assertThat(vs).hasSize((int) store.streamVersion(entity));
                assertThat(vs).allMatch(v -> v >= 1 && v <= vs.size());
            });
            // The log agrees with what each winner was told.
            for (Win w : wins) {
                StoredEvent e = StoreInternals.read(store, w.position(), 1).getFirst();
                assertThat(e.entityId()).isEqualTo(w.entity());
                assertThat(e.version()).isEqualTo(w.version());
                assertThat(e.payload().getLong("t")).isEqualTo(w.thread());
            }
            assertThat(conflicts.get()).as("threads really raced").isGreaterThan(0);
        }
    }
}
