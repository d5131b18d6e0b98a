package dev.peregrine.schema;

import dev.peregrine.store.framing.AtomicFile;
import dev.peregrine.store.framing.FileBody;
import dev.peregrine.store.framing.FileFormat;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code schemas.registry} in the data directory: every subject with its settings and versions, in one
 * {@link AtomicFile} of format {@link #FORMAT} rewritten whole on each change (registrations are rare
 * and the file small), so a crash leaves the previous registry or the new one, never a mix.
 *
 * <p>Body (little-endian; a string is a u32 length and UTF-8):
 * <pre>
 * u32 subject count, then per subject, in name order:
 *   string  name
 *   u8      compatibility (0 NONE, 1 BACKWARD, 2 FORWARD, 3 FULL)
 *   u8      enforced (0 or 1)
 *   u32     version count, then per version, oldest first:
 *     u32     version
 *     u64     id, most significant half;  u64 id, least significant half
 *     i64     created at, nanoseconds since the epoch
 *     u8      has description (0 or 1);  string description when 1
 *     u32     tag count;  string per tag
 *     string  schema, compact JSON
 * </pre>
 * Stateless.
 */
final class RegistryFile {
    /** Version 2 is the first: the framing's versions start there. */
    static final FileFormat FORMAT = FileFormat.of("schema-registry", 2, null);

    /** One subject as stored. */
    record StoredSubject(String name, CompatibilityMode compatibility, boolean enforced, List<SchemaVersion> versions) {
    }

    private RegistryFile() {
    }

    static List<StoredSubject> read(Path file) {
        Optional<FileBody> body = AtomicFile.read(file, FORMAT);
        if (body.isEmpty()) {
            return List.of();
        }
        FileBody in = body.get();
        int count = in.getCount(10);
        List<StoredSubject> subjects = new ArrayList<>(count);
        CompatibilityMode[] modes = CompatibilityMode.values();
        for (int s = 0; s < count; s++) {
            String name = in.getString();
            int mode = in.getByte();
            if (mode < 0 || mode >= modes.length) {
                throw in.corrupt("a compatibility mode 0-" + (modes.length - 1), Integer.toString(mode));
            }
            boolean enforced = flag(in);
            int versions = in.getCount(37);
            List<SchemaVersion> list = new ArrayList<>(versions);
            for (int v = 0; v < versions; v++) {
                int version = in.getInt();
                UUID id = new UUID(in.getLong(), in.getLong());
                long nanos = in.getLong();
                Optional<String> description = flag(in) ? Optional.of(in.getString()) : Optional.empty();
                int tagCount = in.getCount(4);
                List<String> tags = new ArrayList<>(tagCount);
                for (int t = 0; t < tagCount; t++) {
                    tags.add(in.getString());
                }
                String schema = in.getString();
                list.add(new SchemaVersion(name, version, id, schema,
                        Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)),
                        description, tags));
            }
            subjects.add(new StoredSubject(name, modes[mode], enforced, list));
        }
        in.expectEnd();
        return subjects;
    }

    private static boolean flag(FileBody in) {
        byte b = in.getByte();
        if (b != 0 && b != 1) {
            throw in.corrupt("a flag 0 or 1", Byte.toString(b));
        }
        return b == 1;
    }

    static void write(Path file, List<StoredSubject> subjects) {
        AtomicFile.write(file, FORMAT, out -> {
            out.putInt(subjects.size());
            for (StoredSubject s : subjects) {
                out.putString(s.name());
                out.putByte((byte) s.compatibility().ordinal());
                out.putByte((byte) (s.enforced() ? 1 : 0));
                out.putInt(s.versions().size());
                for (SchemaVersion v : s.versions()) {
                    out.putInt(v.version());
                    out.putLong(v.id().getMostSignificantBits());
                    out.putLong(v.id().getLeastSignificantBits());
                    out.putLong(Math.addExact(Math.multiplyExact(v.createdAt().getEpochSecond(), 1_000_000_000L),
                            v.createdAt().getNano()));
                    out.putByte((byte) (v.description().isPresent() ? 1 : 0));
                    if (v.description().isPresent()) {
                        out.putString(v.description().get());
                    }
                    out.putInt(v.tags().size());
                    for (String tag : v.tags()) {
                        out.putString(tag);
                    }
                    out.putString(v.schema());
                }
            }
        });
    }
}
