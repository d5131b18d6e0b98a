package dev.peregrine.store.subscription.internal;

import static dev.peregrine.store.subscription.internal.SubscriptionStateLayout.*;

import dev.peregrine.store.CorruptFileException;
import dev.peregrine.store.UnsupportedFormatException;
import dev.peregrine.store.framing.AtomicFile;
import dev.peregrine.store.framing.FileBody;
import dev.peregrine.store.framing.FileFormat;
import dev.peregrine.store.subscription.ParkedEvent;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/** Reads and writes subscription checkpoint files ({@link SubscriptionStateLayout}). Stateless. */
final class SubscriptionStateFile {

    /** Version 2 is this framing; version 1, the previous release's layout, is read and replaced at the next write. */
    static final FileFormat FORMAT = new FileFormat("subscription-state", FileFormat.LEGACY_VERSION, 2, LEGACY_MAGIC);

    /** A subscription's persisted state. */
    record State(short kind, long position, List<ParkedEvent> parked) {}

    private SubscriptionStateFile() {}

    static void write(Path file, short kind, long position, List<ParkedEvent> parked) {
        AtomicFile.write(file, FORMAT, out -> {
            out.putShort(kind);
            out.putLong(position);
            out.putInt(parked.size());
            for (ParkedEvent p : parked) {
                out.putLong(p.position());
                out.putInt(p.attempts());
                out.putString(orEmpty(p.entityId()));
                out.putString(orEmpty(p.eventType()));
                out.putString(orEmpty(p.reason()));
            }
        });
    }

    /**
     * @param file a state file
     * @return its state, or empty if there is no file
     * @throws CorruptFileException naming the file and offset when damaged
     * @throws UnsupportedFormatException when of a format version this build does not read
     */
    static Optional<State> read(Path file) {
        return AtomicFile.read(file, FORMAT).map(body -> {
            if (body.version() == FileFormat.LEGACY_VERSION) {
                return parse(legacyBody(body));
            }
            return parse(body);
        });
    }

    private static State parse(FileBody in) {
        short kind = in.getShort();
        long position = in.getLong();
        int count = in.getCount(PARKED_MIN_LENGTH);
        List<ParkedEvent> parked = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long p = in.getLong();
            int attempts = in.getInt();
            parked.add(new ParkedEvent(p, in.getString(), in.getString(), attempts, in.getString()));
        }
        in.expectEnd();
        return new State(kind, position, parked);
    }

    /**
     * Checks a version-1 file (its magic matched): its CRC-32C footer over every byte before it, then
     * its u16 version.
     *
     * @param whole the whole file
     * @return its body, between the version and the footer
     */
    private static FileBody legacyBody(FileBody whole) {
        byte[] bytes = whole.rest();
        Path file = whole.file();
        int minimum = LEGACY_BODY_OFFSET + PARKED_OFFSET + LEGACY_FOOTER_LENGTH;
        if (bytes.length < minimum) {
            throw new CorruptFileException(file, bytes.length, "at least " + minimum + " bytes", bytes.length + " bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int footer = bytes.length - LEGACY_FOOTER_LENGTH;
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, footer);
        int stored = in.getInt(footer);
        if (stored != (int) crc.getValue()) {
            throw new CorruptFileException(file, footer, "CRC-32C " + FileBody.hex((int) crc.getValue()),
                    FileBody.hex(stored));
        }
        int version = Short.toUnsignedInt(in.getShort(LEGACY_VERSION_OFFSET));
        if (version != FileFormat.LEGACY_VERSION) {
            throw new UnsupportedFormatException(file, version, FORMAT.oldestVersion(), FORMAT.currentVersion());
        }
        return FileBody.of(file, FileFormat.LEGACY_VERSION, Arrays.copyOfRange(bytes, LEGACY_BODY_OFFSET, footer),
                LEGACY_BODY_OFFSET);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
