package dev.peregrine.schema;

import java.util.Locale;

/**
 * What a new version of a subject's schema must prove against the latest one before it is registered
 * (see {@link SchemaRegistry} for the rule that proves it). {@code old ⊆ new} reads "every payload
 * the old schema accepts, the new one accepts".
 */
public enum CompatibilityMode {
    /** No check: any valid schema is registered. */
    NONE,
    /** {@code old ⊆ new}: readers that use the new schema read every event written under the old one. The default. */
    BACKWARD,
    /** {@code new ⊆ old}: readers still on the old schema read every event written under the new one. */
    FORWARD,
    /** Both: the two schemas accept the same payloads. */
    FULL;

    /**
     * @param text a mode's name in any case ({@code "backward"}, {@code "BACKWARD"})
     * @return the mode
     * @throws InvalidSchemaException naming the modes if there is no such mode
     */
    public static CompatibilityMode parse(String text) {
        try {
            return valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidSchemaException("unknown compatibility mode '" + text
                    + "': expected NONE, BACKWARD, FORWARD or FULL");
        }
    }
}
