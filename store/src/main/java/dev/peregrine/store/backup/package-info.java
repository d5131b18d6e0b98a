/**
 * Online backup and restore: {@link dev.peregrine.store.EventStore#backup} copies a consistent cut
 * of a running store (every event up to a position, without stopping appends) into a directory with
 * a {@link dev.peregrine.store.backup.BackupManifest} of SHA-256 checksums;
 * {@link dev.peregrine.store.EventStore#restore} checks every checksum before it writes anything.
 */
package dev.peregrine.store.backup;
