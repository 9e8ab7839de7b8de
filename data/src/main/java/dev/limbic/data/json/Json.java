package dev.limbic.data.json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON (RFC 8259) reader and writer, so the library modules need no third-party parser.
 *
 * <p>Values map to plain Java types: objects to an insertion-ordered {@code Map<String, Object>}, arrays to
 * {@code List<Object>}, strings to {@code String}, numbers to {@code Long} when integral and in range, else
 * {@code Double}, booleans to {@code Boolean} and {@code null} to {@code null}. Duplicate keys are an error
 * (they usually mean a corrupt file). Every error names the source (file name or caller-given label), line and
 * column.
 */
public final class Json {

  /** Deepest nesting accepted; a hostile file cannot overflow the stack. */
  public static final int MAX_DEPTH = 512;

  private final String text;
  private final String source;
  private int pos;
  private int depth;

  private Json(String text, String source) {
    this.text = text;
    this.source = source;
  }

  /** Parses one JSON document; {@code source} names it in errors (a file name, "line 12 of x.jsonl"). */
  public static Object parse(String text, String source) {
    Json p = new Json(text, source);
    p.skipWhitespace();
    if (p.pos < text.length() && text.charAt(p.pos) == '\uFEFF') {
      p.pos++; // a UTF-8 byte order mark is tolerated at the very start
      p.skipWhitespace();
    }
    Object value = p.readValue();
    p.skipWhitespace();
    if (p.pos != text.length()) {
      throw p.error("unexpected text after the JSON value");
    }
    return value;
  }

  /** Reads and parses a UTF-8 file; errors name the file. */
  public static Object parse(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  /** Parses a document that must be an object. */
  public static Map<String, Object> parseObject(String text, String source) {
    Object v = parse(text, source);
    if (!(v instanceof Map<?, ?>)) {
      throw new JsonException(source + ": expected a JSON object at the top level, found " + typeName(v));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) v;
    return m;
  }

  /** Reads a file that must hold one object. */
  public static Map<String, Object> parseObject(Path file) throws IOException {
    return parseObject(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  /**
   * Reads a JSON-lines file: one value per non-blank line. Errors name the file and line number.
   */
  public static List<Object> parseLines(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<Object> out = new ArrayList<>(lines.size());
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      out.add(parse(line, file + " line " + (i + 1)));
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------------------
  // typed accessors with field-naming errors

  /** The field {@code key} of {@code obj} as an object; errors name {@code where} and the key. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> object(Map<String, Object> obj, String key, String where) {
    return (Map<String, Object>) require(obj, key, Map.class, "an object", where);
  }

  @SuppressWarnings("unchecked")
  public static List<Object> array(Map<String, Object> obj, String key, String where) {
    return (List<Object>) require(obj, key, List.class, "an array", where);
  }

  public static String string(Map<String, Object> obj, String key, String where) {
    return (String) require(obj, key, String.class, "a string", where);
  }

  public static long integer(Map<String, Object> obj, String key, String where) {
    Object v = require(obj, key, Number.class, "an integer", where);
    if (v instanceof Long l) {
      return l;
    }
    double d = ((Number) v).doubleValue();
    if (d != Math.rint(d) || Math.abs(d) > 9.007199254740992E15) {
      throw new JsonException(where + ": field \"" + key + "\" must be an integer, found " + d);
    }
    return (long) d;
  }

  public static double number(Map<String, Object> obj, String key, String where) {
    return ((Number) require(obj, key, Number.class, "a number", where)).doubleValue();
  }

  public static boolean bool(Map<String, Object> obj, String key, String where) {
    return (Boolean) require(obj, key, Boolean.class, "true or false", where);
  }

  private static Object require(Map<String, Object> obj, String key, Class<?> type, String what, String where) {
    if (!obj.containsKey(key)) {
      throw new JsonException(where + ": missing field \"" + key + "\"");
    }
    Object v = obj.get(key);
    if (!type.isInstance(v)) {
      throw new JsonException(where + ": field \"" + key + "\" must be " + what + ", found " + typeName(v));
    }
    return v;
  }

  /** A short name of a parsed value's JSON type, for error messages. */
  public static String typeName(Object v) {
    if (v == null) {
      return "null";
    } else if (v instanceof Map<?, ?>) {
      return "an object";
    } else if (v instanceof List<?>) {
      return "an array";
    } else if (v instanceof String) {
      return "a string";
    } else if (v instanceof Boolean) {
      return "a boolean";
    } else {
      return "a number";
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // writer

  /** Writes a value built from Map, List, String, Number, Boolean and null as compact JSON. */
  public static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(value, sb, -1, 0);
    return sb.toString();
  }

  /** Writes with two-space indentation, for files people read. */
  public static String writePretty(Object value) {
    StringBuilder sb = new StringBuilder();
    write(value, sb, 2, 0);
    return sb.toString();
  }

  private static void write(Object v, StringBuilder sb, int indent, int level) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String s) {
      quote(s, sb);
    } else if (v instanceof Boolean b) {
      sb.append(b.booleanValue());
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (!Double.isFinite(d)) {
        throw new JsonException("cannot write " + d + " as JSON (only finite numbers are valid)");
      }
      if (v instanceof Float f) {
        sb.append(Float.toString(f)); // shortest repr that round-trips the float, not its double widening
      } else {
        sb.append(Double.toString(d));
      }
    } else if (v instanceof Number n) {
      sb.append(n.toString());
    } else if (v instanceof Map<?, ?> m) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        newline(sb, indent, level + 1);
        quote(String.valueOf(e.getKey()), sb);
        sb.append(indent >= 0 ? ": " : ":");
        write(e.getValue(), sb, indent, level + 1);
      }
      if (!m.isEmpty()) {
        newline(sb, indent, level);
      }
      sb.append('}');
    } else if (v instanceof Iterable<?> list) {
      sb.append('[');
      boolean first = true;
      boolean any = false;
      for (Object o : list) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        any = true;
        newline(sb, indent, level + 1);
        write(o, sb, indent, level + 1);
      }
      if (any) {
        newline(sb, indent, level);
      }
      sb.append(']');
    } else if (v instanceof float[] fa) {
      List<Object> l = new ArrayList<>(fa.length);
      for (float f : fa) {
        l.add(f);
      }
      write(l, sb, indent, level);
    } else if (v instanceof double[] da) {
      List<Object> l = new ArrayList<>(da.length);
      for (double d : da) {
        l.add(d);
      }
      write(l, sb, indent, level);
    } else if (v instanceof int[] ia) {
      List<Object> l = new ArrayList<>(ia.length);
      for (int i : ia) {
        l.add(i);
      }
      write(l, sb, indent, level);
    } else {
      throw new JsonException("cannot write a " + v.getClass().getName() + " as JSON");
    }
  }

