package dev.limbic.data.dataset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An RFC 4180 reader for comma- (or tab-) separated files, decoded as strict UTF-8 ({@link Utf8Lines}).
 *
 * <p>A field is either unquoted (no quote character at all) or wrapped in double quotes, inside which the
 * delimiter, and (when {@code multilineFields} is on) line breaks, are literal, and a doubled quote {@code ""}
 * stands for one quote. Anything else is bad quoting and is reported with the line and column: a quote inside
 * an unquoted field, text after a closing quote, a quoted field that never closes. Records end at LF or CRLF.
 *
 * <p>With {@code multilineFields} off, a record is exactly one line; an unterminated quote is then reported on
 * its own line instead of swallowing the rest of the file, which is what the loaders use (none of the dataset
 * files has an embedded line break). After a {@link DatasetFormatException} the reader continues with the
 * next line, so a caller can skip bad records.
 */
public final class CsvReader {

  private final Utf8Lines lines;
  private final char delimiter;
  private final boolean multilineFields;

  private CsvReader(Utf8Lines lines, char delimiter, boolean multilineFields) {
    if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
      throw new IllegalArgumentException("delimiter cannot be a quote or line break");
    }
    this.lines = lines;
    this.delimiter = delimiter;
    this.multilineFields = multilineFields;
  }

  /** A reader of {@code file} with the given delimiter ({@code ','} or {@code '\t'}). */
  public static CsvReader open(Path file, char delimiter, boolean multilineFields) throws IOException {
    return new CsvReader(Utf8Lines.open(file), delimiter, multilineFields);
  }

  public Path file() {
    return lines.file();
  }

  /**
   * The next record, or {@code null} at the end of the file. Malformed input throws a
   * {@link DatasetFormatException} naming the file, line and column; the offending line is consumed.
   */
  public CsvRecord next() {
    Utf8Lines.Line first = lines.next();
    if (first == null) {
      return null;
    }
    long startLine = first.number();
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    Utf8Lines.Line line = first;
    String s = line.text();
    int i = 0;
    while (true) {
      // at the start of a field
      if (i < s.length() && s.charAt(i) == '"') {
        int openColumn = i + 1;
        long openLine = line.number();
        i++;
        while (true) {
          if (i >= s.length()) {
            if (!multilineFields) {
              throw error(startLine, "bad quoting: quoted field opened at column " + openColumn
                  + " is not closed on this line");
            }
            Utf8Lines.Line more = lines.next();
            if (more == null) {
              throw error(startLine, "bad quoting: quoted field opened at line " + openLine + " column "
                  + openColumn + " is not closed before the end of the file");
            }
            field.append(line.crlf() ? "\r\n" : "\n");
            line = more;
            s = line.text();
            i = 0;
            continue;
          }
          char c = s.charAt(i);
          if (c == '"') {
            if (i + 1 < s.length() && s.charAt(i + 1) == '"') {
              field.append('"');
              i += 2;
              continue;
            }
            i++; // closing quote
            break;
          }
          field.append(c);
          i++;
        }
        if (i < s.length() && s.charAt(i) != delimiter) {
          throw error(line.number(), "bad quoting: unexpected '" + s.charAt(i) + "' after the closing quote at column "
              + (i + 1) + " (a quote inside a quoted field must be doubled)");
        }
      } else {
        while (i < s.length() && s.charAt(i) != delimiter) {
          char c = s.charAt(i);
          if (c == '"') {
            throw error(line.number(), "bad quoting: quote character inside an unquoted field at column " + (i + 1)
                + " (the field must be quoted and the quote doubled)");
          }
          field.append(c);
          i++;
        }
      }
      fields.add(field.toString());
      field.setLength(0);
      if (i >= s.length()) {
        return new CsvRecord(lines.file(), startLine, fields);
      }
      i++; // skip the delimiter; a delimiter at the end of the line starts an empty last field
    }
  }

  private DatasetFormatException error(long line, String problem) {
    return new DatasetFormatException(lines.file(), line, problem);
  }
}
