package dev.peregrine.cli;

import java.util.Map;
import picocli.CommandLine.Command;

/** {@code peregrine stats}: prints the store's statistics, as {@code GET /api/v1/stats} returns them. */
@Command(
        name = "stats",
        mixinStandardHelpOptions = true,
        description = "Print the store's statistics (events, entities, event types, bytes on disk, …) as JSON.")
final class StatsCommand extends ClientCommand {

    @Override
    int run(ApiClient client) {
        System.out.println(client.get("/api/v1/stats", Map.of()));
        return 0;
    }
}
