package dev.peregrine.flight.internal.ring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.flight.Level;
import org.junit.jupiter.api.Test;

/** The seqlock protocol of one slot, driven step by step from one thread so every state is reached on purpose. */
class RingTest {
    private static final int CAPACITY = 4;

    private static PendingEvent event(long value) {
        PendingEvent e = new PendingEvent(64);
        e.begin(Level.INFO, 1, 2, null, 7, 3);
        e.add(-1, ValueTag.LONG, value, null);
        return e;
    }

    private static void publish(Ring ring, long value) {
        long s = ring.claimAndAcquire();
        ring.write(s, event(value), 1000 + s);
        ring.commit(s);
    }

    @Test
    void slotStatesFollowTheProtocol() {
        Ring ring = new Ring(CAPACITY, 64);
        byte[] copy = new byte[64];
        assertThat(ring.read(0, copy)).as("never written").isEqualTo(SlotStatus.IN_FLIGHT);

        long s = ring.claimAndAcquire();
        assertThat(s).isZero();
        assertThat(ring.read(0, copy)).as("acquired, not committed").isEqualTo(SlotStatus.IN_FLIGHT);
        ring.write(s, event(42), 1000);
        assertThat(ring.peek(0)).as("written, not committed").isEqualTo(SlotStatus.IN_FLIGHT);
        ring.commit(s);
        assertThat(ring.read(0, copy)).isEqualTo(SlotStatus.PRESENT);

        for (int i = 1; i <= CAPACITY; i++) {
            publish(ring, i);
        }
        assertThat(ring.read(0, copy)).as("lapped by sequence 4").isEqualTo(SlotStatus.OVERWRITTEN);
        assertThat(ring.read(CAPACITY, copy)).isEqualTo(SlotStatus.PRESENT);
        assertThat(ring.claimed()).isEqualTo(CAPACITY + 1);
        assertThat(ring.holes()).isZero();
    }

    @Test
    void aLappedWriterMakesAHoleInsteadOfSharingItsSlot() {
        Ring ring = new Ring(CAPACITY, 64);
        long stalled = ring.claimAndAcquire();
        // Sequences 1..3 go to their own slots; sequence 4 maps to slot 0, still held by the stalled writer.
        for (int i = 1; i < CAPACITY; i++) {
            publish(ring, i);
        }
        long next = ring.claimAndAcquire();
        assertThat(next).as("sequence 4 was abandoned, 5 taken").isEqualTo(CAPACITY + 1);
        assertThat(ring.holes()).isEqualTo(1);
        ring.write(next, event(5), 5);
        ring.commit(next);

        // The stalled writer finishes: its slot is its own, nobody else wrote it.
        ring.write(stalled, event(0), 0);
        ring.commit(stalled);
        byte[] copy = new byte[64];
        assertThat(ring.read(stalled, copy)).isEqualTo(SlotStatus.PRESENT);
        assertThat(ring.read(CAPACITY, copy)).as("the hole").isEqualTo(SlotStatus.IN_FLIGHT);
        assertThat(ring.read(CAPACITY + 1, copy)).isEqualTo(SlotStatus.PRESENT);
    }

    @Test
    void anOlderWriterNeverOverwritesANewerEvent() {
        Ring ring = new Ring(CAPACITY, 64);
        // Claim sequence 0 but acquire late: by then sequence 4 (same slot) has committed.
        for (int i = 0; i <= CAPACITY; i++) {
            publish(ring, i);
        }
        byte[] copy = new byte[64];
        assertThat(ring.read(CAPACITY, copy)).isEqualTo(SlotStatus.PRESENT);
        assertThat(ring.peek(0)).isEqualTo(SlotStatus.OVERWRITTEN);
    }
}
