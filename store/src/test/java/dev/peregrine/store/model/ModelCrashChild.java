package dev.peregrine.store.model;

import dev.peregrine.store.StoreInternals;
import dev.peregrine.store.AppendResult;
import dev.peregrine.store.Durability;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.EventStoreException;
import dev.peregrine.store.ExpectedVersion;
import dev.peregrine.store.NewEvent;
import dev.peregrine.store.StoreOptions;
import dev.peregrine.store.StoredEvent;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Child JVM of {@link StoreModelCrashTest}: runs seeded model workloads (appends with and without
 * ids, retries, changed content, every expected version, tombstones and re-creation) from several
 * threads at once, each on its own entities with its own {@link StoreModel} (so together they make
 * group commits), under {@code fsync}, until it is killed. Every request is announced in a journal
 * file before it is submitted and its outcome after; see {@link CrashJournal}. Each thread also
 * checks the store's answers against its model and reports disagreements as MISMATCH lines.
 *
 * <p>The journal is a file written with one {@code write} per line group, not standard output: what
 * a killed process wrote to a file is in the page cache and survives it (only the process dies, so
 * no fsync is needed), while the tail of a pipe was seen lost when the JDK drains it at process
 * exit. The parent reads the file once the child is dead.
 *
 * <p>Arguments: store directory, journal file, seed, number of threads.
 */
public final class ModelCrashChild {

    private static final int SEGMENT_BYTES = 128 * 1024;

    private ModelCrashChild() {
    }

    /** @return the options the child writes with (the parent reads with the same segment size) */
    static StoreOptions options() {
        return StoreOptions.builder().durability(Durability.fsync()).segmentBytes(SEGMENT_BYTES).snapshotEvery(7)
                .followerCheckpointEvery(40).build();
    }

    /** @param thread a thread number @return the prefix of its entities */
    static String prefix(int thread) {
        return "c" + thread + "-";
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        FileOutputStream out = new FileOutputStream(args[1], true);
        long seed = Long.parseLong(args[2]);
        int threads = Integer.parseInt(args[3]);
        EventStore store = EventStore.open(dir, options());
        List<StoreModel> models = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            models.add(new StoreModel());
        }
        load(store, models);
        AtomicLong requests = new AtomicLong();
        print(out, "READY " + store.lastPosition());
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            StoreModel model = models.get(t);
            Workload workload = new Workload(new Random(seed * 31 + t), model, prefix(t), false);
            workload.limits(SEGMENT_BYTES, store.options().maxBatchEvents());
            workers.add(Thread.ofPlatform().start(() -> {
                while (true) {
                    Op op = workload.next();
                    long req = requests.incrementAndGet();
                    if (op instanceof Op.Append a) {
                        append(store, model, a.events(), req, out);
                    } else if (op instanceof Op.Tombstone tomb) {
                        tombstone(store, model, tomb.entity(), req, out);
                    }
                }
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
    }

    /** Rebuilds each thread's model from the recovered log (content as the store holds it). */
    private static void load(EventStore store, List<StoreModel> models) {
        for (long p = 1; p <= store.lastPosition(); p += 1000) {
            for (StoredEvent e : StoreInternals.read(store, p, 1000)) {
                for (int t = 0; t < models.size(); t++) {
                    if (!e.entityId().startsWith(prefix(t))) {
                        continue;
                    }
                    if (e.isTombstone()) {
                        models.get(t).addTombstone(e.entityId(), e.position(), e.timestampNanos());
                    } else {
                        models.get(t).addEvent(new StoreModel.Event(e.id(), true, e.eventType(), e.entityId(),
                                e.tenantId(), ModelJson.readObject(e.payload().toJson()),
                                e.metadata().map(m -> ModelJson.readObject(m.toJson())).orElse(null),
                                ExpectedVersion.any()), e.position(), e.timestampNanos());
                    }
                }
            }
        }
    }

    private static void append(EventStore store, StoreModel model, List<StoreModel.Event> events, long req,
                               FileOutputStream out) {
        List<NewEvent> request = new ArrayList<>();
        List<StoreModel.Event> bound = new ArrayList<>();
        StringBuilder announce = new StringBuilder();
        for (StoreModel.Event e : events) {
            NewEvent n = StoreChecker.newEvent(store, e);
            StoreModel.Event b = e.clientId() ? e : e.withId(n.eventId());
            request.add(n);
            bound.add(b);
            announce.append(CrashJournal.event(req, b)).append('\n');
        }
        print(out, announce + "SENT " + req + " " + events.size());
        StoreModel.Outcome expected = model.predictAppend(bound);
        List<AppendResult> results;
        try {
            results = store.append(request);
        } catch (EventStoreException e) {
            refused(out, req, e, expected);
            return;
        }
        print(out, CrashJournal.ack(req, results));
        if (!(expected instanceof StoreModel.Stored stored)) {
            print(out, "MISMATCH request " + req + ": the store stored it, the model: " + expected);
            return;
        }
        for (int i = 0; i < bound.size(); i++) {
            AppendResult r = results.get(i);
            StoreModel.Entry repeat = stored.existing().get(i);
            if (repeat != null) {
                if (!r.equals(StoreChecker.result(repeat))) {
                    print(out, "MISMATCH request " + req + " event " + i + ": retry gave " + r + ", original " + repeat);
                }
                continue;
            }
            if (r.version() != stored.versions()[i]) {
                print(out, "MISMATCH request " + req + " event " + i + ": version " + r.version() + ", model "
                        + stored.versions()[i]);
            }
            model.addEvent(bound.get(i), r.position(), r.timestamp().getEpochSecond() * 1_000_000_000L
                    + r.timestamp().getNano());
        }
    }

    private static void tombstone(EventStore store, StoreModel model, String entity, long req, FileOutputStream out) {
        print(out, "TSENT " + req + " " + ModelJson.write(entity));
        StoreModel.Outcome expected = model.predictTombstone(entity);
        long position;
        try {
            position = store.tombstone(entity);
        } catch (EventStoreException e) {
            refused(out, req, e, expected);
            return;
        }
        print(out, "TACK " + req + " " + position);
        if (expected instanceof StoreModel.Refused) {
            print(out, "MISMATCH tombstone " + req + " of " + entity + " stored; the model: " + expected);
            return;
        }
        model.addTombstone(entity, position, StoreInternals.read(store, position, 1).getFirst().timestampNanos());
    }

    private static void refused(FileOutputStream out, long req, EventStoreException e, StoreModel.Outcome expected) {
        print(out, "FAIL " + req + " " + e.getClass().getSimpleName());
        if (!(expected instanceof StoreModel.Refused r) || !r.type().isInstance(e)) {
            print(out, "MISMATCH request " + req + ": the store refused with " + e + ", the model: " + expected);
        }
    }

    private static void print(FileOutputStream out, String lines) {
        byte[] bytes = (lines + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (out) {
            try {
                out.write(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
