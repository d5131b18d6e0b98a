package dev.peregrine.store.subscription.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.store.UnsupportedFormatException;
import dev.peregrine.store.framing.AtomicFile;
import dev.peregrine.store.framing.DamageChecks;
import dev.peregrine.store.framing.FileFormat;
import dev.peregrine.store.subscription.ConsumerStrategy;
import dev.peregrine.store.subscription.GroupOptions;
import dev.peregrine.store.subscription.ParkedEvent;
import dev.peregrine.store.subscription.StartPosition;
import dev.peregrine.store.subscription.SubscriptionFilter;
import java.time.Duration;
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
        GroupOptions options = new GroupOptions(SubscriptionFilter.builder().entityId("order-é").tenantId("acme")
                .eventTypes("order.placed", "order.paid").eventTypePrefixes("Order", "$").eventTypePattern("^Pay.*ed$")
                .entityIdPrefixes("cart-", "commande-é").entityIdPattern("[0-9]{3}$").build(), StartPosition.now(), 7,
                Duration.ofNanos(1_500_001),
                33, ConsumerStrategy.PINNED, 4);
        SubscriptionStateFile.write(file, SubscriptionStateLayout.KIND_GROUP, 42, parked, options);
        SubscriptionStateFile.State state = SubscriptionStateFile.read(file).orElseThrow();
        assertThat(state.position()).isEqualTo(42);
        assertThat(state.kind()).isEqualTo(SubscriptionStateLayout.KIND_GROUP);
        assertThat(state.parked()).isEqualTo(parked);
        assertThat(state.options()).contains(options);
        GroupOptions plain = GroupOptions.DEFAULTS.withStart(StartPosition.at(9))
                .withStrategy(ConsumerStrategy.DISPATCH_TO_SINGLE);
        SubscriptionStateFile.write(file, SubscriptionStateLayout.KIND_GROUP, 8, List.of(), plain);
        assertThat(SubscriptionStateFile.read(file).orElseThrow().options()).contains(plain);
        SubscriptionStateFile.write(file, SubscriptionStateLayout.KIND_GROUP, 42, parked, options);

        DamageChecks.everyTruncationAndFlipIsDetected(file, () -> SubscriptionStateFile.read(file), SEED, 200);
    }

    @Test
    void anotherFormatVersionIsUnsupportedNotCorrupt() throws Exception {
        Path file = dir.resolve("s.sub");
        SubscriptionStateFile.write(file, SubscriptionStateLayout.KIND_DURABLE, 3, List.of(), null);
        int newer = SubscriptionStateFile.FORMAT.currentVersion() + 1;
        DamageChecks.rewriteVersion(file, newer, true);
        assertThatThrownBy(() -> SubscriptionStateFile.read(file))
                .isInstanceOfSatisfying(UnsupportedFormatException.class, e -> {
                    assertThat(e.file()).isEqualTo(file);
                    assertThat(e.found()).isEqualTo(newer);
                    assertThat(e.tooNew()).isTrue();
                });
    }

    @Test
    void aVersionTwoGroupFileIsReadWithoutOptions() throws Exception {
        Path file = dir.resolve("old.group");
        // Version 2: this framing, the body without the options block.
        AtomicFile.write(file, FileFormat.of(SubscriptionStateFile.FORMAT.name(), 2, null), out -> {
            out.putShort(SubscriptionStateLayout.KIND_GROUP);
            out.putLong(11);
            out.putInt(1);
            out.putLong(5);
            out.putInt(3);
            out.putString("e1");
            out.putString("t");
            out.putString("boom");
        });
        SubscriptionStateFile.State state = SubscriptionStateFile.read(file).orElseThrow();
        assertThat(state.position()).isEqualTo(11);
        assertThat(state.parked()).containsExactly(new ParkedEvent(5, "e1", "t", 3, "boom"));
        assertThat(state.options()).isEmpty();
    }

    @Test
    void aVersionThreeGroupFileHasAFilterOfTypesAndOneEntity() throws Exception {
        Path file = dir.resolve("v3.group");
        // Version 3: the options block ends with the event types (no prefixes, no regular expressions).
        AtomicFile.write(file, FileFormat.of(SubscriptionStateFile.FORMAT.name(), 3, null), out -> {
            out.putShort(SubscriptionStateLayout.KIND_GROUP);
            out.putLong(4);
            out.putInt(0);
            out.putLong(9);
            out.putInt(3);
            out.putLong(Duration.ofSeconds(30).toNanos());
            out.putInt(10);
            out.putByte((byte) 0);
            out.putInt(0);
            out.putByte((byte) 1);
            out.putString("order-1");
            out.putByte((byte) 0);
            out.putInt(1);
            out.putString("order.placed");
        });
        GroupOptions options = SubscriptionStateFile.read(file).orElseThrow().options().orElseThrow();
        assertThat(options.filter()).isEqualTo(SubscriptionFilter.builder().entityId("order-1")
                .eventTypes("order.placed").build());
        assertThat(options.start()).isEqualTo(StartPosition.at(9));
    }

    @Test
    void aGroupIsWrittenWithItsOptionsAndADurableSubscriptionWithout() {
        Path file = dir.resolve("x.group");
        assertThatThrownBy(() -> SubscriptionStateFile.write(file, SubscriptionStateLayout.KIND_GROUP, 1, List.of(),
                null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SubscriptionStateFile.write(file, SubscriptionStateLayout.KIND_DURABLE, 1, List.of(),
                GroupOptions.DEFAULTS)).isInstanceOf(IllegalArgumentException.class);
    }
}
