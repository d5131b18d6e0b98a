package dev.peregrine.flight;

import dev.peregrine.flight.internal.ring.SlotDescriptor;

/**
 * Logs events for one target (logger name) into a {@link FlightRecorder}. Obtain one per target with
 * {@link FlightRecorder#logger(String)} and keep it in a {@code static final} field.
 *
 * <pre>{@code
 * static final FlightLogger LOG = Flight.recorder().logger("orders");
 * LOG.atInfo("order {} filled qty={} px={}").arg(orderId).arg(qty).arg(price).log();
 * }</pre>
 *
 * <p>Thread-safe. The level check is one volatile read; a disabled call also adds one to the exact
 * {@code filtered} counter. An enabled call looks up the calling thread's builder and the template's
 * interned id in a small per-logger cache (identity compare, no hashing beyond the string's cached hash).
 */
public final class FlightLogger {
    private static final int CACHE_SIZE = 32;

    /** One cached template: immutable, so a racing reader sees either a whole entry or none. */
    private record TemplateEntry(String template, int id) {
    }

    private final FlightRecorder recorder;
    private final String target;
    private final int targetId;
    private final TemplateEntry[] templates = new TemplateEntry[CACHE_SIZE];
    /** Code of the lowest enabled level; volatile so that reconfiguration reaches running threads. */
    private volatile int threshold;

    FlightLogger(FlightRecorder recorder, String target, Level threshold) {
        this.recorder = recorder;
        this.target = target;
        this.targetId = recorder.internOrOverflow(target);
        this.threshold = threshold.code();
    }

    /** The target (logger name). */
    public String target() {
        return target;
    }

    /** Whether events of {@code level} are recorded. */
    public boolean isEnabled(Level level) {
        return level.code() >= threshold;
    }

    /** The current threshold. */
    public Level threshold() {
        return Level.ofCode(threshold);
    }

    void setThreshold(Level level) {
        threshold = level.code();
    }

    /**
     * Starts an event. For a disabled level returns a shared no-op builder and counts the call as filtered.
     *
     * @param template message template with {@code {}} placeholders; keep it constant so it is interned once
     * @throws IllegalArgumentException if {@code level} is {@link Level#OFF}
     */
    public EventBuilder at(Level level, String template) {
        if (level.code() < threshold) {
            recorder.filtered.increment();
            return EventBuilder.DISABLED;
        }
        if (level == Level.OFF) {
            throw new IllegalArgumentException("OFF is a threshold, not an event level");
        }
        int id = templateId(template);
        return recorder.threadBuilder().begin(level, targetId, id, template);
    }

    /** {@code at(Level.TRACE, template)}. */
    public EventBuilder atTrace(String template) {
        return at(Level.TRACE, template);
    }

    /** {@code at(Level.DEBUG, template)}. */
    public EventBuilder atDebug(String template) {
        return at(Level.DEBUG, template);
    }

    /** {@code at(Level.INFO, template)}. */
    public EventBuilder atInfo(String template) {
        return at(Level.INFO, template);
    }

    /** {@code at(Level.WARN, template)}. */
    public EventBuilder atWarn(String template) {
        return at(Level.WARN, template);
    }

    /** {@code at(Level.ERROR, template)}. */
    public EventBuilder atError(String template) {
        return at(Level.ERROR, template);
    }

    private int templateId(String template) {
        int index = template.hashCode() & (CACHE_SIZE - 1);
        TemplateEntry entry = templates[index];
        if (entry != null && (entry.template == template || entry.template.equals(template))) {
            return entry.id;
        }
        int id = recorder.interner.intern(template);
        if (id < 0) {
            // Intern table full: the slot carries the template text instead of an id.
            return SlotDescriptor.INLINE_TEMPLATE;
        }
        // A plain store of an immutable entry: a racing thread may miss it and look it up again, never see half of it.
        templates[index] = new TemplateEntry(template, id);
        return id;
    }
}
