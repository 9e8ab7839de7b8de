package dev.limbic.data.dataset;

import java.util.List;

/**
 * The rows a loader read, plus how many malformed rows it skipped ({@link BadRowPolicy#SKIP}) and the first
 * {@link #MAX_PROBLEMS} of their problems. Under {@link BadRowPolicy#FAIL} {@code skipped} is always 0.
 */
public record LoadResult<T>(List<T> rows, int skipped, List<RowProblem> problems) {

  /** How many problems are kept; the rest are only counted. */
  public static final int MAX_PROBLEMS = 10;

  public LoadResult {
    rows = List.copyOf(rows);
    problems = List.copyOf(problems);
  }

  public int size() {
    return rows.size();
  }
}
