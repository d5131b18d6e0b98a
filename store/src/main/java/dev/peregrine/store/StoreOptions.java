package dev.peregrine.store;

import dev.peregrine.record.FieldDictionary;

import java.time.Duration;
import java.util.Objects;

/**
 * Immutable configuration of an {@link EventStore}. Every option has a documented default, so
 * {@code StoreOptions.defaults()} is a working configuration.
 *
 * <pre>{@code
 * StoreOptions options = StoreOptions.builder()
 *         .durability(Durability.parse("interval:5"))
 *         .segmentBytes(256 << 20)
 *         .build();
 * }</pre>
 *
 * @param durability when appends are acknowledged; default {@link Durability#fsync()}
 * @param segmentBytes size each segment file is preallocated to; default 128 MiB, at least 64 KiB.
 *        An event (and a batch) must fit in one segment.
 * @param snapshotEvery take a snapshot of an entity every this many events of its stream; default
 *        1,000; 0 disables automatic snapshots ({@link EventStore#createSnapshot} still works)
 * @param maxPayloadBytes largest payload plus metadata of one event, in encoded record bytes; default
 *        1 MiB, or a quarter of the segment size if that is smaller
 * @param maxBatchEvents most events in one atomic batch; default 100,000
 * @param maxQueryLimit largest page a query may ask for, and the page size when it gives none;
 *        default 10,000
 * @param repairCorruption when {@code true}, a corrupt entry found on open truncates the log there
 *        (losing it and everything after it, which is logged) instead of failing with
 *        {@link CorruptLogException}; default {@code false}
 * @param builtInProjections register the built-in {@code entity_snapshots} and {@code event_counters}
 *        projections on open; default {@code true}
 * @param followerCheckpointEvery how often every reader that follows the log persists where it is:
 *        each projection its state and position, the views their state, after this many entries
 *        consumed; default 100,000 (and always on close). Lower means a shorter replay after a crash
 *        and more checkpoint writes.
 * @param maxFieldNames most distinct field names (payload and metadata keys, at every nesting level)
 *        the store holds; an append that needs more fails with {@link FieldNameLimitException} and
 *        stores nothing; default {@value #DEFAULT_MAX_FIELD_NAMES}, at most
 *        {@link FieldDictionary#MAX_NAMES}. A store already holding more names opens with all of them
 *        and accepts no new one.
 * @param minFreeBytes the free disk space appends leave: a write that would leave less is refused with
 *        {@link InsufficientSpaceException} (nothing stored; retried writes succeed once space is
 *        freed); default 0, off. Give it at least one segment's size so a segment roll always fits.
 * @param releaseResidentEvery how often the store drops the pages of its mapped files (log segments,
 *        index memory) from the process's resident set, so that its RSS stays near what was touched
 *        in one interval rather than growing with the log; the pages stay in the page cache and the
 *        next access maps them again (a minor fault). Default 30 s; {@link Duration#ZERO} never.
 */
