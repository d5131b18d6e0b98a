package dev.peregrine.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code peregrine ingest FILE.ndjson}: bulk-loads one event per line through the NDJSON endpoint,
 * in requests of {@code --chunk} lines, with a progress bar on stderr counting acknowledged events.
 * On a bad line it stops and says which, how many events were stored, and how to resume.
 */
@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        description = {"Load events from an NDJSON file (one event object per line; '-' reads stdin).",
                "Each line: {\"event_type\":…,\"entity_id\":…,\"payload\":{…}[,\"metadata\",\"tenant_id\",\"event_id\","
                        + "\"expected_version\"]}.",
                "Lines are sent in requests of --chunk lines; each is stored before the next is sent.",
                "On a bad line nothing from it on is stored; fix it and resume with --skip-lines."})
final class IngestCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "FILE", description = "NDJSON file, or '-' for standard input.")
    String file;

    @Option(names = "--chunk", defaultValue = "10000",
            description = "Lines per request (default ${DEFAULT-VALUE}).")
    int chunkLines;

    @Option(names = "--skip-lines", defaultValue = "0",
            description = "Skip this many lines first, to resume after an error (default ${DEFAULT-VALUE}).")
    long skipLines;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Override
    int run(ApiClient client) throws IOException {
        if (chunkLines <= 0) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--chunk must be positive");
        }
        boolean stdin = "-".equals(file);
        long size = stdin ? 0 : Files.size(Path.of(file));
        ProgressBar progress = new ProgressBar(System.err, "events", size);
        long stored = 0;
        long linesRead = 0;
        long bytesRead = 0;
        try (InputStream in = new BufferedInputStream(stdin ? System.in : Files.newInputStream(Path.of(file)), 1 << 16)) {
            ByteArrayOutputStream chunk = new ByteArrayOutputStream(1 << 20);
            ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
            long chunkFirstLine = skipLines + 1;
            int linesInChunk = 0;
            while (true) {
                boolean more = readLine(in, line);
                if (!more && line.size() == 0) {
                    break;
                }
                linesRead++;
                bytesRead += line.size() + 1;
                if (linesRead <= skipLines) {
                    line.reset();
                    continue;
                }
                line.writeTo(chunk);
                chunk.write('\n');
                line.reset();
                linesInChunk++;
                if (linesInChunk == chunkLines) {
                    stored += send(client, chunk, chunkFirstLine, stored);
                    chunkFirstLine += linesInChunk;
                    linesInChunk = 0;
                    chunk.reset();
                    if (!quiet) {
                        progress.update(stored, bytesRead);
                    }
                }
                if (!more) {
                    break;
                }
            }
            if (linesInChunk > 0) {
                stored += send(client, chunk, chunkFirstLine, stored);
            }
        } catch (IngestFailure failure) {
            if (!quiet) {
                progress.finish(failure.storedBefore, bytesRead);
            }
            System.err.println("peregrine: " + failure.getMessage());
            return 1;
        }
        if (!quiet) {
            progress.finish(stored, bytesRead);
        }
        System.out.println("ingested " + stored + " events from " + (stdin ? "stdin" : file));
        return 0;
    }

    /** Reads up to '\n' (excluded) into {@code line}; false at the end of the input. */
    private static boolean readLine(InputStream in, ByteArrayOutputStream line) throws IOException {
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                return true;
            }
            line.write(b);
        }
        return false;
    }

    /** Sends one chunk; returns how many events it stored, or throws saying where it failed. */
    private static long send(ApiClient client, ByteArrayOutputStream chunk, long firstLine, long storedBefore) {
        try {
            return ApiClient.number(client.post("/api/v1/events/batch", "application/x-ndjson", chunk.toByteArray()), "ingested");
        } catch (ApiClient.ApiError e) {
            long line = ApiClient.number(e.body(), "line");
            long ingested = Math.max(0, ApiClient.number(e.body(), "ingested"));
            long stored = storedBefore + ingested;
            if (line > 0) {
                // The server numbers the lines of this request; "problem" is its message without that number.
                long absolute = firstLine + line - 1;
                String problem = ApiClient.text(e.body(), "problem").orElse(e.getMessage());
                throw new IngestFailure("line " + absolute + ": " + problem + " (HTTP " + e.status() + "). "
                        + stored + " events were stored before it; after fixing it, resume with --skip-lines "
                        + (absolute - 1), stored);
            }
            throw new IngestFailure("HTTP " + e.status() + ": " + e.getMessage() + ". " + stored
                    + " events were stored; the chunk starting at line " + firstLine + " was not", stored);
        }
    }

    /** A top-level integer field of a JSON object, -1 when absent or unreadable. */
    /** The load stopped; carries how many events were stored before. */
    private static final class IngestFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final long storedBefore;

        IngestFailure(String message, long storedBefore) {
            super(message);
            this.storedBefore = storedBefore;
        }
    }
}
