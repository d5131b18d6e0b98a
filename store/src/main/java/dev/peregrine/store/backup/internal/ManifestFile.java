package dev.peregrine.store.backup.internal;

import dev.peregrine.store.CorruptFileException;
import dev.peregrine.store.backup.BackupFile;
import dev.peregrine.store.backup.BackupManifest;
import dev.peregrine.store.internal.AtomicFile;
import dev.peregrine.store.internal.AtomicFileDescriptor;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A backup's manifest, {@value #NAME} in the backup directory: a whole file replaced atomically
 * ({@link AtomicFileDescriptor}, magic {@code PRGNBKUP}), written after every file it lists is in
 * place and forced.
 *
 * <p>Body, version 1 (little-endian; strings are u32 length + UTF-8): {@code u64 position,
 * u64 created (epoch ms), u32 file count}, then per file {@code string name, u64 bytes,
 * u64 capacity, string sha256 (hex)}.
 */
public final class ManifestFile {

    /** The manifest's file name in a backup directory. */
    public static final String NAME = "backup.manifest";
    private static final int VERSION = 1;

    private ManifestFile() {
    }

    /**
     * @param backup the backup directory
     * @param manifest what to write
     */
    static void write(Path backup, BackupManifest manifest) {
        AtomicFile.write(backup.resolve(NAME), AtomicFileDescriptor.BACKUP_MAGIC, VERSION, out -> {
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
        return AtomicFile.read(path, AtomicFileDescriptor.BACKUP_MAGIC, VERSION).map(in -> {
            try {
                long position = in.getLong();
                long created = in.getLong();
                int count = in.getInt();
                List<BackupFile> files = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    files.add(new BackupFile(AtomicFile.getString(in), in.getLong(), in.getLong(),
                            AtomicFile.getString(in)));
                }
                return new BackupManifest(position, created, files);
            } catch (BufferUnderflowException | IllegalArgumentException e) {
                throw new CorruptFileException(path, 0, "a backup manifest", "a body that does not parse: " + e.getMessage());
            }
        });
    }
}
