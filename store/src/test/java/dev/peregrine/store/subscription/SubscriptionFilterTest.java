package dev.peregrine.store.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.store.InvalidEventException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The parts of a filter: each accepts by any of its rules, parts combine by "and". */
class SubscriptionFilterTest {

    @Test
    void anEventTypeIsAcceptedByAnyOfItsRules() {
        SubscriptionFilter f = SubscriptionFilter.builder().eventTypes("Exact").eventTypePrefixes("Order", "$")
                .eventTypePattern("Paid$").build();
        assertThat(f.accepts("Exact", "e", "default")).isTrue();
        assertThat(f.accepts("Order Placed", "e", "default")).isTrue();
        assertThat(f.accepts("$metadata", "e", "default")).isTrue();
        assertThat(f.accepts("InvoicePaid", "e", "default")).isTrue();
        assertThat(f.accepts("Exactly", "e", "default")).isFalse();
        assertThat(f.accepts("order placed", "e", "default")).as("prefixes are case-sensitive").isFalse();
        assertThat(f.accepts("PaidInvoice", "e", "default")).isFalse();
    }

    @Test
    void entityRulesAndTypeRulesBothHaveToAccept() {
        SubscriptionFilter f = SubscriptionFilter.builder().entityIdPrefixes("order-").entityIdPattern("^cart-[0-9]+$")
                .eventTypePrefixes("Order").tenantId("acme").build();
        assertThat(f.accepts("OrderPlaced", "order-1", "acme")).isTrue();
        assertThat(f.accepts("OrderPlaced", "cart-12", "acme")).isTrue();
        assertThat(f.accepts("OrderPlaced", "cart-x", "acme")).isFalse();
        assertThat(f.accepts("CartEmptied", "order-1", "acme")).isFalse();
        assertThat(f.accepts("OrderPlaced", "order-1", "other")).isFalse();
        assertThat(SubscriptionFilter.ALL.accepts("anything", "at all", "t")).isTrue();
    }

    @Test
    void equalityCoversEveryRuleAndAMalformedRegexNamesItsField() {
        SubscriptionFilter a = SubscriptionFilter.builder().eventTypePattern("^a").build();
        assertThat(a).isEqualTo(SubscriptionFilter.builder().eventTypePattern("^a").build())
                .hasSameHashCodeAs(SubscriptionFilter.builder().eventTypePattern("^a").build())
                .isNotEqualTo(SubscriptionFilter.builder().entityIdPattern("^a").build())
                .isNotEqualTo(SubscriptionFilter.builder().eventTypePrefixes("^a").build());
        assertThatThrownBy(() -> SubscriptionFilter.builder().entityIdPattern("(unclosed").build())
                .isInstanceOfSatisfying(InvalidEventException.class,
                        e -> assertThat(e.field()).isEqualTo("entity_id_regex"));
    }

    /**
     * A pattern that makes a backtracking matcher take exponential time ({@code (a+)+$} against
     * a run of {@code a}s that ends in something else: java.util.regex takes about 2^n steps, hours for
     * these 5,000 characters) is matched in linear time. The timeout only stops a hang; it measures nothing.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aCatastrophicPatternIsMatchedInLinearTime() {
        String run = "a".repeat(5_000);
        SubscriptionFilter f = SubscriptionFilter.builder().entityIdPattern("(a+)+$").eventTypePattern("^(x|x)*y").build();
        assertThat(f.accepts("y", run + "!", "t")).as("the entity pattern needs an a at the end").isFalse();
        assertThat(f.accepts("y", run, "t")).isTrue();
        assertThat(f.accepts("x".repeat(5_000) + "z", run, "t")).isFalse();
    }

    @Test
    void backreferencesAndLookaroundAreRefusedAsMalformedNamingTheField() {
        for (String needsBacktracking : new String[] {"(a)\\1", "order(?=-paid)", "(?<!x)y"}) {
            assertThatThrownBy(() -> SubscriptionFilter.builder().eventTypePattern(needsBacktracking).build())
                    .as(needsBacktracking).isInstanceOfSatisfying(InvalidEventException.class,
                            e -> assertThat(e.field()).isEqualTo("event_type_regex"));
        }
    }
}
