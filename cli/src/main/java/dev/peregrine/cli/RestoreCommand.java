package dev.peregrine.cli;

import dev.peregrine.store.EventStore;
import dev.peregrine.store.EventStoreException;
import dev.peregrine.store.backup.BackupManifest;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code peregrine restore}: checks every file of a backup against its manifest, then writes a new
 * data directory from it. Nothing is written if a check fails.
 */
@Command(
        name = "restore",
        mixinStandardHelpOptions = true,
        description = {
            "Restore a backup into a new data directory. Every file is checked against the backup's SHA-256"
                    + " manifest before anything is written; the restored store rebuilds its indexes, snapshots"
                    + " and view state on first open.",
            "  peregrine restore --from /backups/pg --data ./restored-data"})
final class RestoreCommand implements Callable<Integer> {

    @Option(names = "--from", required = true, description = "The backup directory.")
    Path from;

    @Option(names = "--data", required = true, description = "The data directory to create (it must not exist,"
            + " or be empty).")
    Path data;

    @Override
    public Integer call() {
        BytesProgress progress = new BytesProgress();
        BackupManifest manifest;
        try {
            manifest = EventStore.restore(from, data, progress);
        } catch (EventStoreException e) {
            progress.finish();
            System.err.println("peregrine: " + e.getMessage());
            return 1;
        }
        progress.finish();
        System.out.printf("restored %d files, %,d bytes, every event up to position %d, into %s%n",
                manifest.files().size(), manifest.totalBytes(), manifest.position(), data);
        return 0;
    }
}
