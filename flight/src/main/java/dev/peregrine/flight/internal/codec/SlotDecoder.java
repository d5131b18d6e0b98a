package dev.peregrine.flight.internal.codec;

import dev.peregrine.flight.FlightEvent;
import dev.peregrine.flight.FlightField;
import dev.peregrine.flight.FlightValue;
import dev.peregrine.flight.Level;
import dev.peregrine.flight.internal.intern.Interner;
import dev.peregrine.flight.internal.ring.SlotDescriptor;
import dev.peregrine.flight.internal.ring.ValueTag;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Turns a private copy of a ring slot into a {@link FlightEvent}. Not thread-safe: one per reader thread. */
public final class SlotDecoder implements SlotBytes.ValueVisitor {
    private final Interner interner;
    private List<FlightValue> args;
    private List<FlightField> fields;

    public SlotDecoder(Interner interner) {
        this.interner = interner;
    }

    /** Decodes the copied slot of {@code sequence}. */
    public FlightEvent decode(long sequence, byte[] slot) {
        args = new ArrayList<>(SlotBytes.argCount(slot));
        fields = new ArrayList<>(SlotBytes.fieldCount(slot));
        int templateId = SlotBytes.template(slot);
        String template = templateId == SlotDescriptor.INLINE_TEMPLATE
                ? new String(slot, SlotDescriptor.DATA_OFFSET + Short.BYTES, SlotBytes.inlineTemplateLength(slot), StandardCharsets.UTF_8)
                : interner.string(templateId);
        SlotBytes.forEachValue(slot, this);
        return new FlightEvent(sequence, SlotBytes.timestamp(slot), Level.ofCode(SlotBytes.level(slot)), SlotBytes.threadId(slot),
                interner.string(SlotBytes.threadName(slot)), interner.string(SlotBytes.target(slot)), template,
                args, fields, SlotBytes.truncated(slot));
    }

    @Override
    public void value(int key, byte tag, long bits, byte[] slot, int textOffset, int textLength) {
        FlightValue v = switch (tag) {
            case ValueTag.LONG -> new FlightValue.LongValue(bits);
            case ValueTag.DOUBLE -> new FlightValue.DoubleValue(Double.longBitsToDouble(bits));
            case ValueTag.TRUE -> new FlightValue.BooleanValue(true);
            case ValueTag.FALSE -> new FlightValue.BooleanValue(false);
            case ValueTag.STRING -> new FlightValue.StringValue(new String(slot, textOffset, textLength, StandardCharsets.UTF_8));
            case ValueTag.THROWABLE -> new FlightValue.ThrowableValue(interner.string((int) bits),
                    new String(slot, textOffset, textLength, StandardCharsets.UTF_8));
            default -> new FlightValue.NullValue();
        };
        if (key < 0) {
            args.add(v);
        } else {
            fields.add(new FlightField(interner.string(key), v));
        }
    }
}
