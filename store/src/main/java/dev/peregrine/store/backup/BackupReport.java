package dev.peregrine.store.backup;

/**
 * What one backup run did.
 *
 * @param manifest the backup as written
 * @param bytesCopied bytes copied by this run
 * @param filesReused files already in the backup directory from an earlier run, kept without copying
 *        (sealed segments never change, so an incremental backup copies only what is new)
 */
public record BackupReport(BackupManifest manifest, long bytesCopied, int filesReused) {
}
