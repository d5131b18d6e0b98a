package dev.peregrine.schema;

import java.util.List;

/**
 * The outcome of validating one payload against one version of a schema. Immutable.
 *
 * @param schemaVersion the version validated against
 * @param violations every violation found; empty when the payload is valid
 */
public record ValidationResult(int schemaVersion, List<Violation> violations) {
    /** Copies the violations. */
    public ValidationResult {
        violations = List.copyOf(violations);
    }

    /** @return whether the payload is valid */
    public boolean valid() {
        return violations.isEmpty();
    }
}
