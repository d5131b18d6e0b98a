package dev.peregrine.record;

import static dev.peregrine.record.RecordLayout.ENTRY_TAG_OFFSET;
import static dev.peregrine.record.RecordLayout.ENTRY_VALUE_OFFSET_OFFSET;
import static dev.peregrine.record.RecordLayout.HEADER_LENGTH;
import static dev.peregrine.record.RecordLayout.ID_MASK;
import static dev.peregrine.record.RecordLayout.KIND_ARRAY;
import static dev.peregrine.record.RecordLayout.KIND_OBJECT;
import static dev.peregrine.record.RecordLayout.TAG_SHIFT;

import java.lang.foreign.MemorySegment;

/**
 * Checks untrusted bytes once, completely, so that every later read of a {@link Record} can skip checks: after
 * {@link #validateRecord} every offset lies inside the buffer, every value has the length its tag requires,
 * every string is well-formed UTF-8, every decimal a JSON number, ids are strictly increasing and known to the dictionary, and nesting is
 * bounded. The first violation is reported with its absolute offset.
 */
final class RecordValidator {

    private RecordValidator() {
    }

    /** Validates a whole record (an object) that must fill {@code seg} exactly. */
    static void validateRecord(MemorySegment seg, int dictionarySize) {
        long available = seg.byteSize();
        if (available < HEADER_LENGTH) {
            throw new RecordFormatException("truncated: " + available + " bytes, a record needs at least "
                    + HEADER_LENGTH, 0);
        }
        if (available > RecordLayout.MAX_LENGTH) {
            throw new RecordFormatException("record of " + available + " bytes exceeds the maximum of "
                    + RecordLayout.MAX_LENGTH, 0);
        }
        validate(seg, 0, available, KIND_OBJECT, dictionarySize, 1);
    }

    private static void validate(MemorySegment seg, long base, long available, int expectedKind, int dictionarySize,
            int depth) {
        if (depth > RecordLayout.MAX_DEPTH) {
            throw new RecordFormatException("nesting deeper than " + RecordLayout.MAX_DEPTH, base);
        }
        if (available < HEADER_LENGTH) {
            throw new RecordFormatException("nested value of " + available + " bytes is shorter than a header ("
                    + HEADER_LENGTH + ")", base);
        }
        int version = seg.get(RecordReader.BYTE, base + RecordLayout.VERSION_OFFSET) & 0xFF;
        if (version != RecordLayout.FORMAT_VERSION) {
            throw new RecordFormatException("unsupported format version " + version + " (this reader reads version "
                    + RecordLayout.FORMAT_VERSION + ")", base + RecordLayout.VERSION_OFFSET);
        }
        int kind = seg.get(RecordReader.BYTE, base + RecordLayout.KIND_OFFSET) & 0xFF;
        if (kind != expectedKind) {
            throw new RecordFormatException("kind byte is " + kind + ", expected " + expectedKind + " ("
                    + (expectedKind == KIND_OBJECT ? "object" : "array") + ")", base + RecordLayout.KIND_OFFSET);
        }
        long declared = RecordReader.length(seg, base) & 0xFFFF_FFFFL;
        if (declared != available) {
            throw new RecordFormatException("header declares " + declared + " bytes but "
                    + (base == 0 ? "the buffer holds " : "the enclosing entry gives it ") + available,
                    base + RecordLayout.LENGTH_OFFSET);
        }
        int count = RecordReader.count(seg, base);
        long dataStart = RecordLayout.dataOffset(count);
        if (dataStart > available) {
            throw new RecordFormatException(count + " entries need " + dataStart + " bytes but only " + available
                    + " are there", base + RecordLayout.COUNT_OFFSET);
        }
        int previousId = -1;
        long previousOffset = dataStart;
        for (int i = 0; i < count; i++) {
            long entry = base + RecordLayout.entryOffset(i);
            int key = seg.get(RecordReader.I32, entry);
            int tag = key >>> TAG_SHIFT;
            int id = key & ID_MASK;
            if (tag < RecordLayout.TAG_NULL || tag > RecordLayout.MAX_TAG) {
                throw new RecordFormatException("entry " + i + " has unknown type tag " + tag, entry + ENTRY_TAG_OFFSET);
            }
            if (expectedKind == KIND_OBJECT) {
                if (id <= previousId) {
                    throw new RecordFormatException("entry " + i + " has field id " + id + ", not above the previous "
                            + previousId + " (ids must be strictly increasing)", entry);
                }
                if (id >= dictionarySize) {
                    throw new RecordFormatException("entry " + i + " has field id " + id
                            + " which the dictionary does not hold (" + dictionarySize + " names)", entry);
                }
                previousId = id;
            } else if (id != 0) {
                throw new RecordFormatException("array element " + i + " has non-zero id bits " + id, entry);
            }
            long offset = seg.get(RecordReader.I32, entry + ENTRY_VALUE_OFFSET_OFFSET) & 0xFFFF_FFFFL;
            if (i == 0 && offset != dataStart) {
                throw new RecordFormatException("first value must start at " + dataStart + " but entry 0 says "
                        + offset, entry + ENTRY_VALUE_OFFSET_OFFSET);
            }
            if (offset < previousOffset || offset > available) {
                throw new RecordFormatException("entry " + i + " value offset " + offset + " is outside "
                        + previousOffset + ".." + available, entry + ENTRY_VALUE_OFFSET_OFFSET);
            }
            previousOffset = offset;
        }
        if (count == 0 && available != dataStart) {
            throw new RecordFormatException((available - dataStart) + " bytes after an empty "
                    + (expectedKind == KIND_OBJECT ? "object" : "array"), base + dataStart);
        }
        for (int i = 0; i < count; i++) {
            long start = RecordReader.valueStart(seg, base, i);
            long end = RecordReader.valueEnd(seg, base, count, i);
            validateValue(seg, base, i, start, end, dictionarySize, depth);
        }
    }

    private static void validateValue(MemorySegment seg, long base, int index, long start, long end,
            int dictionarySize, int depth) {
        int tag = RecordReader.tag(seg, base, index);
        long length = end - start;
        int fixed = RecordLayout.fixedLength(tag);
        if (fixed >= 0) {
            if (length != fixed) {
                throw new RecordFormatException("entry " + index + " of type " + FieldType.ofTag(tag) + " must hold "
                        + fixed + " bytes but holds " + length, start);
            }
            return;
        }
        switch (tag) {
            case RecordLayout.TAG_STRING -> {
                long bad = Utf8.firstInvalid(seg, start, end);
                if (bad >= 0) {
                    throw new RecordFormatException("entry " + index + " is a string with invalid UTF-8", bad);
                }
            }
            case RecordLayout.TAG_DECIMAL -> {
                // Written to JSON without quotes, so anything but a number would corrupt the output.
                String text = Utf8.decode(seg, start, (int) length);
                try {
                    JsonNumbers.parse(text);
                } catch (NumberFormatException e) {
                    throw new RecordFormatException("entry " + index + " is a decimal that is not a JSON number in"
                            + " range: " + e.getMessage(), start);
                }
            }
            case RecordLayout.TAG_OBJECT -> validate(seg, start, length, KIND_OBJECT, dictionarySize, depth + 1);
            case RecordLayout.TAG_ARRAY -> validate(seg, start, length, KIND_ARRAY, dictionarySize, depth + 1);
            default -> {
                // BYTES: any content.
            }
        }
    }
}
