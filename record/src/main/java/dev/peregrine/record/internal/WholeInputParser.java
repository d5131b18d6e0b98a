package dev.peregrine.record.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.core.util.JsonParserDelegate;

import java.io.IOException;

/**
 * A Jackson parser over UTF-8 bytes that are the whole input, for factories that do not canonicalise
 * keys (the record codec's and the server's: client-chosen keys must not grow Jackson's symbol table,
 * which is copied for every parser that meets a new key). Without canonicalisation Jackson's blocking
 * factory methods decode bytes through a lenient {@code Reader}; its non-blocking parser reads and
 * validates the UTF-8 itself, as the blocking byte parser does, and keeps no symbol table.
 *
 * <p>Two differences from the blocking parser are made up for here. Given all the input and told it
 * ended, the non-blocking parser still answers {@link JsonToken#NOT_AVAILABLE} once where a token
 * could have gone on past the last byte (a number, trailing whitespace); {@link #nextToken()} asks
 * again, which then gives the token, the end or the error. And it does not apply
 * {@link StreamReadConstraints#getMaxNumberLength()} (jackson-core 2.20), the guard against numbers
 * of thousands of digits whose conversion costs quadratic time; {@link #nextToken()} applies it to
 * every number token, with Jackson's own check and message. Not thread-safe, like any parser.
 *
 * <p>Internal: exported to Peregrine's own modules only.
 */
public final class WholeInputParser extends JsonParserDelegate {

    private WholeInputParser(JsonParser parser) {
        super(parser);
    }

    /**
     * @param factory a factory with {@link JsonFactory.Feature#CANONICALIZE_FIELD_NAMES} disabled
     * @param utf8 the input
     * @param offset where it starts
     * @param length its length
     * @return a parser over exactly those bytes
     * @throws IOException as Jackson's factories declare
     */
    public static JsonParser over(JsonFactory factory, byte[] utf8, int offset, int length) throws IOException {
        JsonParser parser = factory.createNonBlockingByteArrayParser();
        ByteArrayFeeder feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
        feeder.feedInput(utf8, offset, offset + length);
        feeder.endOfInput();
        return new WholeInputParser(parser);
    }

    @Override
    public JsonToken nextToken() throws IOException {
        JsonToken token = delegate.nextToken();
        while (token == JsonToken.NOT_AVAILABLE) {
            token = delegate.nextToken(); // the input is complete: each call moves on
        }
        if (token == JsonToken.VALUE_NUMBER_INT) {
            int digits = delegate.getTextLength();
            if (digits > 0 && delegate.getTextCharacters()[delegate.getTextOffset()] == '-') {
                digits--;
            }
            delegate.streamReadConstraints().validateIntegerLength(digits);
        } else if (token == JsonToken.VALUE_NUMBER_FLOAT) {
            delegate.streamReadConstraints().validateFPLength(delegate.getTextLength());
        }
        return token;
    }
}
