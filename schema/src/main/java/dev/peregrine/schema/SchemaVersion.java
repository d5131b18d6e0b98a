package dev.peregrine.schema;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One registered version of a subject's schema. Immutable.
 *
 * @param subject the subject (an event type)
 * @param version 1 for the first version, then one more per registration
 * @param id a unique id of this version
 * @param schema the JSON Schema document, compact JSON
 * @param createdAt when it was registered
 * @param description what the registering request said about it, if anything
 * @param tags the request's tags
 */
public record SchemaVersion(String subject, int version, UUID id, String schema, Instant createdAt,
                            Optional<String> description, List<String> tags) {
    /** Copies the tags. */
    public SchemaVersion {
        tags = List.copyOf(tags);
    }
}
