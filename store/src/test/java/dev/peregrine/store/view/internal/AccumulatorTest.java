package dev.peregrine.store.view.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.store.view.AggregateFunction;
import org.junit.jupiter.api.Test;

class AccumulatorTest {

    @Test
    void minAndMaxRevealTheNextExtremeWhenTheCurrentOneIsRetracted() {
        Accumulator min = Accumulator.create(AggregateFunction.MIN);
        Accumulator max = Accumulator.create(AggregateFunction.MAX);
        for (long v : new long[] {5, 1, 9, 1}) {
            min.update(v, 1);
            max.update(v, 1);
        }
        min.update(1L, -1);
        assertThat(min.result()).isEqualTo(1L); // one copy of 1 is left
        min.update(1L, -1);
        assertThat(min.result()).isEqualTo(5L);
        max.update(9L, -1);
        assertThat(max.result()).isEqualTo(5L);
        min.update(5L, -1);
        min.update(9L, -1);
        assertThat(min.result()).isNull();
    }

    @Test
    void sumIsExactAndOrderIndependentUnderRetraction() {
        Accumulator sum = Accumulator.create(AggregateFunction.SUM);
        sum.update(0.1, 1);
        sum.update(0.2, 1);
        sum.update(0.1, -1);
        assertThat(sum.result()).isEqualTo(0.2);
        sum.update(0.2, -1);
        sum.update(3L, 1);
        assertThat(sum.result()).isEqualTo(3L); // back to integers once the doubles are gone
    }

    @Test
    void integerSumSpillsOverflowIntoExactArithmetic() {
        Accumulator sum = Accumulator.create(AggregateFunction.SUM);
        sum.update(Long.MAX_VALUE, 1);
        sum.update(Long.MAX_VALUE, 1);
        assertThat(sum.result()).isEqualTo(2.0 * Long.MAX_VALUE);
        sum.update(Long.MAX_VALUE, -1);
        assertThat(sum.result()).isEqualTo(Long.MAX_VALUE);
        sum.update(Long.MIN_VALUE, 1);
        assertThat(sum.result()).isEqualTo(-1L);
    }

    @Test
    void avgCountAndDistinctFollowRetractions() {
        Accumulator avg = Accumulator.create(AggregateFunction.AVG);
        Accumulator count = Accumulator.create(AggregateFunction.COUNT);
        Accumulator distinct = Accumulator.create(AggregateFunction.COUNT_DISTINCT);
        for (Object v : new Object[] {2L, 4L, "x", null, 4L}) {
            avg.update(v, 1);
            count.update(v, 1);
            distinct.update(v, 1);
        }
        assertThat(avg.result()).isEqualTo(10.0 / 3);
        assertThat(count.result()).isEqualTo(4L);
        assertThat(distinct.result()).isEqualTo(3L);
        distinct.update(4L, -1);
        assertThat(distinct.result()).isEqualTo(3L);
        distinct.update(4L, -1);
        assertThat(distinct.result()).isEqualTo(2L);
        avg.update(2L, -1);
        avg.update(4L, -1);
        avg.update(4L, -1);
        assertThat(avg.result()).isNull();
    }

    @Test
    void retractingWhatWasNeverAddedIsABug() {
        Accumulator min = Accumulator.create(AggregateFunction.MIN);
        assertThatThrownBy(() -> min.update(3L, -1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("never added");
    }

    @Test
    void valuesOrderAcrossKinds() {
        assertThat(Values.compare(2L, 2.0)).isZero();
        assertThat(Values.totalCompare(2L, 2.0)).isNegative();
        assertThat(Values.compare(Long.MAX_VALUE, 0x1p63)).isNegative();
        assertThat(Values.compare(3L, 2.5)).isPositive();
        assertThat(Values.compare(-3L, -2.5)).isNegative();
        assertThat(Values.compare(null, false)).isNegative();
        assertThat(Values.compare(true, 0L)).isNegative();
        assertThat(Values.compare(9L, "a")).isNegative();
        assertThat(Values.equal(2L, 2.0)).isTrue();
        assertThat(Values.comparable("a", 1L)).isFalse();
    }
}
