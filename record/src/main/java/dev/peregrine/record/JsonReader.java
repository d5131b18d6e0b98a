package dev.peregrine.record;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Feeds one JSON object's tokens into a {@link RecordBuilder}, enforcing {@link JsonLimits}, and turns every
 * failure into an {@link InvalidJsonException} carrying the parser's line and column.
 */
final class JsonReader {

    private final JsonParser parser;
    private final RecordBuilder builder;
    private final JsonLimits limits;

    JsonReader(JsonParser parser, RecordBuilder builder, JsonLimits limits) {
        this.parser = parser;
        this.builder = builder;
        this.limits = limits;
    }

    /** Reads a whole document: exactly one object and nothing after it but whitespace. */
    void readDocument() {
        readObject();
        try {
            JsonToken trailing = parser.nextToken();
            if (trailing != null) {
                throw invalid("unexpected " + describe(trailing) + " after the top-level object");
            }
        } catch (IOException e) {
            throw invalid(e, parser);
        }
    }

    /**
     * Finishes the record (the root object's sort and duplicate check run here), reporting failures with the
     * parser's position like every other parse error.
     */
    <T> T finish(java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (DuplicateFieldException e) {
            throw new InvalidJsonException("duplicate key '" + e.field() + "' in one object", line(), column(), e);
        } catch (RecordLimitException e) {
            throw new InvalidJsonException(e.getMessage(), line(), column(), e);
        }
    }

    /** Reads the object the parser stands on (or whose START_OBJECT comes next); stops on its END_OBJECT. */
    void readObject() {
        try {
            JsonToken first = parser.currentToken();
            if (first == null) {
                first = parser.nextToken();
            }
            if (first == null) {
                throw invalid("empty input: expected a JSON object");
            }
            if (first != JsonToken.START_OBJECT) {
                throw invalid("expected a JSON object, found " + describe(first));
            }
            readMembers();
        } catch (IOException e) {
            throw invalid(e, parser);
        } catch (DuplicateFieldException e) {
            throw new InvalidJsonException("duplicate key '" + e.field() + "' in one object", line(), column(), e);
        } catch (RecordLimitException | IllegalArgumentException e) {
            throw new InvalidJsonException(e.getMessage(), line(), column(), e);
        }
    }

    private void readMembers() throws IOException {
        int fieldId = RecordBuilder.ARRAY_ELEMENT;
        while (true) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                throw invalid("unexpected end of input inside an object or array");
            }
            int target = builder.inArray() ? RecordBuilder.ARRAY_ELEMENT : fieldId;
            switch (token) {
                case FIELD_NAME -> fieldId = intern(parser.currentName());
                case START_OBJECT -> builder.begin(target, false);
                case START_ARRAY -> builder.begin(target, true);
                case END_OBJECT -> {
                    if (builder.depth() == 1) {
                        return;
                    }
                    builder.close(false);
                }
                case END_ARRAY -> builder.close(true);
                case VALUE_STRING -> builder.putChars(target, parser.getTextCharacters(), parser.getTextOffset(),
                        parser.getTextLength());
                case VALUE_NUMBER_INT -> {
                    JsonParser.NumberType type = parser.getNumberType();
                    if (type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG) {
                        builder.value(target, parser.getLongValue());
                    } else {
                        number(target);
                    }
                }
                case VALUE_NUMBER_FLOAT -> {
                    if (JsonNumbers.isShortFraction(parser.getTextCharacters(), parser.getTextOffset(),
                            parser.getTextLength())) {
                        // From the text, not getDoubleValue(): Jackson's non-blocking parser (the one
                        // WholeInputParser feeds) can answer a float with the value of an earlier big number.
                        builder.value(target, Double.parseDouble(parser.getText()));
                    } else {
                        number(target);
                    }
                }
                case VALUE_TRUE -> builder.value(target, true);
                case VALUE_FALSE -> builder.value(target, false);
                case VALUE_NULL -> builder.nullValue(target);
                default -> throw invalid("unexpected " + describe(token));
            }
        }
    }

    private int intern(String name) {
        // Names are rarely long; measure exactly only when the char count alone could exceed the limit.
        if ((long) name.length() * 3 > limits.maxNameBytes()) {
            int bytes = Utf8.encodedLength(name);
            if (bytes > limits.maxNameBytes()) {
                throw invalid("field name of " + bytes + " UTF-8 bytes exceeds the limit of " + limits.maxNameBytes());
            }
        }
        return builder.id(name);
    }

    /** A number off the fast paths: typed by {@link JsonNumbers}, a decimal stored as the text given. */
    private void number(int target) throws IOException {
        String text = parser.getText();
        Number value;
        try {
            value = JsonNumbers.parse(text);
        } catch (NumberFormatException e) {
            throw invalid(e.getMessage());
        }
        switch (value) {
            case Long l -> builder.value(target, l.longValue());
            case Double d -> builder.value(target, d.doubleValue());
            default -> builder.decimal(target, text);
        }
    }

    private InvalidJsonException invalid(String problem) {
        return new InvalidJsonException(problem, line(), column(), null);
    }

    private long line() {
        return parser.currentLocation().getLineNr();
    }

    private long column() {
        return parser.currentLocation().getColumnNr();
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.asString() == null ? token.name() : "'" + token.asString() + "'";
        };
    }

    /** Converts a Jackson failure (or an I/O error) into an {@link InvalidJsonException}. */
    static InvalidJsonException invalid(IOException e, JsonParser parser) {
        if (e instanceof JsonProcessingException jpe) {
            JsonLocation at = jpe.getLocation();
            return new InvalidJsonException(jpe.getOriginalMessage(), at == null ? -1 : at.getLineNr(),
                    at == null ? -1 : at.getColumnNr(), e);
        }
        JsonLocation at = parser == null ? null : parser.currentLocation();
        return new InvalidJsonException("cannot read input: " + e.getMessage(), at == null ? -1 : at.getLineNr(),
                at == null ? -1 : at.getColumnNr(), e);
    }
}
