package dev.peregrine.store.backup.internal;

import dev.peregrine.store.CorruptFileException;
import dev.peregrine.store.backup.BackupFile;
import dev.peregrine.store.backup.BackupManifest;
import dev.peregrine.store.framing.AtomicFile;
import dev.peregrine.store.framing.FileFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A backup's manifest, {@value #NAME} in the backup directory: a whole file in the store's one
 * framing ({@link AtomicFile}, format {@code backup-manifest}), replaced atomically after every file it
 * lists is in place and forced.
 *
 * <p>Body, version 2 (little-endian; strings are u32 length + UTF-8): {@code u64 position,
 * u64 created (epoch ms), u32 file count}, then per file {@code string name, u64 bytes,
 * u64 capacity, string sha256 (hex)}.
 */
public final class ManifestFile {

    /** The manifest's file name in a backup directory. */
    public static final String NAME = "backup.manifest";
    /** Version 2 is the first: backups came with this framing. */
    static final FileFormat FORMAT = FileFormat.of("backup-manifest", 2, null);

    private ManifestFile() {
    }

    /**
     * @param backup the backup directory
     * @param manifest what to write
     */
    static void write(Path backup, BackupManifest manifest) {
        AtomicFile.write(backup.resolve(NAME), FORMAT, out -> {
            out.putLong(manifest.position());
            out.putLong(manifest.createdMillis());
            out.putInt(manifest.files().size());
            for (BackupFile f : manifest.files()) {
                out.putString(f.name());
                out.putLong(f.bytes());
                out.putLong(f.capacity());
                out.putString(f.sha256());
            }
        });
    }

    /**
     * @param backup the backup directory
     * @return its manifest, or empty if it has none
     * @throws CorruptFileException if the manifest is damaged
     */
    public static Optional<BackupManifest> read(Path backup) {
        Path path = backup.resolve(NAME);
        return AtomicFile.read(path, FORMAT).map(in -> {
            long position = in.getLong();
            long created = in.getLong();
            int count = in.getCount(4 + 8 + 8 + 4);
            List<BackupFile> files = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                long at = in.offset();
                String name = in.getString();
                long bytes = in.getLong();
                long capacity = in.getLong();
                String sha = in.getString();
                try {
                    files.add(new BackupFile(name, bytes, capacity, sha));
                } catch (IllegalArgumentException e) {
                    throw new CorruptFileException(path, at, "a backup file entry", e.getMessage());
                }
            }
            in.expectEnd();
            return new BackupManifest(position, created, files);
        });
    }
}
