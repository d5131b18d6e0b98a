package dev.peregrine.record;

import java.lang.foreign.MemorySegment;
import java.util.BitSet;

/**
 * Field ids of an encoded record as a set, and the record re-encoded with other ids: what
 * {@link FieldDictionary#adopt} needs to turn a draft's provisional ids into final ones. Both walk every object
 * and array of the record, nested ones included (an array's elements carry no id but may be objects). Stateless.
 */
final class FieldIds {

    private FieldIds() {
    }

    /**
     * Adds {@code id - firstId} to {@code out} for every field id {@code >= firstId} in the record.
     *
     * @param record a valid encoded record (an object)
     */
    static void collect(MemorySegment record, int firstId, BitSet out) {
        collect(record, 0, true, firstId, out);
    }

    private static void collect(MemorySegment seg, long base, boolean object, int firstId, BitSet out) {
        int count = RecordReader.count(seg, base);
        for (int i = 0; i < count; i++) {
            if (object) {
                int id = RecordReader.id(seg, base, i);
                if (id >= firstId) {
                    out.set(id - firstId);
                }
            }
            int tag = RecordReader.tag(seg, base, i);
            if (tag == RecordLayout.TAG_OBJECT || tag == RecordLayout.TAG_ARRAY) {
                collect(seg, RecordReader.valueStart(seg, base, i), tag == RecordLayout.TAG_OBJECT, firstId, out);
            }
        }
    }

    /**
     * The record re-encoded for {@code target}: ids below {@code firstId} stay, an id {@code i >= firstId}
     * becomes {@code finalIds[i - firstId]}. The builder sorts each object's fields by their new ids, so the
     * result is canonical (equal content, equal bytes); values are copied as raw bytes.
     *
     * @param record a valid encoded record whose ids at or above {@code firstId} all have a final id
     */
    static Record translate(FieldDictionary target, MemorySegment record, int firstId, int[] finalIds) {
        RecordBuilder builder = RecordBuilder.create(target);
        copy(builder, record, 0, true, firstId, finalIds);
        return builder.build();
    }

    private static void copy(RecordBuilder builder, MemorySegment seg, long base, boolean object, int firstId,
            int[] finalIds) {
        int count = RecordReader.count(seg, base);
        for (int i = 0; i < count; i++) {
            int id = RecordBuilder.ARRAY_ELEMENT;
            if (object) {
                int old = RecordReader.id(seg, base, i);
                id = old < firstId ? old : finalIds[old - firstId];
            }
            int tag = RecordReader.tag(seg, base, i);
            if (tag == RecordLayout.TAG_OBJECT || tag == RecordLayout.TAG_ARRAY) {
                boolean array = tag == RecordLayout.TAG_ARRAY;
                builder.begin(id, array);
                copy(builder, seg, RecordReader.valueStart(seg, base, i), !array, firstId, finalIds);
                builder.close(array);
            } else {
                builder.putEncoded(id, seg, base, count, i);
            }
        }
    }
}
