package dev.peregrine.store.index;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Both memories a list may live in: the heap, and the mapped scratch files a store uses. */
class LongPagedListTest {

    @TempDir
    Path dir;

    private IndexMemory memory(boolean mapped) {
        return mapped ? new MappedIndexMemory(dir) : IndexMemory.HEAP;
    }

    @ParameterizedTest(name = "mapped {0}")
    @ValueSource(booleans = {false, true})
    void addGetAndSearchAcrossPages(boolean mapped) {
        LongPagedList list = new LongPagedList(memory(mapped));
        for (int i = 0; i < 3 * LongPagedList.PAGE_SIZE + 17; i++) {
            list.add(2L * i + 1);
        }
        int n = list.size();
        assertThat(n).isEqualTo(3 * LongPagedList.PAGE_SIZE + 17);
        assertThat(list.get(0)).isEqualTo(1);
        assertThat(list.get(n - 1)).isEqualTo(2L * (n - 1) + 1);
        assertThat(list.upperBound(0, n)).isZero();
        assertThat(list.upperBound(1, n)).isEqualTo(1);
        assertThat(list.upperBound(2, n)).isEqualTo(1);
        assertThat(list.upperBound(Long.MAX_VALUE, n)).isEqualTo(n);
    }

    /**
     * Every prefix of a list with repeated and gapped elements, against every bound from below the first
     * element to above the last: {@code upperBound} is the count of the prefix's elements at most the
     * bound, the ends (where it answers without searching) and the middle alike.
     */
    @ParameterizedTest(name = "mapped {0}")
    @ValueSource(booleans = {false, true})
    void upperBoundCountsThePrefixsElementsAtMostTheBound(boolean mapped) {
        LongPagedList list = new LongPagedList(memory(mapped));
        long[] elements = new long[70];
        long next = 5;
        for (int i = 0; i < elements.length; i++) {
            next += i % 3 == 0 ? 0 : i % 7; // repeats (+0) and gaps of up to 6
            elements[i] = next;
            list.add(next);
        }
        for (int n = 0; n <= elements.length; n++) {
            for (long bound = 3; bound <= next + 2; bound++) {
                int atMost = 0;
                while (atMost < n && elements[atMost] <= bound) {
                    atMost++;
                }
                assertThat(list.upperBound(bound, n)).as("bound %d in the first %d", bound, n).isEqualTo(atMost);
            }
        }
    }

    @ParameterizedTest(name = "mapped {0}")
    @ValueSource(booleans = {false, true})
    void bulkLoadMatchesElementByElement(boolean mapped) {
        IndexMemory memory = memory(mapped);
        for (int count : new int[] {0, 3, LongPagedList.PAGE_SIZE - 1, LongPagedList.PAGE_SIZE, 2 * LongPagedList.PAGE_SIZE + 5}) {
            ByteBuffer in = ByteBuffer.allocate(8 * count + 8).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < count; i++) {
                in.putLong(i * 3L);
            }
            in.putLong(-1);
            in.flip();
            LongPagedList list = new LongPagedList(memory);
            list.addAll(in, count);
            assertThat(list.size()).isEqualTo(count);
            for (int i = 0; i < count; i++) {
                assertThat(list.get(i)).as("count %d index %d", count, i).isEqualTo(i * 3L);
            }
            assertThat(in.getLong()).as("buffer advanced past the values").isEqualTo(-1);
            list.add(7);
            assertThat(list.get(count)).isEqualTo(7);
        }
    }
}
