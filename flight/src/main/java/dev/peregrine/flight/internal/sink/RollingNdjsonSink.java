package dev.peregrine.flight.internal.sink;

import dev.peregrine.flight.FlightEvent;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Appends events as NDJSON ({@link FlightEvent#toJson()}) to a file and rolls it when it reaches
 * {@code maxBytes}: {@code file} becomes {@code file.1}, {@code file.1} becomes {@code file.2}, ... and
 * files beyond {@code maxFiles} are deleted. Runs on the tailer thread only.
 */
public final class RollingNdjsonSink implements Sink {
    private final Path file;
    private final long maxBytes;
    private final int maxFiles;
    private BufferedWriter writer;
    private long size;

    public RollingNdjsonSink(Path file, long maxBytes, int maxFiles) {
        if (maxBytes < 1024 || maxFiles < 1) {
            throw new IllegalArgumentException("NDJSON file limits too small: maxBytes=" + maxBytes + " (>= 1024), maxFiles=" + maxFiles + " (>= 1)");
        }
        this.file = file;
        this.maxBytes = maxBytes;
        this.maxFiles = maxFiles;
        open();
    }

    private void open() {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            size = Files.exists(file) ? Files.size(file) : 0;
            writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open NDJSON log " + file, e);
        }
    }

    @Override
    public void accept(FlightEvent event) {
        String json = event.toJson();
        try {
            if (size > 0 && size + json.length() + 1 > maxBytes) {
                roll();
            }
            writer.write(json);
            writer.write('\n');
            // Characters, not bytes: close enough for a roll threshold, and it avoids encoding twice.
            size += json.length() + 1;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write NDJSON log " + file, e);
        }
    }

    private void roll() throws IOException {
        writer.close();
        Files.deleteIfExists(numbered(maxFiles));
        for (int i = maxFiles - 1; i >= 1; i--) {
            Path from = numbered(i);
            if (Files.exists(from)) {
                Files.move(from, numbered(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(file, numbered(1), StandardCopyOption.REPLACE_EXISTING);
        open();
    }

    private Path numbered(int i) {
        return file.resolveSibling(file.getFileName() + "." + i);
    }

    @Override
    public void flush() {
        try {
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot flush NDJSON log " + file, e);
        }
    }

    @Override
    public void close() {
        try {
            writer.close();
        } catch (IOException e) {
            System.err.println("flight: cannot close NDJSON log " + file + ": " + e);
        }
    }

    @Override
    public String toString() {
        return "ndjson file " + file;
    }
}
