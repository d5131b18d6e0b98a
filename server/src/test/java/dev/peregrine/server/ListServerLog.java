package dev.peregrine.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ServerLog} over a list, for tests of the log endpoints and page without a flight
 * recorder (the server module does not depend on flight; the cli's adapter is tested there).
 * Snapshots are text files of the lines, in a directory of the test's.
 */
final class ListServerLog implements ServerLog {
    private final List<Line> lines = new ArrayList<>();
    private final Path snapshots;
    private int written;

    ListServerLog(Path snapshots) {
        this.snapshots = snapshots;
    }

    synchronized Line add(String level, String target, String message) {
        Line line = new Line(lines.size(), Instant.now(), level, "test-thread", target, message);
        lines.add(line);
        return line;
    }

    @Override
    public synchronized List<Line> recent(long afterSequence, int max) {
        int from = (int) Math.max(afterSequence + 1, lines.size() - (long) max);
        return List.copyOf(lines.subList(Math.min(from, lines.size()), lines.size()));
    }

    @Override
    public synchronized Path snapshot() {
        StringBuilder text = new StringBuilder();
        lines.forEach(line -> text.append(line.level()).append(' ').append(line.message()).append('\n'));
        try {
            Files.createDirectories(snapshots);
            return Files.writeString(snapshots.resolve("snapshot-" + ++written + ".txt"), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
