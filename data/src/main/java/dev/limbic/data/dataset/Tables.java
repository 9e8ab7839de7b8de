package dev.limbic.data.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The read loop the CSV/TSV loaders share: parse every record, apply the bad-row policy. */
final class Tables {
  private Tables() {}

  /** Turns one record into a row; returns {@code null} for a well-formed row the caller does not want. */
  interface RowParser<T> {
    T parse(CsvHeader header, CsvRecord record);
  }

  /** A headed CSV file: the header is checked for {@code columns}, every record for the header's width. */
  static <T> LoadResult<T> readHeaded(Path file, char delimiter, List<String> columns, BadRowPolicy policy,
      RowParser<T> parser) throws IOException {
    CsvReader csv = CsvReader.open(requireFile(file), delimiter, false);
    CsvHeader header = CsvHeader.read(csv, columns);
    RowProblems problems = new RowProblems(policy);
    List<T> rows = new ArrayList<>();
    while (true) {
      try {
        CsvRecord r = csv.next();
        if (r == null) {
          break;
        }
        header.checkWidth(r);
        T row = parser.parse(header, r);
        if (row != null) {
          rows.add(row);
        }
      } catch (DatasetFormatException e) {
        problems.report(e);
      }
    }
    return problems.result(rows);
  }

  static Path requireFile(Path file) throws NoSuchFileException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "dataset file not found");
    }
    return file;
  }
}
