package dev.peregrine.store.framing;

/**
 * Layout of the framing every store file beside the log uses: a header naming the format and its
 * version, then either one body closed by a checksum footer (a whole file, {@link AtomicFile}) or
 * CRC-framed records (an append-only file, {@link RecordFile}). Little-endian. In the style of
 * Lucene's codec header and footer.
 *
 * <pre>
 *  header (n = format name length):
 *  0          4          5                  5 + n          9 + n              13 + n
 *  +----------+----------+------------------+--------------+------------------+
 *  |  magic   | name     | format name      | version      | header CRC-32C   |
 *  |  "PRGF"  | length n | ASCII, n bytes   | (u32)        | of [0, 9 + n)    |
 *  |  (u32)   | (u8)     |                  |              | (u32)            |
 *  +----------+----------+------------------+--------------+------------------+
 *
 *  whole file: header, body, footer
 *  +---------------------------+---------------------------+
 *  | footer magic (u32),       | CRC-32C of every byte     |  file size - 8
 *  | the complement of "PRGF"  | before this field (u32)   |
 *  +---------------------------+---------------------------+
 *
 *  append-only file: header, then records one after another
 *  +---------------------------+---------------------------+
 *  | body length (u32)         | CRC-32C of [0, 4) and of  |  0
 *  |                           | the body (u32)            |
 *  +---------------------------+---------------------------+
 *  |                     body bytes ...                    |  8
 *  +-------------------------------------------------------+
 * </pre>
 *
 * <p>Checksums are CRC-32C. The header CRC covers magic, name length, name and version, so a flipped
 * version byte reads as damage, never as another version; whole files repeat that protection with the
 * footer CRC, which covers the header, the body and the footer magic. A record's CRC covers its length
 * field and its body (everything of the record but the CRC itself), so a damaged length cannot frame a
 * different record that happens to check. Nothing is aligned: bodies are parsed, never read in place.
 *
 * <p>The header alone tells what a file is: the magic says "a Peregrine store file", the name its
 * kind, the version its body layout. A reader checks them in that order (magic, header CRC, name,
 * version): the wrong magic or CRC is corruption, the wrong name is a file of another kind (also
 * reported as corruption), and a version outside the reader's range is an unsupported format.
 *
 * <p>The previous release's files had no common header; their first bytes were a magic of their own
 * ({@link FileFormat#legacyMagic()}), which a reader reports as version 1. Its append-only files had a
 * 16-byte header ({@link #LEGACY_RECORD_HEADER_LENGTH}: 8-byte magic, u32 version 1, CRC-32C of
 * [0, 12)) followed by records framed exactly as above.
 */
public final class FramingDescriptor {

    /** "PRGF" read little-endian. */
    public static final int MAGIC = 'P' | 'R' << 8 | 'G' << 16 | 'F' << 24;
    /** Ends every whole file; the complement of {@link #MAGIC}, so a footer never reads as a header. */
    public static final int FOOTER_MAGIC = ~MAGIC;
    /** The longest format name. */
    public static final int MAX_NAME_LENGTH = 64;

    public static final int MAGIC_OFFSET = 0;
    public static final int MAGIC_LENGTH = 4;
    public static final int NAME_LENGTH_OFFSET = MAGIC_OFFSET + MAGIC_LENGTH;
    public static final int NAME_LENGTH_LENGTH = 1;
    public static final int NAME_OFFSET = NAME_LENGTH_OFFSET + NAME_LENGTH_LENGTH;
    public static final int VERSION_LENGTH = 4;
    public static final int HEADER_CRC_LENGTH = 4;
    /** The shortest header (a one-character name). */
    public static final int MIN_HEADER_LENGTH = headerLength(1);

    public static final int FOOTER_MAGIC_OFFSET = 0;
    public static final int FOOTER_MAGIC_LENGTH = 4;
    public static final int FOOTER_CRC_OFFSET = FOOTER_MAGIC_OFFSET + FOOTER_MAGIC_LENGTH;
    public static final int FOOTER_CRC_LENGTH = 4;
    /** Size of a whole file's footer, which starts at {@code file size - FOOTER_LENGTH}. */
    public static final int FOOTER_LENGTH = FOOTER_CRC_OFFSET + FOOTER_CRC_LENGTH;

    public static final int RECORD_LENGTH_OFFSET = 0;
    public static final int RECORD_LENGTH_LENGTH = 4;
    public static final int RECORD_CRC_OFFSET = RECORD_LENGTH_OFFSET + RECORD_LENGTH_LENGTH;
    public static final int RECORD_CRC_LENGTH = 4;
    /** Size of a record's frame; its body starts here. */
    public static final int RECORD_HEADER_LENGTH = RECORD_CRC_OFFSET + RECORD_CRC_LENGTH;

    /** Header length of the previous release's append-only files (version 1). */
    public static final int LEGACY_RECORD_HEADER_LENGTH = 16;
    /** Offset of the version in that header. */
    public static final int LEGACY_RECORD_VERSION_OFFSET = 8;
    /** Offset of that header's CRC-32C, which covers the bytes before it. */
    public static final int LEGACY_RECORD_HEADER_CRC_OFFSET = 12;

    private FramingDescriptor() {
    }

    /** @param nameLength the format name's length @return the offset of the version */
    public static int versionOffset(int nameLength) {
        return NAME_OFFSET + nameLength;
    }

    /** @param nameLength the format name's length @return the offset of the header CRC */
    public static int headerCrcOffset(int nameLength) {
        return versionOffset(nameLength) + VERSION_LENGTH;
    }

    /** @param nameLength the format name's length @return the header's length; the body starts here */
    public static int headerLength(int nameLength) {
        return headerCrcOffset(nameLength) + HEADER_CRC_LENGTH;
    }
}
