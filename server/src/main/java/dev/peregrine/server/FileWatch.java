package dev.peregrine.server;

import dev.peregrine.server.auth.KeyRing;
import io.vertx.core.net.KeyCertOptions;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the files the server reads at start but must follow while it runs: the credential file
 * (changed by {@code peregrine keys} while the server runs) and the TLS certificate and key
 * (renewed in place). Polling once a second costs a few {@code stat}s, works on every file
 * system (a {@code WatchService} misses changes made through bind mounts and some network
 * file systems), and bounds how long a revocation made offline takes to apply. A file that cannot
 * be used is logged and the one in use is kept.
 *
 * <p>Runs on one daemon thread of its own; {@link #close()} stops it.
 */
final class FileWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FileWatch.class);
    static final long PERIOD_MILLIS = 1_000;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "peregrine-file-watch");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param keys the credential file
     * @param tls the TLS files, or {@code null} for plain HTTP
     * @param tlsReload takes the TLS files as just reloaded; throws to keep the ones in use
     */
    FileWatch(KeyRing keys, TlsFiles tls, Consumer<KeyCertOptions> tlsReload) {
        timer.scheduleWithFixedDelay(() -> {
            try {
                if (keys.reloadIfChanged()) {
                    LOG.info("credentials reloaded from {}: {} keys", keys.file().getFileName(), keys.list().size());
                }
            } catch (RuntimeException e) {
                LOG.error("credential file not reloaded, the keys and users in use are kept: {}", e.getMessage());
            }
            if (tls != null && tls.changed()) {
                try {
                    tlsReload.accept(tls.load());
                    LOG.info("TLS certificate reloaded");
                } catch (RuntimeException e) {
                    LOG.error("TLS certificate not reloaded, the one in use is kept: {}", e.getMessage());
                }
            }
        }, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
