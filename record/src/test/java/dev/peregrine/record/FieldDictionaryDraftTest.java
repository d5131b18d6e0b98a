package dev.peregrine.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Drafts of a dictionary: provisional ids, adoption of exactly the names used, all or none, re-encoding. */
class FieldDictionaryDraftTest {

    private static final JsonCodec JSON = JsonCodec.defaults();

    /** The ids a record uses, at every depth and inside arrays, are the names adopting it would add. */
    @Test
    void collectFieldIdsFindsEveryNameTheRecordUsesAndNoOther() {
        FieldDictionary root = FieldDictionary.create();
        root.intern("held");
        root.intern("unused");
        FieldDictionary draft = root.draft();
        Record record = JSON.parse(draft,
                "{\"held\":{\"inner\":[1,{\"deep\":[{\"deeper\":null}]}]},\"top\":[[{\"nested\":{}}]]}");
        java.util.BitSet ids = new java.util.BitSet();
        record.collectFieldIds(ids);
        List<String> names = new ArrayList<>();
        ids.stream().forEach(id -> names.add(draft.nameOf(id)));
        assertThat(names).containsExactlyInAnyOrder("held", "inner", "deep", "deeper", "top", "nested");
        assertThat(ids.get(root.idOf("unused"))).isFalse();
        // What adoption adds is exactly the draft's own names among them.
        root.adopt(List.of(record));
        assertThat(root.names()).containsExactlyInAnyOrder("held", "unused", "inner", "deep", "deeper", "top", "nested");
    }

