package dev.peregrine.schema;

import com.networknt.schema.Schema;
import dev.peregrine.record.Record;
import dev.peregrine.store.NewEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * JSON Schemas (draft 2020-12) per subject, a subject being an event type: versions registered one
 * after another, each checked against the latest under the subject's {@link CompatibilityMode}
 * (the rule is {@link CompatibilityChecker}'s), and, for subjects with enforcement on, the check of
 * every appended payload against the latest version ({@link #check}).
 *
 * <pre>{@code
 * SchemaRegistry schemas = SchemaRegistry.open(store.directory());
 * schemas.register("order.placed", "{\"type\":\"object\",\"required\":[\"amount\"]}", Optional.empty(), List.of());
 * schemas.setEnforced("order.placed", true);
 * schemas.check(events);            // throws SchemaViolationException: nothing of the batch to append
 * store.appendAsync(events);
 * }</pre>
 *
 * <p><b>Where it sits.</b> The registry is its own module, beside the store rather than inside it: the
 * validator and its Jackson 3 tree model stay out of an embedded store that validates nothing, and
 * the store's sequencer never spends time on validation. The server calls {@link #check} on every
 * ingest path (single event, JSON batch, NDJSON chunk, and the gRPC face's {@code Append} and
 * {@code BatchAppend}) before it hands the batch to the store; an
 * application embedding the store calls it the same way.
 *
 * <p><b>Durability.</b> The registry lives in {@code schemas.registry} in the store's directory
 * ({@link RegistryFile}); every change is written (atomically, forced) before it takes effect, so a
 * registration that returned survives a crash and one that failed left nothing behind.
 *
 * <p>Thread safety: every method from any thread. Changes are serialised on the registry; reads and
 * {@link #check} read an immutable snapshot without locking.
 */
public final class SchemaRegistry {

    /** The registry's file in the data directory. */
    public static final String FILE_NAME = "schemas.registry";
    /** The longest subject name: the server's default limit on an event type. */
    public static final int MAX_SUBJECT_LENGTH = 256;

    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistry.class);

    /** A registered version with its parsed tree and compiled validator. */
    private record Compiled(SchemaVersion version, JsonNode tree, Schema schema) {
    }

    /** A subject as the registry holds it; immutable, replaced on change. */
    private record Subject(String name, CompatibilityMode compatibility, boolean enforced, List<Compiled> versions) {
        Optional<Compiled> latest() {
            return versions.isEmpty() ? Optional.empty() : Optional.of(versions.getLast());
        }

        SubjectInfo info() {
            return new SubjectInfo(name, compatibility, enforced, versions.size());
        }
    }

    private final Path file;
    private final JsonSchemas schemas = new JsonSchemas();
    private final CompatibilityChecker checker = new CompatibilityChecker(schemas);
    /** Every subject by name; replaced whole under the registry's monitor. */
    private volatile Map<String, Subject> subjects;
    /** The latest version of each enforced subject that has one: what {@link #check} reads. */
    private volatile Map<String, Compiled> enforced;

    private SchemaRegistry(Path file, Map<String, Subject> subjects) {
        this.file = file;
        publish(subjects);
    }

    /**
     * Opens the registry kept in {@code directory} (the store's), empty if it has no file yet.
     *
     * @param directory the data directory
     * @return the registry
     * @throws dev.peregrine.store.CorruptFileException if the file is damaged
     * @throws dev.peregrine.store.UnsupportedFormatException if it is of a version this build does not read
     */
    public static SchemaRegistry open(Path directory) {
        Path file = directory.resolve(FILE_NAME);
        JsonSchemas loader = new JsonSchemas();
        Map<String, Subject> subjects = new TreeMap<>();
        for (RegistryFile.StoredSubject stored : RegistryFile.read(file)) {
            List<Compiled> versions = new ArrayList<>();
            for (SchemaVersion v : stored.versions()) {
                JsonNode tree = JsonSchemas.parse(v.schema(), "the stored schema");
                versions.add(new Compiled(v, tree, loader.compile(tree)));
            }
            subjects.put(stored.name(), new Subject(stored.name(), stored.compatibility(), stored.enforced(),
                    List.copyOf(versions)));
        }
        if (!subjects.isEmpty()) {
            LOG.info("schema registry: {} subjects, {} enforced", subjects.size(),
                    subjects.values().stream().filter(Subject::enforced).count());
        }
        return new SchemaRegistry(file, subjects);
    }

    /**
     * Registers a new version of a subject's schema, after checking it is a valid draft 2020-12 schema
     * and that it is compatible with the latest version under the subject's mode. Registering a schema
     * equal to the latest version registers nothing and returns that version.
     *
     * @param subject the subject (event type)
     * @param schemaJson the JSON Schema document
     * @param description what it is, if anything
     * @param tags labels
     * @return the registered version (or the equal latest one)
     * @throws InvalidSchemaException if the subject name or the document is not acceptable
     * @throws IncompatibleSchemaException if compatibility with the latest version cannot be proven
     */
    public synchronized SchemaVersion register(String subject, String schemaJson, Optional<String> description,
                                               List<String> tags) {
        checkSubject(subject);
        JsonNode tree = JsonSchemas.parse(schemaJson, "the schema");
        Schema compiled = schemas.compile(tree);
        Subject current = subjects.getOrDefault(subject,
                new Subject(subject, CompatibilityMode.BACKWARD, false, List.of()));
        Optional<Compiled> latest = current.latest();
        if (latest.isPresent()) {
            if (latest.get().tree().equals(tree)) {
                return latest.get().version();
            }
            checker.check(current.compatibility(), latest.get().tree(), tree);
        }
        SchemaVersion version = new SchemaVersion(subject, current.versions().size() + 1, UUID.randomUUID(),
                JsonSchemas.text(tree), Instant.now(), description, tags);
        List<Compiled> versions = new ArrayList<>(current.versions());
        versions.add(new Compiled(version, tree, compiled));
        save(new Subject(subject, current.compatibility(), current.enforced(), List.copyOf(versions)));
        LOG.info("schema registry: registered {} version {}", subject, version.version());
        return version;
    }

    /**
     * Sets what new versions of a subject must prove; a subject without versions yet keeps the setting
     * for its first registration.
     *
     * @param subject the subject
     * @param mode the mode
     * @return the subject's settings
     */
    public synchronized SubjectInfo setCompatibility(String subject, CompatibilityMode mode) {
        checkSubject(subject);
        Subject current = subjects.getOrDefault(subject, new Subject(subject, mode, false, List.of()));
        Subject changed = new Subject(subject, mode, current.enforced(), current.versions());
        save(changed);
        return changed.info();
    }

    /**
     * Turns enforcement on or off for a subject: while on, {@link #check} refuses a batch with an event
     * of that type whose payload the latest version refuses.
     *
     * @param subject the subject
     * @param enforce whether to enforce
     * @return the subject's settings
     * @throws SubjectNotFoundException when turning it on for a subject without a version
     */
    public synchronized SubjectInfo setEnforced(String subject, boolean enforce) {
        checkSubject(subject);
        Subject current = subjects.get(subject);
        if (current == null || enforce && current.versions().isEmpty()) {
            if (!enforce) {
                return new SubjectInfo(subject, CompatibilityMode.BACKWARD, false, 0);
            }
            throw new SubjectNotFoundException("no schema is registered for subject '" + subject
                    + "': register one before enforcing it");
        }
        Subject changed = new Subject(subject, current.compatibility(), enforce, current.versions());
        save(changed);
        return changed.info();
    }

    /** @return every subject, by name */
    public List<SubjectInfo> subjects() {
        return subjects.values().stream().map(Subject::info).toList();
    }

    /**
     * @param subject a subject
     * @return its settings
     * @throws SubjectNotFoundException if the registry has never heard of it
     */
    public SubjectInfo subject(String subject) {
        return find(subject).info();
    }

    /**
     * @param subject a subject
     * @return its versions, oldest first
     * @throws SubjectNotFoundException if it has none
     */
    public List<SchemaVersion> versions(String subject) {
        Subject s = find(subject);
        if (s.versions().isEmpty()) {
            throw new SubjectNotFoundException("no schema is registered for subject '" + subject + "'");
        }
        return s.versions().stream().map(Compiled::version).toList();
    }

    /**
     * @param subject a subject
     * @param version a version, or empty for the latest
     * @return that version
     * @throws SubjectNotFoundException if there is no such subject or version
     */
    public SchemaVersion get(String subject, OptionalInt version) {
        return compiled(subject, version).version();
    }

    /**
     * Validates a payload without appending anything.
     *
     * @param subject a subject
     * @param version a version, or empty for the latest
     * @param payloadJson the payload, JSON
     * @return the result, with every violation
     * @throws SubjectNotFoundException if there is no such subject or version
     * @throws InvalidSchemaException if the payload is not JSON
     */
    public ValidationResult validate(String subject, OptionalInt version, String payloadJson) {
        Compiled c = compiled(subject, version);
        return new ValidationResult(c.version().version(),
                JsonSchemas.violations(c.schema(), JsonSchemas.parse(payloadJson, "the payload")));
    }

    /**
     * Validates a payload record without appending anything.
     *
     * @param subject a subject
     * @param version a version, or empty for the latest
     * @param payload the payload
     * @return the result, with every violation
     * @throws SubjectNotFoundException if there is no such subject or version
     */
    public ValidationResult validate(String subject, OptionalInt version, Record payload) {
        Compiled c = compiled(subject, version);
        return new ValidationResult(c.version().version(), JsonSchemas.violations(c.schema(), RecordTrees.of(payload)));
    }

    /**
     * Checks a batch before it is appended: every event whose type is enforced must have a payload the
     * latest version of its schema accepts. Costs a map lookup per event when nothing is enforced for
     * its type.
     *
     * @param events the batch, in order
     * @throws SchemaViolationException for the first refused event, naming its index, the schema and
     *         the first violation; the caller appends nothing of the batch
     */
    public void check(List<NewEvent> events) {
        check(events, event -> true);
    }

    /**
     * Checks a batch some of whose payloads may not be JSON documents at all (bytes kept as they
     * came, as the gRPC face stores a KurrentDB event whose content type is not JSON): an event of an
     * enforced type must carry a JSON payload, since a type with an enforced schema promises every
     * reader that each of its events conforms, and opaque bytes cannot be shown to. Others are
     * checked as {@link #check(List)} does.
     *
     * @param events the batch, in order
     * @param isJson whether an event's payload is a JSON document (asked only of enforced types)
     * @throws SchemaViolationException for the first refused event; an opaque payload is refused at
     *         {@code $} by the rule {@code type}
     */
    public void check(List<NewEvent> events, Predicate<NewEvent> isJson) {
        Map<String, Compiled> rules = enforced;
        if (rules.isEmpty()) {
            return;
        }
        for (int i = 0; i < events.size(); i++) {
            NewEvent event = events.get(i);
            Compiled rule = rules.get(event.eventType());
            if (rule == null) {
                continue;
            }
            if (!isJson.test(event)) {
                throw new SchemaViolationException(i, event.eventType(), rule.version().version(), new Violation("$",
                        "type", "the payload is not a JSON object, and an enforced schema accepts only JSON objects"));
            }
            List<Violation> violations = JsonSchemas.violations(rule.schema(), RecordTrees.of(event.payload()));
            if (!violations.isEmpty()) {
                throw new SchemaViolationException(i, event.eventType(), rule.version().version(), violations.getFirst());
            }
        }
    }

    private Compiled compiled(String subject, OptionalInt version) {
        Subject s = find(subject);
        if (version.isEmpty()) {
            return s.latest().orElseThrow(() -> new SubjectNotFoundException("no schema is registered for subject '"
                    + subject + "'"));
        }
        int v = version.getAsInt();
        if (v < 1 || v > s.versions().size()) {
            throw new SubjectNotFoundException("subject '" + subject + "' has no version " + v + " (it has "
                    + s.versions().size() + ")");
        }
        return s.versions().get(v - 1);
    }

    private Subject find(String subject) {
        Subject s = subjects.get(subject);
        if (s == null) {
            throw new SubjectNotFoundException("no schema is registered for subject '" + subject + "'");
        }
        return s;
    }

    private static void checkSubject(String subject) {
        if (subject.isEmpty() || subject.length() > MAX_SUBJECT_LENGTH) {
            throw new InvalidSchemaException("a subject is 1 to " + MAX_SUBJECT_LENGTH + " characters, got "
                    + subject.length());
        }
        for (int i = 0; i < subject.length(); i++) {
            if (Character.isISOControl(subject.charAt(i))) {
                throw new InvalidSchemaException("the subject contains the control character U+"
                        + String.format("%04X", (int) subject.charAt(i)) + " at index " + i);
            }
        }
    }

    /** Writes the registry with {@code changed} in it, then makes it the current one. Caller holds the monitor. */
    private void save(Subject changed) {
        Map<String, Subject> next = new TreeMap<>(subjects);
        next.put(changed.name(), changed);
        List<RegistryFile.StoredSubject> stored = new ArrayList<>(next.size());
        for (Subject s : next.values()) {
            stored.add(new RegistryFile.StoredSubject(s.name(), s.compatibility(), s.enforced(),
                    s.versions().stream().map(Compiled::version).toList()));
        }
        RegistryFile.write(file, stored); // first: a change that is not durable does not take effect
        publish(next);
    }

    private void publish(Map<String, Subject> next) {
        Map<String, Compiled> rules = new HashMap<>();
        for (Subject s : next.values()) {
            if (s.enforced()) {
                s.latest().ifPresent(latest -> rules.put(s.name(), latest));
            }
        }
        subjects = Collections.unmodifiableMap(next);
        enforced = Map.copyOf(rules);
    }
}
