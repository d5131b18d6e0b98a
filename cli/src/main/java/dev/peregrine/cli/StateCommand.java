package dev.peregrine.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code peregrine state ENTITY}: prints an entity's reconstructed state, as the API returns it. */
@Command(
        name = "state",
        mixinStandardHelpOptions = true,
        description = {"Print an entity's state (JSON Merge Patch fold of its payloads) with its history.",
                "Output: {\"entity_id\",\"last_updated\",\"event_count\",\"as_of\",\"current_state\",\"history\"}."})
final class StateCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "ENTITY", description = "The entity id.")
    String entity;

    @Option(names = "--as-of", description = "The state as it was at this RFC 3339 time.")
    String asOf;

    @Override
    int run(ApiClient client) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("as_of", asOf);
        System.out.println(client.get("/api/v1/entities/" + ApiClient.segment(entity) + "/state", parameters));
        return 0;
    }
}
