package dev.limbic.data.download;

import java.io.IOException;

/**
 * A download that cannot complete: HTTP error, retries exhausted, size or checksum mismatch. The message names the
 * file and URL and says what to do; the partial or corrupt bytes have already been deleted when they cannot be
 * resumed.
 */
public class DownloadException extends IOException {

  public DownloadException(String message) {
    super(message);
  }

  public DownloadException(String message, Throwable cause) {
    super(message, cause);
  }
}
