package dev.limbic.data.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {

  @TempDir
  Path dir;

  private List<List<String>> readAll(String content, char delimiter, boolean multiline) throws IOException {
    Path f = Files.writeString(dir.resolve("t.csv"), content, StandardCharsets.UTF_8);
    CsvReader csv = CsvReader.open(f, delimiter, multiline);
    List<List<String>> out = new ArrayList<>();
    for (CsvRecord r = csv.next(); r != null; r = csv.next()) {
      out.add(r.fields());
    }
    return out;
  }

  @Test
  void rfc4180QuotingCrlfAndEmptyFields() throws IOException {
    assertThat(readAll("a,\"b,c\",\"say \"\"hi\"\"\"\r\n,,\r\n\"\",x,\r\nlast,line,no-newline", ',', false))
        .containsExactly(List.of("a", "b,c", "say \"hi\""), List.of("", "", ""), List.of("", "x", ""),
            List.of("last", "line", "no-newline"));
  }

  @Test
  void multilineFieldsKeepTheirLineBreakAndReportTheStartLine() throws IOException {
    Path f = Files.writeString(dir.resolve("m.csv"), "h1,h2\n1,\"two\nlines\"\r\n2,\"a\r\nb\"\n3,x\n");
    CsvReader csv = CsvReader.open(f, ',', true);
    assertThat(csv.next().line()).isEqualTo(1);
    CsvRecord r = csv.next();
    assertThat(r.line()).isEqualTo(2);
    assertThat(r.fields()).containsExactly("1", "two\nlines");
    assertThat(csv.next().fields()).containsExactly("2", "a\r\nb");
    CsvRecord last = csv.next();
    assertThat(last.line()).isEqualTo(6);
    assertThat(last.fields()).containsExactly("3", "x");
    assertThat(csv.next()).isNull();
  }

  @Test
  void unterminatedMultilineFieldNamesWhereItOpened() throws IOException {
    Path f = Files.writeString(dir.resolve("u.csv"), "a,b\n1,\"open\nmore\n");
    CsvReader csv = CsvReader.open(f, ',', true);
    csv.next();
    assertThatThrownBy(csv::next).isInstanceOf(DatasetFormatException.class)
        .hasMessage(f + ":2: bad quoting: quoted field opened at line 2 column 3 is not closed before the end of "
            + "the file");
  }

  @Test
  void singleLineModeRecoversAfterABadLine() throws IOException {
    Path f = Files.writeString(dir.resolve("s.csv"), "\"open,1\nok,2\nx\"y,3\n\"q\"z,4\nfine,5\n");
    CsvReader csv = CsvReader.open(f, ',', false);
    assertThatThrownBy(csv::next).hasMessage(f + ":1: bad quoting: quoted field opened at column 1 is not "
        + "closed on this line");
    assertThat(csv.next().fields()).containsExactly("ok", "2");
    assertThatThrownBy(csv::next).hasMessage(f + ":3: bad quoting: quote character inside an unquoted field at "
        + "column 2 (the field must be quoted and the quote doubled)");
    assertThatThrownBy(csv::next).hasMessageStartingWith(f + ":4: bad quoting: unexpected 'z' after the closing "
        + "quote at column 4");
    assertThat(csv.next().fields()).containsExactly("fine", "5");
    assertThat(csv.next()).isNull();
  }

  @Test
  void tabSeparatedWithQuotesAndCommasInsideFields() throws IOException {
    assertThat(readAll("\"a \"\"b\"\", c\"\t1,2\tid\nplain, text\t27\tid2\n", '\t', false))
        .containsExactly(List.of("a \"b\", c", "1,2", "id"), List.of("plain, text", "27", "id2"));
  }

  @Test
  void byteOrderMarkIsDroppedAndInvalidUtf8IsReportedPerLine() throws IOException {
    Path f = dir.resolve("b.csv");
    Files.write(f, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'a', ',', 'b', '\n', 'c', ',', (byte) 0xC3,
        '\n', 'd', ',', (byte) 0xC3, (byte) 0xA9, '\n'});
    CsvReader csv = CsvReader.open(f, ',', false);
    assertThat(csv.next().fields()).containsExactly("a", "b");
    assertThatThrownBy(csv::next).hasMessage(f + ":2: not valid UTF-8: byte 0xC3 at byte 3 of the line (wrong "
        + "file encoding?)");
    assertThat(csv.next().fields()).containsExactly("d", "\u00e9");
  }
}
