package dev.peregrine.store.view.internal;

import dev.peregrine.store.CorruptFileException;
import dev.peregrine.store.StorageFailureException;
import dev.peregrine.store.UnsupportedFormatException;
import dev.peregrine.store.framing.AtomicFile;
import dev.peregrine.store.framing.FileBody;
import dev.peregrine.store.framing.FileFormat;
import dev.peregrine.store.view.InvalidViewDefinitionException;
import dev.peregrine.store.view.ViewDefinition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A view's definition as registered, {@code views/<name>.def}: an {@link AtomicFile} of format
 * {@link #FORMAT} whose body is the definition's JSON ({@link ViewDefinition#toJson()}, UTF-8), written
 * once at registration. Not derived from the log (it is what the user asked for), so damage is
 * refused, never rebuilt.
 *
 * <p>The previous release wrote the bare JSON to {@code views/<name>.json}, with no header or
 * checksum. Such a file is read and upgraded on open: written again as {@code <name>.def}, then
 * deleted. Stateless.
 */
final class ViewDefinitionFile {

    /** {@code views/<name>.def}: version 2 is this framing (version 1 was the bare {@code <name>.json}). */
    static final FileFormat FORMAT = FileFormat.of("view-definition", 2, null);
    /** File name suffix of a definition. */
    static final String SUFFIX = ".def";
    /** File name suffix of a definition the previous release wrote. */
    static final String LEGACY_SUFFIX = ".json";

    private static final Logger LOG = LoggerFactory.getLogger(ViewDefinitionFile.class);

    private ViewDefinitionFile() {}

    /**
     * @param file the definition file
     * @param definition the definition to persist atomically
     */
    static void write(Path file, ViewDefinition definition) {
        byte[] json = definition.toJson().getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(file, FORMAT, out -> out.put(json));
    }

    /**
     * @param file a definition file
     * @return the definition it holds
     * @throws CorruptFileException naming the file and offset when it is damaged or missing
     * @throws UnsupportedFormatException when it is of a version this build does not read
     */
    static ViewDefinition read(Path file) {
        FileBody body = AtomicFile.read(file, FORMAT)
                .orElseThrow(() -> new CorruptFileException(file, 0, "a view definition file", "no file"));
        long at = body.offset();
        return parse(file, at, new String(body.rest(), StandardCharsets.UTF_8));
    }

    /**
     * Upgrades a definition the previous release wrote: writes it as {@code <name>.def} (unless that
     * file exists already, from an upgrade a crash interrupted) and deletes the old file.
     *
     * @param legacy a {@code <name>.json} file
     * @return the {@code <name>.def} file now holding the definition
     * @throws CorruptFileException when the old file does not hold a valid definition
     */
    static Path upgrade(Path legacy) {
        String name = legacy.getFileName().toString();
        Path file = legacy.resolveSibling(name.substring(0, name.length() - LEGACY_SUFFIX.length()) + SUFFIX);
        try {
            if (!Files.exists(file)) {
                write(file, parse(legacy, 0, Files.readString(legacy, StandardCharsets.UTF_8)));
                LOG.info("{}: upgraded the previous release's view definition to {}", legacy, file.getFileName());
            }
            Files.delete(legacy);
        } catch (IOException e) {
            throw new StorageFailureException("cannot upgrade the view definition", legacy, e);
        }
        return file;
    }

    private static ViewDefinition parse(Path file, long at, String json) {
        try {
            return ViewDefinition.fromJson(json);
        } catch (InvalidViewDefinitionException e) {
            // Written whole and atomically at registration: damage here is the disk's, not the caller's.
            throw new CorruptFileException(file, at, "a valid view definition", e.getMessage());
        }
    }
}
