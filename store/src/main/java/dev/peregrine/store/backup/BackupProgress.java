package dev.peregrine.store.backup;

/**
 * Told how far a backup or a restore has got, on the thread doing it, after each chunk it copied or
 * checked. Must return quickly.
 */
@FunctionalInterface
public interface BackupProgress {

    /** Ignores progress. */
    BackupProgress NONE = (done, total) -> { };

    /**
     * @param done bytes copied or checked so far
     * @param total bytes the whole operation copies or checks
     */
    void progress(long done, long total);
}
