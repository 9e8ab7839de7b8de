package dev.limbic.data.dataset;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The lines of a text file, decoded as strict UTF-8 (malformed or unmappable bytes are reported, never
 * replaced), with 1-based line numbers. LF and CRLF endings are both accepted; the terminator is not part of
 * the line. A UTF-8 byte order mark at the start is dropped. A final terminator does not start an extra empty
 * line.
 *
 * <p>Lines are split on the byte {@code 0x0A} before decoding (it never occurs inside a UTF-8 multi-byte
 * sequence), so an encoding error is reported on its own line and reading can continue after it.
 */
public final class Utf8Lines {

  /** One decoded line; {@code crlf} says whether it ended with CR LF. */
  public record Line(long number, String text, boolean crlf) {}

  private final Path file;
  private final byte[] bytes;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);
  private int pos;
  private long lineNumber;

  private Utf8Lines(Path file, byte[] bytes) {
    this.file = file;
    this.bytes = bytes;
    if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF) {
      pos = 3;
    }
  }

  /** Reads the whole file (dataset files are a few MB). */
  public static Utf8Lines open(Path file) throws IOException {
    return new Utf8Lines(file, Files.readAllBytes(file));
  }

  public Path file() {
    return file;
  }

  /** Number of the line most recently returned (or failed), 0 before the first. */
  public long lineNumber() {
    return lineNumber;
  }

  public boolean hasNext() {
    return pos < bytes.length;
  }

  /**
   * The next line, or {@code null} at the end of the file. Invalid UTF-8 throws a
   * {@link DatasetFormatException} naming the line and byte column; the line is consumed, so the caller may
   * continue with the next one.
   */
  public Line next() {
    if (pos >= bytes.length) {
      return null;
    }
    int start = pos;
    int end = start;
    while (end < bytes.length && bytes[end] != '\n') {
      end++;
    }
    pos = end < bytes.length ? end + 1 : end;
    lineNumber++;
    boolean crlf = end < bytes.length && end > start && bytes[end - 1] == '\r';
    int contentEnd = crlf ? end - 1 : end;
    return new Line(lineNumber, decode(start, contentEnd), crlf);
  }

  private String decode(int start, int end) {
    ByteBuffer in = ByteBuffer.wrap(bytes, start, end - start);
    CharBuffer out = CharBuffer.allocate(end - start); // UTF-8 never yields more chars than bytes
    decoder.reset();
    CoderResult r = decoder.decode(in, out, true);
    if (!r.isError()) {
      r = decoder.flush(out);
    }
    if (r.isError()) {
      int at = in.position();
      throw new DatasetFormatException(file, lineNumber, String.format(
          "not valid UTF-8: byte 0x%02X at byte %d of the line (wrong file encoding?)",
          bytes[at] & 0xFF, at - start + 1));
    }
    out.flip();
    return out.toString();
  }
}
