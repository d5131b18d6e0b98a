package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.record.JsonCodec;
import dev.peregrine.store.Durability;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.Query;
import dev.peregrine.store.StoreOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code peregrine retention} and {@code peregrine scavenge} on a data directory. */
class RetentionCommandTest {

    @TempDir
    Path temp;

    @Test
    void setsRulesScavengesAndReportsBadInput() throws Exception {
        Path data = temp.resolve("data");
        try (EventStore store = EventStore.open(data, StoreOptions.builder().durability(Durability.none())
                .segmentBytes(64 * 1024).build())) {
            for (int i = 0; i < 600; i++) {
                store.append(NewEvent.builder().eventType("reading").entityId("sensor-" + (i % 2))
                        .payload(JsonCodec.defaults().parse(store.dictionary(), "{\"i\":" + i + ",\"pad\":\""
                                + "z".repeat(400) + "\"}")).build());
            }
        }
        String dir = data.toString();
        CommandLineTest.Run set = CommandLineTest.run("retention", "set", "last-3", "--entity-prefix", "sensor-",
                "--max-count", "3", "--data", dir);
        assertThat(set.exit()).as(set.err()).isZero();
        assertThat(set.out()).contains("\"max_count\":3");
        CommandLineTest.Run list = CommandLineTest.run("retention", "list", "--data", dir);
        assertThat(list.out()).contains("last-3").contains("sensor-");

        CommandLineTest.Run scavenge = CommandLineTest.run("scavenge", "--data", dir);
        assertThat(scavenge.exit()).as(scavenge.err()).isZero();
        assertThat(scavenge.out()).contains("scavenge finished").doesNotContain(" 0 events removed");
        assertThat(scavenge.err()).contains("segments");
        assertThat(CommandLineTest.run("scavenge", "--status", "--data", dir).out()).contains("\"state\":\"idle\"");

        CommandLineTest.Run badAge = CommandLineTest.run("retention", "set", "r", "--max-age", "soon", "--data", dir);
        assertThat(badAge.exit()).isNotZero();
        assertThat(badAge.err()).contains("max_age");
        CommandLineTest.Run noLimit = CommandLineTest.run("retention", "set", "r", "--event-type", "x", "--data", dir);
        assertThat(noLimit.exit()).isEqualTo(1);
        assertThat(noLimit.err()).contains("HTTP 400").contains("max_age");
        CommandLineTest.Run detached = CommandLineTest.run("scavenge", "--no-wait", "--data", dir);
        assertThat(detached.exit()).isEqualTo(2);
        CommandLineTest.Run remove = CommandLineTest.run("retention", "remove", "last-3", "--data", dir);
        assertThat(remove.exit()).as(remove.err()).isZero();
        assertThat(CommandLineTest.run("retention", "remove", "last-3", "--data", dir).err()).contains("HTTP 404");

        try (EventStore store = EventStore.open(data, StoreOptions.defaults())) {
            assertThat(store.retention().rules()).isEmpty();
            assertThat(store.query(Query.builder().entityId("sensor-0").build()).events().size())
                    .as("removed events stay removed once the rule is gone").isLessThan(300).isGreaterThanOrEqualTo(3);
        }
    }
}
