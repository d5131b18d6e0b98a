package dev.peregrine.flight.internal.ring;

import dev.peregrine.flight.Level;

/**
 * One event being assembled by one producer thread before it is published into the ring. Owned by
 * a single thread at a time; reused for every event of that thread, so assembling an event never
 * allocates. Values are kept in parallel primitive arrays: a tag, a long payload (raw double bits
 * for doubles), an object payload (string or throwable) and a key id ({@code -1} for arguments).
 */
public final class PendingEvent {
    /** Most values (arguments plus fields) one event keeps; later ones are dropped and the event marked truncated. */
    public static final int MAX_VALUES = 32;

    /** The slot image the event is encoded into before one bulk copy publishes it (see SlotEncoder). */
    final byte[] image;
    final byte[] tags = new byte[MAX_VALUES];
    final long[] bits = new long[MAX_VALUES];
    final Object[] refs = new Object[MAX_VALUES];
    final int[] keys = new int[MAX_VALUES];
    int count;
    int argCount;
    boolean truncated;
    /** Whether every argument precedes every field, so the ring can write values in one pass. */
    boolean argsFirst;
    /** Whether any value holds a reference (string, throwable) that {@link #clearRefs} must drop. */
    boolean hasRefs;

    Level level;
    int targetId;
    int templateId;
    String inlineTemplate;
    long threadId;
    int threadNameId;

    /** An event for a ring with slots of {@code slotBytes} bytes. */
    public PendingEvent(int slotBytes) {
        this.image = new byte[slotBytes];
    }

    /** Starts a new event, forgetting the previous one's values. */
    public void begin(Level level, int targetId, int templateId, String inlineTemplate, long threadId, int threadNameId) {
        this.level = level;
        this.targetId = targetId;
        this.templateId = templateId;
        this.inlineTemplate = inlineTemplate;
        this.threadId = threadId;
        this.threadNameId = threadNameId;
        this.count = 0;
        this.argCount = 0;
        this.truncated = false;
        this.argsFirst = true;
        this.hasRefs = false;
    }

    /** Level of the event being assembled. */
    public Level level() {
        return level;
    }

    /** Adds a value; {@code key} is an interned key id for a field, {@code -1} for an argument. */
    public void add(int key, byte tag, long payload, Object ref) {
        int i = count;
        if (i == MAX_VALUES) {
            truncated = true;
            return;
        }
        tags[i] = tag;
        bits[i] = payload;
        keys[i] = key;
        if (ref != null) {
            refs[i] = ref;
            hasRefs = true;
        }
        count = i + 1;
        if (key < 0) {
            if (argCount != i) {
                argsFirst = false;
            }
            argCount++;
        }
    }

    /** Drops references to strings and throwables so they can be collected. */
    public void clearRefs() {
        if (hasRefs) {
            for (int i = 0; i < count; i++) {
                refs[i] = null;
            }
        }
        inlineTemplate = null;
    }
}
