package dev.peregrine.store;

import java.nio.file.Path;

/**
 * A file is of the right kind (its magic number and format name match) but of a format version this
 * build does not read: written by a newer release, or by one too old to be read any more (a file in
 * the previous release's layout is version 1). Nothing is wrong with the bytes, so this is not a
 * {@link CorruptFileException}: the remedy is another release, not a repair. Files derived from the
 * log (snapshots, index checkpoint, projection checkpoints, view state) are rebuilt instead of failing.
 */
public final class UnsupportedFormatException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int found;
    private final int minSupported;
    private final int maxSupported;

    /**
     * @param file the file
     * @param found the format version the file holds
     * @param minSupported the oldest version this build reads
     * @param maxSupported the newest version this build reads
     */
    public UnsupportedFormatException(Path file, int found, int minSupported, int maxSupported) {
        super(file + " has format version " + found + "; this build reads "
                + (minSupported == maxSupported ? "version " + minSupported
                        : "versions " + minSupported + " to " + maxSupported)
                + (found > maxSupported ? " (written by a newer release)" : " (written by a release too old)"));
        this.file = file;
        this.found = found;
        this.minSupported = minSupported;
        this.maxSupported = maxSupported;
    }

    /** @return the file */
    public Path file() {
        return file;
    }

    /** @return the format version found in the file */
    public int found() {
        return found;
    }

    /** @return the oldest format version this build reads */
    public int minSupported() {
        return minSupported;
    }

    /** @return the newest format version this build reads */
    public int maxSupported() {
        return maxSupported;
    }

    /** @return whether the file is newer than this build reads (otherwise it is too old) */
    public boolean tooNew() {
        return found > maxSupported;
    }
}
