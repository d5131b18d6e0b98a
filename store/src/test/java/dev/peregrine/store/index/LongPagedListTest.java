package dev.peregrine.store.index;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;

class LongPagedListTest {

    @Test
    void addGetAndSearchAcrossPages() {
        LongPagedList list = new LongPagedList();
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

    @Test
    void bulkLoadMatchesElementByElement() {
        for (int count : new int[] {0, 3, LongPagedList.PAGE_SIZE - 1, LongPagedList.PAGE_SIZE, 2 * LongPagedList.PAGE_SIZE + 5}) {
            ByteBuffer in = ByteBuffer.allocate(8 * count + 8).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < count; i++) {
                in.putLong(i * 3L);
            }
            in.putLong(-1);
            in.flip();
            LongPagedList list = new LongPagedList();
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
