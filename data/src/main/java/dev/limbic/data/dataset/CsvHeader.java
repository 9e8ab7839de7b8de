package dev.limbic.data.dataset;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A CSV header: column names to positions, so loaders address columns by name. Every record must have as many
 * fields as the header.
 */
public final class CsvHeader {
  private final CsvRecord header;
  private final Map<String, Integer> index = new HashMap<>();

  private CsvHeader(CsvRecord header) {
    this.header = header;
    for (int i = 0; i < header.size(); i++) {
      if (index.putIfAbsent(header.get(i), i) != null) {
        throw header.error("duplicate header column '" + header.get(i) + "'");
      }
    }
  }

  /**
   * Reads the first record of {@code csv} as the header and checks that it names every required column. A bad
   * header is never skippable: it throws regardless of the {@link BadRowPolicy}.
   */
  public static CsvHeader read(CsvReader csv, List<String> required) {
    CsvRecord first = csv.next();
    if (first == null) {
      throw new DatasetFormatException(csv.file(), 1, "empty file: expected a header line with columns " + required);
    }
    CsvHeader h = new CsvHeader(first);
    for (String name : required) {
      if (!h.index.containsKey(name)) {
        throw first.error("header lacks column '" + name + "' (found " + first.fields() + ")");
      }
    }
    return h;
  }

  public int size() {
    return header.size();
  }

  /** Position of a column that {@link #read} checked. */
  public int column(String name) {
    Integer i = index.get(name);
    if (i == null) {
      throw new IllegalArgumentException("no column " + name);
    }
    return i;
  }

  /** Throws unless the record has exactly one field per header column. */
  public void checkWidth(CsvRecord r) {
    if (r.size() != header.size()) {
      throw r.error("wrong column count: expected " + header.size() + " fields, found " + r.size());
    }
  }

  /** The named field of a record. */
  public String get(CsvRecord r, String name) {
    return r.get(column(name));
  }
}
