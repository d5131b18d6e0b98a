package dev.peregrine.server;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The server process's own log, as the web console's server log page reads it
 * ({@code GET /api/v1/log}, {@code POST /api/v1/log/snapshots}). The embedding application hands one
 * in with {@link ServerConfig.Builder#serverLog}; {@code peregrine serve} hands its flight recorder,
 * which keeps the server module free of any logging backend. Implementations are thread-safe.
 */
public interface ServerLog {

    /**
     * One log event.
     *
     * @param sequence increasing from one line to the next; what {@link #recent} continues after
     * @param time when it was logged
     * @param level {@code TRACE}, {@code DEBUG}, {@code INFO}, {@code WARN} or {@code ERROR}
     * @param thread the logging thread's name
     * @param target the logger's name
     * @param message the formatted message
     */
    record Line(long sequence, Instant time, String level, String thread, String target, String message) {
    }

    /**
     * The newest lines after {@code afterSequence}, oldest first.
     *
     * @param afterSequence the last sequence already seen, -1 for none
     * @param max most lines to return, at least 1
     */
    List<Line> recent(long afterSequence, int max);

    /**
     * Writes the whole log as a snapshot file (in the log's own format) and returns it.
     *
     * @throws IOException when the file cannot be written
     */
    Path snapshot() throws IOException;
}
