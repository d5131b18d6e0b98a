package dev.peregrine.server;

import dev.peregrine.server.console.AppendRecorder;
import dev.peregrine.server.tenant.TenantUsage;
import dev.peregrine.server.tenant.Tenants;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.StoreStats;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import java.util.function.ToLongFunction;

/**
 * The server's Prometheus metrics, in a registry of its own (no global state, so several servers
 * can run in one JVM, as the tests do), rendered in the text format for {@code GET /metrics}.
 *
 * <p>Thread-safe: the prometheus-metrics-core types are, and every event loop records here.
 */
final class ServerMetrics {
    /**
     * The {@code status} label of requests whose client went away before its request was complete:
     * nothing was answered, and nothing went wrong on the server's side.
     */
    static final String CLIENT_ABORT = "client_abort";

    /** From 50 µs to 10 s: a cached read takes microseconds, an fsync'd append milliseconds. */
    private static final double[] LATENCY_BUCKETS = {
            0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
            5, 10};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final AtomicInteger subscribers = new AtomicInteger();
    private final Counter requests;
    private final Histogram requestDuration;
    private final Histogram appendDuration;
    private final Counter eventsAppended;
    /** The same appends in per-second intervals, for the console's dashboard. */
    private final AppendRecorder appendRecorder = new AppendRecorder();
    private final Counter authFailures;
    private final Counter authDelayed;
    private final Counter tenantAppends;
    private final Counter quotaRefusals;
    /** The store behind the store gauges; set once, before the server starts taking requests. */
    private EventStore store;
    /**
     * The statistics of the scrape in progress. Concurrent scrapes may each replace it; every value
     * read is then still exact, and the set was never taken atomically anyway.
     */
    private volatile StoreStats scraped;

    ServerMetrics() {
        requests = Counter.builder()
                .name("peregrine_http_requests_total")
                .help("HTTP requests by route pattern, method and status: the response's, or " + CLIENT_ABORT
                        + " when the client disconnected before sending all of its request")
                .labelNames("route", "method", "status")
                .register(registry);
        requestDuration = Histogram.builder()
                .name("peregrine_http_request_duration_seconds")
                .help("Time from a request's arrival to its response, by route pattern and method")
                .unit(Unit.SECONDS)
                .labelNames("route", "method")
                .classicOnly()
                .classicUpperBounds(LATENCY_BUCKETS)
                .register(registry);
        appendDuration = Histogram.builder()
                .name("peregrine_append_duration_seconds")
                .help("Time from handing an append to the store to its acknowledgement, which includes"
                        + " the fsync under the fsync policy")
                .unit(Unit.SECONDS)
                .classicOnly()
                .classicUpperBounds(LATENCY_BUCKETS)
                .register(registry);
        eventsAppended = Counter.builder()
                .name("peregrine_events_appended_total")
                .help("Events acknowledged by the store through this server since it started")
                .register(registry);
        authFailures = Counter.builder()
                .name("peregrine_auth_failures_total")
                .help("Requests refused by authentication (missing, malformed, unknown, expired credential) or"
                        + " authorization (forbidden: role or tenant)")
                .labelNames("reason")
                .register(registry);
        authDelayed = Counter.builder()
                .name("peregrine_auth_failures_delayed_total")
                .help("401 answers held back because their address failed authentication repeatedly")
                .register(registry);
        tenantAppends = Counter.builder()
                .name("peregrine_tenant_events_appended_total")
                .help("Events appended with tenant-bound keys, by tenant (counted when admitted by the quota)")
                .labelNames("tenant")
                .register(registry);
        quotaRefusals = Counter.builder()
                .name("peregrine_tenant_quota_refusals_total")
                .help("Append requests refused by a tenant's append quota (429, or 413 over the burst)")
                .labelNames("tenant")
                .register(registry);
        GaugeWithCallback.builder()
                .name("peregrine_subscribers")
                .help("Open SSE and WebSocket subscriptions")
                .callback(callback -> callback.call(subscribers.get()))
                .register(registry);
    }

    /**
     * Adds the gauges read from the store's statistics. {@link #scrape()} takes one
     * {@link StoreStats} for all of them: computing it stats files, which is not worth doing once per
     * gauge on an event loop.
     */
    void storeGauges(EventStore store) {
        this.store = store;
        gauge("peregrine_events_stored", "Events in the store", () -> scraped.totalEvents());
        gauge("peregrine_entities_stored", "Entities in the store", () -> scraped.totalEntities());
        gauge("peregrine_bytes_stored", "Bytes the store holds: the log up to its last position, the dictionary and the snapshots", () -> scraped.bytesOnDisk());
        gauge("peregrine_segments", "Log segment files", () -> scraped.segments());
        gauge("peregrine_last_position", "Global position of the last event", () -> scraped.lastPosition());
        // Counted by the store's sequencer: the rate of the second over the first is the mean fsync latency.
        counter("peregrine_fsyncs", "Forces of the log to disk (one per group commit under fsync)",
                () -> scraped.forces());
        counter("peregrine_fsync_seconds", "Time spent forcing the log to disk",
                () -> Unit.nanosToSeconds(scraped.forceNanos()));
    }

