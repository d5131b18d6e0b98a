package dev.peregrine.store.view.internal;

import java.nio.file.Path;

/**
 * A view state file failed its checks. Carries the file, the byte offset and what was expected and
 * found; the view manager answers it by rebuilding the view from the log.
 */
public final class ViewStateCorruptException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long offset;

    ViewStateCorruptException(Path file, long offset, String expected, String actual) {
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
