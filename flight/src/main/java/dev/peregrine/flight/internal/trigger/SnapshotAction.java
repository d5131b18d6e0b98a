package dev.peregrine.flight.internal.trigger;

/** Takes a snapshot with the given reason; reports failures itself (triggers run where nobody can catch). */
@FunctionalInterface
public interface SnapshotAction {
    void snapshot(String reason);
}
