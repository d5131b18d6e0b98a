package dev.peregrine.store.view.internal;

import static dev.peregrine.store.view.internal.ViewStateLayout.*;

import dev.peregrine.store.CorruptFileException;
import dev.peregrine.store.UnsupportedFormatException;
import dev.peregrine.store.framing.AtomicFile;
import dev.peregrine.store.framing.FileBody;
import dev.peregrine.store.framing.FileFormat;
import dev.peregrine.store.view.InvalidViewDefinitionException;
import dev.peregrine.store.view.ViewDefinition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * Writes and reads a view's persisted state: an {@link AtomicFile} of format {@link #FORMAT} whose
 * body is laid out as {@link ViewStateLayout} says. Stateless.
 */
public final class ViewStateFile {

    /**
     * {@code views/<name>.view}: version 3 holds the current rows and checkpoints. Version 2 (every
     * event's contribution) and the previous framing (version 1) are not read: such a view is rebuilt
     * from the log, which is what its rows are derived from ({@code docs/storage-format.md}).
     */
    public static final FileFormat FORMAT = FileFormat.of("view-state", 3, "PVWS");

    private ViewStateFile() {}

    /** A view restored from its file, and the log position its state reflects. */
    public record Loaded(MaintainedView view, long checkpoint) {}

    /**
     * Persists a view atomically, streaming its rows and checkpoints to the file.
     *
     * @param file the state file
     * @param view the view
     * @param checkpoint the last log position applied to it
     */
    public static void write(Path file, MaintainedView view, long checkpoint) {
        byte[] definition = view.definition().toJson().getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(file, FORMAT, out -> {
            out.putLong(checkpoint);
            out.putBlob(definition);
            view.writeState(out);
        });
    }

    /**
     * Reads a view's state file.
     *
     * @param file the state file
     * @param empty makes the empty view of the definition found in the file, to be filled
     * @return the restored view and its checkpoint, or empty if there is no file
     * @throws CorruptFileException naming the file, offset, expected and actual when the file is damaged
     * @throws UnsupportedFormatException when the file is of a format version this build does not read
     * @throws dev.peregrine.store.StorageFailureException when the file cannot be read
     */
    public static Optional<Loaded> read(Path file, Function<ViewDefinition, MaintainedView> empty) {
        return AtomicFile.read(file, FORMAT).map(in -> read(in, empty));
    }

    private static Loaded read(FileBody in, Function<ViewDefinition, MaintainedView> empty) {
        long checkpointAt = in.offset();
        long checkpoint = in.getLong();
        if (checkpoint < 0) {
            throw in.corruptAt(checkpointAt, "a checkpoint position of at least 0", Long.toString(checkpoint));
        }
        long definitionAt = in.offset();
        String json = new String(in.getBlob(), StandardCharsets.UTF_8);
        ViewDefinition definition;
        try {
            definition = ViewDefinition.fromJson(json);
        } catch (InvalidViewDefinitionException e) {
            throw in.corruptAt(definitionAt + DEFINITION_LENGTH_LENGTH, "a valid definition", e.getMessage());
        }
        MaintainedView view = empty.apply(definition);
        view.readState(in, checkpoint);
        in.expectEnd();
        return new Loaded(view, checkpoint);
    }
}
