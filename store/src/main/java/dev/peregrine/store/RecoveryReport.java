package dev.peregrine.store;

import java.util.List;
import java.util.Objects;

/**
 * What opening the store did to its directory: the damage recovery found and removed, and how much
 * of the log it indexed again. After a clean close the report is {@linkplain #clean() clean} and
 * only {@link #entriesReplayed()} may be non-zero (when the index checkpoint could not be written).
 *
 * <pre>{@code
 * RecoveryReport report = store.diagnostics().recovery();
 * if (!report.clean()) {
 *     report.actions().forEach(a -> log.warn("recovery: {}", a));
 * }
 * }</pre>
 *
 * <p>{@code docs/durability.md} says when each action is taken. Immutable.
 *
 * @param bytesTruncated bytes of log cut from files that were kept: torn tails, incomplete batches
 *                       and (with {@link StoreOptions#repairCorruption()}) damaged entries and what
 *                       followed them
 * @param entriesDropped complete, valid entries dropped because the rest of their atomic batch was
 *                       missing
 * @param entriesReplayed entries indexed from the log because the index checkpoint did not cover
 *                        them (every entry when there was no usable checkpoint)
 * @param filesRepaired files truncated at damage by {@link StoreOptions#repairCorruption()}
 * @param filesDeleted files deleted: a segment whose creation was interrupted, and segments after
 *                     repaired damage
 * @param actions every action taken, in order
 */
public record RecoveryReport(long bytesTruncated, long entriesDropped, long entriesReplayed, int filesRepaired,
                             int filesDeleted, List<Action> actions) {

    /** What one recovery action was. */
    public enum Kind {
        /** The bytes after the last valid entry of the last segment were a write the crash interrupted. */
        TORN_TAIL_TRUNCATED,
        /** The last batch was missing entries; its complete entries were dropped too. */
        INCOMPLETE_BATCH_DROPPED,
        /** Repair truncated a segment at a damaged entry. */
        DAMAGE_TRUNCATED,
        /** Repair deleted a segment that followed damage. */
        SEGMENT_DELETED,
        /** The last segment held nothing but its (possibly partial) header: its creation was interrupted. */
        BLANK_SEGMENT_DELETED
    }

    /**
     * One action.
     *
     * @param kind what was done
     * @param file the file's name (never its full path)
     * @param offset the byte offset in the file where the action began (0 for a deleted file)
     * @param bytes the bytes it removed (a deleted file's size)
     * @param detail what was found there, in words (positions, the failed check)
     */
    public record Action(Kind kind, String file, long offset, long bytes, String detail) {

        /**
         * @throws NullPointerException if kind, file or detail is null
         */
        public Action {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(detail, "detail");
        }

        /** @return the action in words, for logs */
        @Override
        public String toString() {
            String what = switch (kind) {
                case TORN_TAIL_TRUNCATED -> "truncated the torn tail of " + file + " at offset " + offset;
                case INCOMPLETE_BATCH_DROPPED -> "dropped an incomplete batch at the end of " + file + " at offset " + offset;
                case DAMAGE_TRUNCATED -> "repair: truncated " + file + " at the damaged entry at offset " + offset;
                case SEGMENT_DELETED -> "repair: deleted " + file + ", which followed damage";
                case BLANK_SEGMENT_DELETED -> "deleted " + file + ": its creation was interrupted before any entry";
            };
            return what + " (" + bytes + " bytes): " + detail;
        }
    }

    /**
     * @throws NullPointerException if actions is null
     */
    public RecoveryReport {
        actions = List.copyOf(actions);
    }

    /** @return whether recovery found nothing to remove ({@link #actions()} is empty) */
    public boolean clean() {
        return actions.isEmpty();
    }
}
