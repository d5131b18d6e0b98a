package dev.peregrine.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LevelConfigTest {
    @TempDir
    Path dir;

    @Test
    void longestPrefixWinsOnDotBoundaries() {
        FlightRecorder r = FlightRecorder.builder().snapshotDirectory(dir).capacity(4)
                .defaultLevel(Level.WARN).level("com.acme", Level.INFO).level("com.acme.db", Level.TRACE).level("com.acme.db.pool", Level.ERROR)
                .build();
        assertThat(r.levelFor("other")).isEqualTo(Level.WARN);
        assertThat(r.levelFor("com.acme")).isEqualTo(Level.INFO);
        assertThat(r.levelFor("com.acme.web.Handler")).isEqualTo(Level.INFO);
        assertThat(r.levelFor("com.acmeish")).isEqualTo(Level.WARN);
        assertThat(r.levelFor("com.acme.db.Query")).isEqualTo(Level.TRACE);
        assertThat(r.levelFor("com.acme.db.pool.Conn")).isEqualTo(Level.ERROR);
    }

    @Test
    void setLevelReachesExistingLoggers() {
        FlightRecorder r = FlightRecorder.builder().snapshotDirectory(dir).capacity(4).build();
        FlightLogger log = r.logger("a.b");
        assertThat(log.isEnabled(Level.DEBUG)).isFalse();
        r.setLevel("a", Level.DEBUG);
        assertThat(log.isEnabled(Level.DEBUG)).isTrue();
        r.setLevel("ROOT", Level.OFF);
        assertThat(r.logger("z").isEnabled(Level.ERROR)).isFalse();
    }

    @Test
    void propertiesConfigureLikeLogback() {
        Properties p = new Properties();
        p.setProperty("flight.level", "warn");
        p.setProperty("flight.level.com.acme", "DEBUG");
        p.setProperty("flight.capacity", "32");
        p.setProperty("flight.service", "billing");
        p.setProperty("flight.snapshot.dir", dir.toString());
        FlightRecorder r = FlightRecorder.builder().apply(p).build();
        assertThat(r.levelFor("x")).isEqualTo(Level.WARN);
        assertThat(r.levelFor("com.acme.X")).isEqualTo(Level.DEBUG);
        assertThat(r.metrics().capacity()).isEqualTo(32);
        assertThat(r.service()).isEqualTo("billing");
        assertThat(r.snapshotDirectory()).isEqualTo(dir);
    }

    @Test
    void configurationFileThenSystemPropertiesOnTop() throws Exception {
        Path file = dir.resolve("flight.properties");
        java.nio.file.Files.writeString(file, "flight.level.cfg.a=DEBUG\nflight.level.cfg.b=ERROR\n");
        System.setProperty(FlightProperties.CONFIGURATION_FILE, file.toString());
        System.setProperty("flight.level.cfg.b", "TRACE");
        try {
            Properties loaded = FlightProperties.load();
            assertThat(loaded.getProperty("flight.level.cfg.a")).isEqualTo("DEBUG");
            assertThat(loaded.getProperty("flight.level.cfg.b")).as("system property wins").isEqualTo("TRACE");
        } finally {
            System.clearProperty(FlightProperties.CONFIGURATION_FILE);
            System.clearProperty("flight.level.cfg.b");
        }
        System.setProperty(FlightProperties.CONFIGURATION_FILE, dir.resolve("missing.properties").toString());
        try {
            assertThatThrownBy(FlightProperties::load).hasMessageContaining("missing.properties");
        } finally {
            System.clearProperty(FlightProperties.CONFIGURATION_FILE);
        }
    }

    @Test
    void badPropertiesNameTheKey() {
        Properties typo = new Properties();
        typo.setProperty("flight.capacty", "32");
        assertThatThrownBy(() -> FlightRecorder.builder().apply(typo)).hasMessageContaining("unknown flight property 'flight.capacty'");
        Properties level = new Properties();
        level.setProperty("flight.level.x", "LOUD");
        assertThatThrownBy(() -> FlightRecorder.builder().apply(level)).hasMessageContaining("flight.level.x").hasMessageContaining("LOUD");
        Properties number = new Properties();
        number.setProperty("flight.capacity", "lots");
        assertThatThrownBy(() -> FlightRecorder.builder().apply(number)).hasMessageContaining("flight.capacity").hasMessageContaining("lots");
        assertThatThrownBy(() -> FlightRecorder.builder().capacity(1000).build()).hasMessageContaining("power of two");
        assertThatThrownBy(() -> FlightRecorder.builder().slotBytes(48).build()).hasMessageContaining("slot size");
    }
}
