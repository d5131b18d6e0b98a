package dev.peregrine.server;

import dev.peregrine.record.FieldDictionary;
import dev.peregrine.store.AppendResult;
import dev.peregrine.store.NewEvent;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

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
 * (malformed, invalid, over a limit, or refused by the store's validation) the events of the lines
 * before it are appended, nothing from that line on is, and the answer is a 4xx whose body gives
 * the {@code line} and how many events were {@code ingested}, so the client can fix the line and
 * resume after it. A store error about no single event (a version conflict) fails its whole chunk
 * the same way, without a line. A body that does not arrive in full (the client went away, stalled,
 * or broke the framing) stops the load where it is: what was acknowledged stays, nothing parsed
 * after it is appended.
 *
 * <p>Confined to the request's event loop: the store's completions are brought back to it.
 */
final class NdjsonIngest implements Exchange.BodySink {
    /** The content type that selects streamed NDJSON ingest on {@code /api/v1/events/batch}. */
    static final String MEDIA_TYPE = "application/x-ndjson";

    /** A parsed event and the line it came from, to name the line when the store refuses it. */
    private record LineEvent(NewEvent event, long line) {
    }

    private final Exchange exchange;
    private final Services services;
    private final LineSplitter splitter;
    private List<LineEvent> pending = new ArrayList<>();
    // New names of the lines parsed since the last chunk was cut; the store adds those its events use.
    private FieldDictionary draft;
    private boolean appending;
    private boolean ended;
    private boolean broken;
    private Throwable failure;
    private long ingested;
    private long firstPosition;
    private long lastPosition;

    private NdjsonIngest(Exchange exchange) {
        this.exchange = exchange;
        this.services = exchange.services();
        this.splitter = new LineSplitter(services.limits().maxBodyBytes());
        this.draft = services.parser().draft();
    }

    static void start(Exchange exchange) {
        exchange.readBody(new NdjsonIngest(exchange));
    }

    @Override
    public void chunk(Buffer chunk) {
        if (failure != null) {
            return; // draining the rest of a refused body
        }
        try {
            splitter.feed(chunk, this::line);
        } catch (RuntimeException e) {
            refuse(e); // a line over the limit: the splitter names it
        }
        flushIfFull();
    }

    @Override
    public void end() {
        if (failure == null) {
            try {
                splitter.finish(this::line);
            } catch (RuntimeException e) {
                refuse(e);
            }
        }
        ended = true;
        flushOrFinish();
    }

    @Override
    public void broken(Throwable cause) {
        broken = true;
        pending.clear();
    }

    private void line(byte[] bytes, int offset, int length, long lineNumber) {
        if (failure != null) {
            return;
        }
        try {
            pending.add(new LineEvent(exchange.scope().admit(services.parser().line(draft, bytes, offset, length,
                    lineNumber)), lineNumber));
        } catch (RuntimeException e) {
            refuse(e); // the parser names the line
        }
    }

    /** Remembers the first bad line; what came before it is still appended. */
    private void refuse(Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
    }

    private void flushIfFull() {
        if (pending.size() < services.limits().ndjsonChunkEvents()) {
            return;
        }
        if (appending) {
            exchange.pauseBody(); // the next chunk is ready: wait for the one in flight
        } else {
            appendPending();
        }
    }

    private void flushOrFinish() {
        if (appending || broken) {
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
        List<LineEvent> chunk = new ArrayList<>(pending.subList(0, chunkSize));
        pending = new ArrayList<>(pending.subList(chunkSize, pending.size()));
        draft = services.parser().draft();
        append(chunk);
    }

    private void append(List<LineEvent> chunk) {
        appending = true;
        List<NewEvent> events = chunk.stream().map(LineEvent::event).toList();
        EventRoutes.append(exchange, events).whenComplete((results, error) -> exchange.onEventLoop(() -> {
            appending = false;
            if (error != null) {
                chunkFailed(chunk, error);
            } else {
                acknowledge(results);
            }
            if (appending || broken) {
                return;
            }
            if (!ended) {
                exchange.resumeBody();
            }
            flushOrFinish();
        }));
    }

    /**
     * The chunk failed as a whole; nothing after it is appended. Its failure comes before any bad
     * line found meanwhile (those lines follow the chunk), so it is the one reported. When the store
     * refused one event, the lines before it are appended, as for a line the parser refused.
     */
    private void chunkFailed(List<LineEvent> chunk, Throwable error) {
        pending.clear();
        OptionalInt refused = EventRoutes.refusedIndex(error);
        if (refused.isEmpty()) {
            failure = error;
            return;
        }
        int index = refused.getAsInt();
        failure = EventLocation.line(chunk.get(index).line()).locate(error);
        if (index > 0 && !broken) {
            append(chunk.subList(0, index));
        }
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
            exchange.errorHeaders(mapped);
            exchange.json(mapped.status(), g -> {
                g.writeStartObject();
                g.writeStringField("error", mapped.message());
                mapped.writeDetails(g);
                g.writeNumberField("ingested", ingested);
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
