package dev.peregrine.store.subscription.internal;

import static dev.peregrine.store.subscription.internal.SubscriptionStateLayout.*;

import dev.peregrine.store.CorruptFileException;
import dev.peregrine.store.UnsupportedFormatException;
import dev.peregrine.store.feed.internal.AtomicFile;
import dev.peregrine.store.feed.internal.StateFiles;
import dev.peregrine.store.subscription.ParkedEvent;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads and writes {@link SubscriptionStateLayout} files. Stateless. */
final class SubscriptionStateFile {

    /** A subscription's persisted state. */
    record State(short kind, long position, List<ParkedEvent> parked) {}

    private SubscriptionStateFile() {}

    static void write(Path file, short kind, long position, List<ParkedEvent> parked) {
        List<byte[][]> strings = new ArrayList<>();
        int size = PARKED_OFFSET + FOOTER_LENGTH;
        for (ParkedEvent p : parked) {
            byte[][] s = {utf8(p.entityId()), utf8(p.eventType()), utf8(p.reason())};
            strings.add(s);
            size += Long.BYTES + Integer.BYTES + 3 * Integer.BYTES + s[0].length + s[1].length + s[2].length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(MAGIC).putShort(VERSION).putShort(kind).putLong(position).putInt(parked.size());
        for (int i = 0; i < parked.size(); i++) {
            out.putLong(parked.get(i).position()).putInt(parked.get(i).attempts());
            for (byte[] s : strings.get(i)) {
                out.putInt(s.length).put(s);
            }
        }
        AtomicFile.write(file, StateFiles.seal(out));
    }

    /**
     * @param file a state file
     * @return its state
     * @throws CorruptFileException when damaged
     * @throws UnsupportedFormatException when of a format version this build does not read
     */
    static State read(Path file) {
        ByteBuffer in = StateFiles.readVerified(file, PARKED_OFFSET);
        if (in.getInt(MAGIC_OFFSET) != MAGIC) {
            throw new CorruptFileException(file, MAGIC_OFFSET, "magic PSUB " + StateFiles.hex(MAGIC),
                    StateFiles.hex(in.getInt(MAGIC_OFFSET)));
        }
        if (in.getShort(VERSION_OFFSET) != VERSION) {
            throw new UnsupportedFormatException(file, Short.toUnsignedInt(in.getShort(VERSION_OFFSET)), VERSION, VERSION);
        }
        short kind = in.getShort(KIND_OFFSET);
        long position = in.getLong(POSITION_OFFSET);
        int count = in.getInt(PARKED_COUNT_OFFSET);
        in.position(PARKED_OFFSET);
        List<ParkedEvent> parked = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                long p = in.getLong();
                int attempts = in.getInt();
                parked.add(new ParkedEvent(p, string(in, file), string(in, file), attempts, string(in, file)));
            }
        } catch (BufferUnderflowException e) {
            throw new CorruptFileException(file, in.position(), count + " parked events", "the file ends early");
        }
        return new State(kind, position, parked);
    }

    private static String string(ByteBuffer in, Path file) {
        return StateFiles.readString(in, file);
    }

    private static byte[] utf8(String s) {
        return (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
    }
}
