package dev.peregrine.store.internal;

import dev.peregrine.record.FieldDictionary;
import dev.peregrine.record.Record;
import dev.peregrine.record.RecordLimitException;
import dev.peregrine.store.FieldNameLimitException;
import dev.peregrine.store.CorruptFileException;
import dev.peregrine.store.framing.FileFormat;
import dev.peregrine.store.framing.RecordFile;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The store's field dictionary, persisted in {@code fields.dict} (a {@link RecordFile} of format
 * {@link #FORMAT}) so that records written before a restart read back with the same field ids.
 *
 * <p>Each record appends the names with ids {@code first .. first + count - 1}; body layout
 * (little-endian): {@code u32 first id, u32 count, then count × (u16 UTF-8 length, UTF-8 bytes)}.
 * The file is only ever appended to, one record per batch of new names, so the work per new name is
 * its own bytes, whatever the dictionary's size.
 *
 * <p>The dictionary is not derived from the log (records cannot be decoded without it), so a file the
 * previous release wrote (version 1: its own 16-byte header, the same records) is read: it is
 * rewritten with this framing's header on open, its records unchanged.
 *
 * <p>Which names get in. Requests parsed into a {@linkplain FieldDictionary#draft() draft} (the
 * server's) leave the dictionary untouched until the sequencer, having checked a request, calls
 * {@link #commit} for the events it is about to write: exactly the names those events use are
 * interned, all or none (refused with {@link FieldNameLimitException} past the store's limit), so a
 * rejected request never adds a name. Names interned directly into {@link #dictionary()} (an
 * application building records with it) are in it at once and persisted by the next
 * {@link #persistNew()}.
 *
 * <p>Ordering rule: names are appended and forced before the first log entry that refers to them is
 * written. The sequencer calls {@link #persistNew()} ({@link RequestWriter#beginGroup()}) after taking
 * a group of appends off its queue and before writing any of them (names interned before the appends
 * were queued), and {@link #commit} (called just before a request's entries are written) forces the
 * names it adopts before returning the events to write. A log entry can
 * therefore never be durable while a name it uses is not, under any durability policy. Each force
 * makes at least one new name durable, so there are never more dictionary forces than names.
 *
 * <p>Thread safety: {@link #persistNew()} and {@link #commit} are called by the sequencer thread only.
 */
public final class DictionaryFile implements AutoCloseable {

    /** {@code fields.dict}: version 2 is this framing; version 1, the previous release's header, is upgraded. */
    public static final FileFormat FORMAT = new FileFormat("field-dictionary", FileFormat.LEGACY_VERSION, 2, "PRGNDICT");

    private static final int NAME_LENGTH_BYTES = Short.BYTES;

    private final RecordFile file;
    private final FieldDictionary dictionary;
    private int persisted;

    private DictionaryFile(RecordFile file, FieldDictionary dictionary) {
        this.file = file;
        this.dictionary = dictionary;
        this.persisted = dictionary.size();
    }

    /**
     * Opens (or creates) the dictionary file and loads every name.
     *
     * @param path the file
     * @param repair truncate damage instead of failing
     * @param maxNames most names the dictionary accepts; a file holding more opens with all of them
     *                 and takes no new ones
     * @return the file with its dictionary
     */
    public static DictionaryFile open(Path path, boolean repair, int maxNames) {
        List<String> names = new ArrayList<>();
        RecordFile file = RecordFile.open(path, FORMAT, repair, (offset, body) -> {
            int first = body.getInt();
            if (first != names.size()) {
                throw new CorruptFileException(path, offset, "names from id " + names.size(), "names from id " + first);
            }
            int count = body.getCount(NAME_LENGTH_BYTES);
            for (int i = 0; i < count; i++) {
                names.add(body.getShortString());
            }
            body.expectEnd();
        });
        try {
            return new DictionaryFile(file, FieldDictionary.of(names, maxNames));
        } catch (IllegalArgumentException e) {
            file.close();
            throw new CorruptFileException(path, 0, "field names that form a dictionary", e.getMessage());
        }
    }

    /** @return the live dictionary */
    public FieldDictionary dictionary() {
        return dictionary;
    }

    /**
     * Adopts the names the events use into the dictionary and makes them durable. Sequencer only,
     * for events it has checked and is about to write.
     *
     * @param events events whose records may belong to drafts of the dictionary
     * @return the same events, their records in the dictionary's ids (re-encoded only when a
     *         provisional id was taken meanwhile; the encoded sizes do not change)
     * @throws FieldNameLimitException when the new names would pass the limit; nothing was added
     */
    public List<PreparedEvent> commit(List<PreparedEvent> events) {
        List<Record> drafted = new ArrayList<>();
        for (PreparedEvent p : events) {
            if (p.usesDraft(dictionary)) {
                drafted.add(p.payloadRecord());
                if (p.metadataRecord() != null) {
                    drafted.add(p.metadataRecord());
                }
            }
        }
        if (drafted.isEmpty()) {
            return events;
        }
        List<Record> adopted;
        try {
            adopted = dictionary.adopt(drafted);
        } catch (RecordLimitException e) {
            throw new FieldNameLimitException(dictionary.maxNames(), dictionary.size());
        }
        persistNew();
        List<PreparedEvent> out = new ArrayList<>(events.size());
        Iterator<Record> next = adopted.iterator();
        for (PreparedEvent p : events) {
            if (!p.usesDraft(dictionary)) {
                out.add(p);
                continue;
            }
            Record payload = next.next();
            Record metadata = p.metadataRecord() == null ? null : next.next();
            if (payload.segment() == p.payload() && (metadata == null || metadata.segment() == p.metadata())) {
                out.add(p); // the provisional ids were final: the bytes to write are the same
                continue;
            }
            PreparedEvent ready = p.withRecords(payload, metadata);
            assert ready.entryLength() == p.entryLength() : "re-encoding changed the entry length";
            out.add(ready);
        }
        return out;
    }

    /** Appends and forces every name interned since the last call. Sequencer only. */
    public void persistNew() {
        int size = dictionary.size();
        if (size == persisted) {
            return;
        }
        List<String> names = dictionary.namesFrom(persisted);
        List<byte[]> encoded = new ArrayList<>(names.size());
        int bytes = 2 * Integer.BYTES;
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
     * @throws CorruptFileException if names are missing
     */
    public void requireAtLeast(Path path, int required) {
        if (persisted < required) {
            throw new CorruptFileException(path, 0, "the " + required + " field names the log uses",
                    persisted + " names; records cannot be read without the others");
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
