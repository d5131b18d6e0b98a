package dev.peregrine.store.backup.internal;

import dev.peregrine.store.CorruptFileException;
import dev.peregrine.store.StateConflictException;
import dev.peregrine.store.StorageFailureException;
import dev.peregrine.store.backup.BackupFile;
import dev.peregrine.store.backup.BackupManifest;
import dev.peregrine.store.backup.BackupProgress;
import dev.peregrine.store.log.SegmentedLog;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Restores a backup into a new store directory.
 *
 * <p>Two passes. The first reads every file of the backup and checks its length and SHA-256 against
 * the manifest, writing nothing: a damaged or incomplete backup fails here with
 * {@link CorruptFileException} naming the file. The second copies the files into a staging directory
 * beside the target (hashing them again as it goes, in case the backup changed in between), gives
 * each segment its full length, forces everything, and renames the staging directory to the target.
 * A restore interrupted at any point leaves no target directory, only a staging one the next restore
 * replaces; the store it produces opens like one after a clean stop, rebuilding its derived files.
 */
public final class Restorer {

    private Restorer() {
    }

    /**
     * @param backup the backup directory
     * @param directory the store directory to create: it must not exist, or be empty
     * @param progress told the bytes checked and copied (each file counts twice)
     * @return the restored backup's manifest
     * @throws CorruptFileException if the backup has no manifest or a file does not match it
     * @throws StateConflictException if {@code directory} exists and is not empty
     */
    public static BackupManifest restore(Path backup, Path directory, BackupProgress progress) {
        Path manifestPath = backup.resolve(ManifestFile.NAME);
        BackupManifest manifest = ManifestFile.read(backup).orElseThrow(() ->
                new CorruptFileException(manifestPath, 0, "a backup manifest", "no such file"));
        if (Files.exists(directory) && !(Files.isDirectory(directory) && BackupWriter.isEmpty(directory))) {
            throw new StateConflictException("cannot restore into " + directory.getFileName()
                    + ": it exists and is not empty; restore creates a new store directory");
        }
        DigestingCopy.Counter counter = new DigestingCopy.Counter(2 * manifest.totalBytes(), progress);
        for (BackupFile f : manifest.files()) {
            check(backup.resolve(f.storedName()), f, DigestingCopy.run(existing(backup, f), f.bytes(), null, counter));
        }
        Path absolute = directory.toAbsolutePath();
        Path staging = absolute.resolveSibling("." + absolute.getFileName() + ".restoring");
        deleteTree(staging);
        BackupWriter.createDirectories(staging);
        for (BackupFile f : manifest.files()) {
            Path to = staging.resolve(f.name());
            BackupWriter.createDirectories(to.getParent());
            check(backup.resolve(f.storedName()), f, DigestingCopy.run(existing(backup, f), f.bytes(), to, counter));
            if (f.capacity() > f.bytes()) {
                extend(to, f.capacity());
            }
        }
        try (Stream<Path> dirs = Files.walk(staging)) {
            dirs.filter(Files::isDirectory).forEach(SegmentedLog::fsyncDirectory);
        } catch (IOException e) {
            throw new StorageFailureException("cannot list", staging, e);
        }
        try {
            Files.deleteIfExists(absolute); // empty, checked above
            Files.move(staging, absolute, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new StorageFailureException("cannot move the restored store into place", absolute, e);
        }
        SegmentedLog.fsyncDirectory(absolute.getParent());
        return manifest;
    }

    private static Path existing(Path backup, BackupFile f) {
        Path stored = backup.resolve(f.storedName());
        long size;
        try {
            size = Files.size(stored);
        } catch (IOException e) {
            throw new CorruptFileException(stored, 0, f.bytes() + " bytes", "no such file");
        }
        if (size != f.bytes()) {
            throw new CorruptFileException(stored, Math.min(size, f.bytes()), f.bytes() + " bytes", size + " bytes");
        }
        return stored;
    }

    private static void check(Path stored, BackupFile f, String sha) {
        if (!sha.equals(f.sha256())) {
            throw new CorruptFileException(stored, 0, "SHA-256 " + f.sha256(), "SHA-256 " + sha);
        }
    }

    /** Gives a segment its full length; the tail reads as zeros, as a pre-allocated segment's does. */
    private static void extend(Path file, long length) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(length);
            f.getFD().sync();
        } catch (IOException e) {
            throw new StorageFailureException("cannot extend a restored segment", file, e);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new StorageFailureException("cannot delete a staging directory left by an earlier restore", dir, e);
        }
    }
}
