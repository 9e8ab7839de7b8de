package dev.limbic.data.download;

import java.nio.file.Path;

/** The fetched bytes do not have the manifest's SHA-256; the temporary file has been deleted. */
public final class ChecksumMismatchException extends DownloadException {

  private final Path file;
  private final String expected;
  private final String actual;

  public ChecksumMismatchException(String label, Path file, String url, String expected, String actual) {
    super("SHA-256 mismatch for " + label + " (" + url + "): expected " + expected + ", got " + actual
        + "; the downloaded bytes were deleted. If the upstream file changed, the manifest needs updating"
        + " (tools/data-manifest/make_manifest.py); otherwise retry the download.");
    this.file = file;
    this.expected = expected;
    this.actual = actual;
  }

  /** The final path the file would have had. */
  public Path file() {
    return file;
  }

  public String expected() {
    return expected;
  }

  public String actual() {
    return actual;
  }
}
