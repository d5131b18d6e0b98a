package dev.peregrine.store.view.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.store.view.AggregateFunction;
import java.math.BigDecimal;
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
        // Beyond a long the exact integer, not the nearest double (1.8446744073709552E19).
        assertThat(sum.result()).isEqualTo(new BigDecimal("18446744073709551614"));
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
    void decimalsSumExactlyWithIntegersAndDoublesAsJsonShowsThem() {
        Accumulator sum = Accumulator.create(AggregateFunction.SUM);
        Accumulator avg = Accumulator.create(AggregateFunction.AVG);
        Object[] values = {new BigDecimal("1E-400"), 0.1, 2L, new BigDecimal("18446744073709551617")};
        for (Object v : values) {
            sum.update(v, 1);
            avg.update(v, 1);
        }
        BigDecimal total = new BigDecimal("18446744073709551619.1").add(new BigDecimal("1E-400"));
        assertThat(sum.result()).isEqualTo(total);
        assertThat(avg.result()).isEqualTo(Values.canonical(total.divide(BigDecimal.valueOf(4),
                new java.math.MathContext(total.precision(), java.math.RoundingMode.HALF_EVEN))));
        assertThat(((BigDecimal) avg.result()).precision()).isGreaterThan(400);
        // Retract in another order: back to a double-only sum, then to integers.
        sum.update(new BigDecimal("18446744073709551617"), -1);
        sum.update(new BigDecimal("1E-400"), -1);
        assertThat(sum.result()).isEqualTo(2.1);
        sum.update(0.1, -1);
        assertThat(sum.result()).isEqualTo(2L);
        avg.update(0.1, -1);
        avg.update(2L, -1);
        avg.update(new BigDecimal("1E-400"), -1);
        assertThat(avg.result()).isEqualTo(new BigDecimal("18446744073709551617"));
    }

    @Test
    void minMaxAndDistinctTreatDecimalsAsNumbers() {
        Accumulator min = Accumulator.create(AggregateFunction.MIN);
        Accumulator max = Accumulator.create(AggregateFunction.MAX);
        Accumulator distinct = Accumulator.create(AggregateFunction.COUNT_DISTINCT);
        Object[] values = {Long.MAX_VALUE, new BigDecimal("9223372036854775808"), 1e300, new BigDecimal("1E+400"),
            new BigDecimal("-1E+400"), -1e300, Long.MIN_VALUE, new BigDecimal("1E+400")};
        for (Object v : values) {
            min.update(v, 1);
            max.update(v, 1);
            distinct.update(v, 1);
        }
        assertThat(min.result()).isEqualTo(new BigDecimal("-1E+400"));
        assertThat(max.result()).isEqualTo(new BigDecimal("1E+400"));
        assertThat(distinct.result()).isEqualTo(7L);
        max.update(new BigDecimal("1E+400"), -1);
        assertThat(max.result()).isEqualTo(new BigDecimal("1E+400")); // a second copy is left
        max.update(new BigDecimal("1E+400"), -1);
        assertThat(max.result()).isEqualTo(1e300);
        max.update(1e300, -1);
        assertThat(max.result()).isEqualTo(new BigDecimal("9223372036854775808"));
    }

    @Test
    void decimalsOrderExactlyAmongLongsAndDoubles() {
        BigDecimal twoTo63 = new BigDecimal("9223372036854775808");
        assertThat(Values.compare(Long.MAX_VALUE, twoTo63)).isNegative();
        assertThat(Values.compare(twoTo63, 0x1p63)).isZero();
        assertThat(Values.totalCompare(0x1p63, twoTo63)).isNegative();
        assertThat(Values.compare(new BigDecimal("9223372036854775808.5"), 0x1p63)).isPositive();
        assertThat(Values.compare(new BigDecimal("1E-400"), 0.0)).isPositive();
        assertThat(Values.compare(new BigDecimal("1E-400"), Double.MIN_VALUE)).isNegative();
        // 0.1 as a double is 0.1000000000000000055511151231257827021181583404541015625.
        assertThat(Values.compare(new BigDecimal("0.1000000000000000055511151231257827"), 0.1)).isNegative();
        assertThat(Values.compare(new BigDecimal("1E+400"), Double.POSITIVE_INFINITY)).isNegative();
        assertThat(Values.compare(Double.NEGATIVE_INFINITY, new BigDecimal("-1E+400"))).isNegative();
        assertThat(Values.compare(Double.NaN, new BigDecimal("1E+400"))).isPositive();
        assertThat(Values.compare(new BigDecimal("1E+400"), "a")).isNegative();
        assertThat(Values.equal(new BigDecimal("18446744073709551616"), 0x1p64)).isTrue();
        assertThat(Values.comparable(new BigDecimal("1"), 1L)).isTrue();
        assertThat(Values.canonical(new BigDecimal("1.50E+400"))).isEqualTo(new BigDecimal("1.5E+400"));
        assertThat(Values.canonical(new BigDecimal("184467440737095516.2E+2")).toString())
                .isEqualTo("18446744073709551620");
        assertThat(Values.canonical(new BigDecimal("10E+399"))).isEqualTo(Values.canonical(new BigDecimal("1E+400")));
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
