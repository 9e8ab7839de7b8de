package dev.limbic.data.download;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Receives the progress of a {@link Downloader}. Every method is called on the thread that called the downloader,
 * in this order per file: {@link #fileStarted}, zero or more {@link #progress} (at most about ten a second, and
 * always once with {@code bytesDone == bytesTotal} when the transfer completes), possibly {@link #retrying} (after
 * which the sequence resumes with {@link #fileStarted}), then {@link #fileFinished}. Within one
 * {@code fileStarted} … {@code fileFinished}/{@code retrying} span {@code bytesDone} never decreases.
 */
public interface ProgressListener {

  /** A listener that ignores everything. */
  ProgressListener NONE = new ProgressListener() {
    @Override
    public void progress(Progress p) {}
  };

  /**
   * A transfer of {@code file} starts; {@code resumedFrom} bytes are already in the partial file (0 for a fresh
   * start, or when the server ignored the range request and the file restarts).
   */
  default void fileStarted(String file, long totalBytes, long resumedFrom) {}

  /** Bytes so far for the current file. */
  void progress(Progress p);

  /**
   * A transient failure; the downloader waits {@code wait} and tries again (attempt {@code nextAttempt} of
   * {@code maxAttempts}).
   */
  default void retrying(String file, String reason, int nextAttempt, int maxAttempts, Duration wait) {}

  /** {@code file} is complete and verified at {@code path}; {@code alreadyPresent} when nothing was fetched. */
  default void fileFinished(String file, Path path, boolean alreadyPresent) {}

  /**
   * One progress sample.
   *
   * @param file label of the file ({@code dataset/name})
   * @param bytesDone bytes in the partial file now (including bytes resumed from an earlier run)
   * @param bytesTotal expected size, as served
   * @param bytesPerSecond transfer rate of this attempt so far (0 until measurable)
   * @param eta estimated time to completion, or null while the rate is unknown
   */
  record Progress(String file, long bytesDone, long bytesTotal, double bytesPerSecond, Duration eta) {

    /** Completed fraction in [0, 1]. */
    public double fraction() {
      return bytesTotal <= 0 ? 0 : Math.min(1.0, (double) bytesDone / bytesTotal);
    }
  }
}
