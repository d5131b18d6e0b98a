package dev.peregrine.schema;

import dev.peregrine.record.FieldCursor;
import dev.peregrine.record.Record;
import dev.peregrine.record.RecordArray;
import java.util.Base64;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A payload record as the validator's tree, built in one walk over the record's fields (no JSON text
 * in between). Numbers keep their kind: an {@code i64} is an integer node, so {@code "type": "integer"}
 * holds for it; an {@code f64} a double node; a decimal a decimal node. {@code bytes} fields, which JSON
 * ingest never produces, become base64 strings, as the JSON codec writes them. Stateless.
 */
final class RecordTrees {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RecordTrees() {
    }

    static ObjectNode of(Record record) {
        ObjectNode object = NODES.objectNode();
        record.forEachField(field -> object.set(field.name(), value(field)));
        return object;
    }

    private static JsonNode value(FieldCursor field) {
        return switch (field.type()) {
            case NULL -> NODES.nullNode();
            case BOOL -> NODES.booleanNode(field.getBoolean());
            case I64 -> NODES.numberNode(field.getLong());
            case F64 -> NODES.numberNode(field.getDouble());
            case DECIMAL -> NODES.numberNode(field.getDecimal());
            case STRING -> NODES.stringNode(field.getString());
            case BYTES -> NODES.stringNode(Base64.getEncoder().encodeToString(field.getBytes()));
            case OBJECT -> of(field.getRecord());
            case ARRAY -> of(field.getArray());
        };
    }

    private static ArrayNode of(RecordArray array) {
        ArrayNode out = NODES.arrayNode(array.size());
        array.forEachElement(element -> out.add(value(element)));
        return out;
    }
}
