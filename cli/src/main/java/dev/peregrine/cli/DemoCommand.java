package dev.peregrine.cli;

import dev.peregrine.record.FieldDictionary;
import dev.peregrine.record.FieldPath;
import dev.peregrine.record.InvalidJsonException;
import dev.peregrine.record.JsonCodec;
import dev.peregrine.record.Record;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code peregrine demo}: parses a few JSON events into Peregrine's binary record format and prints each one
 * back as JSON with its encoded size, then reads a nested field by path to show access without decoding.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Builds records in Peregrine's binary format from JSON and prints each as JSON with its size in bytes.",
            "With no arguments, uses built-in sample events; otherwise each argument is one JSON object."
        })
final class DemoCommand implements Callable<Integer> {

    static final List<String> SAMPLES = List.of(
            "{\"ts\":1700000000000,\"seq\":42,\"ok\":true,\"kind\":\"login!!\"}",
            "{\"event_type\":\"user.created\",\"entity_id\":\"user-17\",\"payload\":{\"name\":\"Ada Lovelace\","
                    + "\"email\":\"ada@example.org\",\"address\":{\"city\":\"London\",\"zip\":\"W1\"}},"
                    + "\"tags\":[\"vip\",\"beta\"],\"score\":98.5}",
            "{\"greeting\":\"h\u00e9llo w\u00f6rld \ud83d\udc26\",\"empty\":{},\"nothing\":null,"
                    + "\"big\":9223372036854775807,\"tiny\":4.9E-324}");

    @Parameters(arity = "0..*", paramLabel = "JSON", description = "JSON objects to encode (default: three samples).")
    private List<String> documents;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        FieldDictionary dictionary = FieldDictionary.create();
        JsonCodec json = JsonCodec.defaults();
        List<String> inputs = documents == null || documents.isEmpty() ? SAMPLES : documents;
        int failures = 0;
        for (int i = 0; i < inputs.size(); i++) {
            String input = inputs.get(i);
            try {
                Record record = json.parse(dictionary, input);
                out.printf("record %d: %d bytes (JSON input: %d bytes)%n  %s%n", i + 1, record.sizeInBytes(),
                        input.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, record.toJson());
                FieldPath city = FieldPath.parse("payload.address.city");
                if (record.has(city)) {
                    out.printf("  payload.address.city read in place: %s%n", record.getString(city));
                }
            } catch (InvalidJsonException e) {
                err.printf("record %d: %s%n", i + 1, e.getMessage());
                failures++;
            }
        }
        out.printf("field dictionary: %d names, %d bytes serialized%n", dictionary.size(), dictionary.encode().length);
        out.flush();
        return failures == 0 ? 0 : 1;
    }
}
