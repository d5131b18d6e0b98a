package dev.peregrine.store.view.internal;

import static dev.peregrine.store.view.internal.ViewStateLayout.*;

import dev.peregrine.store.CorruptFileException;
import dev.peregrine.store.UnsupportedFormatException;
import dev.peregrine.store.feed.internal.AtomicFile;
import dev.peregrine.store.feed.internal.StateFiles;
import dev.peregrine.store.view.InvalidViewDefinitionException;
import dev.peregrine.store.view.ViewDefinition;
import java.math.BigDecimal;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Writes and reads a view's persisted state in the format of {@link ViewStateLayout}. Stateless.
 */
public final class ViewStateFile {

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
        Buffer out = new Buffer(DEFINITION_OFFSET + definition.length + 64 * view.historySize() + FOOTER_LENGTH);
        out.buf.putInt(MAGIC).putShort(VERSION).putShort((short) 0).putLong(checkpoint)
                .putLong(view.historySize()).putInt(definition.length).put(definition);
        view.forEachContribution((position, entityId, retractedAt, tuple) -> {
            byte[] entity = entityId.getBytes(StandardCharsets.UTF_8);
            out.ensure(Long.BYTES * 2 + Integer.BYTES + entity.length + Short.BYTES);
            out.buf.putLong(position).putLong(retractedAt).putInt(entity.length).put(entity)
                    .putShort((short) tuple.length);
            for (Object v : tuple) {
                out.value(v);
            }
        });
        out.ensure(FOOTER_LENGTH);
        AtomicFile.write(file, StateFiles.seal(out.buf));
    }

    /**
     * Reads a view's state file.
     *
     * @param file the state file
     * @return the restored view and its checkpoint
     * @throws CorruptFileException naming the file, offset, expected and actual when the file is damaged
     * @throws UnsupportedFormatException when the file is of a format version this build does not read
     * @throws dev.peregrine.store.StorageFailureException when the file cannot be read
     */
    public static Loaded read(Path file) {
        ByteBuffer in = StateFiles.readVerified(file, DEFINITION_OFFSET);
        int footer = in.limit();
        byte[] bytes = in.array();
        if (in.getInt(MAGIC_OFFSET) != MAGIC) {
            throw new CorruptFileException(file, MAGIC_OFFSET, "magic " + hex(MAGIC), hex(in.getInt(MAGIC_OFFSET)));
        }
        if (in.getShort(VERSION_OFFSET) != VERSION) {
            throw new UnsupportedFormatException(file, Short.toUnsignedInt(in.getShort(VERSION_OFFSET)), VERSION, VERSION);
        }
        long checkpoint = in.getLong(CHECKPOINT_OFFSET);
        long count = in.getLong(COUNT_OFFSET);
        int definitionLength = in.getInt(DEFINITION_LENGTH_OFFSET);
        if (definitionLength < 0 || definitionLength > footer - DEFINITION_OFFSET) {
            throw new CorruptFileException(file, DEFINITION_LENGTH_OFFSET, "a definition length within the file",
                    Integer.toUnsignedString(definitionLength));
        }
        ViewDefinition definition;
        try {
            definition = ViewDefinition.fromJson(new String(bytes, DEFINITION_OFFSET, definitionLength,
                    StandardCharsets.UTF_8));
        } catch (InvalidViewDefinitionException e) {
            throw new CorruptFileException(file, DEFINITION_OFFSET, "a valid definition", e.getMessage());
        }
        MaintainedView view = new MaintainedView(definition);
        in.position(DEFINITION_OFFSET + definitionLength);
        try {
            for (long i = 0; i < count; i++) {
                long position = in.getLong();
                long retractedAt = in.getLong();
                String entity = string(in, file);
                Object[] tuple = new Object[Short.toUnsignedInt(in.getShort())];
                for (int t = 0; t < tuple.length; t++) {
                    tuple[t] = value(in, file);
                }
                view.restore(position, entity, retractedAt, tuple);
            }
        } catch (BufferUnderflowException e) {
            throw new CorruptFileException(file, in.position(), count + " contributions", "the file ends early");
        } catch (IllegalStateException e) {
            throw new CorruptFileException(file, in.position(), "consistent contributions", e.getMessage());
        }
        if (in.hasRemaining()) {
            throw new CorruptFileException(file, in.position(), "the footer", in.remaining() + " extra bytes");
        }
        return new Loaded(view, checkpoint);
    }

    private static Object value(ByteBuffer in, Path file) {
        int at = in.position();
        byte tag = in.get();
        return switch (tag) {
            case TAG_NULL -> null;
            case TAG_FALSE -> Boolean.FALSE;
            case TAG_TRUE -> Boolean.TRUE;
            case TAG_LONG -> in.getLong();
            case TAG_DOUBLE -> Double.longBitsToDouble(in.getLong());
            case TAG_STRING -> string(in, file);
            case TAG_DECIMAL -> decimal(in, file, at);
            default -> throw new CorruptFileException(file, at, "a value tag 0-6", Byte.toString(tag));
        };
    }

    private static BigDecimal decimal(ByteBuffer in, Path file, int at) {
        String text = string(in, file);
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new CorruptFileException(file, at, "a decimal", "'" + text + "'");
        }
    }

    private static String string(ByteBuffer in, Path file) {
        return StateFiles.readString(in, file);
    }

    private static String hex(int v) {
        return StateFiles.hex(v);
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
