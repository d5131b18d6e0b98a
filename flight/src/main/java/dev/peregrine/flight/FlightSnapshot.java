package dev.peregrine.flight;

import dev.peregrine.flight.internal.codec.SnapshotParser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A snapshot file read back into memory: its header and its events in sequence order. Immutable.
 *
 * <pre>{@code
 * FlightSnapshot snapshot = FlightSnapshot.read(Path.of("flight-orders-20261121T230259Z-4242-sigterm.pgfl"));
 * for (FlightEvent e : snapshot.events()) {
 *     System.out.println(e.level() + " " + e.target() + " " + e.message());
 * }
 * }</pre>
 *
 * @param file   the file read
 * @param header header and accounting
 * @param events events, oldest first
 */
public record FlightSnapshot(Path file, SnapshotHeader header, List<FlightEvent> events) {

    /** Copies the list so the snapshot stays immutable. */
    public FlightSnapshot {
        events = List.copyOf(events);
    }

    /**
     * Reads and fully verifies a snapshot file (magic, version, checksums, structure).
     *
     * @throws SnapshotFormatException if the file is not a snapshot, has an unsupported version, is
     *                                 truncated or is corrupt; the message names the file and position
     * @throws IOException             if the file cannot be read
     */
    public static FlightSnapshot read(Path file) throws IOException {
        return SnapshotParser.parse(file);
    }
}
