package dev.peregrine.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Seeded random documents and operations checked against plain-Java models. Each failure names its seed. */
class RandomizedRecordTest {

    private static final long SEED = 0x5EED_2026L;
    private static final int DOCUMENTS = 4000;

    @Test
    void jsonToRecordToJsonKeepsTheValueAndBuilderMatchesParserByteForByte() {
        FieldDictionary dict = FieldDictionary.create();
        for (int doc = 0; doc < DOCUMENTS; doc++) {
            long seed = SEED + doc;
            Random random = new Random(seed);
            Map<String, Object> model = JsonModel.randomObject(random, 0);
            String json = JsonModel.write(model);

            Record parsed = JsonCodec.defaults().parse(dict, json);
            String context = "seed " + seed + ", document " + json;
            assertThat(JsonModel.parse(parsed.toJson())).as(context).isEqualTo(model);

            Record built = RecordBuilder.create(dict).withFields(model).build();
            assertThat(built.toByteArray()).as(context).isEqualTo(parsed.toByteArray());
            assertThat(built).as(context).isEqualTo(parsed).hasSameHashCodeAs(parsed);

            // The validator accepts everything the writers produce, and the bytes survive a reload.
            Record reloaded = Record.wrap(dict, parsed.toByteArray());
            assertThat(reloaded).as(context).isEqualTo(parsed);

            for (Map.Entry<String, Object> field : model.entrySet()) {
                checkTopLevelField(parsed, field.getKey(), field.getValue(), context);
            }
        }
    }

    private static void checkTopLevelField(Record record, String name, Object expected, String context) {
        assertThat(record.has(name)).as(context).isTrue();
        switch (expected) {
            case null -> assertThat(record.typeOf(name)).as(context).isEqualTo(FieldType.NULL);
            case Long l -> assertThat(record.getLong(name)).as(context).isEqualTo(l);
            case Double d -> assertThat(record.getDouble(name)).as(context).isEqualTo(d);
            case BigDecimal d -> assertThat(record.getDecimal(name)).as(context).isEqualTo(d);
            case Boolean b -> assertThat(record.getBoolean(name)).as(context).isEqualTo(b);
            case String s -> assertThat(record.getString(name)).as(context).isEqualTo(s);
            case Map<?, ?> m -> assertThat(record.getRecord(name).fieldCount()).as(context).isEqualTo(m.size());
            case List<?> l -> assertThat(record.getArray(name).size()).as(context).isEqualTo(l.size());
            default -> throw new AssertionError(expected.getClass());
        }
    }

    @Test
    void mutableRecordDrivenByRandomOperationsMatchesAHashMap() {
        FieldDictionary dict = FieldDictionary.create();
        String[] names = new String[24];
        for (int i = 0; i < names.length; i++) {
            names[i] = "f" + (i * 7 % names.length);
        }
        for (int run = 0; run < 200; run++) {
            long seed = SEED * 31 + run;
            Random random = new Random(seed);
            MutableRecord record = MutableRecord.create(dict);
            Map<String, Object> model = new HashMap<>();
            List<String> log = new ArrayList<>();
            for (int op = 0; op < 150; op++) {
                String name = names[random.nextInt(names.length)];
                int generation = record.generation();
                Object before = model.get(name);
                boolean present = model.containsKey(name);
                switch (random.nextInt(9)) {
                    case 0 -> {
                        long v = JsonModel.randomLong(random);
                        log.add("setLong " + name + " " + v);
                        record.setLong(name, v);
                        model.put(name, v);
                        assertInPlaceIff(record, generation, present && before instanceof Long, seed, log);
                    }
                    case 1 -> {
                        double v = JsonModel.randomDouble(random);
                        log.add("setDouble " + name + " " + v);
                        record.setDouble(name, v);
                        model.put(name, v);
                        assertInPlaceIff(record, generation, present && before instanceof Double, seed, log);
                    }
                    case 2 -> {
                        boolean v = random.nextBoolean();
                        log.add("setBoolean " + name + " " + v);
                        record.setBoolean(name, v);
                        model.put(name, v);
                        assertInPlaceIff(record, generation, present && before instanceof Boolean, seed, log);
                    }
                    case 3 -> {
                        String v = random.nextBoolean() ? JsonModel.randomString(random)
                                : "x".repeat(random.nextInt(4));
                        log.add("setString " + name + " " + v);
                        record.setString(name, v);
                        boolean sameLength = before instanceof String s
                                && Utf8.encodedLength(s) == Utf8.encodedLength(v);
                        model.put(name, v);
                        assertInPlaceIff(record, generation, sameLength, seed, log);
                    }
                    case 4 -> {
                        log.add("setNull " + name);
                        record.setNull(name);
                        model.put(name, null);
                        assertInPlaceIff(record, generation, present && before == null, seed, log);
                    }
                    case 5 -> {
                        log.add("remove " + name);
                        assertThat(record.remove(name)).as("seed %d, ops %s", seed, log).isEqualTo(present);
                        model.remove(name);
                        assertInPlaceIff(record, generation, !present, seed, log);
                    }
                    case 6 -> {
                        int parity = random.nextInt(2);
                        log.add("retain parity " + parity);
                        record.retain((id, n, type) -> n.hashCode() % 2 == parity);
                        model.keySet().removeIf(n -> n.hashCode() % 2 != parity);
                    }
                    case 7 -> {
                        Object v = JsonModel.randomDecimal(random);
                        Map<String, Object> nested = new java.util.LinkedHashMap<>();
                        nested.put("d", v);
                        log.add("setRecord " + name + " " + nested);
                        record.setRecord(name, RecordBuilder.create(dict).withFields(nested).build());
                        model.put(name, nested);
                    }
                    default -> {
                        if (random.nextInt(10) == 0) {
                            log.add("drain");
                            Record drained = record.drain();
                            assertThat(JsonModel.parse(drained.toJson())).as("seed %d, ops %s", seed, log)
                                    .isEqualTo(model);
                            model.clear();
                        }
                    }
                }
                assertThat(JsonModel.parse(record.toJson())).as("seed %d, ops %s", seed, log).isEqualTo(model);
            }
            // The final bytes are a valid, canonical record: equal to a fresh build of the model.
            Record snapshot = Record.wrap(dict, record.toRecord().toByteArray());
            assertThat(snapshot).as("seed %d", seed).isEqualTo(RecordBuilder.create(dict).withFields(model).build());
        }
    }

    private static void assertInPlaceIff(MutableRecord record, int generationBefore, boolean inPlace, long seed,
            List<String> log) {
        if (inPlace) {
            assertThat(record.generation()).as("seed %d, ops %s", seed, log).isEqualTo(generationBefore);
        } else {
            assertThat(record.generation()).as("seed %d, ops %s", seed, log).isGreaterThan(generationBefore);
        }
    }
}
