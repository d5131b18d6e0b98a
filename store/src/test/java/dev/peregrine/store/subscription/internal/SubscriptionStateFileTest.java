package dev.peregrine.store.subscription.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.store.UnsupportedFormatException;
import dev.peregrine.store.framing.DamageChecks;
import dev.peregrine.store.subscription.ParkedEvent;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Subscription checkpoint files round-trip, and every truncation and random bit flips are detected. */
class SubscriptionStateFileTest {

    private static final long SEED = 0x5B5F_0006L;

    @TempDir
    Path dir;

    @Test
    void roundTripTruncationAndBitFlips() throws Exception {
        Path file = dir.resolve("g.group");
        List<ParkedEvent> parked = List.of(new ParkedEvent(7, "order-é", "order.placed", 5, "timeout ⏱"),
                new ParkedEvent(12, "e", "t", 1, ""));
        SubscriptionStateFile.write(file, SubscriptionStateLayout.KIND_GROUP, 42, parked);
        SubscriptionStateFile.State state = SubscriptionStateFile.read(file).orElseThrow();
        assertThat(state.position()).isEqualTo(42);
        assertThat(state.kind()).isEqualTo(SubscriptionStateLayout.KIND_GROUP);
        assertThat(state.parked()).isEqualTo(parked);

        DamageChecks.everyTruncationAndFlipIsDetected(file, () -> SubscriptionStateFile.read(file), SEED, 200);
    }

    @Test
    void anotherFormatVersionIsUnsupportedNotCorrupt() throws Exception {
        Path file = dir.resolve("s.sub");
        SubscriptionStateFile.write(file, SubscriptionStateLayout.KIND_DURABLE, 3, List.of());
        int newer = SubscriptionStateFile.FORMAT.currentVersion() + 1;
        DamageChecks.rewriteVersion(file, newer, true);
        assertThatThrownBy(() -> SubscriptionStateFile.read(file))
                .isInstanceOfSatisfying(UnsupportedFormatException.class, e -> {
                    assertThat(e.file()).isEqualTo(file);
                    assertThat(e.found()).isEqualTo(newer);
                    assertThat(e.tooNew()).isTrue();
                });
    }
}
