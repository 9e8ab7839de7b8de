package dev.limbic.data.dataset;

import java.nio.file.Path;
import java.util.List;

/** One parsed CSV/TSV record: its fields and the line it starts on. */
public record CsvRecord(Path file, long line, List<String> fields) {

  public CsvRecord {
    fields = List.copyOf(fields);
  }

  public int size() {
    return fields.size();
  }

  public String get(int index) {
    return fields.get(index);
  }

  /** An error located at this record. */
  public DatasetFormatException error(String problem) {
    return new DatasetFormatException(file, line, problem);
  }
}
