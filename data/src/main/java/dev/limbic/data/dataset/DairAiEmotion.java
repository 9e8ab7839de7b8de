package dev.limbic.data.dataset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * dair-ai "emotion" (CARER, Saravia et al. 2018): {@code train.txt}, {@code val.txt} (= {@link Split#DEV}) and
 * {@code test.txt}, one {@code text;label} per line, no header. The label is split off at the last {@code ;}.
 * An empty line, a line without {@code ;}, an empty text or a label outside {@link #LABELS} is a bad row.
 */
public final class DairAiEmotion {
  /** Hugging Face label ids: sadness 0, joy 1, love 2, anger 3, fear 4, surprise 5. */
  public static final LabelMap LABELS = LabelMap.of("sadness", "joy", "love", "anger", "fear", "surprise");

  private DairAiEmotion() {}

  public static String fileName(Split split) {
    return switch (split) {
      case TRAIN -> "train.txt";
      case DEV -> "val.txt";
      case TEST -> "test.txt";
    };
  }

  public static LoadResult<DairAiExample> load(Path dir, Split split) throws IOException {
    return load(dir, split, BadRowPolicy.FAIL);
  }

  public static LoadResult<DairAiExample> load(Path dir, Split split, BadRowPolicy policy) throws IOException {
    Path file = Tables.requireFile(dir.resolve(fileName(split)));
    Utf8Lines lines = Utf8Lines.open(file);
    RowProblems problems = new RowProblems(policy);
    List<DairAiExample> rows = new ArrayList<>();
    while (lines.hasNext()) {
      try {
        Utf8Lines.Line line = lines.next();
        rows.add(parse(file, line));
      } catch (DatasetFormatException e) {
        problems.report(e);
      }
    }
    return problems.result(rows);
  }

  private static DairAiExample parse(Path file, Utf8Lines.Line line) {
    String s = line.text();
    if (s.isEmpty()) {
      throw new DatasetFormatException(file, line.number(), "empty line (expected text;label)");
    }
    int cut = s.lastIndexOf(';');
    if (cut < 0) {
      throw new DatasetFormatException(file, line.number(), "wrong column count: no ';' between text and label");
    }
    if (cut == 0) {
      throw new DatasetFormatException(file, line.number(), "empty text before ';'");
    }
    String label = s.substring(cut + 1);
    var id = LABELS.find(label);
    if (id.isEmpty()) {
      throw new DatasetFormatException(file, line.number(),
          "unknown label '" + label + "' (expected one of " + LABELS + ")");
    }
    return new DairAiExample(s.substring(0, cut), id.getAsInt());
  }
}
