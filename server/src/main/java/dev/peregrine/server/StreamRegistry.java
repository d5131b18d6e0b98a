package dev.peregrine.server;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open subscriber connections, so that a shutdown can end them: they never finish by
 * themselves, and the HTTP server's graceful shutdown would otherwise wait for them until its
 * grace period runs out. Thread-safe.
 */
final class StreamRegistry {
    private final Set<Runnable> closers = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;

    /** Registers how to end one stream; returns the handle to {@link #remove} when it ends itself. */
    Runnable add(Runnable closer) {
        closers.add(closer);
        if (closing) {
            closer.run();
        }
        return closer;
    }

    void remove(Runnable closer) {
        closers.remove(closer);
    }

    /** Ends every open stream, and any opened from now on. */
    void closeAll() {
        closing = true;
        for (Runnable closer : closers) {
            closer.run();
        }
    }
}
