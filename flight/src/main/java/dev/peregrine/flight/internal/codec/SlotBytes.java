package dev.peregrine.flight.internal.codec;

import static dev.peregrine.flight.internal.ring.SlotDescriptor.*;

import dev.peregrine.flight.internal.ring.ValueTag;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Reads a private copy of a ring slot (made by {@code Ring.read}) through {@link SlotDescriptor}'s
 * layout. The copy is stable, so nothing here races with producers.
 */
final class SlotBytes {
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    /** Receives the values of a slot in order: arguments (key -1) then fields. */
    interface ValueVisitor {
        /**
         * One value. For STRING the text is {@code slot[textOffset, textOffset + textLength)}; for
         * THROWABLE {@code bits} is the class-name id and the text is the message; otherwise {@code bits}
         * is the 8-byte payload (0 for booleans and null).
         */
        void value(int key, byte tag, long bits, byte[] slot, int textOffset, int textLength);
    }

    private SlotBytes() {
    }

    static long timestamp(byte[] slot) {
        return (long) LONG_LE.get(slot, TIMESTAMP_OFFSET);
    }

    static long sequenceWord(byte[] slot) {
        return (long) LONG_LE.get(slot, SEQUENCE_OFFSET);
    }

    static long threadId(byte[] slot) {
        return (long) LONG_LE.get(slot, THREAD_ID_OFFSET);
    }

    static int threadName(byte[] slot) {
        return (int) INT_LE.get(slot, THREAD_NAME_OFFSET);
    }

    static int target(byte[] slot) {
        return (int) INT_LE.get(slot, TARGET_OFFSET);
    }

    static int template(byte[] slot) {
        return (int) INT_LE.get(slot, TEMPLATE_OFFSET);
    }

    static int level(byte[] slot) {
        return slot[LEVEL_OFFSET];
    }

    static boolean truncated(byte[] slot) {
        return (slot[FLAGS_OFFSET] & FLAG_TRUNCATED) != 0;
    }

    static int argCount(byte[] slot) {
        return Byte.toUnsignedInt(slot[ARG_COUNT_OFFSET]);
    }

    static int fieldCount(byte[] slot) {
        return Byte.toUnsignedInt(slot[FIELD_COUNT_OFFSET]);
    }

    static int u16(byte[] slot, int at) {
        return Short.toUnsignedInt((short) SHORT_LE.get(slot, at));
    }

    /** Length of the inline template's UTF-8 bytes, which start at {@code DATA_OFFSET + 2}. */
    static int inlineTemplateLength(byte[] slot) {
        return u16(slot, DATA_OFFSET);
    }

    /** Visits every value of the slot; returns the number visited. */
    static int forEachValue(byte[] slot, ValueVisitor visitor) {
        int p = DATA_OFFSET;
        if (template(slot) == INLINE_TEMPLATE) {
            p += Short.BYTES + inlineTemplateLength(slot);
        }
        int args = argCount(slot);
        int total = args + fieldCount(slot);
        for (int i = 0; i < total; i++) {
            int key = -1;
            if (i >= args) {
                key = (int) INT_LE.get(slot, p);
                p += Integer.BYTES;
            }
            byte tag = slot[p++];
            switch (tag) {
                case ValueTag.LONG, ValueTag.DOUBLE -> {
                    visitor.value(key, tag, (long) LONG_LE.get(slot, p), slot, 0, 0);
                    p += Long.BYTES;
                }
                case ValueTag.STRING -> {
                    int length = u16(slot, p);
                    visitor.value(key, tag, 0, slot, p + Short.BYTES, length);
                    p += Short.BYTES + length;
                }
                case ValueTag.THROWABLE -> {
                    int classId = (int) INT_LE.get(slot, p);
                    int length = u16(slot, p + Integer.BYTES);
                    visitor.value(key, tag, classId, slot, p + Integer.BYTES + Short.BYTES, length);
                    p += Integer.BYTES + Short.BYTES + length;
                }
                case ValueTag.TRUE, ValueTag.FALSE, ValueTag.NULL -> visitor.value(key, tag, 0, slot, 0, 0);
                // A copied slot passed the seqlock check, so a bad tag is a bug in the writer, not a race.
                default -> throw new IllegalStateException("ring slot holds unknown value tag " + tag + " at data byte " + (p - 1));
            }
        }
        return total;
    }
}
