package dev.peregrine.record;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Applies a sequence of JSON Merge Patches (RFC 7396, rules in {@link MergePatch}) to one target and encodes the
 * result once, at the end: an entity's state is its payloads folded in order, and encoding an intermediate
 * record per payload (as applying {@link MergePatch#apply} in a loop would) costs an allocation and a copy of
 * the whole state per event.
 *
 * <pre>{@code
 * MergePatchFold fold = MergePatch.fold(snapshotState);   // or Record.empty(dict)
 * for (Record payload : laterPayloads) {
 *     fold.apply(payload);
 * }
 * Record state = fold.result();
 * }</pre>
 *
 * <p>How. The fold keeps one mutable working tree of the objects that patches have touched. An entry of a
 * working object is either a reference to an encoded value (the segment, the offset of the object holding it,
 * and its entry index there: nothing is copied) or a nested working object. A patch is walked in place: a
 * {@code null} removes the key, an object value descends into (or creates) the nested working object, any other
 * value replaces the entry by a reference to the patch's bytes. A nested object of the target is turned into a
 * working object only when a patch descends into it; untouched ones are copied whole at the end. So a patch
 * costs a binary search per field it names, and an overwritten value is never copied. {@link #result()} encodes
 * the tree with one {@link RecordBuilder} pass.
 *
 * <p>The fold keeps references to the target's and the patches' bytes until {@link #result()}: they must stay
 * readable until then (for the store's mapped payloads: while the store is open). Working objects are allocated
 * when a patch first descends into a key and reused while it stays an object, so a history of patches over a
 * stable shape allocates only the working tree's arrays as they grow. Not thread-safe; one fold per sequence.
 */
public final class MergePatchFold {

    private final FieldDictionary dictionary;
    private final Record target;
    // The target's top level as a working object, made by the first patch that names a field: until then (and
    // for a snapshot with no later events) the result is the target itself.
    private Node root;

    MergePatchFold(Record target) {
        this.dictionary = target.dictionary();
        this.target = target;
    }

    /**
     * Applies {@code patch} on top of everything applied so far.
     *
     * @return this fold
     * @throws IllegalArgumentException when the patch uses another field dictionary than the target
     */
    public MergePatchFold apply(Record patch) {
        if (patch.dictionary() != dictionary) {
            throw new IllegalArgumentException("target and patch use different field dictionaries");
        }
        applyEncoded(patch.segment(), 0);
        return this;
    }

    /**
     * Applies the encoded record at {@code base} in {@code segment}, trusted to be valid and encoded with
     * this fold's dictionary: the store folds payloads straight from its mapped log this way
     * ({@link dev.peregrine.record.internal.TrustedRecords#foldPatch}), with no {@code Record} or slice per
     * event. The segment is referenced, not copied, until {@link #result()}.
     */
    void applyEncoded(MemorySegment segment, long base) {
        if (RecordReader.count(segment, base) > 0) {
            if (root == null) {
                root = Node.of(target.segment(), 0);
            }
            merge(root, segment, base);
        }
    }

    /**
     * The target with every patch applied, as a new record; the target itself when no patch named a field.
     * The fold can go on after this ({@link #apply} more, then {@code result()} again).
     */
    public Record result() {
        return root == null ? target : result(RecordBuilder.create(dictionary));
    }

    /**
     * {@link #result()}, encoded with {@code builder} (reset first, empty after): a caller that folds
     * over and over (a projection keeping every entity's state) reuses one builder's buffers instead
     * of a new builder's per result.
     *
     * @param builder a builder of this fold's dictionary, not in use
     * @throws IllegalArgumentException when the builder has another dictionary
     */
    public Record result(RecordBuilder builder) {
        if (builder.dictionary() != dictionary) {
            throw new IllegalArgumentException("the builder uses another field dictionary than the fold");
        }
        if (root == null) {
            return target;
        }
        builder.reset();
        emit(builder, root);
        return builder.build();
    }

    /** Merges the patch object at {@code base} in {@code patch} into {@code node}. */
    private static void merge(Node node, MemorySegment patch, long base) {
        int count = RecordReader.count(patch, base);
        int from = 0; // patch ids increase, so each search starts where the previous one ended
        for (int j = 0; j < count; j++) {
            int id = RecordReader.id(patch, base, j);
            int tag = RecordReader.tag(patch, base, j);
            int k = node.find(id, from);
            if (tag == RecordLayout.TAG_NULL) {
                if (k >= 0) {
                    node.remove(k);
                    from = k;
                } else {
                    from = -1 - k;
                }
                continue;
            }
            if (k < 0) {
                k = -1 - k;
                node.insert(k, id);
            }
            from = k + 1;
            if (tag == RecordLayout.TAG_OBJECT) {
                merge(node.objectAt(k), patch, RecordReader.valueStart(patch, base, j));
            } else {
                node.setValue(k, patch, base, j);
            }
        }
    }

    /** Adds the fields of {@code node} to the builder's open object, in field-id order. */
    private static void emit(RecordBuilder builder, Node node) {
        for (int k = 0; k < node.size; k++) {
            Node child = node.children[k];
            if (child != null) {
                builder.begin(node.ids[k], false);
                emit(builder, child);
                builder.close(false);
            } else {
                MemorySegment seg = node.segments[k];
                long base = node.bases[k];
                builder.putEncoded(node.ids[k], seg, base, RecordReader.count(seg, base), node.indexes[k]);
            }
        }
    }

    /**
     * A working object: its entries sorted by field id, each either a nested working object
     * ({@code children[k] != null}) or entry {@code indexes[k]} of the encoded object at {@code bases[k]} in
     * {@code segments[k]}.
     */
    private static final class Node {
        int size;
        int[] ids;
        Node[] children;
        MemorySegment[] segments;
        long[] bases;
        int[] indexes;

        Node(int capacity) {
            int n = Math.max(4, capacity);
            ids = new int[n];
            children = new Node[n];
            segments = new MemorySegment[n];
            bases = new long[n];
            indexes = new int[n];
        }

        /** A working object holding references to every field of the encoded object at {@code base}. */
        static Node of(MemorySegment seg, long base) {
            int count = RecordReader.count(seg, base);
            Node node = new Node(count);
            for (int i = 0; i < count; i++) {
                node.ids[i] = RecordReader.id(seg, base, i);
                node.segments[i] = seg;
                node.bases[i] = base;
                node.indexes[i] = i;
            }
            node.size = count;
            return node;
        }

        /** Index of {@code id} at or after {@code from}, or {@code -1 - insertionPoint}. */
        int find(int id, int from) {
            return Arrays.binarySearch(ids, from, size, id);
        }

        /**
         * The working object at entry {@code k}: the existing one, the encoded object there made into one, or
         * a new empty one when the entry holds no object (RFC 7396 merges an object patch into {@code {}} then).
         */
        Node objectAt(int k) {
            Node child = children[k];
            if (child == null) {
                MemorySegment seg = segments[k];
                if (seg != null && RecordReader.tag(seg, bases[k], indexes[k]) == RecordLayout.TAG_OBJECT) {
                    child = of(seg, RecordReader.valueStart(seg, bases[k], indexes[k]));
                } else {
                    child = new Node(4);
                }
                children[k] = child;
                segments[k] = null;
            }
            return child;
        }

        void setValue(int k, MemorySegment seg, long base, int index) {
            children[k] = null;
            segments[k] = seg;
            bases[k] = base;
            indexes[k] = index;
        }

        /** Opens an empty entry for {@code id} at {@code k}; the caller fills it. */
        void insert(int k, int id) {
            if (size == ids.length) {
                int n = size * 2;
                ids = Arrays.copyOf(ids, n);
                children = Arrays.copyOf(children, n);
                segments = Arrays.copyOf(segments, n);
                bases = Arrays.copyOf(bases, n);
                indexes = Arrays.copyOf(indexes, n);
            }
            int tail = size - k;
            System.arraycopy(ids, k, ids, k + 1, tail);
            System.arraycopy(children, k, children, k + 1, tail);
            System.arraycopy(segments, k, segments, k + 1, tail);
            System.arraycopy(bases, k, bases, k + 1, tail);
            System.arraycopy(indexes, k, indexes, k + 1, tail);
            ids[k] = id;
            children[k] = null;
            segments[k] = null;
            size++;
        }

        void remove(int k) {
            int tail = size - k - 1;
            System.arraycopy(ids, k + 1, ids, k, tail);
            System.arraycopy(children, k + 1, children, k, tail);
            System.arraycopy(segments, k + 1, segments, k, tail);
            System.arraycopy(bases, k + 1, bases, k, tail);
            System.arraycopy(indexes, k + 1, indexes, k, tail);
            size--;
            children[size] = null; // drop the references the vacated slot held
            segments[size] = null;
        }
    }
}
