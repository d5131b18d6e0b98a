package dev.peregrine.flight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.flight.FlightValue.LongValue;
import dev.peregrine.flight.FlightValue.StringValue;
import dev.peregrine.flight.FlightValue.ThrowableValue;
import dev.peregrine.flight.slf4j.FlightServiceProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.spi.SLF4JServiceProvider;

/** An application that only knows the SLF4J API: the provider is found by ServiceLoader and events land in the ring. */
class Slf4jProviderTest {

    @Test
    void slf4jApiCallsLandInTheRing() throws Exception {
        Path dir = Files.createTempDirectory("flight-slf4j");
        System.setProperty("flight.capacity", "1024");
        System.setProperty("flight.console", "false");
        System.setProperty("flight.snapshot.dir", dir.toString());
        System.setProperty("flight.snapshot.onSigterm", "false");
        System.setProperty("flight.snapshot.onUncaughtException", "false");
        System.setProperty("flight.level.app.noisy", "ERROR");
        System.setProperty("flight.service", "slf4j-app");

        List<String> providers = ServiceLoader.load(SLF4JServiceProvider.class).stream().map(p -> p.type().getName()).toList();
        assertThat(providers).containsExactly(FlightServiceProvider.class.getName());

        Logger log = LoggerFactory.getLogger("app.Orders");
        Logger noisy = LoggerFactory.getLogger("app.noisy.Poller");
        assertThat(LoggerFactory.getILoggerFactory().getClass().getName()).isEqualTo("dev.peregrine.flight.internal.slf4j.FlightLoggerFactory");
        assertThat(log.isInfoEnabled()).isTrue();
        assertThat(log.isDebugEnabled()).isFalse();
        assertThat(noisy.isWarnEnabled()).isFalse();

        MDC.put("request", "r-17");
        log.info("order {} filled qty={} px={}", 42L, 3, 101.25);
        log.warn("retrying {}", "payment", new IllegalStateException("timeout"));
        log.atInfo().addKeyValue("user", "ada").log("fluent {}", 7);
        log.debug("not recorded {}", 1);
        noisy.info("not recorded either");
        MDC.remove("request");
        log.error("after MDC cleared", new RuntimeException("x"));

        FlightRecorder recorder = Flight.recorder();
        assertThat(recorder.service()).isEqualTo("slf4j-app");
        FlightSnapshot snapshot = FlightSnapshot.read(recorder.snapshot("slf4j"));
        List<FlightEvent> events = snapshot.events().stream().filter(e -> e.target().startsWith("app.")).toList();
        assertThat(events).hasSize(4);

        FlightEvent fill = events.get(0);
        assertThat(fill.level()).isEqualTo(Level.INFO);
        assertThat(fill.target()).isEqualTo("app.Orders");
        assertThat(fill.message()).isEqualTo("order 42 filled qty=3 px=101.25");
        assertThat(fill.args().get(0)).isEqualTo(new LongValue(42));
        assertThat(fill.fields()).containsExactly(new FlightField("request", new StringValue("r-17")));

        FlightEvent retry = events.get(1);
        assertThat(retry.level()).isEqualTo(Level.WARN);
        assertThat(retry.args()).containsExactly(new StringValue("payment"), new ThrowableValue("java.lang.IllegalStateException", "timeout"));
        assertThat(retry.message()).isEqualTo("retrying payment java.lang.IllegalStateException: timeout");

        FlightEvent fluent = events.get(2);
        assertThat(fluent.message()).isEqualTo("fluent 7");
        assertThat(fluent.fields()).containsExactly(new FlightField("user", new StringValue("ada")),
                new FlightField("request", new StringValue("r-17")));

        FlightEvent error = events.get(3);
        assertThat(error.level()).isEqualTo(Level.ERROR);
        assertThat(error.fields()).isEmpty();
        assertThat(error.message()).isEqualTo("after MDC cleared java.lang.RuntimeException: x");

        assertThat(recorder.metrics().filtered()).isEqualTo(2);
    }
}
