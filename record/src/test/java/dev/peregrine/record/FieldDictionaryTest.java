package dev.peregrine.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class FieldDictionaryTest {

    @Test
    void internsNamesToDenseIdsAndBack() {
        FieldDictionary d = FieldDictionary.create();
        assertThat(d.intern("user")).isZero();
        assertThat(d.intern("")).isEqualTo(1);
        assertThat(d.intern("user")).isZero();
        assertThat(d.intern("\u00fcn\u00efc\u00f8d\u00e9 \ud83d\ude00")).isEqualTo(2);
        assertThat(d.idOf("user")).isZero();
        assertThat(d.idOf("absent")).isEqualTo(-1);
        assertThat(d.nameOf(1)).isEmpty();
        assertThat(d.size()).isEqualTo(3);
        assertThat(d.namesFrom(1)).containsExactly("", "\u00fcn\u00efc\u00f8d\u00e9 \ud83d\ude00");
        assertThat(d.namesFrom(3)).isEmpty();
        assertThatThrownBy(() -> d.nameOf(3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no field name with id 3");
        assertThatThrownBy(() -> d.namesFrom(4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.intern("bad\ud800")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unpaired surrogate");
        assertThatThrownBy(() -> d.intern("x".repeat(70_000))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("70000 UTF-8 bytes");
    }

    @Test
    void encodesAndRebuilds() {
        FieldDictionary d = FieldDictionary.create();
        for (int i = 0; i < 1000; i++) {
            d.intern("field-" + i + (i % 7 == 0 ? "\u00e9" : ""));
        }
        FieldDictionary copy = FieldDictionary.decode(d.encode());
        assertThat(copy.names()).isEqualTo(d.names());
        assertThat(FieldDictionary.of(d.names()).names()).isEqualTo(d.names());
        assertThat(FieldDictionary.decode(FieldDictionary.create().encode()).size()).isZero();
        // Incremental: a store that persisted the first 400 names appends the rest.
        List<String> persisted = new ArrayList<>(d.namesFrom(0).subList(0, 400));
        persisted.addAll(d.namesFrom(400));
        assertThat(FieldDictionary.of(persisted).names()).isEqualTo(d.names());
        assertThatThrownBy(() -> FieldDictionary.of(List.of("a", "b", "a"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duplicate field name 'a' at id 2");
    }

    @Test
    void concurrentInterningGivesEveryNameExactlyOneId() throws Exception {
        FieldDictionary d = FieldDictionary.create();
        int threads = 4;
        int names = 5000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<int[]>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int offset = t;
            results.add(pool.submit(() -> {
                start.await();
                int[] ids = new int[names];
                for (int k = 0; k < names; k++) {
                    int i = (k * 7 + offset * 13) % names; // different orders per thread
                    ids[i] = d.intern("n" + i);
                    assertThat(d.nameOf(ids[i])).isEqualTo("n" + i);
                }
                return ids;
            }));
        }
        start.countDown();
        int[] first = results.get(0).get();
        for (Future<int[]> f : results) {
            assertThat(f.get()).isEqualTo(first);
        }
        pool.shutdown();
        assertThat(d.size()).isEqualTo(names);
        for (int i = 0; i < names; i++) {
            assertThat(d.nameOf(first[i])).isEqualTo("n" + i);
        }
    }
}
