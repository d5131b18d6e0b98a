package dev.peregrine.store;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Child process of {@link DiskFullTest}: appends batches with {@code fsync} until it is killed, on a
 * disk that fills up. Prints {@code ACK <position> <id>} for each acknowledged event and
 * {@code REFUSED <id>...} for each batch refused with nothing written.
 */
public final class DiskFullWriterMain {

    private DiskFullWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Random random = new Random(Long.parseLong(args[1]));
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        EventStore store = EventStore.open(dir, DiskFullTest.options());
        out.println("READY " + store.lastPosition());
        out.flush();
        while (true) {
            List<NewEvent> batch = DiskFullTest.batch(store, random);
            try {
                List<AppendResult> results = store.append(batch);
                StringBuilder line = new StringBuilder();
                for (AppendResult r : results) {
                    line.append("ACK ").append(r.position()).append(' ').append(r.eventId()).append('\n');
                }
                out.print(line);
            } catch (StorageFailureException e) {
                StringBuilder line = new StringBuilder("REFUSED");
                for (NewEvent event : batch) {
                    line.append(' ').append(event.eventId());
                }
                out.println(line.append(' ').append(e.outcome()).append(' ').append(e.diskFull()));
            }
            out.flush();
        }
    }
}
