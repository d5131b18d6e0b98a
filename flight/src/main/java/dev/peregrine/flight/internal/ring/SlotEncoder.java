package dev.peregrine.flight.internal.ring;

import static dev.peregrine.flight.internal.ring.SlotDescriptor.*;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Encodes a {@link PendingEvent} into a heap image of its ring slot (layout: {@link SlotDescriptor}).
 * The ring then publishes the image with one bulk copy: plain array stores with constant offsets are
 * much cheaper than one bounds- and scope-checked segment store per field. Stateless; the image
 * belongs to the producer thread that owns the event.
 */
final class SlotEncoder {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    private SlotEncoder() {
    }

    /**
     * Encodes {@code event} into its slot image ({@link PendingEvent#image}) and returns the image's used
     * length. Values that do not fit are dropped and the event is flagged truncated; strings are cut on a
     * character boundary. The sequence word (bytes 0-7) is left alone.
     */
    static int encode(PendingEvent event, long timestampNanos) {
        byte[] s = event.image;
        int data = DATA_OFFSET;
        int end = s.length;
        int p = data;
        boolean truncated = event.truncated;
        int args = 0;
        int fields = 0;
        if (event.templateId == INLINE_TEMPLATE) {
            int q = putString(s, p, end, event.inlineTemplate);
            if (q < 0) {
                q = -q;
                truncated = true;
            }
            p = q;
        }
        // Arguments first, then fields, as the layout requires: one pass when the builder added them in
        // that order (the usual case), two passes otherwise.
        int passes = event.argsFirst ? 1 : 2;
        for (int pass = 0; pass < passes; pass++) {
            for (int i = 0; i < event.count; i++) {
                int key = event.keys[i];
                if (passes == 2 && (pass == 0) != (key < 0)) {
                    continue;
                }
                int q = p;
                if (key >= 0) {
                    if (q + Integer.BYTES > end) {
                        truncated = true;
                        break;
                    }
                    INT.set(s, q, key);
                    q += Integer.BYTES;
                }
                q = putValue(s, q, end, event.tags[i], event.bits[i], event.refs[i]);
                if (q == 0) {
                    truncated = true;
                    break;
                }
                if (q < 0) {
                    q = -q;
                    truncated = true;
                }
                p = q;
                if (key >= 0) {
                    fields++;
                } else {
                    args++;
                }
            }
        }
        LONG.set(s, TIMESTAMP_OFFSET, timestampNanos);
        LONG.set(s, THREAD_ID_OFFSET, event.threadId);
        INT.set(s, THREAD_NAME_OFFSET, event.threadNameId);
        INT.set(s, TARGET_OFFSET, event.targetId);
        INT.set(s, TEMPLATE_OFFSET, event.templateId);
        s[LEVEL_OFFSET] = (byte) event.level.code();
        s[FLAGS_OFFSET] = (byte) (truncated ? FLAG_TRUNCATED : 0);
        s[ARG_COUNT_OFFSET] = (byte) args;
        s[FIELD_COUNT_OFFSET] = (byte) fields;
        SHORT.set(s, DATA_LENGTH_OFFSET, (short) (p - data));
        return p;
    }

    /**
     * Writes one tagged value at {@code p}. Returns the position after it; the negated position if a
     * string was cut to fit; 0 if not even the fixed part fits.
     */
    private static int putValue(byte[] s, int p, int end, byte tag, long bits, Object ref) {
        switch (tag) {
            case ValueTag.LONG, ValueTag.DOUBLE -> {
                if (p + 1 + Long.BYTES > end) {
                    return 0;
                }
                s[p] = tag;
                LONG.set(s, p + 1, bits);
                return p + 1 + Long.BYTES;
            }
            case ValueTag.STRING -> {
                if (p + 1 + Short.BYTES > end) {
                    return 0;
                }
                s[p] = tag;
                return putString(s, p + 1, end, (String) ref);
            }
            case ValueTag.THROWABLE -> {
                if (p + 1 + Integer.BYTES + Short.BYTES > end) {
                    return 0;
                }
                s[p] = tag;
                INT.set(s, p + 1, (int) bits);
                // The builder resolved the message before claiming: no user code runs while a slot is held.
                return putString(s, p + 1 + Integer.BYTES, end, (String) ref);
            }
            default -> {
                if (p + 1 > end) {
                    return 0;
                }
                s[p] = tag;
                return p + 1;
            }
        }
    }

    /**
     * Writes a u16 length and the UTF-8 bytes of {@code value}, as many whole characters as fit
     * before {@code end}. Encodes char by char so that no byte array is allocated. Returns the
     * position after the string, negated if the string was cut. The caller checked the 2 length bytes fit.
     */
    private static int putString(byte[] s, int p, int end, String value) {
        int lengthAt = p;
        int q = p + Short.BYTES;
        int limit = Math.min(end, q + ValueTag.MAX_RING_STRING_BYTES);
        boolean cut = false;
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                if (q + 1 > limit) {
                    cut = true;
                    break;
                }
                s[q++] = (byte) c;
            } else if (c < 0x800) {
                if (q + 2 > limit) {
                    cut = true;
                    break;
                }
                s[q++] = (byte) (0xC0 | (c >> 6));
                s[q++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                if (q + 4 > limit) {
                    cut = true;
                    break;
                }
                int cp = Character.toCodePoint(c, value.charAt(++i));
                s[q++] = (byte) (0xF0 | (cp >> 18));
                s[q++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                s[q++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                s[q++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                if (q + 3 > limit) {
                    cut = true;
                    break;
                }
                // A lone surrogate is not valid UTF-8: store U+FFFD as String.getBytes(UTF_8) would.
                int cp = Character.isSurrogate(c) ? 0xFFFD : c;
                s[q++] = (byte) (0xE0 | (cp >> 12));
                s[q++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                s[q++] = (byte) (0x80 | (cp & 0x3F));
            }
        }
        SHORT.set(s, lengthAt, (short) (q - lengthAt - Short.BYTES));
        return cut ? -q : q;
    }
}
