package dev.peregrine.store.internal;

/**
 * Layout of files that are rewritten whole and replaced atomically: the index checkpoint
 * ({@code index.ckpt}) and each projection checkpoint ({@code projections/<name>.ckpt}).
 * Little-endian.
 *
 * <pre>
 *  +---------------------------------------------------------------+
 *  |              magic (8 bytes, one value per kind of file)      |  0
 *  +-------------------------------+-------------------------------+
 *  |        format version         |        reserved, zero         |  8
 *  +-------------------------------+-------------------------------+
 *  |                    body ...                                   | 16
 *  +---------------------------------------------------------------+
 *  |                    body length (u64)                          | 16 + body
 *  +-------------------------------+-------------------------------+
 *  |   footer magic "PRGN" (u32)   |        CRC-32C (u32)          | 24 + body
 *  +-------------------------------+-------------------------------+
 * </pre>
 *
 * <p>The CRC-32C covers every byte before it: header, body, body length and footer magic. The body
 * length sits in the footer so the file can be streamed out in one pass. Such a file is written to
 * {@code <name>.tmp}, forced, renamed over the old one, and the directory forced, so a reader sees
 * either the old complete file or the new complete file.
 */
public final class AtomicFileDescriptor {

    public static final int MAGIC_OFFSET = 0;
    public static final int MAGIC_LENGTH = 8;
    public static final int VERSION_OFFSET = MAGIC_OFFSET + MAGIC_LENGTH;
    public static final int VERSION_LENGTH = 4;
    public static final int RESERVED_OFFSET = VERSION_OFFSET + VERSION_LENGTH;
    public static final int RESERVED_LENGTH = 4;
    /** Size of the header; the body starts here. */
    public static final int HEADER_LENGTH = RESERVED_OFFSET + RESERVED_LENGTH;

    /** Offsets within the footer, which starts at {@code HEADER_LENGTH + body length}. */
    public static final int FOOTER_BODY_LENGTH_OFFSET = 0;
    public static final int FOOTER_BODY_LENGTH_LENGTH = 8;
    public static final int FOOTER_MAGIC_OFFSET = FOOTER_BODY_LENGTH_OFFSET + FOOTER_BODY_LENGTH_LENGTH;
    public static final int FOOTER_MAGIC_LENGTH = 4;
    public static final int FOOTER_CRC_OFFSET = FOOTER_MAGIC_OFFSET + FOOTER_MAGIC_LENGTH;
    public static final int FOOTER_CRC_LENGTH = 4;
    /** Size of the footer. */
    public static final int FOOTER_LENGTH = FOOTER_CRC_OFFSET + FOOTER_CRC_LENGTH;
    /** "PRGN" read little-endian. */
    public static final int FOOTER_MAGIC = 0x4E475250;

    /** Magic of the index checkpoint: "PRGNIDX" and a zero byte, read little-endian. */
    public static final long INDEX_MAGIC = 0x005844494E475250L;
    /** Magic of a projection checkpoint: "PRGNPROJ" read little-endian. */
    public static final long PROJECTION_MAGIC = 0x4A4F52504E475250L;
    /** Magic of a backup's manifest: "PRGNBKUP" read little-endian. */
    public static final long BACKUP_MAGIC = 0x50554B424E475250L;

    private AtomicFileDescriptor() {
    }
}
