package dev.peregrine.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress display on stderr: bar and percentage when the total is known, count, rate
 * per second and time left. Redrawn at most five times a second; {@link #finish()} ends the line.
 * Not thread-safe: driven by the thread doing the work.
 */
final class ProgressBar {
    private static final long REDRAW_NANOS = 200_000_000L;
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final String unit;
    private final long totalWork;
    private final long startNanos = System.nanoTime();
    private long lastDraw;

    /**
     * @param unit      what the count counts ("events")
     * @param totalWork the work to do in the units of {@link #update}'s {@code work}, 0 if unknown
     */
    ProgressBar(PrintStream out, String unit, long totalWork) {
        this.out = out;
        this.unit = unit;
        this.totalWork = totalWork;
    }

    /** Reports progress: {@code count} items done, {@code work} units of the total done. */
    void update(long count, long work) {
        long now = System.nanoTime();
        if (now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        draw(count, work, now, false);
    }

    /** Draws the final state and ends the line. */
    void finish(long count, long work) {
        draw(count, work, System.nanoTime(), true);
    }

    private void draw(long count, long work, long now, boolean last) {
        double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
        double rate = count / seconds;
        StringBuilder line = new StringBuilder("\r");
        if (totalWork > 0) {
            double fraction = Math.min(1.0, (double) work / totalWork);
            int filled = (int) Math.round(fraction * WIDTH);
            line.append('[').append("#".repeat(filled)).append(" ".repeat(WIDTH - filled)).append("] ")
                    .append(String.format(Locale.ROOT, "%3.0f%% ", fraction * 100));
            if (!last && fraction > 0) {
                line.append(String.format(Locale.ROOT, " ETA %.0fs ", seconds / fraction - seconds));
            }
        }
        line.append(String.format(Locale.ROOT, " %,d %s  %,.0f %s/s  %.1fs", count, unit, rate, unit, seconds));
        out.print(line);
        out.print("\u001b[K"); // clear what a longer previous line left behind
        if (last) {
            out.println();
        }
        out.flush();
    }
}
