package dev.peregrine.store.internal;

import dev.peregrine.record.FieldDictionary;
import dev.peregrine.store.CorruptLogException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The store's field dictionary, persisted in {@code fields.dict} ({@link FramedFileDescriptor}) so
 * that records written before a restart read back with the same field ids.
 *
 * <p>Each framed record appends the names with ids {@code first .. first + count - 1}; body layout
 * (little-endian): {@code u32 first id, u32 count, then count × (u16 UTF-8 length, UTF-8 bytes)}.
 *
 * <p>Ordering rule: the sequencer calls {@link #persistNew()} ({@link RequestWriter#beginGroup()})
 * after taking a group of appends off its queue and before writing any of them. Every name those appends use was interned before they were
 * queued, so it is appended and forced here before the first log entry that refers to it is written;
 * a log entry can never be durable while a name it uses is not, under any durability policy.
 *
 * <p>Thread safety: {@link #persistNew()} is called by the sequencer thread only.
 */
public final class DictionaryFile implements AutoCloseable {

    private final FramedFile file;
    private final FieldDictionary dictionary;
    private int persisted;

    private DictionaryFile(FramedFile file, FieldDictionary dictionary) {
        this.file = file;
        this.dictionary = dictionary;
        this.persisted = dictionary.size();
    }

    /**
     * Opens (or creates) the dictionary file and loads every name.
     *
     * @param path the file
     * @param repair truncate damage instead of failing
     * @return the file with its dictionary
     */
    public static DictionaryFile open(Path path, boolean repair) {
        List<String> names = new ArrayList<>();
        FramedFile file = FramedFile.open(path, FramedFileDescriptor.DICTIONARY_MAGIC, repair, (offset, body) -> {
            ByteBuffer in = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
            int first = in.getInt();
            int count = in.getInt();
            if (first != names.size()) {
                throw new CorruptLogException(path, offset, 0, 0, "names start at id " + first + " but "
                        + names.size() + " names precede them");
            }
            for (int i = 0; i < count; i++) {
                byte[] name = new byte[Short.toUnsignedInt(in.getShort())];
                in.get(name);
                names.add(new String(name, StandardCharsets.UTF_8));
            }
        });
        try {
            return new DictionaryFile(file, FieldDictionary.of(names));
        } catch (IllegalArgumentException e) {
            file.close();
            throw new CorruptLogException(path, 0, 0, 0, "field names do not form a dictionary: " + e.getMessage());
        }
    }

    /** @return the live dictionary */
    public FieldDictionary dictionary() {
        return dictionary;
    }

    /** Appends and forces every name interned since the last call. Sequencer only. */
    public void persistNew() {
        int size = dictionary.size();
        if (size == persisted) {
            return;
        }
        List<String> names = dictionary.namesFrom(persisted);
        List<byte[]> encoded = new ArrayList<>(names.size());
        int bytes = 8;
        for (String name : names) {
            byte[] b = name.getBytes(StandardCharsets.UTF_8);
            encoded.add(b);
            bytes += 2 + b.length;
        }
        ByteBuffer body = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        body.putInt(persisted).putInt(names.size());
        for (byte[] b : encoded) {
            body.putShort((short) b.length).put(b);
        }
        file.append(body.array());
        file.force();
        persisted += names.size();
    }

    /** @return how many names are durable in the file */
    public int persistedSize() {
        return persisted;
    }

    /**
     * Checks that the file holds every name the log relies on.
     *
     * @param path the file (for the error)
     * @param required the dictionary size recorded in the log's last entry
     * @throws CorruptLogException if names are missing
     */
    public void requireAtLeast(Path path, int required) {
        if (persisted < required) {
            throw new CorruptLogException(path, 0, 0, 0, "the field dictionary holds " + persisted
                    + " names but the log uses " + required + "; records cannot be read without them");
        }
    }

    /** @return bytes of the file */
    public long bytesOnDisk() {
        return file.size();
    }

    @Override
    public void close() {
        file.close();
    }
}
