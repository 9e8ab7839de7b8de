package dev.limbic.data.dataset;

import java.nio.file.Path;

/**
 * A malformed dataset file: bad quoting, wrong column count, unknown label, bad number, invalid UTF-8, or a
 * missing header column. The message is {@code file:line: problem}, so it can be pasted into an editor.
 */
public final class DatasetFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final long line;
  private final String problem;

  /** {@code line} is 1-based (the line a record starts on). */
  public DatasetFormatException(Path file, long line, String problem) {
    super(file + ":" + line + ": " + problem);
    this.file = file;
    this.line = line;
    this.problem = problem;
  }

  public Path file() {
    return file;
  }

  public long line() {
    return line;
  }

  /** What is wrong, without the location. */
  public String problem() {
    return problem;
  }

  /** The same facts as a value, for a {@link LoadResult}'s problem list. */
  public RowProblem toRowProblem() {
    return new RowProblem(file, line, problem);
  }
}
