package dev.peregrine.server;

import io.vertx.core.buffer.Buffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes a request body sent with {@code Content-Encoding: gzip} (RFC 1952: one or more members,
 * each checked against its CRC-32 and length) or {@code deflate} (the zlib stream of RFC 9110,
 * checked against its Adler-32), pushed chunk by chunk as it arrives. A stream that is corrupt, ends early, or is followed by other bytes is a 400: a body
 * is never taken for shorter than it was sent.
 *
 * <p>The inflating is the JDK's {@link Inflater}; this class only frames it, by hand, because
 * neither ready-made decoder fits: the JDK's {@code GZIPInputStream} checks everything but pulls
 * from a blocking stream, where an event loop pushes; Netty's decoder (the one behind Vert.x's
 * decompression option) pushes, but stops at the end of the first gzip member and says nothing
 * when the stream ends early, so a concatenated or truncated load would be stored short with a
 * 200. Output comes in pieces of at most {@value #OUTPUT_BYTES} bytes, so a small chunk that
 * inflates to megabytes (a gzip bomb) reaches the body limit of the consumer one piece at a time.
 *
 * <p>Not thread-safe: one per request, on its event loop.
 */
final class BodyDecoder {
    private static final int OUTPUT_BYTES = 64 * 1024;
    private static final int GZIP_FIXED_HEADER_BYTES = 10;
    private static final int GZIP_TRAILER_BYTES = 8;
    private static final int FHCRC = 0x02;
    private static final int FEXTRA = 0x04;
    private static final int FNAME = 0x08;
    private static final int FCOMMENT = 0x10;
    private static final int RESERVED_FLAGS = 0xE0;

    /** Where a gzip member's reading is: the parts of its header, its deflate data, its trailer. */
    private enum Stage { FIXED_HEADER, EXTRA_LENGTH, EXTRA, NAME, COMMENT, HEADER_CRC, DATA, TRAILER, END }

    private final String encoding;
    private final boolean gzip;
    private final byte[] output = new byte[OUTPUT_BYTES];
    private final byte[] fields = new byte[GZIP_FIXED_HEADER_BYTES];
    private final CRC32 crc = new CRC32();
    private Inflater inflater;
    private Stage stage;
    private int flags;
    /** Bytes of the current header field or trailer read so far, and the value they build. */
    private int read;
    private long value;
    private int extraLength;
    private long memberSize;

    private BodyDecoder(String encoding, boolean gzip) {
        this.encoding = encoding;
        this.gzip = gzip;
        this.stage = gzip ? Stage.FIXED_HEADER : Stage.DATA;
    }

    /**
     * The decoder for a {@code Content-Encoding} header, or {@code null} when the body is not
     * encoded ({@code identity} or no header).
     *
     * @throws ApiException 415 naming an encoding the server does not decode
     */
    static BodyDecoder forEncoding(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        return switch (header.trim().toLowerCase(Locale.ROOT)) {
            case "identity" -> null;
            case "gzip", "x-gzip" -> new BodyDecoder("gzip", true);
            case "deflate", "x-deflate" -> new BodyDecoder("deflate", false);
            default -> throw ApiException.unsupportedMediaType("Content-Encoding '" + header
                    + "' is not supported; send the body uncompressed, gzip or deflate");
        };
    }

    /** Decodes the next part of the body; {@code output} receives the decoded bytes, if any. */
    void decode(Buffer chunk, Consumer<Buffer> output) {
        byte[] bytes = chunk.getBytes();
        int offset = 0;
        while (offset < bytes.length) {
            if (stage == Stage.DATA) {
                offset = inflate(bytes, offset, output);
            } else if (stage == Stage.END) {
                if (!gzip) {
                    throw malformed("bytes follow the end of the deflate stream");
                }
                stage = Stage.FIXED_HEADER; // another gzip member, as `cat a.gz b.gz` makes
                read = 0;
                value = 0;
                crc.reset();
            } else {
                framing(bytes[offset++] & 0xFF);
            }
        }
    }

    /** The body ended. */
    void finish() {
        if (stage != Stage.END) {
            throw malformed("the " + encoding + " stream ends early (the body is truncated)");
        }
    }

    private int inflate(byte[] bytes, int offset, Consumer<Buffer> out) {
        if (inflater == null) {
            inflater = new Inflater(gzip); // gzip members hold raw deflate data; "deflate" is a zlib stream
        }
        inflater.setInput(bytes, offset, bytes.length - offset);
        try {
            while (true) {
                int n = inflater.inflate(output);
                if (n > 0) {
                    crc.update(output, 0, n);
                    memberSize += n;
                    out.accept(Buffer.buffer(Arrays.copyOf(output, n)));
                }
                if (inflater.finished()) {
                    break; // possibly on a call that output nothing: it read the stream's end
                } else if (n > 0) {
                    continue;
                } else if (inflater.needsInput()) {
                    return bytes.length; // all of it taken; the stream goes on in the next chunk
                } else if (inflater.needsDictionary()) {
                    throw malformed("the deflate stream needs a preset dictionary, which HTTP does not provide");
                } else {
                    // Input left, room for output, yet nothing out: zlib's "no progress possible".
                    throw malformed("the " + encoding + " stream is corrupt: the inflater cannot go on");
                }
            }
        } catch (DataFormatException e) {
            throw malformed("the " + encoding + " stream is corrupt: " + e.getMessage());
        }
        int rest = inflater.getRemaining();
        inflater.end();
        inflater = null;
        stage = gzip ? Stage.TRAILER : Stage.END;
        read = 0;
        value = 0;
        return bytes.length - rest;
    }

    /** One byte of a gzip header or trailer: read one at a time, as chunk boundaries fall anywhere. */
    private void framing(int b) {
        switch (stage) {
            case FIXED_HEADER -> {
                crc.update(b);
                fields[read++] = (byte) b;
                if (read <= 2 && b != (read == 1 ? 0x1F : 0x8B)) {
                    throw malformed("the body is not gzip (it does not start with 1f 8b)");
                }
                if (read == GZIP_FIXED_HEADER_BYTES) {
                    checkFixedHeader();
                    flags = fields[3] & 0xFF;
                    after(Stage.FIXED_HEADER);
                }
            }
            case EXTRA_LENGTH -> {
                crc.update(b);
                extraLength |= b << (8 * read++);
                if (read == 2) {
                    read = 0;
                    if (extraLength > 0) {
                        stage = Stage.EXTRA;
                    } else {
                        after(Stage.EXTRA);
                    }
                }
            }
            case EXTRA -> {
                crc.update(b);
                if (++read == extraLength) {
                    after(Stage.EXTRA);
                }
            }
            case NAME, COMMENT -> {
                crc.update(b);
                if (b == 0) {
                    after(stage);
                }
            }
            case HEADER_CRC -> {
                value |= (long) b << (8 * read++);
                if (read == 2) {
                    if (value != (crc.getValue() & 0xFFFF)) {
                        throw malformed("the gzip header fails its CRC");
                    }
                    after(Stage.HEADER_CRC);
                }
            }
            case TRAILER -> {
                value |= (long) b << (8 * (read % 4));
                read++;
                if (read == 4) {
                    if (value != crc.getValue()) {
                        throw malformed(String.format("the gzip data fails its CRC-32 (stored %08x, computed %08x)",
                                value, crc.getValue()));
                    }
                    value = 0;
                } else if (read == GZIP_TRAILER_BYTES) {
                    if (value != (memberSize & 0xFFFF_FFFFL)) {
                        throw malformed("the gzip data is " + memberSize + " bytes, its trailer says " + value);
                    }
                    stage = Stage.END;
                }
            }
            default -> throw new IllegalStateException("no framing byte expected in stage " + stage);
        }
    }

    private void checkFixedHeader() {
        if (fields[2] != 8) {
            throw malformed("the gzip compression method is " + fields[2] + ", not 8 (deflate)");
        }
        if ((fields[3] & RESERVED_FLAGS) != 0) {
            throw malformed("the gzip header sets reserved flags");
        }
    }

    /** Moves to the header part that follows {@code done} and that the flags ask for, else to the data. */
    private void after(Stage done) {
        read = 0;
        value = 0;
        Stage[] order = {Stage.EXTRA_LENGTH, Stage.NAME, Stage.COMMENT, Stage.HEADER_CRC};
        int[] flag = {FEXTRA, FNAME, FCOMMENT, FHCRC};
        int from = switch (done) {
            case FIXED_HEADER -> 0;
            case EXTRA -> 1;
            case NAME -> 2;
            case COMMENT -> 3;
            default -> 4;
        };
        for (int i = from; i < order.length; i++) {
            if ((flags & flag[i]) != 0) {
                stage = order[i];
                extraLength = 0;
                return;
            }
        }
        stage = Stage.DATA;
        crc.reset(); // the header's CRC is done; the trailer's covers the data
        memberSize = 0;
    }

    private ApiException malformed(String problem) {
        return ApiException.badRequest("malformed request body: " + problem);
    }
}
