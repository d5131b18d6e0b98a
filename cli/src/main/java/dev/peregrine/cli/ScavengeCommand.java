package dev.peregrine.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code peregrine scavenge}: starts a scavenge and shows its progress until it ends, or shows
 * ({@code --status}) or stops ({@code --stop}) the one running.
 */
@Command(
        name = "scavenge",
        mixinStandardHelpOptions = true,
        description = {
            "Reclaim the space of expired events (see `peregrine retention`) and of tombstoned entities' events:"
                    + " rewrites sealed log segments without them, in the background, keeping every other event at"
                    + " its position. Safe to interrupt or kill at any moment; run it again to go on.",
            "  peregrine scavenge --url http://127.0.0.1:8080 --max-bytes-per-second 50000000",
            "  peregrine scavenge --url http://127.0.0.1:8080 --status",
            "  peregrine scavenge --url http://127.0.0.1:8080 --stop",
            "  peregrine scavenge --data ./peregrine-data          (a store no server has open)"})
final class ScavengeCommand extends ClientCommand {

    @Option(names = "--max-bytes-per-second", defaultValue = "0",
            description = "Throttle: most bytes rewritten per second (default 0: no throttle).")
    long maxBytesPerSecond;

    @Option(names = "--status", description = "Print the running or last scavenge's status and exit.")
    boolean status;

    @Option(names = "--stop", description = "Ask the running scavenge to stop after the segment in hand.")
    boolean stop;

    @Option(names = "--no-wait", description = "With --url: start it and exit; watch it with --status.")
    boolean noWait;

    @Override
    int run(ApiClient client) throws Exception {
        if (status) {
            System.out.println(client.get("/api/v1/compaction/stats", Map.of()));
            return 0;
        }
        if (stop) {
            System.out.println(client.post("/api/v1/compaction/stop", "application/json", new byte[0]));
            return 0;
        }
        if (noWait && target.url == null) {
            System.err.println("peregrine: --no-wait needs --url: a scavenge of --data runs only while this command does");
            return 2;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try (JsonGenerator g = ApiClient.JSON.createGenerator(body)) {
            g.writeStartObject();
            g.writeNumberField("max_bytes_per_second", maxBytesPerSecond);
            g.writeEndObject();
        }
        String s = client.post("/api/v1/compaction/trigger", "application/json", body.toByteArray());
        if (noWait) {
            System.out.println(s);
            return 0;
        }
        ProgressBar bar = new ProgressBar(System.err, "segments", Math.max(0, ApiClient.number(s, "segments_total")));
        while (state(s).equals("running") || state(s).equals("stopping")) {
            bar.update(ApiClient.number(s, "segments_done"), ApiClient.number(s, "segments_done"));
            Thread.sleep(200);
            s = client.get("/api/v1/compaction/stats", Map.of());
        }
        bar.finish(ApiClient.number(s, "segments_done"), ApiClient.number(s, "segments_done"));
        if (!state(s).equals("finished") && !state(s).equals("stopped")) {
            System.err.println("peregrine: the scavenge " + state(s) + ": " + ApiClient.text(s, "error").orElse("(no reason given)"));
            return 1;
        }
        System.out.printf("scavenge %s: %d of %d segments examined, %d rewritten, %,d events removed, %,d bytes reclaimed%n",
                state(s), ApiClient.number(s, "segments_done"), ApiClient.number(s, "segments_total"),
                ApiClient.number(s, "segments_rewritten"), ApiClient.number(s, "events_removed"),
                ApiClient.number(s, "bytes_reclaimed"));
        return 0;
    }

    private static String state(String json) {
        return ApiClient.text(json, "state").orElse("");
    }
}
