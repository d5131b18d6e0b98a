package dev.peregrine.store.backup;

import java.util.List;

/**
 * What a backup holds: every event up to {@link #position()}, in the listed files. Written last, so a
 * backup directory whose manifest is readable is complete; restore checks every file against it
 * before it writes anything.
 *
 * @param position the last position in the backup; every event up to it is in it, none after it
 * @param createdMillis when the backup was taken, epoch milliseconds
 * @param files the files, log segments in position order
 */
public record BackupManifest(long position, long createdMillis, List<BackupFile> files) {

    /** Copies the list. */
    public BackupManifest {
        files = List.copyOf(files);
    }

    /** @return the sum of the files' bytes */
    public long totalBytes() {
        long sum = 0;
        for (BackupFile f : files) {
            sum += f.bytes();
        }
        return sum;
    }
}
