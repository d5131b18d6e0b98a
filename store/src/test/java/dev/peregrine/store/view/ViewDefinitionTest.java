package dev.peregrine.store.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.store.view.internal.Values;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

class ViewDefinitionTest {

    private static final String TOTALS = """
            {"name": "totals_by_customer", "event_types": ["order.placed", "order.amended"],
             "where": {"and": [{"field": "amount", "op": ">", "value": 0},
                               {"not": {"field": "status", "op": "in", "value": ["void", null]}},
                               {"or": [{"field": "tags", "op": "contains", "value": "vip"},
                                       {"field": "customer.id", "op": "exists"}]}]},
             "group_by": [{"field": "customer.id", "as": "customer"}],
             "aggregates": [{"fn": "count", "as": "orders"}, {"fn": "sum", "field": "amount", "as": "total"},
                            {"fn": "min", "field": "amount"}, {"fn": "avg", "field": "amount", "as": "mean"},
                            {"fn": "count_distinct", "field": "sku", "as": "skus"}]}
            """;

    @Test
    void parsesEveryPartOfTheJsonForm() {
        ViewDefinition d = ViewDefinition.fromJson(TOTALS);

        assertThat(d.name()).isEqualTo("totals_by_customer");
        assertThat(d.eventTypes()).containsExactly("order.amended", "order.placed");
        assertThat(d.grouped()).isTrue();
        assertThat(d.groupBy()).containsExactly(new ViewColumn("customer.id", "customer"));
        assertThat(d.columnNames()).containsExactly("customer", "orders", "total", "min_amount", "mean", "skus");
        ViewPredicate.And where = (ViewPredicate.And) d.where().orElseThrow();
        assertThat(where.parts().get(0)).isEqualTo(ViewPredicate.compare("amount", ComparisonOperator.GT, 0L));
        assertThat(where.parts().get(1)).isEqualTo(
                ViewPredicate.not(new ViewPredicate.In("status", java.util.Arrays.asList("void", null))));
        assertThat(d.aggregates().get(2)).isEqualTo(new ViewAggregate(AggregateFunction.MIN, "amount", "min_amount"));
    }

    @Test
    void jsonRoundTripGivesAnEqualDefinition() {
        ViewDefinition d = ViewDefinition.fromJson(TOTALS);
        assertThat(ViewDefinition.fromJson(d.toJson())).isEqualTo(d);

        ViewDefinition filter = ViewDefinition.builder("big")
                .where(ViewPredicate.or(ViewPredicate.compare("x", ComparisonOperator.LE, 2.5),
                        ViewPredicate.compare("flag", ComparisonOperator.EQ, true),
                        ViewPredicate.compare("note", ComparisonOperator.NE, null)))
                .select(new ViewColumn("a.b", "ab"), ViewColumn.of("$entity_id"))
                .build();
        assertThat(ViewDefinition.fromJson(filter.toJson())).isEqualTo(filter);
        assertThat(filter.columnNames()).containsExactly("position", "ab", "$entity_id");
    }

    @Test
    void bigNumberLiteralsAreTypedAsPayloadNumbersAndRoundTrip() {
        ViewDefinition d = ViewDefinition.fromJson("{\"name\": \"big\", \"where\": {\"or\": ["
                + "{\"field\": \"a\", \"op\": \">\", \"value\": 18446744073709551617},"
                + "{\"field\": \"a\", \"op\": \"in\", \"value\": [1e-400, 10E+399, 2.50, 7]}]}}");
        ViewPredicate.Or or = (ViewPredicate.Or) d.where().orElseThrow();
        assertThat(((ViewPredicate.Compare) or.parts().get(0)).value()).isEqualTo(new BigDecimal("18446744073709551617"));
        assertThat(((ViewPredicate.In) or.parts().get(1)).values())
                .containsExactly(new BigDecimal("1E-400"), Values.canonical(new BigDecimal("1E+400")), 2.5, 7L);
        assertThat(ViewDefinition.fromJson(d.toJson())).isEqualTo(d);
        // Built in Java: a BigDecimal or BigInteger literal follows the same rule.
        assertThat(ViewPredicate.compare("a", ComparisonOperator.EQ, new BigDecimal("5")))
                .isEqualTo(ViewPredicate.compare("a", ComparisonOperator.EQ, 5L));
        assertThat(ViewPredicate.compare("a", ComparisonOperator.EQ, new BigInteger("18446744073709551617")))
                .isEqualTo(ViewPredicate.compare("a", ComparisonOperator.EQ, new BigDecimal("18446744073709551617")));
    }

