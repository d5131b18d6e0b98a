package dev.peregrine.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.peregrine.store.retention.RetentionRule;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code peregrine retention list|set|remove}: the store's retention rules, through the HTTP API of a
 * running server ({@code --url}) or of the data directory opened here ({@code --data}).
 */
@Command(
        name = "retention",
        mixinStandardHelpOptions = true,
        description = {
            "List, set and remove retention rules. A rule covers events by type, entity-id prefix and tenant"
                    + " (each optional) and keeps them for a maximum age, a maximum count per entity (the newest N),"
                    + " or both. Expired events disappear from queries, reads, state and subscriptions at once;"
                    + " `peregrine scavenge` reclaims their space.",
            "  peregrine retention set clicks-30d --event-type page.clicked --max-age 30d",
            "  peregrine retention set sensors --entity-prefix sensor- --max-count 1000",
            "  peregrine retention list",
            "  peregrine retention remove clicks-30d"},
        subcommands = {RetentionCommand.ListRules.class, RetentionCommand.SetRule.class, RetentionCommand.RemoveRule.class})
final class RetentionCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: list, set or remove");
    }

    /** {@code peregrine retention list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "Print the rules in force as JSON.")
    static final class ListRules extends ClientCommand {
        @Override
        int run(ApiClient client) {
            System.out.println(client.get("/api/v1/retention/rules", Map.of()));
            return 0;
        }
    }

    /** {@code peregrine retention set NAME ...}. */
    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Add a rule, or replace the rule of that name. Give --max-age, --max-count or both.")
    static final class SetRule extends ClientCommand {
        @Parameters(index = "0", description = "The rule's name: 1 to 64 of A-Z a-z 0-9 _ . -")
        String name;

        @Option(names = "--event-type", description = "Cover events of this type only.")
        String eventType;

        @Option(names = "--entity-prefix", description = "Cover entities whose id starts with this only"
                + " (a tenant's entities are stored as <tenant>:<id>).")
        String entityPrefix;

        @Option(names = "--tenant", description = "Cover this tenant's events only.")
        String tenant;

        @Option(names = "--max-age", description = "Expire covered events older than this: 500ms, 10s, 15m, 12h,"
                + " 30d or ISO-8601 (PT1H).")
        String maxAge;

        @Option(names = "--max-count", description = "Keep only the newest N covered events of each entity.")
        Long maxCount;

        @Override
        int run(ApiClient client) throws IOException {
            if (maxAge != null) {
                RetentionRule.parseAge(maxAge); // refuse a bad duration here, with its own message
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            try (JsonGenerator g = ApiClient.JSON.createGenerator(body)) {
                g.writeStartObject();
                field(g, "event_type", eventType);
                field(g, "entity_id_prefix", entityPrefix);
                field(g, "tenant_id", tenant);
                field(g, "max_age", maxAge);
                if (maxCount != null) {
                    g.writeNumberField("max_count", maxCount);
                }
                g.writeEndObject();
            }
            System.out.println(client.putJson("/api/v1/retention/rules/" + ApiClient.segment(name), body.toByteArray()));
            return 0;
        }

        private static void field(JsonGenerator g, String field, String value) throws IOException {
            if (value != null) {
                g.writeStringField(field, value);
            }
        }
    }

    /** {@code peregrine retention remove NAME}. */
    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a rule. Events it alone"
            + " expired and no scavenge removed yet are visible again.")
    static final class RemoveRule extends ClientCommand {
        @Parameters(index = "0", description = "The rule's name.")
        String name;

        @Override
        int run(ApiClient client) {
            System.out.println(client.delete("/api/v1/retention/rules/" + ApiClient.segment(name)));
            return 0;
        }
    }
}
