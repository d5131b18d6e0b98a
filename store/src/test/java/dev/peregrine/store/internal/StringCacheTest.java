package dev.peregrine.store.internal;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cache keeps ids that differ only in one byte apart: the ids of a workload (entity-0 ... entity-999,
 * short and long, differing at the start, in the middle or at the end) are decoded once, and a second
 * pass over them returns the very instances of the first, so reading them allocates nothing.
 */
class StringCacheTest {

    @Test
    void similarIdsKeepTheirOwnSlots() {
        StringCache cache = new StringCache();
        String[] ids = new String[1000];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = switch (i % 4) {
                case 0 -> "entity-" + i;
                case 1 -> i + "-order";
                case 2 -> "tenant-" + i + "-account-42";
                default -> "e" + i;
            };
        }
        MemorySegment[] bytes = new MemorySegment[ids.length];
        Map<String, Boolean> first = new IdentityHashMap<>();
        for (int i = 0; i < ids.length; i++) {
            bytes[i] = MemorySegment.ofArray(("xx" + ids[i]).getBytes(StandardCharsets.UTF_8));
            String s = cache.get(bytes[i], 2, (int) bytes[i].byteSize() - 2);
            assertThat(s).isEqualTo(ids[i]);
            first.put(s, true);
        }
        int again = 0;
        for (int i = 0; i < ids.length; i++) {
            String s = cache.get(bytes[i], 2, (int) bytes[i].byteSize() - 2);
            assertThat(s).isEqualTo(ids[i]);
            if (first.containsKey(s)) {
                again++;
            }
        }
        // 1,000 ids in 4,096 slots: with a uniform hash about 78% have a slot to themselves (each of the
        // 999 others misses it with probability 4095/4096); ids sharing slots by families fall far below.
        assertThat(again).as("ids served from the cache on the second pass").isGreaterThan(700);
    }
}
