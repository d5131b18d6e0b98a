package dev.peregrine.server;

import dev.peregrine.record.FieldDictionary;
import dev.peregrine.store.AppendResult;
import dev.peregrine.store.NewEvent;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Streamed bulk ingest of {@code application/x-ndjson} (one event per line) for loads of any
 * size: lines are parsed as they arrive and appended in chunks of at most
 * {@link ServerLimits#ndjsonChunkEvents()} events, each chunk one atomic append (one group commit).
 * While one chunk is being appended the next one is parsed; when that one is full too, the request
 * is paused until the append completes. Memory stays bounded by two chunks plus one network buffer,
 * parsing overlaps the fsync, and TCP flow control slows the client down instead of the server
 * buffering. Chunks are appended strictly one after the other, so a failed chunk is never followed
 * by a stored one.
 *
 * <p>Atomicity: each chunk is all-or-nothing; the load as a whole is not. On the first bad line
 * (malformed, invalid, over a limit) the events of the lines before it are appended, nothing from
 * that line on is, and the answer is a 4xx whose body gives the {@code line} and how many events
 * were {@code ingested}, so the client can fix the line and resume after it. A store error
 * (a version conflict) fails its whole chunk the same way.
 *
 * <p>Confined to the request's event loop: the store's completions are brought back to it.
 */
final class NdjsonIngest {
    /** The content type that selects streamed NDJSON ingest on {@code /api/v1/events/batch}. */
    static final String MEDIA_TYPE = "application/x-ndjson";

    private final Exchange exchange;
    private final Services services;
    private final HttpServerRequest request;
    private final LineSplitter splitter;
    private List<NewEvent> pending = new ArrayList<>();
    // New names of the lines parsed since the last chunk was cut; the store adds those its events use.
    private FieldDictionary draft;
    private boolean appending;
    private boolean ended;
    private Throwable failure;
    private long failedLine;
    private long ingested;
    private long firstPosition;
    private long lastPosition;

    private NdjsonIngest(Exchange exchange) {
        this.exchange = exchange;
        this.services = exchange.services();
        this.request = exchange.request();
        this.splitter = new LineSplitter(services.limits().maxBodyBytes());
        this.draft = services.parser().draft();
    }

    static void start(Exchange exchange) {
        NdjsonIngest ingest = new NdjsonIngest(exchange);
        HttpServerRequest request = exchange.request();
        request.handler(chunk -> {
            if (ingest.failure != null) {
                return; // draining the rest of a refused body
            }
            try {
                ingest.splitter.feed(chunk, ingest::line);
            } catch (RuntimeException e) {
                ingest.refuse(e, ingest.splitter.lineNumber() + 1);
            }
            ingest.flushIfFull();
        });
        request.exceptionHandler(exchange::fail);
        request.endHandler(ignored -> {
            if (ingest.failure == null) {
                try {
                    ingest.splitter.finish(ingest::line);
                } catch (RuntimeException e) {
                    ingest.refuse(e, ingest.splitter.lineNumber());
                }
            }
            ingest.ended = true;
            ingest.flushOrFinish();
        });
    }

    private void line(byte[] bytes, int offset, int length, long lineNumber) {
        if (failure != null) {
            return;
        }
        try {
            pending.add(services.parser().line(draft, bytes, offset, length, lineNumber));
        } catch (Exception e) {
            refuse(e, lineNumber);
        }
    }

    /** Remembers the first bad line; what came before it is still appended. */
    private void refuse(Throwable cause, long lineNumber) {
        if (failure == null) {
            failure = cause;
            failedLine = lineNumber;
        }
    }

    private void flushIfFull() {
        if (pending.size() < services.limits().ndjsonChunkEvents()) {
            return;
        }
        if (appending) {
            request.pause(); // the next chunk is ready: wait for the one in flight
        } else {
            appendPending();
        }
    }

    private void flushOrFinish() {
        if (appending) {
            return;
        }
        if (!pending.isEmpty() && (ended || failure != null || pending.size() >= services.limits().ndjsonChunkEvents())) {
            appendPending();
        } else if (ended) {
            answer();
        }
    }

    private void appendPending() {
        int chunkSize = Math.min(pending.size(), services.limits().ndjsonChunkEvents());
        List<NewEvent> chunk = new ArrayList<>(pending.subList(0, chunkSize));
        pending = new ArrayList<>(pending.subList(chunkSize, pending.size()));
        draft = services.parser().draft();
        appending = true;
        EventRoutes.append(services, chunk).whenComplete((results, error) -> exchange.onEventLoop(() -> {
            appending = false;
            if (error != null) {
                // The chunk failed as a whole: drop what is pending after it too, and report.
                pending.clear();
                if (failure == null) {
                    failure = error;
                    failedLine = -1;
                }
            } else {
                acknowledge(results);
            }
            if (!ended) {
                request.resume();
            }
            flushOrFinish();
        }));
    }

    private void acknowledge(List<AppendResult> results) {
        if (results.isEmpty()) {
            return;
        }
        if (firstPosition == 0) {
            firstPosition = results.getFirst().position();
        }
        lastPosition = results.getLast().position();
        ingested += results.size();
    }

    private void answer() {
        if (failure != null) {
            ErrorMapper.Mapped mapped = ErrorMapper.map(failure, exchange);
            String where = failedLine > 0 ? "line " + failedLine + ": " : "";
            exchange.json(mapped.status(), g -> {
                g.writeStartObject();
                g.writeStringField("error", mapped.message().startsWith("line ") ? mapped.message() : where + mapped.message());
                if (failedLine > 0) {
                    g.writeNumberField("line", failedLine);
                }
                g.writeNumberField("ingested", ingested);
                mapped.writeDetails(g);
                g.writeEndObject();
            });
            return;
        }
        exchange.json(200, g -> {
            g.writeStartObject();
            g.writeNumberField("total", ingested);
            g.writeNumberField("ingested", ingested);
            g.writeNumberField("first_position", firstPosition);
            g.writeNumberField("last_position", lastPosition);
            g.writeEndObject();
        });
    }
}
