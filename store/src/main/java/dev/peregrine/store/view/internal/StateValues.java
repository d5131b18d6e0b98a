package dev.peregrine.store.view.internal;

import static dev.peregrine.store.view.internal.ViewStateLayout.*;

import dev.peregrine.store.framing.AtomicFile;
import dev.peregrine.store.framing.FileBody;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * One view value (a key, a selected value, an aggregate's input or running state) in a state file:
 * a tag byte ({@link ViewStateLayout}'s {@code TAG_*}) and its bytes. Stateless.
 */
final class StateValues {

    private StateValues() {}

    static void write(AtomicFile.Output out, Object v) throws IOException {
        switch (v) {
            case null -> out.putByte(TAG_NULL);
            case Boolean b -> out.putByte(b ? TAG_TRUE : TAG_FALSE);
            case Long l -> {
                out.putByte(TAG_LONG);
                out.putLong(l);
            }
            case Double d -> {
                out.putByte(TAG_DOUBLE);
                out.putLong(Double.doubleToRawLongBits(d));
            }
            case String s -> {
                out.putByte(TAG_STRING);
                out.putString(s);
            }
            case BigDecimal d -> {
                out.putByte(TAG_DECIMAL);
                out.putString(d.toString());
            }
            default -> throw new IllegalStateException("not a view value: " + v.getClass());
        }
    }

    static Object read(FileBody in) {
        long at = in.offset();
        byte tag = in.getByte();
        return switch (tag) {
            case TAG_NULL -> null;
            case TAG_FALSE -> Boolean.FALSE;
            case TAG_TRUE -> Boolean.TRUE;
            case TAG_LONG -> in.getLong();
            case TAG_DOUBLE -> Double.longBitsToDouble(in.getLong());
            case TAG_STRING -> in.getString();
            case TAG_DECIMAL -> decimal(in, at);
            default -> throw in.corruptAt(at, "a value tag 0-6", Byte.toString(tag));
        };
    }

    /** @return a decimal value, or {@code null}; anything else is corruption */
    static BigDecimal readDecimal(FileBody in) {
        long at = in.offset();
        Object v = read(in);
        if (v == null || v instanceof BigDecimal) {
            return (BigDecimal) v;
        }
        throw in.corruptAt(at, "a decimal or null", v.getClass().getSimpleName());
    }

    private static BigDecimal decimal(FileBody in, long at) {
        String text = in.getString();
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw in.corruptAt(at, "a decimal", "'" + text + "'");
        }
    }
}
