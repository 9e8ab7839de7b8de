package dev.limbic.app;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar for counted work (texts, batches, steps): bar, count, rate and ETA, redrawn with
 * {@code \r} on a terminal and printed as a plain line at most every 10 % otherwise (logs stay short).
 */
final class ItemProgress {
  private static final int WIDTH = 30;

  private final PrintStream out;
  private final String label;
  private final long total;
  private final boolean interactive;
  private final long startNanos = System.nanoTime();
  private int lastDecile = -1;

  ItemProgress(PrintStream out, String label, long total, boolean interactive) {
    this.out = out;
    this.label = label;
    this.total = total;
    this.interactive = interactive;
  }

  static ItemProgress toStandardError(String label, long total) {
    return new ItemProgress(System.err, label, total, System.console() != null);
  }

  void update(long done, String unit) {
    update(done, unit, "");
  }

  /** As {@link #update(long, String)} with extra text after the ETA (training: epoch, step and loss). */
  void update(long done, String unit, String extra) {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    double rate = seconds > 0 ? done / seconds : 0;
    double fraction = total == 0 ? 1 : (double) done / total;
    String eta = rate > 0 && done < total ? clock((total - done) / rate) : done >= total ? "done" : "--:--";
    int filled = (int) Math.round(fraction * WIDTH);
    String line = String.format(Locale.ROOT, "%s [%s%s] %d/%d %s  %.1f %s/s  %s %s", label, "#".repeat(filled),
        " ".repeat(WIDTH - filled), done, total, unit, rate, unit, done >= total ? "in" : "ETA",
        done >= total ? clock(seconds) : eta) + (extra.isEmpty() ? "" : "  " + extra);
    if (interactive) {
      out.print("\r" + line + (done >= total ? "\n" : ""));
      out.flush();
    } else {
      int decile = (int) Math.floor(fraction * 10);
      if (decile != lastDecile) {
        lastDecile = decile;
        out.println(line);
      }
    }
  }

  static String clock(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
