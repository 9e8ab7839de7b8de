package dev.limbic.data.dataset;

import java.util.regex.Pattern;

/** Strict number parsing for dataset fields; errors name the column and the text found. */
final class Fields {
  // Plain decimal numbers only: Double.parseDouble would also accept "NaN", "Infinity", hex and a 'd' suffix.
  private static final Pattern DECIMAL = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");
  private static final Pattern INTEGER = Pattern.compile("[-+]?\\d{1,9}");

  private Fields() {}

  static int integer(CsvRecord r, String column, String text) {
    if (!INTEGER.matcher(text).matches()) {
      throw r.error("bad number in column " + column + ": '" + text + "' is not an integer");
    }
    return Integer.parseInt(text);
  }

  static double decimal(CsvRecord r, String column, String text) {
    if (!DECIMAL.matcher(text).matches()) {
      throw r.error("bad number in column " + column + ": '" + text + "' is not a decimal number");
    }
    return Double.parseDouble(text);
  }

  static boolean isDecimal(String text) {
    return DECIMAL.matcher(text).matches();
  }
}
