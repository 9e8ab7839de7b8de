package dev.limbic.data.dataset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * EmoBank (Buechel & Hahn 2017): {@code emobank.csv} with header {@code id,split,V,A,D,text}, the official
 * split in the {@code split} column (train 8,062 / dev 1,000 / test 1,000). V, A and D are real numbers on the
 * 1–5 scale; a value outside it, an unknown split, a duplicate id or a malformed line is a bad row.
 *
 * <p>Every row of the file is validated whichever split is asked for, so a corrupt file is noticed by any
 * load; under {@link BadRowPolicy#SKIP} the skipped count covers the whole file.
 */
public final class EmoBank {
  public static final String FILE = "emobank.csv";
  /** Genre metadata, TSV {@code id  document  category  subcategory}. */
  public static final String META_FILE = "meta.tsv";
  public static final List<String> META_COLUMNS = List.of("id", "document", "category", "subcategory");
  public static final List<String> COLUMNS = List.of("id", "split", "V", "A", "D", "text");
  public static final double SCALE_MIN = 1.0;
  public static final double SCALE_MAX = 5.0;

  private EmoBank() {}

  public static LoadResult<EmoBankExample> load(Path dir, Split split) throws IOException {
    return load(dir, split, BadRowPolicy.FAIL);
  }

  /** The rows of one split from {@code dir/emobank.csv}, in file order. */
  public static LoadResult<EmoBankExample> load(Path dir, Split split, BadRowPolicy policy) throws IOException {
    Map<String, Long> firstLineOfId = new HashMap<>();
    return Tables.readHeaded(dir.resolve(FILE), ',', COLUMNS, policy, (h, r) -> {
      String id = h.get(r, "id");
      if (id.isEmpty()) {
        throw r.error("empty id");
      }
      Split s = parseSplit(r, h.get(r, "split"));
      double v = score(r, h, "V");
      double a = score(r, h, "A");
      double d = score(r, h, "D");
      Long seen = firstLineOfId.putIfAbsent(id, r.line());
      if (seen != null) {
        throw r.error("duplicate id '" + id + "' (first at line " + seen + ")");
      }
      return s == split ? new EmoBankExample(id, s, v, a, d, h.get(r, "text")) : null;
    });
  }

  /**
   * Genre of each sentence id: the {@code category} column of {@code meta.tsv} (fiction, letters, blog,
   * newspaper, SemEval, essays, travel-guides). meta.tsv covers more ids than emobank.csv (join on id). An empty
   * id or category, a duplicate id or a malformed line throws a {@link DatasetFormatException}: metadata with
   * holes would silently drop sentences from per-genre results, so there is no skip mode here.
   */
  public static Map<String, String> genres(Path dir) throws IOException {
    Map<String, Long> firstLine = new HashMap<>();
    LoadResult<Map.Entry<String, String>> r =
        Tables.readHeaded(dir.resolve(META_FILE), '\t', META_COLUMNS, BadRowPolicy.FAIL, (h, rec) -> {
          String id = h.get(rec, "id");
          String category = h.get(rec, "category");
          if (id.isEmpty() || category.isEmpty()) {
            throw rec.error("empty " + (id.isEmpty() ? "id" : "category"));
          }
          Long seen = firstLine.putIfAbsent(id, rec.line());
          if (seen != null) {
            throw rec.error("duplicate id '" + id + "' (first at line " + seen + ")");
          }
          return Map.entry(id, category);
        });
    Map<String, String> out = new LinkedHashMap<>();
    r.rows().forEach(e -> out.put(e.getKey(), e.getValue()));
    return Collections.unmodifiableMap(out);
  }

  private static Split parseSplit(CsvRecord r, String text) {
    return switch (text) {
      case "train" -> Split.TRAIN;
      case "dev" -> Split.DEV;
      case "test" -> Split.TEST;
      default -> throw r.error("unknown label in column split: '" + text + "' (expected train, dev or test)");
    };
  }

  private static double score(CsvRecord r, CsvHeader h, String column) {
    double x = Fields.decimal(r, column, h.get(r, column));
    if (x < SCALE_MIN || x > SCALE_MAX) {
      throw r.error("bad number in column " + column + ": " + x + " is outside the 1–5 scale");
    }
    return x;
  }
}
