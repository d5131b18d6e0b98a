package dev.peregrine.flight;

import java.nio.file.Path;

/**
 * Entry point of the child JVMs started by {@link ProcessTriggerTest}: logs a few events, then ends the
 * way the first argument says: {@code shutdown} returns from main, {@code uncaught} throws from main,
 * {@code sigterm} waits to be killed with SIGTERM.
 */
public final class ChildJvmMain {
    private ChildJvmMain() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        FlightRecorder recorder = FlightRecorder.builder()
                .service("child-" + mode)
                .capacity(1024)
                .snapshotDirectory(Path.of(args[1]))
                .snapshotOnShutdown(mode.equals("shutdown"))
                .snapshotOnSigterm(true)
                .snapshotOnUncaughtException(true)
                .build();
        FlightLogger log = recorder.logger("child");
        for (int i = 0; i < 100; i++) {
            log.atInfo("step {} of {}").arg(i).arg(100).log();
        }
        switch (mode) {
            case "shutdown" -> log.atInfo("main returns").log();
            case "uncaught" -> throw new IllegalStateException("child failed on purpose");
            case "sigterm" -> {
                log.atInfo("waiting for SIGTERM").log();
                System.out.println("READY");
                System.out.flush();
                Thread.sleep(120_000);
            }
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        }
    }
}
