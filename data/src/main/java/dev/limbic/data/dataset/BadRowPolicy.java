package dev.limbic.data.dataset;

/** What a loader does with a malformed row. */
public enum BadRowPolicy {
  /** Throw a {@link DatasetFormatException} at the first bad row (the default). */
  FAIL,
  /** Leave the row out, count it, and keep the first few problems in the {@link LoadResult}. */
  SKIP
}
