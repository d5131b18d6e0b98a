package dev.peregrine.store.backup.internal;

import dev.peregrine.store.StorageFailureException;
import dev.peregrine.store.log.LogSegment;
import dev.peregrine.store.log.SegmentedLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * A consistent cut of a running store: what a backup up to {@link #position()} must hold, taken
 * without stopping the sequencer.
 *
 * <p>Why it is consistent. Everything in it is either immutable once written or read whole at once:
 * <ul>
 *   <li>The small state files (view definitions, durable subscriptions and consumer groups, retention
 *       rules, the schema registry, credentials and tenants) are read
 *       into memory <em>first</em>; each is replaced by a rename, so a read sees one whole version.
 *       Reading them before the position is taken means no acknowledged position they hold can be
 *       after the cut.</li>
 *   <li>The position is the visible one: a group end, so never inside a batch, and every entry up to
 *       it is written. A segment's bytes up to the end of that entry never change again (the log is
 *       only appended to; a failed write is undone only past the write offset), so the backup copies
 *       each segment's prefix later, while appends go on.</li>
 *   <li>The field dictionary's length is taken <em>after</em> the position: names are written to it
 *       before the first entry that uses them, so that prefix holds every name the entries up to the
 *       position need. It may end in a name record being written right then; the dictionary repairs
 *       such a torn tail when the restored store opens, as after a crash.</li>
 * </ul>
 * Derived files (index checkpoint, snapshots, projection checkpoints, view state) are left out: the
 * restored store rebuilds them from the log.
 *
 * @param position the last position in the cut
 * @param sources what to copy, segments in position order
 */
public record BackupCut(long position, List<Source> sources) {

    /** One file of the cut. */
    public sealed interface Source {
        /** @return the path inside the store directory, {@code /}-separated */
        String name();

        /** @return bytes to copy */
        long bytes();

        /** @return the length restore gives the file */
        long capacity();
    }

    /**
     * The first {@code bytes} of a file that only grows.
     *
     * @param name the path inside the store directory
     * @param path the file
     * @param bytes how many bytes from its start
     * @param capacity the length restore gives it
     */
    public record FilePrefix(String name, Path path, long bytes, long capacity) implements Source {
    }

    /**
     * A small file read whole when the cut was taken.
     *
     * @param name the path inside the store directory
     * @param content its bytes
     */
    public record Content(String name, byte[] content) implements Source {
        @Override
        public long bytes() {
            return content.length;
        }

        @Override
        public long capacity() {
            return content.length;
        }
    }

    /** The state files a backup keeps whole, by directory and suffix; everything else is derived. */
    private static final List<String[]> STATE_FILES = List.of(
            new String[] {"views", ".def"},
            new String[] {"subscriptions", ".sub"},
            new String[] {"subscriptions", ".group"},
            new String[] {"retention", ".rules"});
    /**
     * The state files, by name, that other modules write into the store directory and a backup keeps
     * whole, none derived from the log: the schema registry
     * ({@code dev.peregrine.schema.SchemaRegistry.FILE_NAME}), and the server's API keys and users
     * ({@code security/credentials}) and tenants ({@code security/tenants}); without these a
     * restored server would open to no one or forget its tenants' quotas. Each is replaced by a
     * rename. The development certificate ({@code security/dev-tls.p12}) is left out: it is made
     * again when missing.
     */
    private static final List<String> NAMED_STATE_FILES =
            List.of("schemas.registry", "security/credentials", "security/tenants");

    /**
     * Takes the cut.
     *
     * @param directory the store directory
     * @param log the store's log
     * @param visiblePosition the sequencer's visible position
     * @param dictionaryBytes the field dictionary's current length
     * @param dictionaryName the dictionary's file name in the store directory
     * @return the cut
     */
    public static BackupCut take(Path directory, SegmentedLog log, LongSupplier visiblePosition,
                                 LongSupplier dictionaryBytes, String dictionaryName) {
        List<Source> sources = new ArrayList<>();
        for (String[] kind : STATE_FILES) {
            readStateFiles(directory, kind[0], kind[1], sources);
        }
        for (String name : NAMED_STATE_FILES) {
            readWhole(directory, directory.resolve(name), sources);
        }
        long position = visiblePosition.getAsLong();
        LogSegment[] segments = log.segments(); // before usedBytes: a segment rolled in between is past the position
        long[] used = log.usedBytes(position);
        for (int i = 0; i < segments.length && segments[i].basePosition() <= position; i++) {
            LogSegment s = segments[i];
            sources.add(new FilePrefix(relative(directory, s.path()), s.path(), used[i], s.capacity()));
        }
        long names = dictionaryBytes.getAsLong();
        sources.add(new FilePrefix(dictionaryName, directory.resolve(dictionaryName), names, names));
        return new BackupCut(position, sources);
    }

    private static void readStateFiles(Path directory, String sub, String suffix, List<Source> into) {
        Path dir = directory.resolve(sub);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                if (f.getFileName().toString().endsWith(suffix)) {
                    readWhole(directory, f, into);
                }
            }
        } catch (IOException e) {
            throw new StorageFailureException("cannot read the store's state files for a backup", dir, e);
        }
    }

    /** Reads one state file whole, if it exists: it is replaced by a rename, so this is one version of it. */
    private static void readWhole(Path directory, Path f, List<Source> into) {
        try {
            into.add(new Content(relative(directory, f), Files.readAllBytes(f)));
        } catch (java.nio.file.NoSuchFileException gone) {
            // absent, or deleted (a view or subscription dropped) between the listing and the read
        } catch (IOException e) {
            throw new StorageFailureException("cannot read a state file for a backup", f, e);
        }
    }

    private static String relative(Path directory, Path file) {
        return directory.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    }
}
