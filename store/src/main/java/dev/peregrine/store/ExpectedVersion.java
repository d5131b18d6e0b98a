package dev.peregrine.store;

/**
 * What an append expects of its entity's stream version, checked by the sequencer at the moment the
 * event is ordered. A mismatch fails the whole batch with {@link ConcurrencyConflictException}.
 *
 * <p>The version of a stream is the number of (visible) events in it; an entity with no events, or a
 * tombstoned one, has version 0.
 *
 * @param kind which check to make
 * @param version the exact version expected; meaningful only for {@link Kind#EXACT}
 */
public record ExpectedVersion(Kind kind, long version) {

    /** The four checks. */
    public enum Kind {
        /** No check. */
        ANY,
        /** The stream must not exist (version 0); also the way to re-create a tombstoned entity. */
        NO_STREAM,
        /** The stream must exist (version ≥ 1). */
        EXISTS,
        /** The stream must be at exactly {@link #version()}. */
        EXACT
    }

    private static final ExpectedVersion ANY = new ExpectedVersion(Kind.ANY, -1);
    private static final ExpectedVersion NO_STREAM = new ExpectedVersion(Kind.NO_STREAM, 0);
    private static final ExpectedVersion EXISTS = new ExpectedVersion(Kind.EXISTS, -1);

    /** Validates the components. */
    public ExpectedVersion {
        if (kind == Kind.EXACT && version < 0) {
            throw new IllegalArgumentException("expected version must be >= 0, got " + version);
        }
    }

    /** @return no check (the default) */
    public static ExpectedVersion any() {
        return ANY;
    }

    /** @return the stream must not exist yet */
    public static ExpectedVersion noStream() {
        return NO_STREAM;
    }

    /** @return the stream must have at least one event */
    public static ExpectedVersion exists() {
        return EXISTS;
    }

    /**
     * @param version the stream version expected before this append (0 is the same as no stream)
     * @return the stream must be at exactly {@code version}
     */
    public static ExpectedVersion exact(long version) {
        return new ExpectedVersion(Kind.EXACT, version);
    }

    /**
     * @param current the stream's current version
     * @return whether a stream at {@code current} satisfies this expectation
     */
    public boolean matches(long current) {
        return switch (kind) {
            case ANY -> true;
            case NO_STREAM -> current == 0;
            case EXISTS -> current > 0;
            case EXACT -> current == version;
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case ANY -> "any";
            case NO_STREAM -> "no_stream";
            case EXISTS -> "exists";
            case EXACT -> Long.toString(version);
        };
    }
}
