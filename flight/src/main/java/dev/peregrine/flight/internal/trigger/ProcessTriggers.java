package dev.peregrine.flight.internal.trigger;

import java.util.function.BiConsumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Snapshots on process events: JVM shutdown, SIGTERM and uncaught exceptions.
 *
 * <p><b>SIGTERM.</b> The JVM answers SIGTERM by running its shutdown hooks and exiting with status 143.
 * A plain shutdown hook cannot tell that apart from {@code System.exit} or the end of {@code main}, so
 * this class also installs a {@code TERM} signal handler (through {@code sun.misc.Signal}, the only
 * supported way in the JDK) that records that SIGTERM arrived and then hands the signal to the JVM's own
 * handler. The shutdown hook then writes a single snapshot whose reason is {@code sigterm} instead of
 * {@code shutdown}. If signal handling is unavailable (another library owns TERM, or the JVM runs with
 * {@code -Xrs}), SIGTERM still produces a snapshot through the shutdown hook, with reason {@code shutdown}.
 *
 * <p><b>Uncaught exceptions.</b> The default handler is wrapped: it records the exception as an ERROR event
 * (through the given recorder callback), snapshots with reason {@code uncaught-exception}, then runs the
 * previous handler, or prints the stack trace as the JVM would.
 */
public final class ProcessTriggers {
    private volatile boolean sigterm;
    private final SnapshotAction action;

    private ProcessTriggers(SnapshotAction action) {
        this.action = action;
    }

    /**
     * Installs the requested triggers.
     *
     * @param onShutdown snapshot on every JVM shutdown
     * @param onSigterm  snapshot when SIGTERM terminates the JVM
     * @param onUncaught snapshot on an uncaught exception; {@code recordError} logs it first
     */
    public static void install(SnapshotAction action, boolean onShutdown, boolean onSigterm, boolean onUncaught,
                                 BiConsumer<Thread, Throwable> recordError) {
        ProcessTriggers triggers = new ProcessTriggers(action);
        if (onSigterm) {
            triggers.installSignalHandler();
        }
        if (onShutdown || onSigterm) {
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("flight-shutdown-snapshot").unstarted(() -> {
                if (triggers.sigterm) {
                    action.snapshot("sigterm");
                } else if (onShutdown) {
                    action.snapshot("shutdown");
                }
            }));
        }
        if (onUncaught) {
            Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
            Thread.setDefaultUncaughtExceptionHandler((thread, error) -> {
                try {
                    recordError.accept(thread, error);
                    action.snapshot("uncaught-exception");
                } finally {
                    if (previous != null) {
                        previous.uncaughtException(thread, error);
                    } else {
                        // What ThreadGroup.uncaughtException prints; calling it would re-enter this handler.
                        System.err.print("Exception in thread \"" + thread.getName() + "\" ");
                        error.printStackTrace(System.err);
                    }
                }
            });
        }
    }

    private void installSignalHandler() {
        try {
            Signal term = new Signal("TERM");
            SignalHandler[] previous = new SignalHandler[1];
            previous[0] = Signal.handle(term, signal -> {
                sigterm = true;
                SignalHandler next = previous[0];
                if (next == SignalHandler.SIG_DFL || next == SignalHandler.SIG_IGN || next == null) {
                    // The JVM's own TERM handler was not installed (e.g. -Xrs): do what it does.
                    Runtime.getRuntime().exit(128 + 15);
                } else {
                    next.handle(signal);
                }
            });
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            // TERM is reserved or signals are disabled in this JVM: the shutdown hook still snapshots.
        }
    }
}
