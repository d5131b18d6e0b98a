package dev.peregrine.store.internal;

import dev.peregrine.store.InvalidEventException;
import dev.peregrine.store.StorageFailureException;
import dev.peregrine.store.framing.AtomicFile;
import dev.peregrine.store.framing.FileBody;
import dev.peregrine.store.framing.FileFormat;
import dev.peregrine.store.retention.RetentionRule;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The retention rules as set, {@code retention/retention.rules}: an {@link AtomicFile} of format
 * {@link #FORMAT}, replaced whole on every change. Not derived from the log (it is what the operator
 * asked for), so damage is refused, never reset. Body, little-endian:
 *
 * <pre>
 *   u32 rule count
 *   per rule: string name; u8 fields present (bit 0 event type, 1 entity-id prefix, 2 tenant id,
 *             3 max age, 4 max count); then the present ones in that order: string event type,
 *             string prefix, string tenant, i64 max age in nanoseconds, i64 max count
 * </pre>
 * (a string is a u32 byte length and UTF-8). Stateless.
 */
final class RetentionRulesFile {

    /** Version 2 is the first: rules came with this framing. */
    static final FileFormat FORMAT = FileFormat.of("retention-rules", 2, null);
    /** Directory in the store directory. */
    static final String DIRECTORY = "retention";
    /** File name in it. */
    static final String NAME = "retention.rules";

    private static final int TYPE = 1;
    private static final int PREFIX = 2;
    private static final int TENANT = 4;
    private static final int AGE = 8;
    private static final int COUNT = 16;

    private RetentionRulesFile() {
    }

    /**
     * @param file the rules file
     * @return the rules it holds; none if there is no file
     * @throws dev.peregrine.store.CorruptFileException naming the file if it is damaged
     * @throws dev.peregrine.store.UnsupportedFormatException if a newer release wrote it
     */
    static List<RetentionRule> read(Path file) {
        Optional<FileBody> read = AtomicFile.read(file, FORMAT);
        if (read.isEmpty()) {
            return List.of();
        }
        FileBody in = read.get();
        int count = in.getCount(8);
        List<RetentionRule> rules = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long at = in.offset();
            RetentionRule.Builder b = RetentionRule.builder(in.getString());
            int present = in.getByte();
            if ((present & TYPE) != 0) {
                b.eventType(in.getString());
            }
            if ((present & PREFIX) != 0) {
                b.entityIdPrefix(in.getString());
            }
            if ((present & TENANT) != 0) {
                b.tenantId(in.getString());
            }
            try {
                if ((present & AGE) != 0) {
                    b.maxAge(Duration.ofNanos(in.getLong()));
                }
                if ((present & COUNT) != 0) {
                    b.maxCount(in.getLong());
                }
                rules.add(b.build());
            } catch (InvalidEventException e) {
                // Written only from valid rules, whole and atomically: this is the disk's damage.
                throw in.corruptAt(at, "a valid retention rule", e.getMessage());
            }
        }
        in.expectEnd();
        return rules;
    }

    /**
     * @param file the rules file, replaced atomically
     * @param rules the rules
     * @throws StorageFailureException if it cannot be written; the previous file is intact
     */
    static void write(Path file, List<RetentionRule> rules) {
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new StorageFailureException("cannot create the retention directory", file.getParent(), e);
        }
        AtomicFile.write(file, FORMAT, out -> {
            out.putInt(rules.size());
            for (RetentionRule r : rules) {
                out.putString(r.name());
                int present = (r.eventType().isPresent() ? TYPE : 0) | (r.entityIdPrefix().isPresent() ? PREFIX : 0)
                        | (r.tenantId().isPresent() ? TENANT : 0) | (r.maxAge().isPresent() ? AGE : 0)
                        | (r.maxCount().isPresent() ? COUNT : 0);
                out.putByte((byte) present);
                if (r.eventType().isPresent()) {
                    out.putString(r.eventType().get());
                }
                if (r.entityIdPrefix().isPresent()) {
                    out.putString(r.entityIdPrefix().get());
                }
                if (r.tenantId().isPresent()) {
                    out.putString(r.tenantId().get());
                }
                if (r.maxAge().isPresent()) {
                    out.putLong(r.maxAge().get().toNanos());
                }
                if (r.maxCount().isPresent()) {
                    out.putLong(r.maxCount().getAsLong());
                }
            }
        });
    }
}
