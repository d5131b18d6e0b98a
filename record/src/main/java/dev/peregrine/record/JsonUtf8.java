package dev.peregrine.record;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * Strict UTF-8 for JSON text given as bytes: {@link #requireValid} checks a whole document with {@link Utf8}
 * before it is parsed, because jackson-core's own decoder accepts overlong forms, encoded surrogates and code
 * points above U+10FFFF (see {@link Utf8}). A failure names the string that holds the first ill-formed
 * sequence by its path in the document, for example
 * {@code payload.user.name: invalid UTF-8 (overlong encoding) at byte 3}, where the byte is counted from the
 * first byte after the string's opening quote. A field name is named by the object holding it
 * ({@code field name in payload.user: ...}).
 *
 * <p>The check costs one pass over the bytes (ASCII eight bytes at a time); only a failing document is parsed
 * a second time, to find the path. Stateless and thread-safe.
 */
public final class JsonUtf8 {

    /** Parses the copy made to find a path; its limits are Jackson's defaults, generous for any real body. */
    private static final JsonFactory LOCATOR = new JsonFactory();

    private JsonUtf8() {
    }

    /**
     * Checks that {@code json[offset, offset + length)} is well-formed UTF-8.
     *
     * @throws InvalidJsonException whose {@link InvalidJsonException#problem() problem} names the string (or
     *     field name) holding the first ill-formed sequence and says what is wrong with it
     */
    public static void requireValid(byte[] json, int offset, int length) {
        int end = offset + length;
        int bad = Utf8.firstInvalid(json, offset, end);
        if (bad >= 0) {
            throw locate(json, offset, end, bad);
        }
    }

    /**
     * Finds the string holding the ill-formed sequence at {@code bad}. Jackson cannot be trusted with the bytes
     * from {@code bad} on (it rejects some ill-formed sequences with its own message and decodes others), so a
     * copy in which every non-ASCII byte from there on is replaced by an ASCII letter is parsed instead: that
     * changes no offset and no JSON structure, since bytes above 0x7F may only appear inside strings. The
     * string holding {@code bad} is the last string token that starts before it, provided it ends after it.
     */
    private static InvalidJsonException locate(byte[] json, int offset, int end, int bad) {
        byte[] copy = Arrays.copyOfRange(json, offset, end);
        int at = bad - offset;
        for (int i = at; i < copy.length; i++) {
            if (copy[i] < 0) {
                copy[i] = 'x';
            }
        }
        String label = null;
        int stringStart = -1;
        long line = -1;
        long column = -1;
        try (JsonParser parser = LOCATOR.createParser(copy)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                JsonLocation start = parser.currentTokenLocation();
                if (start.getByteOffset() > at) {
                    break;
                }
                if (token == JsonToken.FIELD_NAME || token == JsonToken.VALUE_STRING) {
                    stringStart = (int) start.getByteOffset();
                    label = token == JsonToken.FIELD_NAME ? fieldNameLabel(parser.getParsingContext())
                            : path(parser.getParsingContext());
                    line = start.getLineNr();
                    column = start.getColumnNr();
                }
            }
        } catch (IOException e) {
            // Malformed after the string we look for (or deeper than Jackson's default limits): what was found
            // before the failure stands.
        }
        if (stringStart < 0 || closingQuote(copy, stringStart) < at) {
            return new InvalidJsonException(Utf8.describeInvalid(json, offset, bad, end) + " of the document", -1, -1,
                    null);
        }
        String problem = Utf8.describeInvalid(json, offset + stringStart + 1, bad, end);
        return new InvalidJsonException((label.isEmpty() ? "the top-level string" : label) + ": " + problem, line,
                column, null);
    }

    /** Offset of the quote that closes the string whose opening quote is at {@code open}, or the end. */
    private static int closingQuote(byte[] text, int open) {
        for (int i = open + 1; i < text.length; i++) {
            if (text[i] == '\\') {
                i++;
            } else if (text[i] == '"') {
                return i;
            }
        }
        return text.length;
    }

    /** {@code field name in a.b} for a name inside the object at {@code a.b}; {@code field name at the top level}. */
    private static String fieldNameLabel(JsonStreamContext object) {
        String parent = path(object.getParent());
        return parent.isEmpty() ? "field name at the top level" : "field name in " + parent;
    }

    /** The dotted path of the value the context stands on: {@code events[4].payload.user.name}. */
    static String path(JsonStreamContext context) {
        Deque<JsonStreamContext> chain = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            chain.push(c);
        }
        StringBuilder path = new StringBuilder();
        for (JsonStreamContext c : chain) {
            if (c.inArray()) {
                path.append('[').append(c.getCurrentIndex()).append(']');
            } else {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(c.getCurrentName());
            }
        }
        return path.toString();
    }
}