  private static void newline(StringBuilder sb, int indent, int level) {
    if (indent >= 0) {
      sb.append('\n');
      sb.append(" ".repeat(indent * level));
    }
  }

  /** Appends {@code s} as a JSON string literal. */
  public static void quote(String s, StringBuilder sb) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  // ---------------------------------------------------------------------------------------------------------
  // parser

  private Object readValue() {
    if (pos >= text.length()) {
      throw error("unexpected end of input, expected a value");
    }
    char c = text.charAt(pos);
    return switch (c) {
      case '{' -> readObject();
      case '[' -> readArray();
      case '"' -> readString();
      case 't' -> literal("true", Boolean.TRUE);
      case 'f' -> literal("false", Boolean.FALSE);
      case 'n' -> literal("null", null);
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          yield readNumber();
        }
        throw error("unexpected character " + describe(c) + ", expected a value");
      }
    };
  }

  private Object literal(String word, Object value) {
    if (!text.startsWith(word, pos)) {
      throw error("invalid literal, expected " + word);
    }
    pos += word.length();
    return value;
  }

  private Map<String, Object> readObject() {
    enter();
    pos++; // {
    Map<String, Object> map = new LinkedHashMap<>();
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      depth--;
      return map;
    }
    while (true) {
      skipWhitespace();
      if (peek() != '"') {
        throw error("expected a string key in object");
      }
      int keyPos = pos;
      String key = readString();
      skipWhitespace();
      if (peek() != ':') {
        throw error("expected ':' after object key \"" + key + "\"");
      }
      pos++;
      skipWhitespace();
      Object value = readValue();
      if (map.containsKey(key)) {
        pos = keyPos;
        throw error("duplicate key \"" + key + "\"");
      }
      map.put(key, value);
      skipWhitespace();
      char c = peek();
      if (c == ',') {
        pos++;
      } else if (c == '}') {
        pos++;
        depth--;
        return map;
      } else {
        throw error("expected ',' or '}' in object");
      }
    }
  }

  private List<Object> readArray() {
    enter();
    pos++; // [
    List<Object> list = new ArrayList<>();
    skipWhitespace();
    if (peek() == ']') {
      pos++;
      depth--;
      return list;
    }
    while (true) {
      skipWhitespace();
      list.add(readValue());
      skipWhitespace();
      char c = peek();
      if (c == ',') {
        pos++;
      } else if (c == ']') {
        pos++;
        depth--;
        return list;
      } else {
        throw error("expected ',' or ']' in array");
      }
    }
  }

  private void enter() {
    if (++depth > MAX_DEPTH) {
      throw error("nesting deeper than " + MAX_DEPTH + " levels");
    }
  }

  private String readString() {
    pos++; // opening quote
    StringBuilder sb = null;
    int start = pos;
    while (true) {
      if (pos >= text.length()) {
        throw error("unterminated string");
      }
      char c = text.charAt(pos);
      if (c == '"') {
        String s = sb == null ? text.substring(start, pos) : sb.append(text, start, pos).toString();
        pos++;
        return s;
      }
      if (c < 0x20) {
        throw error("control character " + describe(c) + " inside a string (must be escaped)");
      }
      if (c == '\\') {
        if (sb == null) {
          sb = new StringBuilder();
        }
        sb.append(text, start, pos);
        pos++;
        if (pos >= text.length()) {
          throw error("unterminated escape");
        }
        char e = text.charAt(pos++);
        switch (e) {
          case '"' -> sb.append('"');
          case '\\' -> sb.append('\\');
          case '/' -> sb.append('/');
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 't' -> sb.append('\t');
          case 'u' -> {
            if (pos + 4 > text.length()) {
              throw error("truncated \\u escape");
            }
            int cp = 0;
            for (int k = 0; k < 4; k++) {
              int d = Character.digit(text.charAt(pos + k), 16);
              if (d < 0) {
                throw error("invalid hex digit in \\u escape");
              }
              cp = cp * 16 + d;
            }
            pos += 4;
            sb.append((char) cp); // surrogate pairs arrive as two escapes and recombine in the String
          }
          default -> {
            pos--;
            throw error("invalid escape \\" + e);
          }
        }
        start = pos;
      } else {
        pos++;
      }
    }
  }

  private Object readNumber() {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
    } else if (isDigit(peek())) {
      while (isDigit(peek())) {
        pos++;
      }
    } else {
      throw error("invalid number");
    }
    boolean integral = true;
    if (peek() == '.') {
      integral = false;
      pos++;
      if (!isDigit(peek())) {
        throw error("invalid number: digits expected after '.'");
      }
      while (isDigit(peek())) {
        pos++;
      }
    }
    if (peek() == 'e' || peek() == 'E') {
      integral = false;
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      if (!isDigit(peek())) {
        throw error("invalid number: digits expected in exponent");
      }
      while (isDigit(peek())) {
        pos++;
      }
    }
    String s = text.substring(start, pos);
    if (integral && s.length() <= 18) {
      return Long.parseLong(s);
    }
    if (integral) {
      try {
        return Long.parseLong(s);
      } catch (NumberFormatException tooBig) {
        return Double.parseDouble(s);
      }
    }
    return Double.parseDouble(s);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private void skipWhitespace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        pos++;
      } else {
        break;
      }
    }
  }

  private static String describe(char c) {
    return c < 0x20 || c > 0x7e ? String.format("U+%04X", (int) c) : "'" + c + "'";
  }

  private JsonException error(String message) {
    int line = 1;
    int col = 1;
    int end = Math.min(pos, text.length());
    for (int i = 0; i < end; i++) {
      if (text.charAt(i) == '\n') {
        line++;
        col = 1;
      } else {
        col++;
      }
    }
    return new JsonException(source + ":" + line + ":" + col + ": " + message);
  }

  /** Unmodifiable view helper for callers that expose parsed maps. */
  public static Map<String, Object> frozen(Map<String, Object> m) {
    return Collections.unmodifiableMap(m);
  }
}
