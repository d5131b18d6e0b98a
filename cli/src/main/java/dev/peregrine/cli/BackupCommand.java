package dev.peregrine.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.peregrine.server.ServerConfig;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.EventStoreException;
import dev.peregrine.store.StoreOptions;
import dev.peregrine.store.backup.BackupReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code peregrine backup}: an online backup of a running server ({@code --url}, into the server's
 * backup directory under {@code --name}), or of a data directory no server has open ({@code --data}
 * and {@code --to}). Either way the store keeps taking appends while it runs, progress is shown on
 * stderr, and a second run into the same backup copies only what is new.
 */
@Command(
        name = "backup",
        mixinStandardHelpOptions = true,
        description = {
            "Take an online, consistent backup: every event up to the position committed when it starts,"
                    + " with a manifest of SHA-256 checksums. Appends go on meanwhile. Running it again into the"
                    + " same backup copies only new segments.",
            "  peregrine backup --url http://127.0.0.1:8080 --name nightly   (a running server; written to"
                    + " its --backup-dir)",
            "  peregrine backup --data ./peregrine-data --to /backups/pg     (a store no server has open)"})
final class BackupCommand implements Callable<Integer> {

    @Option(names = "--url", defaultValue = "${env:PEREGRINE_URL}",
            description = "Base URL of a running server (env PEREGRINE_URL): the server writes the backup"
                    + " into its --backup-dir under --name.")
    URI url;

    @Option(names = "--api-key", defaultValue = "${env:PEREGRINE_API_KEY}",
            description = "With --url: an admin API key, sent as X-API-Key (env PEREGRINE_API_KEY); backups are admin's.")
    String apiKey;

    @Option(names = "--name", defaultValue = "latest",
            description = "With --url: the backup's name in the server's backup directory (default ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--data", defaultValue = "${env:PEREGRINE_DATA:-" + ServerConfig.DEFAULT_DATA_DIRECTORY + "}",
            description = "Without --url: the data directory to back up (env PEREGRINE_DATA, default"
                    + " ${DEFAULT-VALUE}); no server may have it open.")
    Path data;

    @Option(names = "--to", description = "Without --url: the backup directory (new, empty, or an earlier backup"
            + " of this store).")
    Path to;

    @Override
    public Integer call() throws Exception {
        try {
            return url != null ? remote() : local();
        } catch (ApiClient.ApiError e) {
            System.err.println("peregrine: " + e.describe());
            return 1;
        } catch (EventStoreException e) {
            System.err.println("peregrine: " + e.getMessage());
            return 1;
        }
    }

    private int local() {
        if (to == null) {
            System.err.println("peregrine: give --to DIR to back up --data directly, or --url to back up a running server");
            return 2;
        }
        BytesProgress progress = new BytesProgress();
        BackupReport report;
        try (EventStore store = EventStore.open(data, StoreOptions.defaults())) {
            report = store.backup(to, progress);
        }
        progress.finish();
        System.out.printf("backup at position %d: %d files, %,d bytes (%,d copied, %d files kept from the last run)%n",
                report.manifest().position(), report.manifest().files().size(), report.manifest().totalBytes(),
                report.bytesCopied(), report.filesReused());
        return 0;
    }

    private static String state(String job) {
        return ApiClient.text(job, "state").orElse("");
    }

    private int remote() throws Exception {
        if (to != null) {
            System.err.println("peregrine: with --url the server writes into its --backup-dir; name the backup with --name");
            return 2;
        }
        String base = url.toString().replaceAll("/+$", "");
        ApiClient client = new ApiClient(URI.create(base), apiKey);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try (JsonGenerator g = ApiClient.JSON.createGenerator(body)) {
            g.writeStartObject();
            g.writeStringField("name", name);
            g.writeEndObject();
        }
        String job = client.post("/api/v1/ops/backup", "application/json", body.toByteArray());
        BytesProgress progress = new BytesProgress();
        while (state(job).equals("running")) {
            progress.progress(ApiClient.number(job, "bytes_done"), ApiClient.number(job, "bytes_total"));
            Thread.sleep(200);
            job = client.get("/api/v1/ops/backup", Map.of());
        }
        progress.progress(ApiClient.number(job, "bytes_done"), ApiClient.number(job, "bytes_total"));
        progress.finish();
        if (!state(job).equals("done")) {
            System.err.println("peregrine: backup '" + name + "' failed: " + ApiClient.text(job, "error").orElse("(no reason given)"));
            return 1;
        }
        System.out.printf("backup '%s' at position %d: %d files, %,d bytes (%,d copied, %d files kept from the last run)%n",
                name, ApiClient.number(job, "position"), ApiClient.number(job, "files"), ApiClient.number(job, "bytes"),
                ApiClient.number(job, "bytes_copied"), ApiClient.number(job, "files_reused"));
        return 0;
    }
}
