package dev.limbic.data.dataset;

import java.nio.file.Path;

/** One row a {@link BadRowPolicy#SKIP} load left out: where it is and what was wrong with it. */
public record RowProblem(Path file, long line, String problem) {
  @Override
  public String toString() {
    return file + ":" + line + ": " + problem;
  }
}
