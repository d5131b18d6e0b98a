package dev.peregrine.store.internal;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Generates time-ordered UUIDs (version 7, RFC 9562): 48 bits of Unix milliseconds, then random
 * bits. Ids generated later sort after earlier ones (to the millisecond), which keeps id-ordered
 * structures append-friendly. Thread-safe and lock-free.
 */
public final class Uuids {

    private static final long VERSION_7 = 0x7000L;
    private static final long VARIANT_RFC = 0x8000_0000_0000_0000L;

    private Uuids() {
    }

    /** @return a new UUIDv7 for the current time */
    public static UUID timeOrdered() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long millis = System.currentTimeMillis();
        long msb = (millis << 16) | VERSION_7 | (random.nextInt() & 0x0FFF);
        long lsb = VARIANT_RFC | (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL);
        return new UUID(msb, lsb);
    }
}
