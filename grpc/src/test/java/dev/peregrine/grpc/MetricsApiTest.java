package dev.peregrine.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.StreamDeletedException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gRPC endpoint's counters in the HTTP server's {@code GET /metrics}, driven by the official
 * client: calls, failed calls (an append to a deleted stream), and messages each way.
 */
class MetricsApiTest {
    @TempDir
    Path data;

    @Test
    void callsFailuresAndMessagesAreCountedInTheMetrics() throws Exception {
        try (KurrentTestServer server = new KurrentTestServer(data)) {
            KurrentDBClient client = server.client();
            long startedBefore = metric(server, "peregrine_grpc_calls_started_total");
            for (int i = 0; i < 5; i++) {
                client.appendToStream("counted", EventData.builderAsJson("counted.event",
                        ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8)).build()).get();
            }
            assertThat(client.readStream("counted", ReadStreamOptions.get()).get().getEvents()).hasSize(5);
            client.tombstoneStream("counted").get();
            assertThatThrownBy(() -> client.appendToStream("counted",
                    EventData.builderAsJson("counted.event", "{}".getBytes(StandardCharsets.UTF_8)).build()).get())
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(StreamDeletedException.class);

            assertThat(metric(server, "peregrine_grpc_calls_started_total") - startedBefore)
                    .as("5 appends, a read, a tombstone and a refused append").isGreaterThanOrEqualTo(8);
            assertThat(metric(server, "peregrine_grpc_calls_failed_total")).as("the append to a deleted stream")
                    .isGreaterThanOrEqualTo(1);
            // An Append call receives its options and then one message per event.
            assertThat(metric(server, "peregrine_grpc_messages_received_total")).isGreaterThanOrEqualTo(12);
            // The read sends each event (and its confirmation messages).
            assertThat(metric(server, "peregrine_grpc_messages_sent_total")).isGreaterThanOrEqualTo(5 + 5);
            assertThat(metric(server, "peregrine_grpc_calls_active")).isGreaterThanOrEqualTo(0);
        }
    }

    private static long metric(KurrentTestServer server, String name) {
        String[] answer = server.get("/metrics");
        assertThat(answer[0]).isEqualTo("200");
        Matcher m = Pattern.compile("(?m)^" + name + " ([0-9.eE+-]+)$").matcher(answer[1]);
        assertThat(m.find()).as("%s in /metrics", name).isTrue();
        return (long) Double.parseDouble(m.group(1));
    }
}