    @Test
    void aDraftSeesItsParentsNamesAndKeepsItsOwnToItself() {
        FieldDictionary root = FieldDictionary.create();
        root.intern("a");
        root.intern("b");
        FieldDictionary draft = root.draft();
        assertThat(draft.isDraftOf(root)).isTrue();
        assertThat(root.isDraftOf(draft)).isFalse();
        assertThat(draft.idOf("b")).isEqualTo(1);
        assertThat(draft.intern("c")).isEqualTo(2);
        assertThat(draft.intern("a")).isZero();
        assertThat(draft.intern("d")).isEqualTo(3);
        assertThat(draft.size()).isEqualTo(4);
        assertThat(draft.names()).containsExactly("a", "b", "c", "d");
        assertThat(root.size()).isEqualTo(2);
        assertThat(root.idOf("c")).isEqualTo(-1);

        // A name the parent learns after the draft was made is the draft's own (its id is not below the base).
        assertThat(root.intern("e")).isEqualTo(2);
        assertThat(draft.idOf("e")).isEqualTo(-1);
        assertThat(draft.intern("e")).isEqualTo(4);
        assertThat(draft.nameOf(2)).isEqualTo("c");

        assertThatThrownBy(draft::draft).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> draft.adopt(List.of())).isInstanceOf(IllegalStateException.class);
        Record foreign = JSON.parse(FieldDictionary.create(), "{\"a\":1}");
        assertThatThrownBy(() -> root.adopt(List.of(foreign))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void adoptionKeepsTheBytesWhenTheProvisionalIdsAreStillFree() {
        FieldDictionary root = FieldDictionary.create();
        root.intern("known");
        FieldDictionary draft = root.draft();
        Record r = JSON.parse(draft, "{\"known\":1,\"new\":{\"deeper\":[{\"x\":true}]}}");

        Record adopted = root.adopt(List.of(r)).getFirst();

        assertThat(adopted.dictionary()).isSameAs(root);
        assertThat(adopted.segment()).isSameAs(r.segment());
        assertThat(root.names()).containsExactly("known", "new", "deeper", "x");
        assertThat(adopted.toJson()).isEqualTo("{\"known\":1,\"new\":{\"deeper\":[{\"x\":true}]}}");
    }

    @Test
    void adoptionReencodesWhenAnotherDraftTookTheIds() {
        FieldDictionary root = FieldDictionary.create();
        root.intern("m");
        FieldDictionary first = root.draft();
        FieldDictionary second = root.draft();
        // Same provisional ids (1, 2, ...) for different names; "z" sorts after "m" in the first draft only.
        Record one = JSON.parse(first, "{\"z\":1,\"m\":2,\"list\":[{\"z\":3,\"q\":4},[{\"q\":5}]]}");
        Record two = JSON.parse(second, "{\"q\":6,\"zz\":{\"m\":7}}");

        Record adoptedTwo = root.adopt(List.of(two)).getFirst();
        Record adoptedOne = root.adopt(List.of(one)).getFirst();

        assertThat(adoptedTwo.segment()).isSameAs(two.segment());
        assertThat(adoptedOne.segment()).isNotSameAs(one.segment());
        assertThat(root.names()).containsExactly("m", "q", "zz", "z", "list");
        // The same content; fields come out in id order, and inside the list "q" now sorts before "z".
        assertThat(JsonModel.parse(adoptedOne.toJson())).isEqualTo(JsonModel.parse(one.toJson()));
        assertThat(adoptedOne.toJson()).isEqualTo("{\"m\":2,\"z\":1,\"list\":[{\"q\":4,\"z\":3},[{\"q\":5}]]}");
        assertThat(adoptedTwo.toJson()).isEqualTo(two.toJson());
        // Canonical: the same bytes as parsing the text with the final dictionary, and valid for it.
        assertThat(adoptedOne).isEqualTo(JSON.parse(root, one.toJson()));
        assertThat(Record.wrap(root, adoptedOne.toByteArray())).isEqualTo(adoptedOne);
    }

    @Test
    void onlyTheNamesTheAdoptedRecordsUseAreInterned() {
        FieldDictionary root = FieldDictionary.create();
        FieldDictionary draft = root.draft();
        JSON.parse(draft, "{\"rejected\":1,\"shared\":2}"); // parsed, never adopted
        Record kept = JSON.parse(draft, "{\"shared\":3,\"kept\":4}");

        Record adopted = root.adopt(List.of(kept)).getFirst();

        assertThat(root.names()).containsExactly("shared", "kept");
        assertThat(adopted.toJson()).isEqualTo("{\"shared\":3,\"kept\":4}");
        assertThat(root.adopt(List.of(kept)).getFirst()).isEqualTo(adopted); // adopting again adds nothing
        assertThat(root.size()).isEqualTo(2);
    }

    @Test
    void theLimitAdmitsAllOfAnAdoptionOrNoneOfIt() {
        FieldDictionary root = FieldDictionary.create(5);
        root.intern("a");
        root.intern("b");
        root.intern("c");
        FieldDictionary draft = root.draft();
        Record three = JSON.parse(draft, "{\"a\":1,\"x\":1,\"y\":2,\"z\":3}");
        Record two = JSON.parse(draft, "{\"x\":1,\"y\":2}");
        Record other = JSON.parse(draft, "{\"w\":0}");

        assertThatThrownBy(() -> root.adopt(List.of(three))).isInstanceOf(RecordLimitException.class)
                .hasMessageContaining("number of distinct field names exceeds the limit of 5");
        assertThat(root.size()).isEqualTo(3);
        assertThatThrownBy(() -> root.adopt(List.of(two, other))).isInstanceOf(RecordLimitException.class);
        assertThat(root.size()).isEqualTo(3);

        root.adopt(List.of(two)); // exactly the limit
        assertThat(root.names()).containsExactly("a", "b", "c", "x", "y");
        assertThatThrownBy(() -> root.adopt(List.of(other))).isInstanceOf(RecordLimitException.class);
        assertThatThrownBy(() -> root.intern("w")).isInstanceOf(RecordLimitException.class);
        assertThat(root.adopt(List.of(JSON.parse(draft, "{\"a\":{\"y\":1}}"))).getFirst().toJson())
                .isEqualTo("{\"a\":{\"y\":1}}"); // known names still work at the limit
        assertThat(root.size()).isEqualTo(5);

        // A dictionary reloaded with more names than a lowered limit keeps them all and takes no new one.
        FieldDictionary reloaded = FieldDictionary.of(root.names(), 2);
        assertThat(reloaded.size()).isEqualTo(5);
        assertThatThrownBy(() -> reloaded.intern("new")).isInstanceOf(RecordLimitException.class);
        assertThat(reloaded.intern("y")).isEqualTo(4);
    }

    @Test
    void resolveTranslatesWithoutInterning() {
        FieldDictionary root = FieldDictionary.create();
        FieldDictionary draft = root.draft();
        Record r = JSON.parse(draft, "{\"k\":1,\"j\":[{\"k\":2}]}");
        assertThat(root.resolve(r)).isEmpty();
        assertThat(root.size()).isZero();

        root.intern("j"); // takes provisional id 0, which the draft gave "k"
        root.intern("k");
        Record resolved = root.resolve(r).orElseThrow();
        assertThat(resolved).isEqualTo(JSON.parse(root, "{\"k\":1,\"j\":[{\"k\":2}]}"));
        assertThat(root.size()).isEqualTo(2);
    }

    /**
     * Random documents parsed into drafts made at different moments, adopted in a random order while other
     * names are interned directly: every adopted record must hold the same content and be byte for byte the
     * record a parse with the final dictionary gives, and the dictionary must hold exactly the names of adopted
     * documents and the directly interned ones.
     */
    @Test
    void randomDraftsAdoptedInAnyOrderEqualADirectParse() {
        long seed = Long.getLong("draft.seed", System.nanoTime() % 1_000_000);
        Random random = new Random(seed);
        FieldDictionary root = FieldDictionary.create();
        List<Record> pending = new ArrayList<>();
        List<String> expectedNames = new ArrayList<>();
        FieldDictionary draft = root.draft();
        for (int step = 0; step < 3000; step++) {
            String context = "seed " + seed + ", step " + step;
            switch (random.nextInt(6)) {
                case 0 -> draft = root.draft();
                case 1 -> {
                    String name = "direct" + random.nextInt(50);
                    root.intern(name);
                    addNew(expectedNames, name);
                }
                case 2 -> {
                    if (!pending.isEmpty()) {
                        Collections.shuffle(pending, random);
                        int n = 1 + random.nextInt(pending.size());
                        List<Record> batch = new ArrayList<>(pending.subList(0, n));
                        pending.subList(0, n).clear();
                        List<Record> adopted = root.adopt(batch);
                        for (int i = 0; i < n; i++) {
                            String json = batch.get(i).toJson();
                            collectNames(JsonModel.parse(json), expectedNames);
                            assertThat(adopted.get(i).dictionary()).as(context).isSameAs(root);
                            assertThat(JsonModel.parse(adopted.get(i).toJson())).as(context)
                                    .isEqualTo(JsonModel.parse(json));
                            assertThat(adopted.get(i)).as(context + ": canonical bytes of " + json)
                                    .isEqualTo(JSON.parse(root, json));
                        }
                        assertThat(root.names()).as(context).containsExactlyInAnyOrderElementsOf(expectedNames);
                    }
                }
                default -> {
                    Map<String, Object> doc = JsonModel.randomObject(random, 0);
                    Record r = JSON.parse(draft, JsonModel.write(doc));
                    if (random.nextInt(4) > 0) {
                        pending.add(r); // the rest are "rejected": never adopted
                    }
                }
            }
        }
    }

    private static void collectNames(Object value, List<String> names) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                addNew(names, (String) k);
                collectNames(v, names);
            });
        } else if (value instanceof List<?> list) {
            list.forEach(v -> collectNames(v, names));
        }
    }

    private static void addNew(List<String> names, String name) {
        if (!names.contains(name)) {
            names.add(name);
        }
    }

    /**
     * Parsing documents that each bring a new key must cost the same however many keys came before: no
     * structure that is copied or scanned per document in proportion to the dictionary (Jackson's key
     * symbol table was one: copied for every parser that met a new key). Counted in bytes allocated, not time.
     */
    @Test
    void allocationPerDocumentWithANewKeyDoesNotGrowWithTheDictionary() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        FieldDictionary root = FieldDictionary.create();
        int[] sample = {0};
        java.util.function.LongSupplier allocatedBy2000 = () -> {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 2000; i++) {
                FieldDictionary draft = root.draft();
                byte[] json = ("{\"key" + sample[0]++ + "\":1,\"fixed\":true}").getBytes(StandardCharsets.UTF_8);
                Record r = JSON.parse(draft, json); // UTF-8 bytes, as the server parses
                root.adopt(List.of(r));
            }
            return threads.getCurrentThreadAllocatedBytes() - before;
        };
        allocatedBy2000.getAsLong(); // warm-up
        long early = allocatedBy2000.getAsLong();
        for (int i = 0; i < 20; i++) {
            allocatedBy2000.getAsLong();
        }
        long late = allocatedBy2000.getAsLong();
        assertThat(root.size()).isEqualTo(sample[0] + 1);
        // Growing the dictionary's own arrays is amortised: allow it a doubling in the late sample.
        assertThat(late).as("bytes allocated for 2000 documents at %d names, against %d at 4000", root.size(), early)
                .isLessThan(early * 2 + 4_000_000);
        assertThat(late / 2000).as("bytes per document").isLessThan(8_000);
    }
}
