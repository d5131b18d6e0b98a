package dev.peregrine.cli;

import dev.peregrine.store.backup.BackupProgress;

/**
 * A {@link ProgressBar} in bytes for backups and restores, whose total is known only once the
 * operation has started: the bar is made at the first report.
 */
final class BytesProgress implements BackupProgress {

    private ProgressBar bar;
    private long done;

    @Override
    public void progress(long done, long total) {
        if (bar == null && total > 0) {
            bar = new ProgressBar(System.err, "bytes", total);
        }
        this.done = done;
        if (bar != null) {
            bar.update(done, done);
        }
    }

    /** Ends the progress line, if one was drawn. */
    void finish() {
        if (bar != null) {
            bar.finish(done, done);
        }
    }
}
