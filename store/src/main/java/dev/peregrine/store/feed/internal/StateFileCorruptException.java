package dev.peregrine.store.feed.internal;

import java.nio.file.Path;

/**
 * A view state file or subscription checkpoint failed its checks. Carries the file, the byte offset
 * and what was expected and found. The view manager answers it by rebuilding the view from the log;
 * a damaged subscription checkpoint fails the opening of that subscription.
 */
public final class StateFileCorruptException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long offset;

    /**
     * @param file the file
     * @param offset the byte offset of the damage
     * @param expected what should be there
     * @param actual what is there
     */
    public StateFileCorruptException(Path file, long offset, String expected, String actual) {
        super(file + " at byte " + offset + ": expected " + expected + ", found " + actual);
        this.file = file;
        this.offset = offset;
    }

    /** @return the damaged file */
    public Path file() {
        return file;
    }

    /** @return the byte offset of the damage */
    public long offset() {
        return offset;
    }
}