    /**
     * What each tenant holds, read from the usage projection at each scrape:
     * {@code peregrine_tenant_events{tenant}}, {@code peregrine_tenant_bytes{tenant}} and
     * {@code peregrine_tenant_entities{tenant}}. Tenants are created by admins or named by their
     * keys, so the label set stays bounded.
     */
    void tenantGauges(Tenants tenants) {
        tenantGauge("peregrine_tenant_events", "Events each tenant holds", tenants, TenantUsage.Held::events);
        tenantGauge("peregrine_tenant_bytes", "Bytes of payload and metadata each tenant holds (its byte quota"
                + " counts these)", tenants, TenantUsage.Held::bytes);
        tenantGauge("peregrine_tenant_entities", "Entities each tenant holds (its entity quota counts these)",
                tenants, TenantUsage.Held::entities);
    }

    private void tenantGauge(String name, String help, Tenants tenants, ToLongFunction<TenantUsage.Held> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("tenant")
                .callback(callback -> {
                    for (Map.Entry<String, TenantUsage.Held> tenant : tenants.usage().all()) {
                        callback.call(value.applyAsLong(tenant.getValue()), tenant.getKey());
                    }
                })
                .register(registry);
    }

    /** A counter read at each scrape; the client library appends {@code _total} to {@code name}. */
    private void counter(String name, String help, DoubleSupplier value) {
        CounterWithCallback.builder().name(name).help(help)
                .callback(callback -> callback.call(value.getAsDouble()))
                .register(registry);
    }

    /** Adds the embedding application's metrics, read at each scrape. */
    void extraMetrics(List<ExtraMetric> metrics) {
        for (ExtraMetric metric : metrics) {
            switch (metric.kind()) {
                case GAUGE -> gauge(metric.name(), metric.help(), metric.value());
                // The client library appends _total itself.
                case COUNTER -> counter(metric.name().substring(0, metric.name().length() - "_total".length()),
                        metric.help(), metric.value());
            }
        }
    }

    private void gauge(String name, String help, DoubleSupplier value) {
        GaugeWithCallback.builder().name(name).help(help)
                .callback(callback -> callback.call(value.getAsDouble()))
                .register(registry);
    }

    /** Records one answered request. */
    void request(String route, String method, int status, long nanos) {
        requests.labelValues(route, method, Integer.toString(status)).inc();
        requestDuration.labelValues(route, method).observe(Unit.nanosToSeconds(nanos));
    }

    /** Records one request whose client disconnected before sending all of it. */
    void clientAbort(String route, String method, long nanos) {
        requests.labelValues(route, method, CLIENT_ABORT).inc();
        requestDuration.labelValues(route, method).observe(Unit.nanosToSeconds(nanos));
    }

    /** Records one acknowledged append of {@code events} events. */
    void append(int events, long nanos) {
        appendDuration.observe(Unit.nanosToSeconds(nanos));
        eventsAppended.inc(events);
        appendRecorder.record(events, nanos);
    }

    /** The appends recorded in intervals, which the console's metrics history samples. */
    AppendRecorder appendRecorder() {
        return appendRecorder;
    }

    /** Records one refused request; {@code reason} is a fixed label, never anything the client sent. */
    void authFailure(String reason) {
        authFailures.labelValues(reason).inc();
    }

    /** Records one 401 answer held back by the failure throttle. */
    void authFailureDelayed() {
        authDelayed.inc();
    }

    /** Records events admitted for a tenant; tenants are key attributes set by an admin, so bounded. */
    void tenantAppends(String tenant, int events) {
        tenantAppends.labelValues(tenant).inc(events);
    }

    /** Records an append refused by a tenant's quota. */
    void quotaRefusal(String tenant) {
        quotaRefusals.labelValues(tenant).inc();
    }

    /** The live subscriber count, incremented on open and decremented on close by the streams. */
    AtomicInteger subscribers() {
        return subscribers;
    }

    /** The content type of {@link #scrape()}. */
    String contentType() {
        return writer.getContentType();
    }

    /** Every metric, in the Prometheus text format. */
    Buffer scrape() {
        if (store != null) {
            scraped = store.stats();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException("writing metrics to memory failed", e);
        }
        return Buffer.buffer(out.toByteArray());
    }
}
