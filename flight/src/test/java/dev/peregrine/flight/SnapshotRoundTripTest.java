package dev.peregrine.flight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.flight.FlightValue.BooleanValue;
import dev.peregrine.flight.FlightValue.DoubleValue;
import dev.peregrine.flight.FlightValue.LongValue;
import dev.peregrine.flight.FlightValue.NullValue;
import dev.peregrine.flight.FlightValue.StringValue;
import dev.peregrine.flight.FlightValue.ThrowableValue;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotRoundTripTest {
    @TempDir
    Path dir;

    @Test
    void everyValueTypeSurvivesTheRingAndTheFile() throws Exception {
        FlightRecorder recorder = FlightRecorder.builder().capacity(16).slotBytes(256).service("orders").host("box-1")
                .snapshotDirectory(dir).build();
        FlightLogger log = recorder.logger("orders.fills");
        log.atWarn("mixed {} {} {} {} {} {}")
                .arg(Long.MIN_VALUE).arg(-0.0).arg(true).arg("naïve ☃ 𝄞").arg(new IllegalStateException("boom")).arg((Object) null)
                .field("venue", "XNAS").field("qty", 7).field("px", 101.25).field("ok", false)
                .log();
        log.atInfo("boxed {} {} {} {}").arg((Object) 3).arg((Object) 2.5f).arg((Object) Boolean.FALSE).arg((Object) List.of(1, 2)).log();

        Path file = recorder.snapshot("on-demand");
        assertThat(file.getFileName().toString()).startsWith("flight-orders-").endsWith("-on-demand.pgfl");
        FlightSnapshot snapshot = FlightSnapshot.read(file);
        SnapshotHeader h = snapshot.header();
        assertThat(h.service()).isEqualTo("orders");
        assertThat(h.host()).isEqualTo("box-1");
        assertThat(h.reason()).isEqualTo("on-demand");
        assertThat(h.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(h.capacity()).isEqualTo(16);
        assertThat(h.eventCount()).isEqualTo(2);
        assertThat(h.recorded()).isEqualTo(2);
        assertThat(h.firstTimestampNanos()).isLessThanOrEqualTo(h.lastTimestampNanos()).isPositive();

        FlightEvent first = snapshot.events().get(0);
        assertThat(first.level()).isEqualTo(Level.WARN);
        assertThat(first.target()).isEqualTo("orders.fills");
        assertThat(first.threadName()).isEqualTo(Thread.currentThread().getName());
        assertThat(first.threadId()).isEqualTo(Thread.currentThread().threadId());
        assertThat(first.args()).containsExactly(new LongValue(Long.MIN_VALUE), new DoubleValue(-0.0), new BooleanValue(true),
                new StringValue("naïve ☃ 𝄞"), new ThrowableValue("java.lang.IllegalStateException", "boom"), new NullValue());
        assertThat(first.fields()).containsExactly(new FlightField("venue", new StringValue("XNAS")),
                new FlightField("qty", new LongValue(7)), new FlightField("px", new DoubleValue(101.25)),
                new FlightField("ok", new BooleanValue(false)));
        assertThat(first.message()).isEqualTo("mixed -9223372036854775808 -0.0 true naïve ☃ 𝄞 java.lang.IllegalStateException: boom null");
        assertThat(first.truncated()).isFalse();

        FlightEvent second = snapshot.events().get(1);
        assertThat(second.args()).containsExactly(new LongValue(3), new DoubleValue(2.5), new BooleanValue(false), new StringValue("[1, 2]"));
        assertThat(second.sequence()).isGreaterThan(first.sequence());
    }

    @Test
    void oversizedValuesAreCutAndFlagged() throws Exception {
        FlightRecorder recorder = FlightRecorder.builder().capacity(4).slotBytes(64).snapshotDirectory(dir).build();
        recorder.logger("t").atInfo("{}").arg("é".repeat(100)).log();
        FlightEvent e = FlightSnapshot.read(recorder.snapshot("cut")).events().getFirst();
        assertThat(e.truncated()).isTrue();
        String kept = ((StringValue) e.args().getFirst()).value();
        // 64-byte slot: 16 data bytes = tag + 2 length bytes + 13 bytes, i.e. six whole 2-byte characters.
        assertThat(kept).isEqualTo("é".repeat(6));
    }

    @Test
    void fullInternTableStoresTemplatesInline() throws Exception {
        FlightRecorder recorder = FlightRecorder.builder().capacity(64).internLimits(4, 1000).snapshotDirectory(dir).build();
        FlightLogger log = recorder.logger("t");
        for (int i = 0; i < 10; i++) {
            log.atInfo("dynamic template " + i + " {}").arg(i).log();
        }
        FlightSnapshot snapshot = FlightSnapshot.read(recorder.snapshot("inline"));
        assertThat(snapshot.events()).hasSize(10);
        for (int i = 0; i < 10; i++) {
            assertThat(snapshot.events().get(i).message()).isEqualTo("dynamic template " + i + " " + i);
        }
        assertThat(recorder.metrics().internedStrings()).isEqualTo(4);
        assertThat(recorder.metrics().internRejected()).isPositive();
    }

    @Test
    void ringKeepsTheNewestEventsAndCountsTheRest() throws Exception {
        FlightRecorder recorder = FlightRecorder.builder().capacity(8).snapshotDirectory(dir).build();
        FlightLogger log = recorder.logger("t");
        for (int i = 0; i < 20; i++) {
            log.atInfo("n={}").arg(i).log();
        }
        log.atDebug("hidden").log();
        FlightMetrics m = recorder.metrics();
        assertThat(m.recorded()).isEqualTo(20);
        assertThat(m.retained()).isEqualTo(8);
        assertThat(m.overwritten()).isEqualTo(12);
        assertThat(m.filtered()).isEqualTo(1);
        assertThat(m.offered()).isEqualTo(21);
        assertThat(m.utilisation()).isEqualTo(1.0);
        FlightSnapshot snapshot = FlightSnapshot.read(recorder.snapshot("x"));
        assertThat(snapshot.events()).extracting(FlightEvent::message)
                .containsExactly("n=12", "n=13", "n=14", "n=15", "n=16", "n=17", "n=18", "n=19");
        assertThat(snapshot.header().overwritten()).isEqualTo(12);
        assertThat(recorder.metrics().snapshots()).isEqualTo(1);
        assertThat(recorder.metrics().snapshotNanosMax()).isPositive();
    }

    @Test
    void stringsWithEqualHashCodesStayDistinct() throws Exception {
        // "Aa" and "BB" share String.hashCode(); interning compares with equals, not hashes.
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        FlightRecorder recorder = FlightRecorder.builder().capacity(8).snapshotDirectory(dir).build();
        recorder.logger("Aa").atInfo("Aa").field("Aa", 1).log();
        recorder.logger("BB").atInfo("BB").field("BB", 2).log();
        List<FlightEvent> events = FlightSnapshot.read(recorder.snapshot("hash")).events();
        assertThat(events).extracting(FlightEvent::target).containsExactly("Aa", "BB");
        assertThat(events).extracting(FlightEvent::template).containsExactly("Aa", "BB");
        assertThat(events.get(1).fields()).containsExactly(new FlightField("BB", new LongValue(2)));
    }

    @Test
    void snapshotsCopyWithoutEmptyingTheRing() throws Exception {
        FlightRecorder recorder = FlightRecorder.builder().capacity(8).snapshotDirectory(dir).build();
        for (int i = 0; i < 5; i++) {
            recorder.logger("t").atInfo("n={}").arg(i).log();
        }
        FlightSnapshot first = FlightSnapshot.read(recorder.snapshot("one"));
        FlightSnapshot second = FlightSnapshot.read(recorder.snapshot("two"));
        assertThat(second.events()).isEqualTo(first.events()).hasSize(5);
        assertThat(recorder.metrics().retained()).isEqualTo(5);
    }

    @Test
    void emptyRingMakesAValidEmptySnapshot() throws Exception {
        FlightRecorder recorder = FlightRecorder.builder().capacity(8).snapshotDirectory(dir).build();
        FlightSnapshot snapshot = FlightSnapshot.read(recorder.snapshot("empty"));
        assertThat(snapshot.events()).isEmpty();
        assertThat(snapshot.header().firstTimestampNanos()).isZero();
    }

    @Test
    void messagesRenderLikeSlf4j() {
        assertThat(dev.peregrine.flight.internal.codec.Text.render("a {} b {} c {}", List.of(new LongValue(1), new LongValue(2))))
                .isEqualTo("a 1 b 2 c {}");
        assertThat(dev.peregrine.flight.internal.codec.Text.render("esc \\{} {}", List.of(new LongValue(1))))
                .isEqualTo("esc {} 1");
        assertThat(dev.peregrine.flight.internal.codec.Text.render("failed", List.of(new ThrowableValue("java.io.IOException", "disk"))))
                .isEqualTo("failed java.io.IOException: disk");
    }

    @Test
    void jsonShapes() throws Exception {
        FlightRecorder recorder = FlightRecorder.builder().capacity(8).snapshotDirectory(dir).build();
        recorder.logger("svc.db").atError("query \"{}\" failed").arg("x\ny").arg(Double.NaN).field("k", "v").log();
        FlightEvent e = FlightSnapshot.read(recorder.snapshot("json")).events().getFirst();
        assertThat(e.toIngestJson()).startsWith("{\"event_type\":\"log.error\",\"entity_id\":\"svc.db\",\"payload\":{")
                .contains("\"message\":\"query \\\"x\\ny\\\" failed\"").contains("\"args\":[\"x\\ny\",\"NaN\"]")
                .contains("\"fields\":{\"k\":\"v\"}").endsWith("}}");
        assertThat(e.toJson()).contains("\"level\":\"ERROR\"").contains("\"target\":\"svc.db\"");
    }
}
