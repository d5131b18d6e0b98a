package dev.peregrine.store.view.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.record.FieldDictionary;
import dev.peregrine.record.JsonCodec;
import dev.peregrine.store.view.ViewDefinition;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Field binding through paths with nested objects and array indexes, and re-resolution on growth. */
class ResolvedSchemaTest {

    @Test
    void readsNestedObjectsArrayIndexesAndAttributes() {
        FieldDictionary dict = FieldDictionary.create();
        MaintainedView v = new MaintainedView(ViewDefinition.fromJson("""
                {"name": "x", "where": {"field": "items", "op": "contains", "value": 3},
                 "select": ["items[1].sku", "customer.address.city", "items", "$entity_id", "missing.deep"]}"""), new MemoryViewLog());
        String json = "{\"customer\": {\"address\": {\"city\": \"Oslo\"}}, \"items\": [3, {\"sku\": \"A-1\"}]}";
        assertThat(v.insert(new TestInput(1, "t", "e1", null, 0, 1, JsonCodec.defaults().parse(dict, json)), null))
                .isTrue();
        assertThat(v.rows().getFirst().values())
                .containsExactly(1L, "A-1", "Oslo", "[3,{\"sku\":\"A-1\"}]", "e1", null);
        // A record without the array: contains is false, the event stays out.
        assertThat(v.insert(new TestInput(2, "t", "e1", null, 0, 2,
                JsonCodec.defaults().parse(dict, "{\"items\": \"3\"}")), null)).isFalse();
    }

    @Test
    void namesInternedAfterCompilationAreResolvedWhenTheyAppear() {
        FieldDictionary dict = FieldDictionary.create();
        MaintainedView v = new MaintainedView(ViewDefinition.fromJson("""
                {"name": "late", "group_by": ["late.name"], "aggregates": [{"fn": "count", "as": "n"}]}"""), new MemoryViewLog());
        v.insert(new TestInput(1, "t", "e", null, 0, 1, JsonCodec.defaults().parse(dict, "{\"a\": 1}")), null);
        int before = v.resolvedLayouts();
        v.insert(new TestInput(2, "t", "e", null, 0, 2, JsonCodec.defaults().parse(dict, "{\"a\": 2}")), null);
        assertThat(v.resolvedLayouts()).as("same dictionary size: no re-resolution").isEqualTo(before);
        v.insert(new TestInput(3, "t", "e", null, 0, 3,
                JsonCodec.defaults().parse(dict, "{\"late\": {\"name\": \"z\"}}")), null);
        assertThat(v.resolvedLayouts()).isGreaterThan(before);
        List<Object> z = v.rows().getLast().values();
        assertThat(z).containsExactly("z", 1L);
        assertThat(v.rows().getFirst().values()).containsExactly(null, 2L);
    }
}