public record StoreOptions(Durability durability, int segmentBytes, int snapshotEvery, int maxPayloadBytes,
                           int maxBatchEvents, int maxQueryLimit, boolean repairCorruption,
                           boolean builtInProjections, int followerCheckpointEvery, int maxFieldNames,
                           long minFreeBytes, Duration releaseResidentEvery) {

    /** Smallest allowed segment. */
    public static final int MIN_SEGMENT_BYTES = 64 * 1024;

    /**
     * 100,000 distinct field names. Real schemas use hundreds to a few thousand keys; past that, keys
     * are nearly always values in disguise (ids, timestamps, user input used as keys), which make the
     * dictionary grow without bound. Each name costs about 100 bytes of heap plus its UTF-8 bytes, and
     * is loaded on every open, so this default keeps the dictionary to roughly 10–20 MB of heap at
     * most while leaving two orders of magnitude of headroom.
     */
    public static final int DEFAULT_MAX_FIELD_NAMES = 100_000;

    /** Validates the options; every builder path goes through here. */
    public StoreOptions {
        Objects.requireNonNull(durability, "durability");
        if (segmentBytes < MIN_SEGMENT_BYTES) {
            throw new IllegalArgumentException("segmentBytes must be at least " + MIN_SEGMENT_BYTES + ", got " + segmentBytes);
        }
        if (snapshotEvery < 0) {
            throw new IllegalArgumentException("snapshotEvery must be >= 0, got " + snapshotEvery);
        }
        if (maxPayloadBytes < 16 || maxPayloadBytes > segmentBytes / 2) {
            throw new IllegalArgumentException("maxPayloadBytes must be between 16 and half a segment ("
                    + segmentBytes / 2 + "), got " + maxPayloadBytes);
        }
        if (maxBatchEvents < 1) {
            throw new IllegalArgumentException("maxBatchEvents must be >= 1, got " + maxBatchEvents);
        }
        if (maxQueryLimit < 1) {
            throw new IllegalArgumentException("maxQueryLimit must be >= 1, got " + maxQueryLimit);
        }
        if (followerCheckpointEvery < 1) {
            throw new IllegalArgumentException("followerCheckpointEvery must be >= 1, got " + followerCheckpointEvery);
        }
        Objects.requireNonNull(releaseResidentEvery, "releaseResidentEvery");
        if (releaseResidentEvery.isNegative()) {
            throw new IllegalArgumentException("releaseResidentEvery must not be negative, got " + releaseResidentEvery);
        }
        if (minFreeBytes < 0) {
            throw new IllegalArgumentException("minFreeBytes must be >= 0, got " + minFreeBytes);
        }
        if (maxFieldNames < 1 || maxFieldNames > FieldDictionary.MAX_NAMES) {
            throw new IllegalArgumentException("maxFieldNames must be between 1 and " + FieldDictionary.MAX_NAMES
                    + ", got " + maxFieldNames);
        }
    }

    /** @return every option at its default */
    public static StoreOptions defaults() {
        return builder().build();
    }

    /** @return a builder starting from the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder starting from these options */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.durability = durability;
        b.segmentBytes = segmentBytes;
        b.snapshotEvery = snapshotEvery;
        b.maxPayloadBytes = maxPayloadBytes;
        b.maxBatchEvents = maxBatchEvents;
        b.maxQueryLimit = maxQueryLimit;
        b.repairCorruption = repairCorruption;
        b.builtInProjections = builtInProjections;
        b.followerCheckpointEvery = followerCheckpointEvery;
        b.maxFieldNames = maxFieldNames;
        b.minFreeBytes = minFreeBytes;
        b.releaseResidentEvery = releaseResidentEvery;
        return b;
    }

    /** Mutable builder; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private Durability durability = Durability.fsync();
        private int segmentBytes = 128 << 20;
        private int snapshotEvery = 1_000;
        private int maxPayloadBytes = -1; // default: min(1 MiB, segmentBytes / 4), see build()
        private int maxBatchEvents = 100_000;
        private int maxQueryLimit = 10_000;
        private boolean repairCorruption;
        private boolean builtInProjections = true;
        private int followerCheckpointEvery = 100_000;
        private int maxFieldNames = DEFAULT_MAX_FIELD_NAMES;
        private long minFreeBytes;
        private Duration releaseResidentEvery = Duration.ofSeconds(30);

        private Builder() {
        }

        /** @param value durability policy @return this builder */
        public Builder durability(Durability value) {
            this.durability = value;
            return this;
        }

        /** @param value segment file size in bytes @return this builder */
        public Builder segmentBytes(int value) {
            this.segmentBytes = value;
            return this;
        }

        /** @param value events per entity between automatic snapshots, 0 to disable @return this builder */
        public Builder snapshotEvery(int value) {
            this.snapshotEvery = value;
            return this;
        }

        /** @param value largest payload + metadata in bytes @return this builder */
        public Builder maxPayloadBytes(int value) {
            this.maxPayloadBytes = value;
            return this;
        }

        /** @param value most events per batch @return this builder */
        public Builder maxBatchEvents(int value) {
            this.maxBatchEvents = value;
            return this;
        }

        /** @param value largest query page @return this builder */
        public Builder maxQueryLimit(int value) {
            this.maxQueryLimit = value;
            return this;
        }

        /** @param value truncate at a corrupt entry instead of refusing to open @return this builder */
        public Builder repairCorruption(boolean value) {
            this.repairCorruption = value;
            return this;
        }

        /** @param value register the built-in projections @return this builder */
        public Builder builtInProjections(boolean value) {
            this.builtInProjections = value;
            return this;
        }

        /**
         * @param value entries consumed between two checkpoints of each projection and of the views
         * @return this builder
         */
        public Builder followerCheckpointEvery(int value) {
            this.followerCheckpointEvery = value;
            return this;
        }

        /** @param value most distinct field names the store holds @return this builder */
        public Builder maxFieldNames(int value) {
            this.maxFieldNames = value;
            return this;
        }

        /**
         * @param value free disk space, in bytes, below which appends are refused; 0 for no watermark
         * @return this builder
         */
        public Builder minFreeBytes(long value) {
            this.minFreeBytes = value;
            return this;
        }

        /**
         * @param value time between two releases of the mapped files' pages from the resident set;
         *        {@link Duration#ZERO} for none
         * @return this builder
         */
        public Builder releaseResidentEvery(Duration value) {
            this.releaseResidentEvery = value;
            return this;
        }

        /** @return the validated options */
        public StoreOptions build() {
            int payload = maxPayloadBytes > 0 ? maxPayloadBytes : Math.min(1 << 20, segmentBytes / 4);
            return new StoreOptions(durability, segmentBytes, snapshotEvery, payload, maxBatchEvents,
                    maxQueryLimit, repairCorruption, builtInProjections, followerCheckpointEvery, maxFieldNames,
                    minFreeBytes, releaseResidentEvery);
        }
    }
}
