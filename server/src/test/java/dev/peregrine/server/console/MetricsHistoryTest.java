package dev.peregrine.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.record.Record;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.StoreOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history ring over a real store: its columns, its window and its wrap-around. */
class MetricsHistoryTest {
    @TempDir
    Path data;

    @Test
    void keepsTheNewestSamplesAcrossTheWrapAndFiltersByTime() throws InterruptedException {
        try (EventStore store = EventStore.open(data, StoreOptions.defaults())) {
            AtomicInteger subscribers = new AtomicInteger();
            AppendRecorder appends = new AppendRecorder();
            MetricsHistory history = new MetricsHistory(store, subscribers::get, appends);
            assertThat(history.since(0).timesMillis()).isEmpty();

            int samples = MetricsHistory.CAPACITY + 37;
            for (int i = 0; i < samples; i++) {
                subscribers.set(i);
                if (i % 100 == 0) {
                    store.append(NewEvent.builder().eventType("tick").entityId("e" + i).payload(Record.empty(store.dictionary())).build());
                    appends.record(1, 2_000_000);
                }
                history.sample();
            }
            MetricsHistory.Series all = history.since(0);
            assertThat(all.timesMillis()).hasSize(MetricsHistory.CAPACITY);
            double[] subscriberColumn = all.values()[MetricsHistory.Column.SUBSCRIBERS.ordinal()];
            // The oldest 37 were overwritten; the rest are in order, oldest first.
            assertThat(subscriberColumn[0]).isEqualTo(37);
            assertThat(subscriberColumn[MetricsHistory.CAPACITY - 1]).isEqualTo(samples - 1);
            for (int i = 1; i < subscriberColumn.length; i++) {
                assertThat(subscriberColumn[i]).isEqualTo(subscriberColumn[i - 1] + 1);
                assertThat(all.timesMillis()[i]).isGreaterThanOrEqualTo(all.timesMillis()[i - 1]);
            }
            assertThat(all.values()[MetricsHistory.Column.EVENTS_STORED.ordinal()][MetricsHistory.CAPACITY - 1])
                    .isEqualTo(store.stats().totalEvents());
            double[] p50 = all.values()[MetricsHistory.Column.APPEND_P50_MS.ordinal()];
            // Ten appends were recorded at 2 ms, each in its own interval: ten samples say about 2 ms.
            assertThat(Arrays.stream(p50).filter(v -> v > 0).count()).isEqualTo(9); // the first fell in the overwritten part
            assertThat(Arrays.stream(p50).filter(v -> v > 0)).allSatisfy(v -> assertThat(v).isBetween(1.99, 2.01));

            long last = all.timesMillis()[MetricsHistory.CAPACITY - 1];
            assertThat(history.since(last).timesMillis()).isEmpty();
            Thread.sleep(2);
            history.sample();
            MetricsHistory.Series next = history.since(last);
            assertThat(next.timesMillis()).hasSize(1);
            assertThat(next.values()[MetricsHistory.Column.SUBSCRIBERS.ordinal()][0]).isEqualTo(samples - 1);
        }
    }
}
