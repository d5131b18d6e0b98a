package dev.peregrine.schema;

/**
 * A subject's settings and how many versions it has. Immutable.
 *
 * @param subject the subject (an event type)
 * @param compatibility what a new version must prove against the latest
 * @param enforced whether appends of this event type are validated against the latest version
 * @param latestVersion the latest version, 0 before the first registration
 */
public record SubjectInfo(String subject, CompatibilityMode compatibility, boolean enforced, int latestVersion) {
}
