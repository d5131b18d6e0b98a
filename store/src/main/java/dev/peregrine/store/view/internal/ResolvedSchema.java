package dev.peregrine.store.view.internal;

import dev.peregrine.record.FieldCursor;
import dev.peregrine.record.FieldDictionary;
import dev.peregrine.record.FieldPath;
import dev.peregrine.record.FieldType;
import dev.peregrine.record.FieldVisitor;
import dev.peregrine.record.Record;
import dev.peregrine.record.RecordArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every field a view reads, resolved once (seed 002's {@code ResolvedSchema}): paths parsed when the
 * view is compiled, names turned into dictionary field ids once per dictionary version, and each
 * event's fields bound in a single pass over the payload's entries.
 *
 * <p><b>Resolution.</b> The paths form a trie (a view reading {@code customer.id} and
 * {@code customer.tier} descends into {@code customer} once). Each trie node keeps an array indexed by
 * field id ({@link Slots}); this id → slot table is the layout-keyed slot map: it is keyed by the
 * dictionary's size, and re-resolved only when a record comes with a dictionary that has grown since
 * (a name the view reads was interned after the view was compiled) or is another dictionary
 * altogether. Dictionary ids never change meaning, so a resolved table never goes stale otherwise.
 *
 * <p><b>Binding.</b> {@link #bind} walks the payload's entry table once per trie level, in id order,
 * and for each entry does one array load to learn whether the view wants it: no name lookup, no
 * binary search, no exception for a missing field. Integers are kept unboxed ({@link #longValue});
 * other values are decoded only for fields the view reads.
 *
 * <p>Not thread-safe: one schema per view, used by the view's maintainer.
 */
final class ResolvedSchema implements BoundFields {

    private static final byte ABSENT = 0;
    private static final byte LONG = 1;
    private static final byte OBJECT = 2;
    private static final byte ATTRIBUTE = 3;

    private final String[] paths;
    private final Node root;
    /** Event attribute of each field, or null for payload fields. */
    private final String[] attributes;

    private final byte[] kinds;
    private final long[] longs;
    private final Object[] objects;
    private final RecordArray[] arrays;
    private ViewInput input;

    private FieldDictionary resolvedFor;
    private int resolvedSize = -1;
    private int layouts;

    private ResolvedSchema(List<String> pathList) {
        int n = pathList.size();
        this.paths = pathList.toArray(new String[0]);
        this.attributes = new String[n];
        this.kinds = new byte[n];
        this.longs = new long[n];
        this.objects = new Object[n];
        this.arrays = new RecordArray[n];
        this.root = new Node();
        for (int i = 0; i < n; i++) {
            String p = paths[i];
            if (p.startsWith("$")) {
                attributes[i] = p;
                continue;
            }
            FieldPath fp = FieldPath.parse(p);
            Node node = root;
            for (int step = 0; step < fp.depth(); step++) {
                node = fp.isIndex(step) ? node.indexChild(fp.index(step)) : node.child(fp.name(step));
            }
            node.terminals = append(node.terminals, i);
        }
    }

    static Builder builder() {
        return new Builder();
    }

    /** Collects a view's field paths, each once, and hands out their indexes. */
    static final class Builder {
        private final Map<String, Integer> indexes = new LinkedHashMap<>();

        /**
         * @param path a field path or event attribute
         * @return its index in the schema
         */
        int field(String path) {
            return indexes.computeIfAbsent(path, p -> indexes.size());
        }

        ResolvedSchema build() {
            return new ResolvedSchema(new ArrayList<>(indexes.keySet()));
        }
    }

    /** @return how many times the id tables were (re)resolved */
    int layoutCount() {
        return layouts;
    }

    /**
     * Binds the fields of one event.
     *
     * @param event the event
     * @return this schema, reading that event's fields until the next bind
     */
    BoundFields bind(ViewInput event) {
        this.input = event;
        Arrays.fill(kinds, ABSENT);
        Arrays.fill(arrays, null);
        for (int i = 0; i < attributes.length; i++) {
            if (attributes[i] != null) {
                kinds[i] = ATTRIBUTE;
            }
        }
        if (root.hasChildren()) {
            Record payload = event.payload();
            FieldDictionary dict = payload.dictionary();
            if (dict != resolvedFor || dict.size() != resolvedSize) {
                resolve(dict);
            }
            payload.forEachField(root.visitor);
        }
        return this;
    }

    private void resolve(FieldDictionary dict) {
        // Read the size first: a name interned by another thread while the tables are being filled
        // must leave them older than the recorded size, so that the next bind resolves again. Read
        // after, the size would count a name the tables missed, and the field would stay unbound.
        int size = dict.size();
        root.resolve(dict);
        resolvedFor = dict;
        resolvedSize = size;
        layouts++;
    }

    @Override
    public Object value(int field) {
        return switch (kinds[field]) {
            case LONG -> longs[field];
            case OBJECT -> objects[field];
            case ATTRIBUTE -> attribute(attributes[field]);
            default -> MISSING;
        };
    }

    @Override
    public boolean isLong(int field) {
        return kinds[field] == LONG;
    }

    @Override
    public long longValue(int field) {
        return longs[field];
    }

    @Override
    public boolean isArray(int field) {
        return arrays[field] != null;
    }

    @Override
    public boolean arrayContains(int field, Object element) {
        RecordArray a = arrays[field];
        if (a == null) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            Object v = switch (a.typeOf(i)) {
                case NULL -> null;
                case BOOL -> a.getBoolean(i);
                case I64 -> a.getLong(i);
                case F64 -> a.getDouble(i);
                case DECIMAL -> Values.canonical(a.getDecimal(i));
                case STRING -> a.getString(i);
                default -> BoundFields.MISSING;
            };
            if (v != BoundFields.MISSING && Values.equal(v, element)) {
                return true;
            }
        }
        return false;
    }

    private Object attribute(String name) {
        ViewInput e = input;
        return switch (name) {
            case "$event_type" -> e.eventType();
            case "$entity_id" -> e.entityId();
            case "$tenant_id" -> e.tenantId();
            case "$position" -> e.position();
            case "$timestamp" -> e.timestamp();
            case "$version" -> e.version();
            default -> throw new IllegalStateException("unknown attribute " + name);
        };
    }

    /** Stores a terminal field's value from the entry under the cursor. */
    private void store(int field, FieldCursor c) {
        FieldType type = c.type();
        switch (type) {
            case I64 -> {
                longs[field] = c.getLong();
                kinds[field] = LONG;
                return;
            }
            case NULL -> objects[field] = null;
            case BOOL -> objects[field] = c.getBoolean();
            case F64 -> objects[field] = c.getDouble();
            case DECIMAL -> objects[field] = Values.canonical(c.getDecimal());
            case STRING -> objects[field] = c.getString();
            case BYTES -> objects[field] = Base64.getEncoder().encodeToString(c.getBytes());
            case OBJECT -> objects[field] = c.getRecord().toJson();
            case ARRAY -> {
                RecordArray a = c.getArray();
                arrays[field] = a;
                objects[field] = a.toJson();
            }
        }
        kinds[field] = OBJECT;
    }

    /** Stores a terminal field's value from an array element. */
    private void storeElement(int field, RecordArray a, int i) {
        switch (a.typeOf(i)) {
            case I64 -> {
                longs[field] = a.getLong(i);
                kinds[field] = LONG;
                return;
            }
            case NULL -> objects[field] = null;
            case BOOL -> objects[field] = a.getBoolean(i);
            case F64 -> objects[field] = a.getDouble(i);
            case DECIMAL -> objects[field] = Values.canonical(a.getDecimal(i));
            case STRING -> objects[field] = a.getString(i);
            case BYTES -> objects[field] = Base64.getEncoder().encodeToString(a.getBytes(i));
            case OBJECT -> objects[field] = a.getRecord(i).toJson();
            case ARRAY -> {
                arrays[field] = a.getArray(i);
                objects[field] = arrays[field].toJson();
            }
        }
        kinds[field] = OBJECT;
    }

    private static int[] append(int[] a, int v) {
        int[] out = Arrays.copyOf(a, a.length + 1);
        out[a.length] = v;
        return out;
    }

    /** One trie level: the fields read at this object, and the nested objects descended into. */
    private final class Node {
        int[] terminals = new int[0];
        final Map<String, Node> byName = new LinkedHashMap<>();
        final Map<Integer, Node> byIndex = new LinkedHashMap<>();
        /** Field id → child node: the resolved slots of this level. */
        Node[] slots = new Node[0];
        final FieldVisitor visitor = this::visit;

        Node child(String name) {
            return byName.computeIfAbsent(name, k -> new Node());
        }

        Node indexChild(int index) {
            return byIndex.computeIfAbsent(index, k -> new Node());
        }

        boolean hasChildren() {
            return !byName.isEmpty();
        }

        void resolve(FieldDictionary dict) {
            int max = -1;
            for (String name : byName.keySet()) {
                max = Math.max(max, dict.idOf(name));
            }
            slots = new Node[max + 1];
            for (Map.Entry<String, Node> e : byName.entrySet()) {
                int id = dict.idOf(e.getKey());
                if (id >= 0) {
                    slots[id] = e.getValue();
                }
                e.getValue().resolve(dict);
            }
            for (Node n : byIndex.values()) {
                n.resolve(dict);
            }
        }

        /** Visitor over this level's entries: one array load decides whether an entry is read. */
        private void visit(FieldCursor c) {
            int id = c.fieldId();
            Node[] s = slots;
            if (id >= s.length) {
                return;
            }
            Node child = s[id];
            if (child == null) {
                return;
            }
            for (int field : child.terminals) {
                store(field, c);
            }
            FieldType type = c.type();
            if (type == FieldType.OBJECT && child.hasChildren()) {
                c.getRecord().forEachField(child.visitor);
            } else if (type == FieldType.ARRAY && !child.byIndex.isEmpty()) {
                child.bindArray(c.getArray());
            }
        }

        void bindArray(RecordArray a) {
            for (Map.Entry<Integer, Node> e : byIndex.entrySet()) {
                int i = e.getKey();
                if (i >= a.size()) {
                    continue;
                }
                Node n = e.getValue();
                for (int field : n.terminals) {
                    storeElement(field, a, i);
                }
                if (a.typeOf(i) == FieldType.OBJECT && n.hasChildren()) {
                    a.getRecord(i).forEachField(n.visitor);
                } else if (a.typeOf(i) == FieldType.ARRAY && !n.byIndex.isEmpty()) {
                    n.bindArray(a.getArray(i));
                }
            }
        }
    }

    @Override
    public String toString() {
        return "ResolvedSchema" + Arrays.toString(paths);
    }
}
