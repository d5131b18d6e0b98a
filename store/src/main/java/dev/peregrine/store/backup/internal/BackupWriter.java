package dev.peregrine.store.backup.internal;

import dev.peregrine.store.StateConflictException;
import dev.peregrine.store.StorageFailureException;
import dev.peregrine.store.backup.BackupFile;
import dev.peregrine.store.backup.BackupManifest;
import dev.peregrine.store.backup.BackupProgress;
import dev.peregrine.store.backup.BackupReport;
import dev.peregrine.store.log.SegmentedLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes a {@link BackupCut} into a backup directory, incrementally.
 *
 * <p>Each file is kept under {@link BackupFile#storedName()} (its name and the start of its digest),
 * copied to a temporary name, forced and renamed, and the manifest is replaced last. A backup
 * interrupted at any point therefore leaves the previous manifest and every file it names intact:
 * the directory still restores to the previous backup. Files no manifest names any more are deleted
 * after the new manifest is in place.
 *
 * <p>Incremental: a file the previous manifest lists with the same name and length is kept without
 * copying when it is a prefix of a file that only grows (a segment or the dictionary): the same
 * prefix of an append-only file is the same bytes. A sealed segment is therefore copied once, ever;
 * each run copies the new segments, the active segment's prefix and the small state files.
 */
public final class BackupWriter {

    private static final String PARTIAL = ".partial";
    private static final int PROBE = 4096;

    private BackupWriter() {
    }

    /**
     * @param cut what to back up
     * @param target the backup directory, created if missing
     * @param progress told the bytes copied
     * @return what the run did
     * @throws StorageFailureException if a file cannot be read or written (the previous backup in
     *         {@code target}, if any, is left intact)
     */
    public static BackupReport write(BackupCut cut, Path target, BackupProgress progress) {
        createDirectories(target);
        Optional<BackupManifest> last = ManifestFile.read(target);
        if (last.isEmpty() && !isEmpty(target)) {
            throw new StateConflictException("the backup directory is not empty and holds no backup: a backup goes"
                    + " into a new or empty directory, or one that holds an earlier backup of this store");
        }
        Map<String, BackupFile> previous = new HashMap<>();
        last.ifPresent(m -> m.files().forEach(f -> previous.put(f.name(), f)));

        List<BackupCut.Source> toCopy = new ArrayList<>();
        List<BackupFile> files = new ArrayList<>();
        long copyBytes = 0;
        int reused = 0;
        for (BackupCut.Source s : cut.sources()) {
            BackupFile kept = previous.get(s.name());
            if (s instanceof BackupCut.FilePrefix f && kept != null && kept.bytes() == s.bytes()
                    && kept.capacity() == s.capacity() && sameEnds(f.path(), target.resolve(kept.storedName()), s.bytes())) {
                files.add(kept);
                reused++;
            } else {
                files.add(null); // filled in below, in order
                toCopy.add(s);
                copyBytes += s.bytes();
            }
        }
        DigestingCopy.Counter counter = new DigestingCopy.Counter(copyBytes, progress);
        int next = 0;
        for (int i = 0; i < files.size(); i++) {
            if (files.get(i) == null) {
                files.set(i, copy(toCopy.get(next++), target, counter));
            }
        }
        BackupManifest manifest = new BackupManifest(cut.position(), System.currentTimeMillis(), files);
        ManifestFile.write(target, manifest);
        deleteUnlisted(target, manifest);
        return new BackupReport(manifest, copyBytes, reused);
    }

    private static BackupFile copy(BackupCut.Source source, Path target, DigestingCopy.Counter counter) {
        Path partial = target.resolve(source.name() + PARTIAL);
        createDirectories(partial.getParent());
        String sha = switch (source) {
            case BackupCut.FilePrefix f -> DigestingCopy.run(f.path(), f.bytes(), partial, counter);
            case BackupCut.Content c -> {
                String digest = DigestingCopy.write(c.content(), partial);
                counter.add(c.content().length);
                yield digest;
            }
        };
        BackupFile file = new BackupFile(source.name(), source.bytes(), source.capacity(), sha);
        Path stored = target.resolve(file.storedName());
        try {
            Files.move(partial, stored, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new StorageFailureException("cannot rename a backup file into place", stored, e);
        }
        SegmentedLog.fsyncDirectory(stored.getParent());
        return file;
    }

    /** Deletes what no manifest names: files of older backups and leftovers of interrupted runs. */
    private static void deleteUnlisted(Path target, BackupManifest manifest) {
        Set<Path> keep = new HashSet<>();
        keep.add(target.resolve(ManifestFile.NAME));
        for (BackupFile f : manifest.files()) {
            keep.add(target.resolve(f.storedName()));
        }
        try (Stream<Path> all = Files.walk(target)) {
            for (Path p : all.filter(Files::isRegularFile).filter(p -> !keep.contains(p)).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new StorageFailureException("cannot delete files of an older backup", target, e);
        }
    }

    /**
     * Whether a kept copy is the same prefix as the source: same length, and the same first and last
     * {@value #PROBE} bytes. The length alone would also match a same-named file of another store (a
     * backup directory reused for a different store); a segment's first bytes hold its creation time
     * and its last ones the newest entries' CRCs, so two stores' files do not match.
     */
    private static boolean sameEnds(Path source, Path kept, long bytes) {
        try (FileChannel a = FileChannel.open(source, StandardOpenOption.READ);
             FileChannel b = FileChannel.open(kept, StandardOpenOption.READ)) {
            if (b.size() != bytes || a.size() < bytes) {
                return false;
            }
            int n = (int) Math.min(PROBE, bytes);
            return read(a, 0, n).equals(read(b, 0, n)) && read(a, bytes - n, n).equals(read(b, bytes - n, n));
        } catch (IOException e) {
            return false; // a missing or unreadable copy is copied again
        }
    }

    private static ByteBuffer read(FileChannel channel, long at, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining() && channel.read(b, at + b.position()) >= 0) {
            // a positional read may return fewer bytes
        }
        return b.flip();
    }

    static boolean isEmpty(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new StorageFailureException("cannot list", dir, e);
        }
    }

    static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StorageFailureException("cannot create a directory", dir, e);
        }
    }
}
