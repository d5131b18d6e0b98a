package dev.peregrine.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code peregrine schemas}: the schema registry from the command line, through its HTTP API
 * ({@code /api/v1/schemas*}), against a server ({@code --url}) or a data directory ({@code --data}).
 * Each subcommand prints the API's JSON answer.
 */
@Command(
        name = "schemas",
        mixinStandardHelpOptions = true,
        description = "Register, read and try out the JSON Schemas of event types (docs/api.md, Schemas).",
        subcommands = {
            SchemasCommand.ListSubjects.class,
            SchemasCommand.Get.class,
            SchemasCommand.Register.class,
            SchemasCommand.Validate.class,
        })
final class SchemasCommand {

    private SchemasCommand() {
    }

    /** JSON text of an object built with {@code body}. */
    private static byte[] json(JsonBody body) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = ApiClient.JSON.createGenerator(out)) {
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    @FunctionalInterface
    private interface JsonBody {
        void write(JsonGenerator g) throws IOException;
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the subjects with their compatibility mode, enforcement and latest version.")
    static final class ListSubjects extends ClientCommand {
        @Override
        int run(ApiClient client) {
            System.out.println(client.get("/api/v1/schemas", Map.of()));
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Print a version of a subject's schema.")
    static final class Get extends ClientCommand {
        @Parameters(index = "0", paramLabel = "SUBJECT", description = "The event type.")
        String subject;

        @Option(names = "--version", paramLabel = "N", description = "The version; the latest when not given.")
        Integer version;

        @Override
        int run(ApiClient client) {
            System.out.println(client.get("/api/v1/schemas/" + ApiClient.segment(subject),
                    version == null ? Map.of() : Map.of("version", version)));
            return 0;
        }
    }

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = "Register a new version of a subject's schema from a JSON Schema file (draft 2020-12). "
                    + "It is checked against the latest version under the subject's compatibility mode.")
    static final class Register extends ClientCommand {
        @Parameters(index = "0", paramLabel = "SUBJECT", description = "The event type.")
        String subject;

        @Parameters(index = "1", paramLabel = "FILE", description = "The JSON Schema document.")
        Path file;

        @Option(names = "--compatibility", paramLabel = "MODE",
                description = "Set the subject's mode first: NONE, BACKWARD (the default), FORWARD or FULL.")
        String compatibility;

        @Option(names = "--enforce", negatable = true,
                description = "Turn enforcement on (--enforce) or off (--no-enforce) after registering; "
                        + "unchanged when not given.")
        Boolean enforce;

        @Option(names = "--description", description = "What the version is.")
        String description;

        @Override
        int run(ApiClient client) throws IOException {
            String schema = Files.readString(file, StandardCharsets.UTF_8);
            byte[] body = json(g -> {
                g.writeStringField("subject", subject);
                g.writeFieldName("schema");
                g.writeRawValue(schema); // the server parses and checks it
                if (compatibility != null) {
                    g.writeStringField("compatibility", compatibility);
                }
                if (enforce != null) {
                    g.writeBooleanField("enforce", enforce);
                }
                if (description != null) {
                    g.writeStringField("description", description);
                }
            });
            System.out.println(client.post("/api/v1/schemas", "application/json", body));
            return 0;
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Validate a payload against a subject's schema without storing anything; "
                    + "exit status 1 when it is invalid.")
    static final class Validate extends ClientCommand {
        @Parameters(index = "0", paramLabel = "SUBJECT", description = "The event type.")
        String subject;

        @Parameters(index = "1", paramLabel = "PAYLOAD", description = "The payload, a JSON object.")
        String payload;

        @Option(names = "--version", paramLabel = "N", description = "The version; the latest when not given.")
        Integer version;

        @Override
        int run(ApiClient client) throws IOException {
            byte[] body = json(g -> {
                g.writeStringField("subject", subject);
                if (version != null) {
                    g.writeNumberField("version", version);
                }
                g.writeFieldName("payload");
                g.writeRawValue(payload);
            });
            String answer = client.post("/api/v1/schemas/validate", "application/json", body);
            System.out.println(answer);
            return ApiClient.isTrue(answer, "valid") ? 0 : 1;
        }
    }
}
