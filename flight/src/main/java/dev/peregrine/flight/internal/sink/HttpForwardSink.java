package dev.peregrine.flight.internal.sink;

import dev.peregrine.flight.FlightEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Forwards events to a Peregrine server: {@code POST <base>/api/v1/events/batch} with
 * {@code Content-Type: application/x-ndjson}, one {@link FlightEvent#toIngestJson()} line per event, in
 * batches of up to {@code batchSize} or every {@code flushInterval}. A bounded queue sits between the
 * tailer and the sender thread: when it is full the event is dropped and counted, so a slow or absent
 * server never slows the application. A failed batch is counted and not retried (the ring and its
 * snapshots keep the history).
 */
public final class HttpForwardSink implements Sink {
    /** Path of the batch ingest endpoint. */
    public static final String BATCH_PATH = "/api/v1/events/batch";

    private final URI endpoint;
    private final int batchSize;
    private final long flushNanos;
    private final ArrayBlockingQueue<String> queue;
    private final HttpClient client;
    private final Thread sender;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean closing;

    public HttpForwardSink(URI base, int batchSize, int queueCapacity, Duration flushInterval) {
        if (batchSize < 1 || queueCapacity < batchSize) {
            throw new IllegalArgumentException("HTTP forwarding needs batchSize >= 1 and queueCapacity >= batchSize, got "
                    + batchSize + " and " + queueCapacity);
        }
        String s = base.toString();
        this.endpoint = URI.create((s.endsWith("/") ? s.substring(0, s.length() - 1) : s) + BATCH_PATH);
        this.batchSize = batchSize;
        this.flushNanos = flushInterval.toNanos();
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.sender = Thread.ofPlatform().daemon().name("flight-http").start(this::sendLoop);
    }

    @Override
    public void accept(FlightEvent event) {
        if (!queue.offer(event.toIngestJson())) {
            dropped.incrementAndGet();
        }
    }

    private void sendLoop() {
        List<String> batch = new ArrayList<>(batchSize);
        while (true) {
            try {
                String first = queue.poll(flushNanos, TimeUnit.NANOSECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, batchSize - 1);
                    post(batch);
                    batch.clear();
                } else if (closing) {
                    return;
                }
            } catch (InterruptedException e) {
                queue.drainTo(batch);
                if (!batch.isEmpty()) {
                    post(batch);
                }
                return;
            }
        }
    }

    private void post(List<String> batch) {
        StringBuilder body = new StringBuilder(batch.size() * 256);
        for (String line : batch) {
            body.append(line).append('\n');
        }
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 == 2) {
                sent.addAndGet(batch.size());
            } else {
                failed.addAndGet(batch.size());
            }
        } catch (java.io.IOException e) {
            failed.addAndGet(batch.size());
        } catch (InterruptedException e) {
            failed.addAndGet(batch.size());
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void flush() {
        // The sender thread flushes on its own schedule; nothing to do on the tailer thread.
    }

    @Override
    public void close() {
        closing = true;
        try {
            sender.join(TimeUnit.NANOSECONDS.toMillis(flushNanos) + 15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public long sent() {
        return sent.get();
    }

    public long dropped() {
        return dropped.get();
    }

    public long failed() {
        return failed.get();
    }

    @Override
    public String toString() {
        return "http " + endpoint;
    }
}
