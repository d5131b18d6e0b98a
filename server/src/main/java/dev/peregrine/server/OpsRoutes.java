package dev.peregrine.server;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.StoreStats;
import dev.peregrine.store.backup.BackupReport;
import dev.peregrine.store.view.View;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Operations endpoints, AllSource's shapes: {@code GET /api/v1/ops/wal/status} (the log),
 * {@code GET /api/v1/ops/storage/stats} (the data directory per kind of file, and free space) and
 * {@code GET /api/v1/ops/health/deep} (each component, 503 when one fails); and online backups
 * ({@code POST /api/v1/ops/backup}, {@code GET /api/v1/ops/backup}).
 */
final class OpsRoutes {
    private static final String DEFAULT_BACKUP_NAME = "latest";

    private OpsRoutes() {
    }

    static void register(Router router) {
        router.add("GET", "/api/v1/ops/wal/status", OpsRoutes::walStatus);
        router.add("GET", "/api/v1/ops/storage/stats", OpsRoutes::storageStats);
        router.add("GET", "/api/v1/ops/health/deep", OpsRoutes::deepHealth);
        router.add("POST", "/api/v1/ops/backup", OpsRoutes::startBackup);
        router.add("GET", "/api/v1/ops/backup", OpsRoutes::backupStatus);
    }

    /**
     * Body {@code {"name": "…"}} (optional; default {@value #DEFAULT_BACKUP_NAME}): starts an online
     * backup into the server's backup directory under that name, answering 202 at once; a name used
     * before is backed up incrementally.
     */
    private static void startBackup(Exchange exchange) {
        Services services = exchange.services();
        BodyReader.readThen(exchange, body -> {
            String name = body.length == 0 ? DEFAULT_BACKUP_NAME : AdminRoutes.stringField(services, body, "name", false);
            BackupJobs.Job job = services.backups().start(name == null ? DEFAULT_BACKUP_NAME : name, services);
            exchange.json(202, g -> backupJob(job, g));
        });
    }

    /** The running or last backup: state, bytes done of the total, and once done what it holds. */
    private static void backupStatus(Exchange exchange) {
        BackupJobs.Job job = exchange.services().backups().last()
                .orElseThrow(() -> ApiException.notFound("no backup has run since the server started"));
        exchange.json(200, g -> backupJob(job, g));
    }

    private static void backupJob(BackupJobs.Job job, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", job.name);
        g.writeStringField("state", job.state());
        g.writeStringField("started", Timestamps.format(java.time.Instant.ofEpochMilli(job.startedMillis)));
        g.writeNumberField("bytes_done", job.done);
        g.writeNumberField("bytes_total", job.total);
        BackupReport report = job.report;
        if (report != null) {
            g.writeNumberField("position", report.manifest().position());
            g.writeNumberField("files", report.manifest().files().size());
            g.writeNumberField("bytes", report.manifest().totalBytes());
            g.writeNumberField("bytes_copied", report.bytesCopied());
            g.writeNumberField("files_reused", report.filesReused());
        }
        String error = job.error;
        if (error != null) {
            g.writeStringField("error", error);
        }
        g.writeEndObject();
    }

    /** The log is Peregrine's write-ahead log: there is no other. */
    private static void walStatus(Exchange exchange) {
        StoreStats stats = exchange.services().store().stats();
        exchange.json(200, g -> {
            g.writeStartObject();
            g.writeBooleanField("enabled", true);
            g.writeNumberField("total_size", stats.logBytesUsed());
            g.writeNumberField("segment_count", stats.segments());
            g.writeNumberField("last_position", stats.lastPosition());
            g.writeNumberField("fsyncs", stats.forces());
            if (stats.lastForceMillis() > 0) {
                g.writeStringField("last_fsync", Timestamps.format(Instant.ofEpochMilli(stats.lastForceMillis())));
            } else {
                g.writeNullField("last_fsync");
            }
            g.writeStringField("durability", exchange.services().store().options().durability().toString());
            g.writeEndObject();
        });
    }

    /** Walks the data directory (small: segments are large), so it runs off the event loop. */
    private static void storageStats(Exchange exchange) {
        Services services = exchange.services();
        exchange.answerWhenDone(services.offloop(() -> FileKinds.of(services.store().directory())), kinds ->
                services.json().render(g -> {
                    g.writeStartObject();
                    g.writeObjectFieldStart("files");
                    for (Map.Entry<String, long[]> kind : kinds.counts().entrySet()) {
                        g.writeObjectFieldStart(kind.getKey());
                        g.writeNumberField("count", kind.getValue()[0]);
                        g.writeNumberField("bytes", kind.getValue()[1]);
                        g.writeEndObject();
                    }
                    g.writeEndObject();
                    g.writeNumberField("total_bytes", kinds.totalBytes());
                    g.writeNumberField("log_bytes_used", services.store().stats().logBytesUsed());
                    g.writeNumberField("parquet_files", 0); // AllSource's columnar copies; Peregrine keeps none
                    g.writeNumberField("disk_free_bytes", kinds.freeBytes());
                    g.writeNumberField("disk_total_bytes", kinds.totalDiskBytes());
                    g.writeEndObject();
                }));
    }