    @Test
    void aFilterViewWithoutSelectShowsEntityAndType() {
        ViewDefinition d = ViewDefinition.fromJson("{\"name\": \"all\"}");
        assertThat(d.grouped()).isFalse();
        assertThat(d.columnNames()).containsExactly("position", "entity_id", "event_type");
        assertThat(d.eventTypes()).isEmpty();
    }

    @Test
    void errorsNameThePlaceAndTheProblem() {
        assertError("{\"name\": \"v\", \"where\": {\"field\": \"a\", \"op\": \"=>\", \"value\": 1}}",
                "where.op", "unknown operator '=>'");
        assertError("{\"name\": \"v\", \"where\": {\"and\": [{\"field\": \"a\", \"op\": \"=\"}]}}",
                "where.and[0].value", "is required");
        assertError("{\"name\": \"v\", \"aggregates\": [{\"fn\": \"median\", \"field\": \"a\"}]}",
                "aggregates[0].fn", "unknown function 'median'");
        assertError("{\"name\": \"v\", \"aggregates\": [{\"fn\": \"sum\"}]}", "aggregates[0].field", "needs a field");
        assertError("{\"name\": \"../etc\"}", "name", "a view name is");
        assertError("{\"name\": \"v\", \"colour\": 1}", "colour", "unknown key");
        assertError("{\"name\": \"v\", \"select\": [\"a\"], \"group_by\": [\"b\"]}", "select", "not allowed");
        assertError("{\"name\": \"v\", \"select\": [\"a..b\"]}", "select[0].field", "invalid field path");
        assertError("{\"name\": \"v\", \"select\": [\"$nope\"]}", "select[0].field", "unknown event attribute");
        assertError("{\"name\": \"v\", \"select\": [\"a\", {\"field\": \"b\", \"as\": \"a\"}]}",
                "select[1].as", "appears twice");
        assertError("{\"name\": \"v\", \"where\": {\"field\": \"a\", \"op\": \"=\", \"value\": [1]}}",
                "where.value", "a literal must be");
        assertError("{\"name\": \"v\", \"where\": {\"field\": \"a\", \"op\": \"=\", \"value\": 1e10000}}",
                "$", "outside the supported range");
        assertError("{\"name\": \"v\",", "$", "malformed JSON");
        assertError("{\"name\": \"v\", \"name\": \"w\"}", "$", "malformed JSON");
        assertError("[1]", "$", "expected a JSON object");
        assertError("", "$", "empty");
        assertError("{\"name\": \"v\"} {}", "$", "unexpected content");
    }

    @Test
    void builderRejectsBadLiterals() {
        assertThatThrownBy(() -> ViewPredicate.compare("a", ComparisonOperator.EQ, List.of(1)))
                .isInstanceOf(InvalidViewDefinitionException.class).hasMessageContaining("a literal must be");
        assertThatThrownBy(() -> ViewPredicate.compare("a", ComparisonOperator.EQ, Double.NaN))
                .isInstanceOf(InvalidViewDefinitionException.class).hasMessageContaining("finite");
        assertThat(ViewPredicate.compare("a", ComparisonOperator.EQ, 3)).isEqualTo(
                ViewPredicate.compare("a", ComparisonOperator.EQ, 3L));
    }

    private static void assertError(String json, String where, String problem) {
        assertThatThrownBy(() -> ViewDefinition.fromJson(json))
                .isInstanceOf(InvalidViewDefinitionException.class)
                .hasMessageContaining(problem)
                .satisfies(e -> assertThat(((InvalidViewDefinitionException) e).where()).isEqualTo(where));
    }
}
