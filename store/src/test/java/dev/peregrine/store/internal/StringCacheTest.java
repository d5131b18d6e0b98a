package dev.peregrine.store.internal;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Random;

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

    /**
     * Every lookup returns the string of its own bytes, whatever shares its slot: tens of thousands of
     * strings of 0 to 40 bytes over a small alphabet, a third sharing their first word and a third their
     * last, many around the lengths where the lookup changes how it reads (7, 8, 9, 16, 17), looked up
     * in a random order, mostly again and again. A hit that compared too little would answer another
     * string's value.
     */
    @Test
    void everyLookupReturnsTheStringOfItsOwnBytes() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        StringCache cache = new StringCache();
        String[] strings = new String[20_000];
        MemorySegment[] bytes = new MemorySegment[strings.length];
        for (int i = 0; i < strings.length; i++) {
            String middle = randomString(random, random.nextInt(4) == 0 ? 7 + random.nextInt(11) : random.nextInt(41));
            strings[i] = switch (i % 3) {
                case 0 -> "entity-c" + randomString(random, 1 + random.nextInt(8)); // the first word shared
                case 1 -> randomString(random, 1 + random.nextInt(8)) + "account-"; // the last word shared
                default -> middle;
            };
            bytes[i] = MemorySegment.ofArray(("_" + strings[i] + "_").getBytes(StandardCharsets.UTF_8));
        }
        for (int n = 0; n < 200_000; n++) {
            int i = random.nextInt(random.nextBoolean() ? 300 : strings.length);
            MemorySegment m = bytes[i];
            assertThat(cache.get(m, 1, (int) m.byteSize() - 2)).as("seed %d, lookup %d", seed, n)
                    .isEqualTo(strings[i]);
        }
    }

    private static String randomString(Random random, int length) {
        StringBuilder b = new StringBuilder();
        for (int c = 0; c < length; c++) {
            b.append("ab\u00e9".charAt(random.nextInt(3))); // é: two bytes, so lengths in bytes vary too
        }
        return b.toString();
    }
}
