package dev.limbic.app.viz;

import java.util.Locale;

/** Number formatting and escaping shared by the SVG/HTML pictures (locale-independent, so output is reproducible). */
final class Markup {
  private Markup() {
  }

  /** A pixel coordinate: two decimals, trailing zeros dropped. */
  static String px(double v) {
    String s = String.format(Locale.ROOT, "%.2f", v);
    if (s.indexOf('.') >= 0) {
      s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return s.equals("-0") ? "0" : s;
  }

  /** A measured value for data attributes and tables: six decimals, enough to check against hand computation. */
  static String value(double v) {
    String s = String.format(Locale.ROOT, "%.6f", v);
    return s.equals("-0.000000") ? "0.000000" : s;
  }

  /** A value for a human reading a chart label: {@code digits} decimals. */
  static String fixed(double v, int digits) {
    String s = String.format(Locale.ROOT, "%." + digits + "f", v);
    return s.matches("-0\\.?0*") ? s.substring(1) : s;
  }

  /** A compact axis tick label (three significant digits, no trailing zeros). */
  static String tick(double v) {
    if (v == 0) {
      return "0";
    }
    return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
  }

  /** Escapes text for XML/HTML content and attribute values. */
  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> {
          // XML 1.0 forbids most control characters even when escaped
          if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
            b.append('?');
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  /** The page frame shared by the HTML pictures: XHTML-compatible (parses as XML), inline style, no scripts. */
  static String page(String title, String style, String body) {
    return "<!DOCTYPE html>\n"
        + "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n"
        + "<head>\n<meta charset=\"utf-8\"/>\n"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
        + "<title>" + esc(title) + "</title>\n"
        + "<style>\n" + style + "</style>\n"
        + "</head>\n<body>\n" + body + "</body>\n</html>\n";
  }

  /** Linear interpolation between two RGB colours ({@code 0xRRGGBB}) at {@code f} in 0..1, as {@code #rrggbb}. */
  static String mix(int from, int to, double f) {
    double g = Math.max(0, Math.min(1, f));
    int r = (int) Math.round(((from >> 16) & 0xff) * (1 - g) + ((to >> 16) & 0xff) * g);
    int gr = (int) Math.round(((from >> 8) & 0xff) * (1 - g) + ((to >> 8) & 0xff) * g);
    int bl = (int) Math.round((from & 0xff) * (1 - g) + (to & 0xff) * g);
    return String.format(Locale.ROOT, "#%02x%02x%02x", r, gr, bl);
  }

  /** Whether text on a background of {@code #rrggbb} should be white (dark background) rather than black. */
  static boolean darkBackground(String hex) {
    int rgb = Integer.parseInt(hex.substring(1), 16);
    double lum = 0.2126 * ((rgb >> 16) & 0xff) + 0.7152 * ((rgb >> 8) & 0xff) + 0.0722 * (rgb & 0xff);
    return lum < 128;
  }
}
