package dev.peregrine.record;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Interns field names to small integer ids (0, 1, 2, ... in first-seen order) and back. Records store ids, so a
 * record must always be read with the dictionary it was written with; the store persists the dictionary
 * ({@link #encode()}, or incrementally with {@link #namesFrom(int)}) and rebuilds it ({@link #decode(byte[])},
 * {@link #of(List)}).
 *
 * <p>Ids come from an exact map, never from a hash of the name, so two names can never share an id. Ids are at
 * most {@value RecordLayout#MAX_FIELD_ID}; names are at most {@value FieldDictionaryLayout#MAX_NAME_BYTES}
 * UTF-8 bytes and must be valid Unicode (no unpaired surrogate). The empty name is a valid name (JSON allows it).
 *
 * <p>Thread-safe: lookups are lock-free; {@link #intern} takes a lock only when it adds a name.
 *
 * <pre>{@code
 * FieldDictionary dict = FieldDictionary.create();
 * int id = dict.intern("user");       // 0
 * dict.idOf("user");                   // 0
 * dict.nameOf(0);                      // "user"
 * FieldDictionary copy = FieldDictionary.decode(dict.encode());
 * }</pre>
 */
public final class FieldDictionary {

    private final Object appendLock = new Object();
    // Name -> id: an open-addressing table written only under appendLock and read without locks. Hand-written
    // rather than a ConcurrentHashMap because lookup by name is on the read path of every by-name getter: this
    // probe is one hash (cached in the String), plain loads and one reference or equals comparison, with no
    // Integer unboxing. Slots hold immutable entries whose final fields make a racy read safe: a reader that
    // sees an entry sees its name and id.
    private volatile Table table = new Table(64);
    // Written only under appendLock; the element is stored before size is published, so a reader that reads
    // size first and then names sees every element below size.
    private volatile String[] names = new String[16];
    private volatile int size;

    private FieldDictionary() {
    }

    /** An empty dictionary. */
    public static FieldDictionary create() {
        return new FieldDictionary();
    }

    /**
     * A dictionary holding {@code namesInIdOrder}, name {@code i} getting id {@code i}.
     *
     * @throws IllegalArgumentException on a duplicate or invalid name
     */
    public static FieldDictionary of(List<String> namesInIdOrder) {
        FieldDictionary dict = new FieldDictionary();
        for (String name : namesInIdOrder) {
            int before = dict.size;
            if (dict.intern(name) != before) {
                throw new IllegalArgumentException("duplicate field name '" + name + "' at id " + before
                        + " (already id " + dict.idOf(name) + ")");
            }
        }
        return dict;
    }

    /**
     * The id of {@code name}, adding it if new.
     *
     * @throws IllegalArgumentException if the name is too long or not valid Unicode
     * @throws RecordLimitException if the dictionary is full
     */
    public int intern(String name) {
        int id = idOf(name);
        return id >= 0 ? id : add(name);
    }

    private int add(String name) {
        int bytes = Utf8.encodedLength(name);
        if (bytes < 0) {
            throw new IllegalArgumentException("field name has an unpaired surrogate at index " + (-1 - bytes));
        }
        if (bytes > FieldDictionaryLayout.MAX_NAME_BYTES) {
            throw new IllegalArgumentException("field name is " + bytes + " UTF-8 bytes, more than the "
                    + FieldDictionaryLayout.MAX_NAME_BYTES + " allowed");
        }
        synchronized (appendLock) {
            int existing = idOf(name);
            if (existing >= 0) {
                return existing;
            }
            int id = size;
            if (id > RecordLayout.MAX_FIELD_ID) {
                throw new RecordLimitException("number of distinct field names", RecordLayout.MAX_FIELD_ID + 1L);
            }
            String[] current = names;
            if (id == current.length) {
                current = Arrays.copyOf(current, current.length * 2);
                names = current;
            }
            current[id] = name;
            size = id + 1;       // publishes the element above
            insert(name, id);    // only now can another thread learn the id
            return id;
        }
    }

    /** Adds a name to the table (under appendLock), growing it to keep at most half of the slots used. */
    private void insert(String name, int id) {
        Table t = table;
        if ((t.used + 1) * 2 > t.slots.length) {
            Table bigger = new Table(t.slots.length * 2);
            for (Entry e : t.slots) {
                if (e != null) {
                    bigger.put(e.name(), e.id());
                }
            }
            bigger.put(name, id);
            table = bigger; // volatile write: publishes the filled table
        } else {
            t.put(name, id);
        }
    }

    /** Open-addressing table with linear probing; slots are only ever filled, never emptied or moved. */
    private static final class Table {
        final Entry[] slots;
        final int mask;
        int used;

        Table(int capacity) {
            slots = new Entry[capacity];
            mask = capacity - 1;
        }

        void put(String name, int id) {
            int i = slot(name, mask);
            while (slots[i] != null) {
                i = (i + 1) & mask;
            }
            slots[i] = new Entry(name, name.hashCode(), id);
            used++;
        }
    }

    /**
     * One name, its hash (compared before the name, as most probes meet another name) and its id; final fields,
     * so publication through a racy slot read is safe.
     */
    private record Entry(String name, int hash, int id) {
    }

    private static int slot(String name, int mask) {
        return spread(name.hashCode()) & mask;
    }

    private static int spread(int hash) {
        return hash ^ (hash >>> 16);
    }

    /** The id of {@code name}, or -1 when it was never interned. */
    public int idOf(String name) {
        Entry[] slots = table.slots;
        int mask = slots.length - 1;
        int hash = name.hashCode();
        for (int i = spread(hash) & mask; ; i = (i + 1) & mask) {
            Entry e = slots[i];
            if (e == null) {
                return -1;
            }
            if (e.hash() == hash) {
                String key = e.name();
                if (key == name || key.equals(name)) {
                    return e.id();
                }
            }
        }
    }

    /**
     * The name with id {@code id}.
     *
     * @throws IllegalArgumentException when no name has that id
     */
    public String nameOf(int id) {
        int n = size;
        if (id < 0 || id >= n) {
            throw new IllegalArgumentException("no field name with id " + id + " (dictionary size " + n + ")");
        }
        return names[id];
    }

    /** Number of names, which is also the next id to be given. */
    public int size() {
        return size;
    }

    /**
     * The names with ids {@code firstId}, {@code firstId + 1}, ..., in id order (a snapshot). A store that has
     * persisted ids below {@code firstId} appends these.
     */
    public List<String> namesFrom(int firstId) {
        int n = size;
        if (firstId < 0 || firstId > n) {
            throw new IllegalArgumentException("firstId " + firstId + " outside 0.." + n);
        }
        String[] current = names;
        return Collections.unmodifiableList(new ArrayList<>(Arrays.asList(current).subList(firstId, n)));
    }

    /** All names in id order (a snapshot). */
    public List<String> names() {
        return namesFrom(0);
    }

    /** The compact serialized form described in {@code docs/format.md} (a snapshot). */
    public byte[] encode() {
        List<String> snapshot = names();
        int total = FieldDictionaryLayout.HEADER_LENGTH;
        for (String name : snapshot) {
            total += FieldDictionaryLayout.NAME_BYTES_OFFSET + Utf8.encodedLength(name);
        }
        byte[] out = new byte[total];
        MemorySegment seg = MemorySegment.ofArray(out);
        seg.set(RecordReader.BYTE, FieldDictionaryLayout.VERSION_OFFSET, (byte) FieldDictionaryLayout.FORMAT_VERSION);
        seg.set(RecordReader.I32, FieldDictionaryLayout.COUNT_OFFSET, snapshot.size());
        int pos = FieldDictionaryLayout.HEADER_LENGTH;
        for (String name : snapshot) {
            int end = Utf8.encode(name, out, pos + FieldDictionaryLayout.NAME_BYTES_OFFSET);
            seg.set(RecordReader.U16, pos + FieldDictionaryLayout.NAME_LENGTH_OFFSET,
                    (short) (end - pos - FieldDictionaryLayout.NAME_BYTES_OFFSET));
            pos = end;
        }
        return out;
    }

    /**
     * Rebuilds a dictionary from {@link #encode()}'s output.
     *
     * @throws RecordFormatException naming the offset when the bytes are truncated, too long, of another
     *     version, hold invalid UTF-8 or a duplicate name
     */
    public static FieldDictionary decode(byte[] bytes) {
        MemorySegment seg = MemorySegment.ofArray(bytes);
        if (bytes.length < FieldDictionaryLayout.HEADER_LENGTH) {
            throw new RecordFormatException("field dictionary truncated: " + bytes.length + " bytes, header needs "
                    + FieldDictionaryLayout.HEADER_LENGTH, 0);
        }
        int version = bytes[FieldDictionaryLayout.VERSION_OFFSET] & 0xFF;
        if (version != FieldDictionaryLayout.FORMAT_VERSION) {
            throw new RecordFormatException("unsupported field dictionary version " + version + " (this reader reads "
                    + FieldDictionaryLayout.FORMAT_VERSION + ")", FieldDictionaryLayout.VERSION_OFFSET);
        }
        long count = seg.get(RecordReader.I32, FieldDictionaryLayout.COUNT_OFFSET) & 0xFFFF_FFFFL;
        if (count > RecordLayout.MAX_FIELD_ID + 1L) {
            throw new RecordFormatException("field dictionary claims " + count + " names, more than "
                    + (RecordLayout.MAX_FIELD_ID + 1), FieldDictionaryLayout.COUNT_OFFSET);
        }
        FieldDictionary dict = new FieldDictionary();
        int pos = FieldDictionaryLayout.HEADER_LENGTH;
        for (long i = 0; i < count; i++) {
            if (pos + FieldDictionaryLayout.NAME_BYTES_OFFSET > bytes.length) {
                throw new RecordFormatException("field dictionary truncated in the length of name " + i, pos);
            }
            int len = seg.get(RecordReader.U16, pos + FieldDictionaryLayout.NAME_LENGTH_OFFSET) & 0xFFFF;
            int start = pos + FieldDictionaryLayout.NAME_BYTES_OFFSET;
            if (start + len > bytes.length) {
                throw new RecordFormatException("name " + i + " needs " + len + " bytes but only "
                        + (bytes.length - start) + " remain", pos);
            }
            long bad = Utf8.firstInvalid(seg, start, start + len);
            if (bad >= 0) {
                throw new RecordFormatException("name " + i + " is not valid UTF-8", bad);
            }
            String name = Utf8.decode(bytes, start, len);
            if (dict.intern(name) != i) {
                throw new RecordFormatException("duplicate name '" + name + "' at id " + i, pos);
            }
            pos = start + len;
        }
        if (pos != bytes.length) {
            throw new RecordFormatException((bytes.length - pos) + " unexpected bytes after the last name", pos);
        }
        return dict;
    }


    @Override
    public String toString() {
        return "FieldDictionary[" + size + " names]";
    }
}
