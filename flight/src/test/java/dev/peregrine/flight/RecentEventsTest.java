package dev.peregrine.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FlightRecorder#recent}: the newest events of the ring, for polling after a sequence, across the wrap. */
class RecentEventsTest {
    @TempDir
    Path dir;

    @Test
    void returnsTheNewestEventsAfterASequenceOldestFirstAcrossTheWrap() {
        FlightRecorder recorder = FlightRecorder.builder().capacity(16).slotBytes(256).service("t").host("h")
                .snapshotDirectory(dir).build();
        FlightLogger log = recorder.logger("app.orders");
        assertThat(recorder.recent(-1, 10)).isEmpty();
        for (int i = 0; i < 40; i++) {
            log.atInfo("order {}").arg(i).log();
        }
        // 40 written into 16 slots: the newest 16 remain; a smaller max keeps the newest of them.
        List<FlightEvent> all = recorder.recent(-1, 100);
        assertThat(all).extracting(FlightEvent::message)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(24, 40).mapToObj(i -> "order " + i).toList());
        assertThat(recorder.recent(-1, 3)).extracting(FlightEvent::message).containsExactly("order 37", "order 38", "order 39");

        long last = all.getLast().sequence();
        assertThat(recorder.recent(last, 10)).isEmpty();
        log.atWarn("late {}").arg("one").log();
        List<FlightEvent> next = recorder.recent(last, 10);
        assertThat(next).singleElement().satisfies(event -> {
            assertThat(event.message()).isEqualTo("late one");
            assertThat(event.level()).isEqualTo(Level.WARN);
            assertThat(event.target()).isEqualTo("app.orders");
            assertThat(event.sequence()).isGreaterThan(last);
        });
        // Reading does not take anything out of the ring.
        assertThat(recorder.recent(-1, 100)).hasSize(16);
        assertThatThrownBy(() -> recorder.recent(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
