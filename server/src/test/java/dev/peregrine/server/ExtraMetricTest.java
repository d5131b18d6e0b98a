package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtraMetricTest {
    @TempDir
    Path dir;

    @Test
    void extraMetricsAreReadAtEachScrape() {
        AtomicLong written = new AtomicLong(3);
        AtomicLong level = new AtomicLong(7);
        try (TestServer server = new TestServer(dir, b -> b
                .metric(new ExtraMetric(ExtraMetric.Kind.COUNTER, "app_things_written_total", "Things written",
                        written::get))
                .metric(new ExtraMetric(ExtraMetric.Kind.GAUGE, "app_queue_depth", "Queue depth", level::get)))) {
            assertThat(server.get("/metrics").body())
                    .contains("app_things_written_total 3.0")
                    .contains("app_queue_depth 7.0");

            written.set(5);
            level.set(2);

            assertThat(server.get("/metrics").body())
                    .contains("app_things_written_total 5.0")
                    .contains("app_queue_depth 2.0");
        }
    }

    @Test
    void counterNameMustEndInTotal() {
        assertThatThrownBy(() -> new ExtraMetric(ExtraMetric.Kind.COUNTER, "app_things", "x", () -> 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("_total");
    }
}
