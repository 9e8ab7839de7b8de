package dev.limbic.data.dataset;

import java.util.ArrayList;
import java.util.List;

/** Applies a {@link BadRowPolicy}: rethrows under FAIL, counts and keeps the first few under SKIP. */
final class RowProblems {
  private final BadRowPolicy policy;
  private final List<RowProblem> first = new ArrayList<>();
  private int skipped;

  RowProblems(BadRowPolicy policy) {
    if (policy == null) {
      throw new NullPointerException("policy");
    }
    this.policy = policy;
  }

  void report(DatasetFormatException e) {
    if (policy == BadRowPolicy.FAIL) {
      throw e;
    }
    skipped++;
    if (first.size() < LoadResult.MAX_PROBLEMS) {
      first.add(e.toRowProblem());
    }
  }

  <T> LoadResult<T> result(List<T> rows) {
    return new LoadResult<>(rows, skipped, first);
  }
}