    /**
     * Every component's state; the answer is 503 when any is {@code failing}. The log fails once a
     * write's outcome is unknown (the store then refuses appends until reopened); the disk fails when
     * less than one segment's worth is free (the next segment could not be allocated) or less than the
     * free-space watermark (appends are refused).
     */
    private static void deepHealth(Exchange exchange) {
        Services services = exchange.services();
        exchange.answerWhenDone(services.offloop(() -> Health.take(services)), health -> health.failing() ? 503 : 200,
                health -> services.json().render(health::write));
    }

    /** The data directory by kind of file: the top-level file name, or the directory a file is in. */
    record FileKinds(Map<String, long[]> counts, long totalBytes, long freeBytes, long totalDiskBytes) {
        static FileKinds of(Path directory) throws IOException {
            Map<String, long[]> counts = new TreeMap<>();
            long total = 0;
            try (Stream<Path> files = Files.walk(directory)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Path relative = directory.relativize(f);
                    String kind = relative.getNameCount() > 1 ? relative.getName(0).toString() : relative.toString();
                    long size;
                    try {
                        size = Files.size(f);
                    } catch (java.nio.file.NoSuchFileException gone) {
                        continue; // replaced (a checkpoint written by rename) while walking
                    }
                    long[] c = counts.computeIfAbsent(kind, k -> new long[2]);
                    c[0]++;
                    c[1] += size;
                    total += size;
                }
            }
            var store = Files.getFileStore(directory);
            return new FileKinds(counts, total, store.getUsableSpace(), store.getTotalSpace());
        }
    }

    /** The deep health check's findings. */
    record Health(boolean writable, long freeBytes, long neededBytes, long lastPosition,
                  Map<String, Long> projectionLag, Map<String, Long> viewLag, int subscribers) {

        static Health take(Services services) throws IOException {
            EventStore store = services.store();
            // stats, not diagnostics: diagnostics walk every index to size it, which a health probe must not
            StoreStats stats = store.stats();
            long last = stats.lastPosition();
            Map<String, Long> projections = new TreeMap<>();
            for (String name : store.projectionNames()) {
                projections.put(name, Math.max(0, last - store.projectionPosition(name))); // it may have moved on since
            }
            Map<String, Long> views = new TreeMap<>();
            for (View v : store.views().list()) {
                views.put(v.name(), Math.max(0, last - v.position()));
            }
            return new Health(stats.writable(), Files.getFileStore(store.directory()).getUsableSpace(),
                    Math.max(store.options().segmentBytes(), store.options().minFreeBytes()), last, projections, views,
                    services.metrics().subscribers().get());
        }

        boolean diskLow() {
            return freeBytes < neededBytes;
        }

        boolean failing() {
            return !writable || diskLow();
        }

        void write(JsonGenerator g) throws IOException {
            g.writeStartObject();
            g.writeStringField("status", failing() ? "unhealthy" : "healthy");
            g.writeObjectFieldStart("components");
            g.writeObjectFieldStart("log");
            g.writeStringField("status", writable ? "ok" : "failing");
            g.writeBooleanField("writable", writable);
            g.writeNumberField("last_position", lastPosition);
            g.writeEndObject();
            g.writeObjectFieldStart("disk");
            g.writeStringField("status", diskLow() ? "failing" : "ok");
            g.writeNumberField("free_bytes", freeBytes);
            g.writeNumberField("needed_bytes", neededBytes);
            g.writeEndObject();
            lags(g, "projections", projectionLag);
            lags(g, "views", viewLag);
            g.writeObjectFieldStart("subscriptions");
            g.writeStringField("status", "ok");
            g.writeNumberField("open", subscribers);
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndObject();
        }

        private static void lags(JsonGenerator g, String component, Map<String, Long> lag) throws IOException {
            g.writeObjectFieldStart(component);
            g.writeStringField("status", "ok");
            g.writeObjectFieldStart("lag");
            for (Map.Entry<String, Long> e : lag.entrySet()) {
                g.writeNumberField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeEndObject();
        }
    }
}
