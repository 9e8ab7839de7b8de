package dev.limbic.data.dataset;

import dev.limbic.data.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * GoEmotions (Demszky et al. 2020): {@code {train,dev,test}.tsv} without header, three tab-separated columns
 * {@code text}, comma-separated label ids, comment id. Texts containing {@code "} are quoted CSV-style, so the
 * files are read with the quote-aware {@link CsvReader}. The file is multi-label: 1–5 labels per comment.
 *
 * <p>A wrong column count, a label id that is not an integer, outside 0..27 or repeated, an empty id or a
 * duplicate comment id is a bad row. When {@code emotions.txt} is present it must list {@link #LABELS} in
 * order. {@link #ekman} and {@link #sentiment} read the official groupings.
 */
public final class GoEmotions {
  /** The 28 labels in the official order of {@code emotions.txt}; id 27 is neutral. */
  public static final LabelMap LABELS = LabelMap.of("admiration", "amusement", "anger", "annoyance", "approval",
      "caring", "confusion", "curiosity", "desire", "disappointment", "disapproval", "disgust", "embarrassment",
      "excitement", "fear", "gratitude", "grief", "joy", "love", "nervousness", "optimism", "pride", "realization",
      "relief", "remorse", "sadness", "surprise", "neutral");
  public static final String NEUTRAL = "neutral";

  private GoEmotions() {}

  public static String fileName(Split split) {
    return split.name().toLowerCase(java.util.Locale.ROOT) + ".tsv";
  }

  public static LoadResult<GoEmotionsExample> load(Path dir, Split split) throws IOException {
    return load(dir, split, BadRowPolicy.FAIL);
  }

  public static LoadResult<GoEmotionsExample> load(Path dir, Split split, BadRowPolicy policy) throws IOException {
    checkLabelFile(dir.resolve("emotions.txt"));
    Path file = Tables.requireFile(dir.resolve(fileName(split)));
    CsvReader tsv = CsvReader.open(file, '\t', false);
    RowProblems problems = new RowProblems(policy);
    Map<String, Long> firstLine = new HashMap<>();
    List<GoEmotionsExample> rows = new ArrayList<>();
    while (true) {
      try {
        CsvRecord r = tsv.next();
        if (r == null) {
          break;
        }
        rows.add(parse(r, firstLine));
      } catch (DatasetFormatException e) {
        problems.report(e);
      }
    }
    return problems.result(rows);
  }

  private static GoEmotionsExample parse(CsvRecord r, Map<String, Long> firstLine) {
    if (r.size() != 3) {
      throw r.error("wrong column count: expected 3 tab-separated fields (text, labels, id), found " + r.size());
    }
    String id = r.get(2);
    if (id.isEmpty()) {
      throw r.error("empty comment id");
    }
    String[] parts = r.get(1).split(",", -1);
    int[] ids = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      if (!parts[i].matches("\\d{1,3}")) {
        throw r.error("bad number in label list '" + r.get(1) + "': '" + parts[i] + "' is not a label id");
      }
      ids[i] = Integer.parseInt(parts[i]);
      if (ids[i] >= LABELS.size()) {
        throw r.error("unknown label id " + ids[i] + " (ids are 0.." + (LABELS.size() - 1) + ")");
      }
    }
    Arrays.sort(ids);
    for (int i = 1; i < ids.length; i++) {
      if (ids[i] == ids[i - 1]) {
        throw r.error("label id " + ids[i] + " repeated in '" + r.get(1) + "'");
      }
    }
    Long seen = firstLine.putIfAbsent(id, r.line());
    if (seen != null) {
      throw r.error("duplicate comment id '" + id + "', first at line " + seen);
    }
    return new GoEmotionsExample(r.get(0), Arrays.stream(ids).boxed().toList(), id);
  }

  /** Examples per label (a comment with k labels counts k times). */
  public static int[] labelCounts(List<GoEmotionsExample> rows) {
    int[] counts = new int[LABELS.size()];
    for (GoEmotionsExample e : rows) {
      for (int id : e.labels()) {
        counts[id]++;
      }
    }
    return counts;
  }

  /** Ekman grouping from {@code dir/ekman_mapping.json}: its six groups in file order, then neutral. */
  public static LabelGrouping ekman(Path dir) throws IOException {
    return grouping(dir.resolve("ekman_mapping.json"));
  }

  /** Sentiment grouping from {@code dir/sentiment_dict.json}: positive, negative, ambiguous, then neutral. */
  public static LabelGrouping sentiment(Path dir) throws IOException {
    return grouping(dir.resolve("sentiment_dict.json"));
  }

  /**
   * Reads a {@code {"group": ["label", ...], ...}} file. Every label except neutral must be in exactly one
   * group; neutral becomes its own last group.
   */
  static LabelGrouping grouping(Path file) throws IOException {
    String text = Files.readString(Tables.requireFile(file), StandardCharsets.UTF_8);
    Map<String, Object> json = Json.parseObject(text, file.toString());
    List<String> groupNames = new ArrayList<>(json.keySet());
    if (groupNames.contains(NEUTRAL)) {
      throw new DatasetFormatException(file, lineOf(text, NEUTRAL), "group 'neutral' is implicit; do not list it");
    }
    groupNames.add(NEUTRAL);
    int[] fineToGroup = new int[LABELS.size()];
    Arrays.fill(fineToGroup, -1);
    fineToGroup[LABELS.id(NEUTRAL)] = groupNames.size() - 1;
    for (int g = 0; g < groupNames.size() - 1; g++) {
      String group = groupNames.get(g);
      if (!(json.get(group) instanceof List<?> members)) {
        throw new DatasetFormatException(file, lineOf(text, group), "group '" + group + "' must be a list of labels");
      }
      for (Object m : members) {
        String name = String.valueOf(m);
        var id = LABELS.find(name);
        if (!(m instanceof String) || id.isEmpty() || name.equals(NEUTRAL)) {
          throw new DatasetFormatException(file, lineOf(text, name),
              "unknown label '" + name + "' in group '" + group + "'");
        }
        if (fineToGroup[id.getAsInt()] != -1) {
          throw new DatasetFormatException(file, lineOf(text, name), "label '" + name + "' is in two groups");
        }
        fineToGroup[id.getAsInt()] = g;
      }
    }
    for (int i = 0; i < fineToGroup.length; i++) {
      if (fineToGroup[i] == -1) {
        throw new DatasetFormatException(file, 1, "label '" + LABELS.name(i) + "' is in no group");
      }
    }
    return new LabelGrouping(LABELS, LabelMap.of(groupNames), fineToGroup);
  }

  /** Checks an {@code emotions.txt} (one name per line, trailing newline optional) against {@link #LABELS}. */
  static void checkLabelFile(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return;
    }
    Utf8Lines lines = Utf8Lines.open(file);
    int i = 0;
    for (Utf8Lines.Line line = lines.next(); line != null; line = lines.next(), i++) {
      if (i >= LABELS.size() || !line.text().equals(LABELS.name(i))) {
        throw new DatasetFormatException(file, line.number(), "label list differs from the official order: found '"
            + line.text() + "', expected " + (i < LABELS.size() ? "'" + LABELS.name(i) + "'" : "end of file"));
      }
    }
    if (i != LABELS.size()) {
      throw new DatasetFormatException(file, i + 1L, "label list ends after " + i + " of " + LABELS.size() + " names");
    }
  }

  private static long lineOf(String text, String name) {
    int at = text.indexOf("\"" + name + "\"");
    if (at < 0) {
      return 1;
    }
    return text.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
  }
}
