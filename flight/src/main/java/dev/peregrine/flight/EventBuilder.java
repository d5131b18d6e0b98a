package dev.peregrine.flight;

import dev.peregrine.flight.internal.ring.PendingEvent;
import dev.peregrine.flight.internal.ring.Ring;
import dev.peregrine.flight.internal.ring.ValueTag;

/**
 * Assembles one event and publishes it with {@link #log()}. Obtained from {@link FlightLogger#at}; each
 * thread reuses one builder, so assembling and publishing never allocate (boxing is avoided by the
 * typed {@code arg} overloads). A builder returned for a disabled level ignores every call.
 *
 * <pre>{@code
 * log.atInfo("order {} filled qty={} px={}").arg(orderId).arg(qty).arg(price).field("venue", "XNAS").log();
 * }</pre>
 *
 * <p>Not thread-safe: use it on the thread that obtained it, in one statement, and always end with
 * {@link #log()}. Arguments beyond {@value PendingEvent#MAX_VALUES} values, and bytes that do not fit the
 * ring slot, are dropped and the event is marked truncated.
 */
public final class EventBuilder {
    /** The shared no-op builder handed out for disabled levels. */
    static final EventBuilder DISABLED = new EventBuilder(null);

    private final FlightRecorder recorder;
    private final PendingEvent event;
    private String threadName;
    private int threadNameId;
    private long threadId;
    /** Set while user code (toString) runs inside {@link #arg(Object)}: a nested log call must not reuse this builder. */
    boolean converting;

    EventBuilder(FlightRecorder recorder) {
        this.recorder = recorder;
        this.event = recorder == null ? null : new PendingEvent(recorder.ring.slotBytes());
    }

    /** Whether this builder records (false for the no-op builder of a disabled level). */
    public boolean isEnabled() {
        return event != null;
    }

    EventBuilder begin(Level level, int targetId, int templateId, String template) {
        Thread current = Thread.currentThread();
        String name = current.getName();
        if (name != threadName) {
            threadName = name;
            threadNameId = recorder.internOrOverflow(name);
            threadId = current.threadId();
        }
        event.begin(level, targetId, templateId, template, threadId, threadNameId);
        return this;
    }

    /** Adds a 64-bit integer argument (ints, shorts and bytes widen to it). */
    public EventBuilder arg(long value) {
        if (event != null) {
            event.add(-1, ValueTag.LONG, value, null);
        }
        return this;
    }

    /** Adds a floating-point argument (floats widen to it). */
    public EventBuilder arg(double value) {
        if (event != null) {
            event.add(-1, ValueTag.DOUBLE, Double.doubleToRawLongBits(value), null);
        }
        return this;
    }

    /** Adds a boolean argument. */
    public EventBuilder arg(boolean value) {
        if (event != null) {
            event.add(-1, value ? ValueTag.TRUE : ValueTag.FALSE, 0, null);
        }
        return this;
    }

    /** Adds a string argument, stored in the slot (cut if it does not fit), never interned. */
    public EventBuilder arg(String value) {
        if (event != null) {
            add(-1, value);
        }
        return this;
    }

    /** Adds a summary of a throwable: its class name (interned) and its message. */
    public EventBuilder arg(Throwable value) {
        if (event != null) {
            addThrowable(-1, value);
        }
        return this;
    }

    /**
     * Adds an argument of any type: boxed numbers and booleans are unboxed, strings and throwables kept,
     * anything else converted with {@code toString()}.
     */
    public EventBuilder arg(Object value) {
        if (event != null) {
            addObject(-1, value);
        }
        return this;
    }

    /** Adds a key-value field with an integer value. */
    public EventBuilder field(String key, long value) {
        if (event != null) {
            event.add(recorder.internOrOverflow(key), ValueTag.LONG, value, null);
        }
        return this;
    }

    /** Adds a key-value field with a floating-point value. */
    public EventBuilder field(String key, double value) {
        if (event != null) {
            event.add(recorder.internOrOverflow(key), ValueTag.DOUBLE, Double.doubleToRawLongBits(value), null);
        }
        return this;
    }

    /** Adds a key-value field with a boolean value. */
    public EventBuilder field(String key, boolean value) {
        if (event != null) {
            event.add(recorder.internOrOverflow(key), value ? ValueTag.TRUE : ValueTag.FALSE, 0, null);
        }
        return this;
    }

    /** Adds a key-value field with a string value (stored in the slot, not interned). */
    public EventBuilder field(String key, String value) {
        if (event != null) {
            add(recorder.internOrOverflow(key), value);
        }
        return this;
    }

    /** Adds a key-value field of any type, converted as {@link #arg(Object)} does. */
    public EventBuilder field(String key, Object value) {
        if (event != null) {
            addObject(recorder.internOrOverflow(key), value);
        }
        return this;
    }

    private void add(int key, String value) {
        if (value == null) {
            event.add(key, ValueTag.NULL, 0, null);
        } else {
            event.add(key, ValueTag.STRING, 0, value);
        }
    }

    private void addThrowable(int key, Throwable t) {
        if (t == null) {
            event.add(key, ValueTag.NULL, 0, null);
            return;
        }
        String message = safeMessage(t);
        event.add(key, ValueTag.THROWABLE, recorder.internOrOverflow(t.getClass().getName()), message == null ? "" : message);
    }

    private String safeMessage(Throwable t) {
        converting = true;
        try {
            return t.getMessage();
        } catch (RuntimeException | LinkageError e) {
            return "<getMessage() threw " + e.getClass().getName() + ">";
        } finally {
            converting = false;
        }
    }

    private void addObject(int key, Object value) {
        switch (value) {
            case null -> event.add(key, ValueTag.NULL, 0, null);
            case Long l -> event.add(key, ValueTag.LONG, l, null);
            case Integer i -> event.add(key, ValueTag.LONG, i, null);
            case Short s -> event.add(key, ValueTag.LONG, s, null);
            case Byte b -> event.add(key, ValueTag.LONG, b, null);
            case Double d -> event.add(key, ValueTag.DOUBLE, Double.doubleToRawLongBits(d), null);
            case Float f -> event.add(key, ValueTag.DOUBLE, Double.doubleToRawLongBits(f), null);
            case Boolean b -> event.add(key, b ? ValueTag.TRUE : ValueTag.FALSE, 0, null);
            case String s -> event.add(key, ValueTag.STRING, 0, s);
            case Throwable t -> addThrowable(key, t);
            default -> event.add(key, ValueTag.STRING, 0, safeToString(value));
        }
    }

    private String safeToString(Object value) {
        converting = true;
        try {
            return String.valueOf(value);
        } catch (RuntimeException | LinkageError e) {
            return "<toString() threw " + e.getClass().getName() + ">";
        } finally {
            converting = false;
        }
    }

    /**
     * Publishes the event into the ring: one atomic claim, a CAS on the slot's sequence word, plain
     * stores, a release commit. Never blocks, never locks, never allocates.
     */
    public void log() {
        FlightRecorder r = recorder;
        if (r == null) {
            return;
        }
        PendingEvent e = event;
        Ring ring = r.ring;
        long timestamp = r.clock.nanos();
        long sequence = ring.claimAndAcquire();
        try {
            ring.write(sequence, e, timestamp);
        } finally {
            // Publish even if a bug made write throw, so the slot never stays "writing" forever.
            ring.commit(sequence);
            e.clearRefs();
        }
        if (e.level() == Level.ERROR) {
            r.afterError();
        }
    }
}
