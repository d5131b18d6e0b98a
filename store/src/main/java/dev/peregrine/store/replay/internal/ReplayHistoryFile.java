package dev.peregrine.store.replay.internal;

import dev.peregrine.store.framing.AtomicFile;
import dev.peregrine.store.framing.FileBody;
import dev.peregrine.store.framing.FileFormat;
import dev.peregrine.store.replay.ReplayProgress;
import dev.peregrine.store.replay.ReplayRequest;
import dev.peregrine.store.replay.ReplayStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code replays.state}: every kept replay, as of its last change, in one {@link AtomicFile} of format
 * {@link #FORMAT}, rewritten when a replay starts, ends or is deleted (never per entry). Only the
 * history lives here: a shadow's state is in memory until it is swapped in, and then persisted by its
 * target, so this file never has to agree with a view's or projection's own files.
 *
 * <p>Body (little-endian; a string is a u32 length and UTF-8):
 * <pre>
 * u32 count, then per replay, oldest first:
 *   u64 id, most significant half;  u64 id, least significant half
 *   u8  target (0 VIEW, 1 PROJECTION);  string name
 *   u8  status (0 RUNNING, 1 COMPLETED, 2 FAILED, 3 CANCELLED)
 *   u64 from position;  u64 target position;  u64 processed events;  u64 swapped-at position
 *   i64 started at, ns since the epoch;  i64 completed at, ns since the epoch, or -1
 *   u8  has error (0 or 1);  string error when 1
 * </pre>
 * Stateless.
 */
final class ReplayHistoryFile {
    /** Version 2 is the first: the framing's versions start there. */
    static final FileFormat FORMAT = FileFormat.of("replay-history", 2, null);
    private static final int MIN_ENTRY = 16 + 1 + 4 + 1 + 32 + 16 + 1;

    private ReplayHistoryFile() {
    }

    static List<ReplayProgress> read(Path file) {
        Optional<FileBody> body = AtomicFile.read(file, FORMAT);
        if (body.isEmpty()) {
            return List.of();
        }
        FileBody in = body.get();
        int count = in.getCount(MIN_ENTRY);
        List<ReplayProgress> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            UUID id = new UUID(in.getLong(), in.getLong());
            ReplayRequest.Target target = pick(in, ReplayRequest.Target.values(), "a target");
            String name = in.getString();
            ReplayStatus status = pick(in, ReplayStatus.values(), "a status");
            long from = in.getLong();
            long targetPosition = in.getLong();
            long processed = in.getLong();
            long swapped = in.getLong();
            Instant started = instant(in.getLong());
            long completed = in.getLong();
            boolean hasError = pick(in, new Boolean[] {false, true}, "a flag");
            Optional<String> error = hasError ? Optional.of(in.getString()) : Optional.empty();
            out.add(new ReplayProgress(id, target, name, status, from, targetPosition, processed, started,
                    completed < 0 ? Optional.empty() : Optional.of(instant(completed)), swapped, error,
                    Instant.now()));
        }
        in.expectEnd();
        return out;
    }

    private static <T> T pick(FileBody in, T[] values, String what) {
        int b = in.getByte();
        if (b < 0 || b >= values.length) {
            throw in.corrupt(what + " 0-" + (values.length - 1), Integer.toString(b));
        }
        return values[b];
    }

    static void write(Path file, List<ReplayProgress> replays) {
        AtomicFile.write(file, FORMAT, out -> {
            out.putInt(replays.size());
            for (ReplayProgress r : replays) {
                out.putLong(r.id().getMostSignificantBits());
                out.putLong(r.id().getLeastSignificantBits());
                out.putByte((byte) r.target().ordinal());
                out.putString(r.name());
                out.putByte((byte) r.status().ordinal());
                out.putLong(r.fromPosition());
                out.putLong(r.targetPosition());
                out.putLong(r.processedEvents());
                out.putLong(r.swappedAtPosition());
                out.putLong(nanos(r.startedAt()));
                out.putLong(r.completedAt().map(ReplayHistoryFile::nanos).orElse(-1L));
                out.putByte((byte) (r.error().isPresent() ? 1 : 0));
                if (r.error().isPresent()) {
                    out.putString(r.error().get());
                }
            }
        });
    }

    private static long nanos(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }

    private static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }
}
