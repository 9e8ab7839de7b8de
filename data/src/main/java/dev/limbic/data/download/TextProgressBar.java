package dev.limbic.data.download;

import java.io.Console;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * A {@link ProgressListener} for the command line. On a terminal it redraws one line per file with a carriage
 * return:
 *
 * <pre>meld/train_sent_emo.csv [##########..........]  52%  580.1 KiB / 1.1 MiB  1.3 MiB/s  ETA 0:01</pre>
 *
 * <p>When the output is not a terminal (a log file, CI) it writes plain lines instead: one when a file starts,
 * one at each quarter of it, one when it is done, so logs stay readable.
 */
public final class TextProgressBar implements ProgressListener {

  private static final int BAR_CELLS = 20;

  private final PrintStream out;
  private final boolean interactive;
  private int lastLineLength;
  private boolean lineOpen;
  private int lastQuarter;

  /**
   * @param out where to write (usually {@code System.err}, so standard output stays clean for results)
   * @param interactive true to redraw one line with {@code \r}; false for plain lines
   */
  public TextProgressBar(PrintStream out, boolean interactive) {
    this.out = out;
    this.interactive = interactive;
  }

  /** A bar on standard error, redrawn in place when the process runs on a terminal. */
  public static TextProgressBar forStandardError() {
    Console c = System.console();
    return new TextProgressBar(System.err, c != null && c.isTerminal());
  }

  @Override
  public synchronized void fileStarted(String file, long totalBytes, long resumedFrom) {
    lastQuarter = resumedFrom > 0 ? (int) (4 * resumedFrom / Math.max(1, totalBytes)) : 0;
    if (!interactive) {
      out.println(resumedFrom > 0
          ? file + ": resuming at " + formatBytes(resumedFrom) + " of " + formatBytes(totalBytes)
          : file + ": downloading " + formatBytes(totalBytes));
      out.flush();
    }
  }

  @Override
  public synchronized void progress(Progress p) {
    if (interactive) {
      String line = render(p);
      StringBuilder sb = new StringBuilder(line.length() + 8).append('\r').append(line);
      for (int i = line.length(); i < lastLineLength; i++) {
        sb.append(' '); // wipe the tail of a longer previous line
      }
      lastLineLength = line.length();
      lineOpen = true;
      out.print(sb);
      out.flush();
    } else {
      int quarter = (int) (4 * p.fraction());
      if (quarter > lastQuarter) {
        lastQuarter = quarter;
        out.println(render(p));
        out.flush();
      }
    }
  }

  @Override
  public synchronized void retrying(String file, String reason, int nextAttempt, int maxAttempts, Duration wait) {
    endLine();
    out.println(file + ": " + reason + "; retrying in " + formatDuration(wait) + " (attempt " + nextAttempt + " of "
        + maxAttempts + ")");
    out.flush();
  }

  @Override
  public synchronized void fileFinished(String file, Path path, boolean alreadyPresent) {
    endLine();
    out.println(file + (alreadyPresent ? ": already present, verified" : ": done, SHA-256 verified"));
    out.flush();
  }

  private void endLine() {
    if (lineOpen) {
      out.println();
      lineOpen = false;
      lastLineLength = 0;
    }
  }

  /** One progress line: label, bar, percent, bytes, rate and ETA (rate and ETA only once known). */
  public static String render(Progress p) {
    double f = p.fraction();
    int filled = (int) Math.floor(f * BAR_CELLS);
    StringBuilder sb = new StringBuilder(96);
    sb.append(p.file()).append(" [");
    for (int i = 0; i < BAR_CELLS; i++) {
      sb.append(i < filled ? '#' : '.');
    }
    sb.append("] ").append(String.format(Locale.ROOT, "%3d%%", (int) Math.floor(f * 100)));
    sb.append("  ").append(formatBytes(p.bytesDone())).append(" / ").append(formatBytes(p.bytesTotal()));
    if (p.bytesPerSecond() > 0) {
      sb.append("  ").append(formatBytes((long) p.bytesPerSecond())).append("/s");
    }
    if (p.eta() != null && p.bytesDone() < p.bytesTotal()) {
      sb.append("  ETA ").append(formatDuration(p.eta()));
    }
    return sb.toString();
  }

  /** Binary units with one decimal: {@code 999 B}, {@code 1.5 KiB}, {@code 12.3 MiB}. */
  public static String formatBytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = -1;
    do {
      v /= 1024;
      u++;
    } while (v >= 1024 && u < units.length - 1);
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** {@code m:ss}, or {@code h:mm:ss} from one hour; sub-second durations round up to {@code 0:01}. */
  public static String formatDuration(Duration d) {
    long s = (d.toMillis() + 999) / 1000;
    if (s >= 3600) {
      return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
    return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
