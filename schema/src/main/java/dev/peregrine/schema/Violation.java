package dev.peregrine.schema;

/**
 * One way a payload breaks a schema.
 *
 * @param path where in the payload, as a JSON path from the payload's root ({@code $.order.lines[2].sku});
 *             for a missing required property, the property's path
 * @param rule the schema keyword that failed ({@code type}, {@code required}, {@code enum}, ...)
 * @param message what the validator says, without the path
 */
public record Violation(String path, String rule, String message) {
    @Override
    public String toString() {
        return "at " + path + ": " + rule + ": " + message;
    }
}
