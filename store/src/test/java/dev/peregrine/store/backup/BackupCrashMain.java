package dev.peregrine.store.backup;

import dev.peregrine.store.EventStore;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;

/**
 * The child JVM of {@link BackupCrashTest}: two threads append while the main thread backs the store
 * up into the same directory again and again, printing {@code BACKUP <position>} after each backup
 * returned. It runs until it is killed.
 */
public final class BackupCrashMain {

    private BackupCrashMain() {
    }

    /** @param args data directory, backup directory, seed */
    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path backup = Path.of(args[1]);
        long seed = Long.parseLong(args[2]);
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        EventStore store = EventStore.open(data, BackupTest.options());
        for (int t = 0; t < 2; t++) {
            Random random = new Random(seed + t);
            Thread.ofPlatform().daemon(true).start(() -> {
                while (true) {
                    store.append(BackupTest.batch(store, random));
                }
            });
        }
        out.println("READY");
        while (true) {
            long position = store.backup(backup, BackupProgress.NONE).manifest().position();
            out.println("BACKUP " + position);
        }
    }
}
