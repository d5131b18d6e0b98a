package dev.peregrine.store.view.internal;

import static dev.peregrine.store.view.internal.ViewStateLayout.*;

import dev.peregrine.store.CorruptFileException;
import dev.peregrine.store.UnsupportedFormatException;
import dev.peregrine.store.framing.AtomicFile;
import dev.peregrine.store.framing.FileBody;
import dev.peregrine.store.framing.FileFormat;
import dev.peregrine.store.view.InvalidViewDefinitionException;
import dev.peregrine.store.view.ViewDefinition;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Writes and reads a view's persisted state: an {@link AtomicFile} of format {@link #FORMAT} whose
 * body is laid out as {@link ViewStateLayout} says. Stateless.
 */
public final class ViewStateFile {

    /** {@code views/<name>.view}: version 2 is this framing; the previous release's (version 1) is rebuilt. */
    public static final FileFormat FORMAT = FileFormat.of("view-state", 2, "PVWS");

    private ViewStateFile() {}

    /** A view restored from its file, and the log position its state reflects. */
    public record Loaded(MaintainedView view, long checkpoint) {}

    /**
     * Persists a view atomically.
     *
     * @param file the state file
     * @param view the view
     * @param checkpoint the last log position applied to it
     */
    public static void write(Path file, MaintainedView view, long checkpoint) {
        byte[] definition = view.definition().toJson().getBytes(StandardCharsets.UTF_8);
        Buffer out = new Buffer(DEFINITION_OFFSET + definition.length + 64 * view.historySize());
        out.buf.putLong(checkpoint).putLong(view.historySize()).putInt(definition.length).put(definition);
        view.forEachContribution((position, entityId, retractedAt, tuple) -> {
            byte[] entity = entityId.getBytes(StandardCharsets.UTF_8);
            out.ensure(Long.BYTES * 2 + Integer.BYTES + entity.length + Short.BYTES);
            out.buf.putLong(position).putLong(retractedAt).putInt(entity.length).put(entity)
                    .putShort((short) tuple.length);
            for (Object v : tuple) {
                out.value(v);
            }
        });
        AtomicFile.write(file, FORMAT, o -> o.put(out.buf.array(), 0, out.buf.position()));
    }

    /**
     * Reads a view's state file.
     *
     * @param file the state file
     * @return the restored view and its checkpoint, or empty if there is no file
     * @throws CorruptFileException naming the file, offset, expected and actual when the file is damaged
     * @throws UnsupportedFormatException when the file is of a format version this build does not read
     * @throws dev.peregrine.store.StorageFailureException when the file cannot be read
     */
    public static Optional<Loaded> read(Path file) {
        return AtomicFile.read(file, FORMAT).map(ViewStateFile::read);
    }

    private static Loaded read(FileBody in) {
        long checkpoint = in.getLong();
        long countAt = in.offset();
        long count = in.getLong();
        String json = new String(in.getBlob(), StandardCharsets.UTF_8);
        if (count < 0 || count > in.remaining() / CONTRIBUTION_MIN_LENGTH) {
            throw in.corruptAt(countAt, "a contribution count that fits in the file", Long.toString(count));
        }
        ViewDefinition definition;
        try {
            definition = ViewDefinition.fromJson(json);
        } catch (InvalidViewDefinitionException e) {
            throw in.corruptAt(countAt + COUNT_LENGTH, "a valid definition", e.getMessage());
        }
        MaintainedView view = new MaintainedView(definition);
        for (long i = 0; i < count; i++) {
            long at = in.offset();
            long position = in.getLong();
            long retractedAt = in.getLong();
            String entity = in.getString();
            Object[] tuple = new Object[in.getUnsignedShort()];
            for (int t = 0; t < tuple.length; t++) {
                tuple[t] = value(in);
            }
            try {
                view.restore(position, entity, retractedAt, tuple);
            } catch (IllegalStateException e) {
                throw in.corruptAt(at, "consistent contributions", e.getMessage());
            }
        }
        in.expectEnd();
        return new Loaded(view, checkpoint);
    }

    private static Object value(FileBody in) {
        long at = in.offset();
        byte tag = in.getByte();
        return switch (tag) {
            case TAG_NULL -> null;
            case TAG_FALSE -> Boolean.FALSE;
            case TAG_TRUE -> Boolean.TRUE;
            case TAG_LONG -> in.getLong();
            case TAG_DOUBLE -> Double.longBitsToDouble(in.getLong());
            case TAG_STRING -> in.getString();
            case TAG_DECIMAL -> decimal(in, at);
            default -> throw in.corruptAt(at, "a value tag 0-6", Byte.toString(tag));
        };
    }

    private static BigDecimal decimal(FileBody in, long at) {
        String text = in.getString();
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw in.corruptAt(at, "a decimal", "'" + text + "'");
        }
    }

    /** A growable little-endian byte buffer. */
    private static final class Buffer {
        ByteBuffer buf;

        Buffer(int initial) {
            buf = ByteBuffer.allocate(Math.max(initial, 256)).order(ByteOrder.LITTLE_ENDIAN);
        }

        void ensure(int more) {
            if (buf.remaining() < more) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + more))
                        .order(ByteOrder.LITTLE_ENDIAN);
                buf.flip();
                bigger.put(buf);
                buf = bigger;
            }
        }

        void value(Object v) {
            switch (v) {
                case null -> {
                    ensure(1);
                    buf.put(TAG_NULL);
                }
                case Boolean b -> {
                    ensure(1);
                    buf.put(b ? TAG_TRUE : TAG_FALSE);
                }
                case Long l -> {
                    ensure(9);
                    buf.put(TAG_LONG).putLong(l);
                }
                case Double d -> {
                    ensure(9);
                    buf.put(TAG_DOUBLE).putLong(Double.doubleToRawLongBits(d));
                }
                case String s -> text(TAG_STRING, s);
                case BigDecimal d -> text(TAG_DECIMAL, d.toString());
                default -> throw new IllegalStateException("not a view value: " + v.getClass());
            }
        }

        private void text(byte tag, String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            ensure(5 + utf8.length);
            buf.put(tag).putInt(utf8.length).put(utf8);
        }
    }
}
