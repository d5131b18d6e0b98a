package dev.peregrine.server;

import dev.peregrine.store.EventStore;
import dev.peregrine.store.backup.BackupReport;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's backups: one at a time, each on a thread of its own, into
 * {@code <backup directory>/<name>} ({@link ServerConfig#backupDirectory()}). Clients name a backup;
 * they never give a path, so a request can neither write outside the backup directory nor learn
 * where it is. Running the same name again is an incremental backup.
 *
 * <p>Thread safety: any thread. The progress of the running job is published through volatile fields
 * written by its thread.
 */
final class BackupJobs {

    private static final Logger LOG = LoggerFactory.getLogger(BackupJobs.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** One backup run, as {@code GET /api/v1/ops/backup} shows it. */
    static final class Job {
        final String name;
        final long startedMillis = System.currentTimeMillis();
        volatile long done;
        volatile long total;
        volatile BackupReport report;
        volatile String error;
        volatile boolean finished;

        Job(String name) {
            this.name = name;
        }

        String state() {
            return !finished ? "running" : error == null ? "done" : "failed";
        }
    }

    private final EventStore store;
    private final Path directory;
    private final AtomicReference<Job> last = new AtomicReference<>();

    BackupJobs(EventStore store, Path directory) {
        this.store = store;
        this.directory = directory;
    }

    /**
     * Starts a backup.
     *
     * @param name the backup's name
     * @param services for the error messages
     * @return the started job
     * @throws ApiException 400 for a bad name, 409 while another backup runs
     */
    Job start(String name, Services services) {
        if (!NAME.matcher(name).matches()) {
            throw ApiException.badRequest("'name' must be 1 to 64 characters of [A-Za-z0-9._-], starting with a"
                    + " letter or digit, got '" + name + "'");
        }
        Job job = new Job(name);
        Job previous = last.get();
        if ((previous != null && !previous.finished) || !last.compareAndSet(previous, job)) {
            throw new ApiException(409, "a backup is running already; GET /api/v1/ops/backup shows its progress");
        }
        Thread.ofPlatform().name("peregrine-backup").daemon(true).start(() -> run(job, services));
        return job;
    }

    private void run(Job job, Services services) {
        try {
            job.report = store.backup(directory.resolve(job.name), (done, total) -> {
                job.total = total;
                job.done = done;
            });
            LOG.info("backup '{}' done: position {}, {} bytes copied, {} files kept from the last run", job.name,
                    job.report.manifest().position(), job.report.bytesCopied(), job.report.filesReused());
        } catch (RuntimeException e) {
            // the client sees the mapped message (a server error only as a reference to the log), with
            // the backup directory masked as the data directory is
            job.error = ErrorMapper.message(e, services, "backup '" + job.name + "'")
                    .replace(directory.toAbsolutePath().toString(), "<backups>");
            LOG.warn("backup '{}' failed: {}", job.name, job.error);
        } finally {
            job.finished = true;
        }
    }

    /** @return the running or last backup of this server's life, if any */
    Optional<Job> last() {
        return Optional.ofNullable(last.get());
    }
}
