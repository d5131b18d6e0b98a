package dev.peregrine.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.record.FieldDictionary;
import dev.peregrine.record.JsonCodec;
import dev.peregrine.store.CorruptFileException;
import dev.peregrine.store.Durability;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.StoreOptions;
import dev.peregrine.store.backup.BackupProgress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaRegistryTest {
    private static final String ORDER_V1 = """
            {"type":"object","required":["amount"],"additionalProperties":false,
             "properties":{"amount":{"type":"number"},"note":{"type":"string"}}}""";

    @TempDir
    Path dir;

    private final FieldDictionary dictionary = FieldDictionary.create();

    private NewEvent event(String type, String payload) {
        return NewEvent.builder().eventType(type).entityId("e-1")
                .payload(JsonCodec.defaults().parse(dictionary, payload)).build();
    }

    @Test
    void versionsSettingsAndEnforcementSurviveReopening() {
        SchemaRegistry registry = SchemaRegistry.open(dir);
        SchemaVersion v1 = registry.register("order.placed", ORDER_V1, Optional.of("first"), List.of("orders"));
        // Backward: a new optional property of a closed object keeps every old payload valid.
        SchemaVersion v2 = registry.register("order.placed", """
                {"type":"object","required":["amount"],"additionalProperties":false,"properties":{
                 "amount":{"type":"number"},"note":{"type":"string"},"coupon":{"type":"string"}}}""", Optional.empty(), List.of());
        registry.setCompatibility("order.placed", CompatibilityMode.FULL);
        registry.setEnforced("order.placed", true);
        assertThat(v1.version()).isEqualTo(1);
        assertThat(v2.version()).isEqualTo(2);
        assertThat(registry.register("order.placed", v2.schema(), Optional.empty(), List.of())).isEqualTo(v2);

        SchemaRegistry reopened = SchemaRegistry.open(dir);
        assertThat(reopened.subjects()).containsExactly(
                new SubjectInfo("order.placed", CompatibilityMode.FULL, true, 2));
        assertThat(reopened.versions("order.placed")).containsExactly(v1, v2);
        assertThat(reopened.get("order.placed", OptionalInt.of(1))).isEqualTo(v1);
        assertThatThrownBy(() -> reopened.check(List.of(event("order.placed", "{\"amount\":1}"),
                event("order.placed", "{\"amount\":\"ten\"}"))))
                .isInstanceOfSatisfying(SchemaViolationException.class, e -> {
                    assertThat(e.eventIndex()).isEqualTo(1);
                    assertThat(e.schemaVersion()).isEqualTo(2);
                    assertThat(e.violation().path()).isEqualTo("$.amount");
                    assertThat(e.violation().rule()).isEqualTo("type");
                });
    }

    @Test
    void enforcementAppliesOnlyToEnforcedTypesAndNamesTheMissingProperty() {
        SchemaRegistry registry = SchemaRegistry.open(dir);
        registry.register("order.placed", ORDER_V1, Optional.empty(), List.of());
        registry.check(List.of(event("order.placed", "{\"note\":\"x\"}"))); // not enforced yet
        registry.setEnforced("order.placed", true);
        registry.check(List.of(event("other.type", "{\"anything\":true}"), event("order.placed", "{\"amount\":2.5}")));
        assertThatThrownBy(() -> registry.check(List.of(event("order.placed", "{\"note\":\"x\"}"))))
                .isInstanceOfSatisfying(SchemaViolationException.class, e -> {
                    assertThat(e.violation().path()).isEqualTo("$.amount");
                    assertThat(e.violation().rule()).isEqualTo("required");
                });
        registry.setEnforced("order.placed", false);
        registry.check(List.of(event("order.placed", "{\"note\":\"x\"}")));
    }

    @Test
    void anOpaquePayloadOfAnEnforcedTypeIsRefusedEvenWhenItsFieldsWouldPass() {
        SchemaRegistry registry = SchemaRegistry.open(dir);
        registry.register("order.placed", ORDER_V1, Optional.empty(), List.of());
        registry.setEnforced("order.placed", true);
        NewEvent opaque = event("order.placed", "{\"amount\":1}");
        NewEvent other = event("blob.stored", "{\"anything\":true}");
        // Asked only of enforced types: opaque bytes of other types pass as they did.
        registry.check(List.of(other, event("order.placed", "{\"amount\":2}")), e -> e != opaque && e != other);
        assertThatThrownBy(() -> registry.check(List.of(other, opaque), e -> e != opaque))
                .isInstanceOfSatisfying(SchemaViolationException.class, e -> {
                    assertThat(e.eventIndex()).isEqualTo(1);
                    assertThat(e.violation().path()).isEqualTo("$");
                    assertThat(e.violation().rule()).isEqualTo("type");
                });
    }

    @Test
    void validateReportsEveryViolationWithPathAndRule() {
        SchemaRegistry registry = SchemaRegistry.open(dir);
        registry.register("order.placed", ORDER_V1, Optional.empty(), List.of());
        ValidationResult result = registry.validate("order.placed", OptionalInt.empty(), "{\"note\":5}");
        assertThat(result.valid()).isFalse();
        assertThat(result.violations()).extracting(Violation::path, Violation::rule)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("$.amount", "required"),
                        org.assertj.core.groups.Tuple.tuple("$.note", "type"));
        assertThat(registry.validate("order.placed", OptionalInt.of(1), "{\"amount\":3}").valid()).isTrue();
        assertThatThrownBy(() -> registry.validate("order.placed", OptionalInt.of(2), "{}"))
                .isInstanceOf(SubjectNotFoundException.class).hasMessageContaining("no version 2");
    }

    @Test
    void incompatibleVersionsAreRefusedWithTheReasonAndLeaveNothingBehind() {
        SchemaRegistry registry = SchemaRegistry.open(dir);
        registry.register("order.placed", ORDER_V1, Optional.empty(), List.of());
        // A new required property: old payloads without it would be refused.
        assertThatThrownBy(() -> registry.register("order.placed", """
                {"type":"object","required":["amount","currency"],"properties":{"amount":{"type":"number"}}}""",
                Optional.empty(), List.of()))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining("BACKWARD").hasMessageContaining("$.currency").hasMessageContaining("required");
        // Narrowing a type.
        assertThatThrownBy(() -> registry.register("order.placed", """
                {"type":"object","required":["amount"],"properties":{"amount":{"type":"integer"}}}""",
                Optional.empty(), List.of()))
                .isInstanceOf(IncompatibleSchemaException.class).hasMessageContaining("$.amount");
        // A keyword the proof does not reason about, changed.
        assertThatThrownBy(() -> registry.register("order.placed", """
                {"type":"object","required":["amount"],"properties":{"amount":{"type":"number","minimum":0}}}""",
                Optional.empty(), List.of()))
                .isInstanceOf(IncompatibleSchemaException.class).hasMessageContaining("'minimum'");
        assertThat(SchemaRegistry.open(dir).versions("order.placed")).hasSize(1);
        registry.setCompatibility("order.placed", CompatibilityMode.NONE);
        assertThat(registry.register("order.placed", """
                {"type":"object","required":["amount"],"properties":{"amount":{"type":"integer"}}}""",
                Optional.empty(), List.of()).version()).isEqualTo(2);
    }

    @Test
    void forwardAndFullModes() {
        SchemaRegistry registry = SchemaRegistry.open(dir);
        registry.setCompatibility("s", CompatibilityMode.FORWARD);
        registry.register("s", "{\"type\":\"object\",\"properties\":{\"a\":{\"enum\":[1,2,3]}}}", Optional.empty(), List.of());
        // Forward: narrowing the enum keeps every new payload valid under the old version.
        registry.register("s", "{\"type\":\"object\",\"properties\":{\"a\":{\"enum\":[1,2]}}}", Optional.empty(), List.of());
        assertThatThrownBy(() -> registry.register("s", "{\"type\":\"object\",\"properties\":{\"a\":{\"enum\":[1,2,4]}}}",
                Optional.empty(), List.of()))
                .isInstanceOf(IncompatibleSchemaException.class).hasMessageContaining("4");
        registry.setCompatibility("s", CompatibilityMode.FULL);
        registry.register("s", "{\"type\":\"object\",\"title\":\"renamed\",\"properties\":{\"a\":{\"enum\":[2,1]}}}",
                Optional.empty(), List.of());
        assertThatThrownBy(() -> registry.register("s", "{\"type\":\"object\",\"properties\":{\"a\":{\"enum\":[1]}}}",
                Optional.empty(), List.of())).isInstanceOf(IncompatibleSchemaException.class);
    }

    @Test
    void badSchemasAreRefusedWithTheReason() {
        SchemaRegistry registry = SchemaRegistry.open(dir);
        assertThatThrownBy(() -> registry.register("s", "{\"type\":5}", Optional.empty(), List.of()))
                .isInstanceOf(InvalidSchemaException.class).hasMessageContaining("$.type");
        assertThatThrownBy(() -> registry.register("s", "{\"type\":", Optional.empty(), List.of()))
                .isInstanceOf(InvalidSchemaException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> registry.register("s", "{\"$ref\":\"http://169.254.169.254/x\"}", Optional.empty(),
                List.of())).isInstanceOf(InvalidSchemaException.class).hasMessageContaining("outside the schema");
        assertThatThrownBy(() -> registry.register("s", "{\"$schema\":\"http://json-schema.org/draft-04/schema#\"}",
                Optional.empty(), List.of())).isInstanceOf(InvalidSchemaException.class).hasMessageContaining("2020-12");
        assertThatThrownBy(() -> registry.register("", "{}", Optional.empty(), List.of()))
                .isInstanceOf(InvalidSchemaException.class);
        assertThatThrownBy(() -> registry.setEnforced("s", true)).isInstanceOf(SubjectNotFoundException.class);
        assertThat(registry.subjects()).isEmpty();
    }

    @Test
    void anOnlineBackupCarriesTheRegistryAndARestoreBringsItBack() {
        Path data = dir.resolve("data");
        Path restored = dir.resolve("restored");
        try (EventStore store = EventStore.open(data, StoreOptions.builder().durability(Durability.none()).build())) {
            SchemaRegistry registry = SchemaRegistry.open(store.directory());
            registry.register("order.placed", ORDER_V1, Optional.empty(), List.of());
            registry.setEnforced("order.placed", true);
            store.append(event("order.placed", "{\"amount\":1}"));
            store.backup(dir.resolve("backup"), BackupProgress.NONE);
        }
        EventStore.restore(dir.resolve("backup"), restored, BackupProgress.NONE);
        SchemaRegistry back = SchemaRegistry.open(restored);
        assertThat(back.subjects()).containsExactly(new SubjectInfo("order.placed", CompatibilityMode.BACKWARD, true, 1));
        assertThat(back.get("order.placed", OptionalInt.empty()).schema()).isEqualTo(
                SchemaRegistry.open(data).get("order.placed", OptionalInt.empty()).schema());
    }

    @Test
    void aDamagedRegistryFileIsDetected() throws IOException {
        SchemaRegistry.open(dir).register("order.placed", ORDER_V1, Optional.empty(), List.of());
        Path file = dir.resolve(SchemaRegistry.FILE_NAME);
        byte[] bytes = Files.readAllBytes(file);
        for (int i = 0; i < bytes.length; i += 7) {
            byte[] damaged = bytes.clone();
            damaged[i] ^= 0x10;
            Files.write(file, damaged);
            assertThatThrownBy(() -> SchemaRegistry.open(dir)).as("flipped byte %d", i)
                    .isInstanceOfAny(CorruptFileException.class, dev.peregrine.store.UnsupportedFormatException.class);
        }
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        assertThatThrownBy(() -> SchemaRegistry.open(dir)).isInstanceOf(CorruptFileException.class);
    }
}
