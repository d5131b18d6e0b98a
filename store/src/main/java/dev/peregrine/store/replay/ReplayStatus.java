package dev.peregrine.store.replay;

/** Where a replay is in its life. */
public enum ReplayStatus {
    /** Reading the log into the shadow state; the live state serves reads. */
    RUNNING,
    /** The rebuilt state caught up and replaced the live one. */
    COMPLETED,
    /** The rebuild failed, or the store stopped without a clean close while it ran; the live state was kept. */
    FAILED,
    /** Cancelled, or the store was closed while it ran; the live state was kept. */
    CANCELLED;

    /** @return whether the replay has ended */
    public boolean finished() {
        return this != RUNNING;
    }
}
