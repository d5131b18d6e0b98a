package dev.peregrine.record;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Interns field names to small integer ids (0, 1, 2, ... in first-seen order) and back. Records store ids, so a
 * record must always be read with the dictionary it was written with; the store persists the dictionary
 * ({@link #encode()}, or incrementally with {@link #namesFrom(int)}) and rebuilds it ({@link #decode(byte[])},
 * {@link #of(List)}).
 *
 * <p>Ids come from an exact map, never from a hash of the name, so two names can never share an id. Ids are at
 * most {@value RecordLayout#MAX_FIELD_ID}; names are at most {@value FieldDictionaryLayout#MAX_NAME_BYTES}
 * UTF-8 bytes and must be valid Unicode (no unpaired surrogate). The empty name is a valid name (JSON allows it).
 * A dictionary may be given a smaller limit on its number of names ({@link #create(int)}); interning past it
 * throws {@link RecordLimitException}.
 *
 * <p><b>Drafts.</b> A {@linkplain #draft() draft} is a request-local dictionary on top of this one: it resolves
 * every name this dictionary held when the draft was made to the same id, and gives a new name a provisional id
 * above them without changing this dictionary. A record parsed or built with a draft becomes a record of this
 * dictionary through {@link #adopt(List)}, which interns exactly the new names the records use, all or none, and
 * re-encodes a record only if a provisional id was taken meanwhile. That is how a store interns only the names of
 * events it actually stores: a request that is rejected leaves its names in its draft, which is dropped.
 *
 * <p>Thread-safe: lookups are lock-free; {@link #intern} takes a lock only when it adds a name.
 *
 * <pre>{@code
 * FieldDictionary dict = FieldDictionary.create();
 * int id = dict.intern("user");       // 0
 * dict.idOf("user");                   // 0
 * dict.nameOf(0);                      // "user"
 * FieldDictionary copy = FieldDictionary.decode(dict.encode());
 *
 * FieldDictionary draft = dict.draft();
 * Record r = JsonCodec.defaults().parse(draft, "{\"user\":1,\"new\":2}"); // dict is unchanged
 * Record stored = dict.adopt(List.of(r)).getFirst();                     // now dict holds "new"
 * }</pre>
 */
public final class FieldDictionary {

    /** The largest number of names a dictionary can hold: one per id the record format can store. */
    public static final int MAX_NAMES = RecordLayout.MAX_FIELD_ID + 1;

    /** An empty table for drafts, most of which never add a name; never written (see {@link #insert}). */
    private static final Table NO_SLOTS = new Table(1);
    private static final String[] NO_NAMES = new String[0];

    // The dictionary a draft extends, and the number of its names the draft sees (ids below base); null and 0 for
    // a dictionary of its own.
    private final FieldDictionary parent;
    private final int base;
    private final int maxNames;
    private final Object appendLock = new Object();
    // Name -> id: an open-addressing table written only under appendLock and read without locks. Hand-written
    // rather than a ConcurrentHashMap because lookup by name is on the read path of every by-name getter: this
    // probe is one hash (cached in the String), plain loads and one reference or equals comparison, with no
    // Integer unboxing. Slots hold immutable entries whose final fields make a racy read safe: a reader that
    // sees an entry sees its name and id. The table doubles when half full, so adding a name costs O(1)
    // amortised however many names there are.
    private volatile Table table;
    // Names with ids base, base + 1, ...: written only under appendLock; the element is stored before count is
    // published, so a reader that reads count first and then names sees every element below it. Doubles when
    // full: O(1) amortised per name.
    private volatile String[] names;
    private volatile int count;

    private FieldDictionary(FieldDictionary parent, int base, int maxNames, Table table, String[] names) {
        this.parent = parent;
        this.base = base;
        this.maxNames = maxNames;
        this.table = table;
        this.names = names;
    }

    /** An empty dictionary that can hold up to {@link #MAX_NAMES} names. */
    public static FieldDictionary create() {
        return create(MAX_NAMES);
    }

    /**
     * An empty dictionary that refuses to hold more than {@code maxNames} names.
     *
     * @throws IllegalArgumentException unless {@code 1 <= maxNames <= MAX_NAMES}
     */
    public static FieldDictionary create(int maxNames) {
        if (maxNames < 1 || maxNames > MAX_NAMES) {
            throw new IllegalArgumentException("maxNames must be within 1.." + MAX_NAMES + ", got " + maxNames);
        }
        return new FieldDictionary(null, 0, maxNames, new Table(64), new String[16]);
    }

    /**
     * A dictionary holding {@code namesInIdOrder}, name {@code i} getting id {@code i}.
     *
     * @throws IllegalArgumentException on a duplicate or invalid name
     */
    public static FieldDictionary of(List<String> namesInIdOrder) {
        return of(namesInIdOrder, MAX_NAMES);
    }

    /**
     * A dictionary holding {@code namesInIdOrder}, name {@code i} getting id {@code i}, that refuses new names
     * once it holds {@code maxNames}. It may start with more (a limit lowered after the names were stored): they
     * are all kept, and no new name is accepted.
     *
     * @throws IllegalArgumentException on a duplicate or invalid name, or a limit outside 1..{@link #MAX_NAMES}
     */
    public static FieldDictionary of(List<String> namesInIdOrder, int maxNames) {
        FieldDictionary dict = create(maxNames);
        for (String name : namesInIdOrder) {
            int before = dict.size();
            if (dict.addUnlimited(name) != before) {
                throw new IllegalArgumentException("duplicate field name '" + name + "' at id " + before
                        + " (already id " + dict.idOf(name) + ")");
            }
        }
        return dict;
    }

    /**
     * A new, empty draft of this dictionary: see the class comment. Records made with it are records of the
     * draft; {@link #adopt(List)} turns them into records of this dictionary. A draft is meant for one request:
     * its provisional ids are only worth keeping while no other draft's names are adopted.
     *
     * @throws IllegalStateException when this dictionary is itself a draft
     */
    public FieldDictionary draft() {
        if (parent != null) {
            throw new IllegalStateException("a draft cannot have drafts of its own");
        }
        return new FieldDictionary(this, size(), MAX_NAMES, NO_SLOTS, NO_NAMES);
    }

    /** Whether this is a {@linkplain #draft() draft} of {@code dictionary}. */
    public boolean isDraftOf(FieldDictionary dictionary) {
        return parent != null && parent == dictionary;
    }

    /** Most names this dictionary accepts ({@link #MAX_NAMES} for a draft: its names are limited on adoption). */
    public int maxNames() {
        return maxNames;
    }

    /**
     * The id of {@code name}, adding it if new.
     *
     * @throws IllegalArgumentException if the name is too long or not valid Unicode
     * @throws RecordLimitException if the dictionary is full
     */
    public int intern(String name) {
        int id = idOf(name);
        return id >= 0 ? id : add(name, maxNames);
    }

    private int addUnlimited(String name) {
        int id = idOf(name);
        return id >= 0 ? id : add(name, MAX_NAMES);
    }

    private int add(String name, int limit) {
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
            if (base + count >= limit) {
                throw new RecordLimitException("number of distinct field names", limit);
            }
            return addLocked(name);
        }
    }

    /** Appends a name known to be new and valid; under appendLock. */
    private int addLocked(String name) {
        int local = count;
        int id = base + local;
        if (id > RecordLayout.MAX_FIELD_ID) {
            throw new RecordLimitException("number of distinct field names", MAX_NAMES);
        }
        String[] current = names;
        if (local == current.length) {
            current = Arrays.copyOf(current, Math.max(16, current.length * 2));
            names = current;
        }
        current[local] = name;
        count = local + 1;   // publishes the element above
        insert(name, id);    // only now can another thread learn the id
        return id;
    }

    /** Adds a name to the table (under appendLock), growing it to keep at most half of the slots used. */
    private void insert(String name, int id) {
        Table t = table;
        if ((t.used + 1) * 2 > t.slots.length) { // always true for NO_SLOTS, which is therefore never written
            Table bigger = new Table(Math.max(64, t.slots.length * 2));
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
        if (parent != null) {
            int id = parent.idOf(name);
            if (id >= 0 && id < base) {
                return id; // a name the parent learned after this draft was made is one of the draft's own
            }
        }
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
        int n = base + count;
        if (id < 0 || id >= n) {
            throw new IllegalArgumentException("no field name with id " + id + " (dictionary size " + n + ")");
        }
        return id < base ? parent.nameOf(id) : names[id - base];
    }

    /** Number of names, which is also the next id to be given. */
    public int size() {
        return base + count;
    }

    /**
     * The names with ids {@code firstId}, {@code firstId + 1}, ..., in id order (a snapshot). A store that has
     * persisted ids below {@code firstId} appends these.
     */
    public List<String> namesFrom(int firstId) {
        int n = size();
        if (firstId < 0 || firstId > n) {
            throw new IllegalArgumentException("firstId " + firstId + " outside 0.." + n);
        }
        List<String> out = new ArrayList<>(n - firstId);
        for (int id = firstId; id < n; id++) {
            out.add(nameOf(id));
        }
        return Collections.unmodifiableList(out);
    }

    /** All names in id order (a snapshot). */
    public List<String> names() {
        return namesFrom(0);
    }

    /**
     * Makes records of this dictionary out of records of its drafts. The new names the records use (those of
     * their drafts' own names that this dictionary does not hold yet) are interned all together or, when they
     * would take it past {@link #maxNames()}, not at all; names a draft holds but none of these records uses are
     * not interned. Each record comes back with the same bytes when its provisional ids became its final ids (the
     * usual case: no other draft was adopted in between), re-encoded with the final ids otherwise. Records of
     * this dictionary come back as they are.
     *
     * @param records records of this dictionary or of its drafts
     * @return records of this dictionary with the same content, in the same order
     * @throws RecordLimitException when the new names would exceed {@link #maxNames()}; nothing was interned
     * @throws IllegalArgumentException when a record belongs to another dictionary
     * @throws IllegalStateException when called on a draft
     */
    public List<Record> adopt(List<Record> records) {
        if (parent != null) {
            throw new IllegalStateException("a draft cannot adopt records; adopt them into " + parent);
        }
        Map<FieldDictionary, BitSet> used = provisionalIdsUsed(records);
        if (!used.isEmpty()) {
            internAll(used);
        }
        List<Record> out = new ArrayList<>(records.size());
        for (Record r : records) {
            out.add(resolve(r).orElseThrow(() -> new IllegalStateException("names interned above are missing")));
        }
        return out;
    }

    /**
     * The record as a record of this dictionary, without interning anything: empty when it uses a name this
     * dictionary does not hold. For comparing a draft's record with stored ones.
     *
     * @param record a record of this dictionary or of one of its drafts
     * @throws IllegalArgumentException when the record belongs to another dictionary
     */
    public Optional<Record> resolve(Record record) {
        FieldDictionary draft = record.dictionary();
        if (draft == this) {
            return Optional.of(record);
        }
        requireDraft(draft);
        MemorySegment bytes = record.segment();
        if (draft.count == 0) {
            return Optional.of(new Record(this, bytes)); // it can only use ids below the draft's base
        }
        BitSet provisional = new BitSet();
        FieldIds.collect(bytes, draft.base, provisional);
        int[] finalIds = new int[provisional.length()];
        boolean same = true;
        for (int i = provisional.nextSetBit(0); i >= 0; i = provisional.nextSetBit(i + 1)) {
            int id = idOf(draft.names[i]);
            if (id < 0) {
                return Optional.empty();
            }
            finalIds[i] = id;
            same &= id == draft.base + i;
        }
        return Optional.of(same ? new Record(this, bytes) : FieldIds.translate(this, bytes, draft.base, finalIds));
    }

    /** For each draft among the records' dictionaries, the provisional ids (minus its base) its records use. */
    private Map<FieldDictionary, BitSet> provisionalIdsUsed(List<Record> records) {
        Map<FieldDictionary, BitSet> used = new IdentityHashMap<>(2);
        for (Record r : records) {
            FieldDictionary draft = r.dictionary();
            if (draft == this) {
                continue;
            }
            requireDraft(draft);
            if (draft.count > 0) {
                FieldIds.collect(r.segment(), draft.base, used.computeIfAbsent(draft, d -> new BitSet()));
            }
        }
        return used;
    }

    /** Interns the names behind the provisional ids, all or none. */
    private void internAll(Map<FieldDictionary, BitSet> used) {
        synchronized (appendLock) {
            Set<String> fresh = new LinkedHashSet<>(); // first use order: provisional ids usually become final
            for (Map.Entry<FieldDictionary, BitSet> e : used.entrySet()) {
                String[] draftNames = e.getKey().names;
                BitSet ids = e.getValue();
                for (int i = ids.nextSetBit(0); i >= 0; i = ids.nextSetBit(i + 1)) {
                    if (idOf(draftNames[i]) < 0) {
                        fresh.add(draftNames[i]);
                    }
                }
            }
            if ((long) size() + fresh.size() > maxNames) {
                throw new RecordLimitException("number of distinct field names", maxNames);
            }
            for (String name : fresh) {
                addLocked(name); // valid: a draft checked each name when it added it
            }
        }
    }

    private void requireDraft(FieldDictionary dictionary) {
        if (!dictionary.isDraftOf(this)) {
            throw new IllegalArgumentException("the record belongs to " + dictionary + ", neither " + this
                    + " nor one of its drafts");
        }
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
        if (count > MAX_NAMES) {
            throw new RecordFormatException("field dictionary claims " + count + " names, more than "
                    + MAX_NAMES, FieldDictionaryLayout.COUNT_OFFSET);
        }
        FieldDictionary dict = create();
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
        return parent == null ? "FieldDictionary[" + size() + " names]"
                : "FieldDictionary[draft of " + base + " names + " + count + " of its own]";
    }
}
