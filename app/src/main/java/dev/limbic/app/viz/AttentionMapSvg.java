package dev.limbic.app.viz;

import static dev.limbic.app.viz.Markup.fixed;
import static dev.limbic.app.viz.Markup.px;
import static dev.limbic.app.viz.Markup.value;

/**
 * The v4 "RINSE attention reflection map": the K×K attention of the last forward pass over the outer iterations
 * (row = querying iteration, column = attended iteration) as a standalone SVG heat map with every cell's value
 * printed, a sequential colour scale from the smallest (or 0) to the largest weight.
 */
final class AttentionMapSvg {

  private static final double LEFT = 110;
  private static final double TOP = 90;
  private static final double GRID = 600;
  private static final double MAX_CELL = 90;
  private static final int LOW = 0xf7fbff;
  private static final int HIGH = 0x08306b;

  private final float[][] attention; // (K, K)
  private final double lo;
  private final double hi;

  AttentionMapSvg(float[][] attention) {
    this.attention = checked(attention);
    double min = 0;
    double max = Double.NEGATIVE_INFINITY;
    for (float[] row : this.attention) {
      for (float v : row) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    this.lo = min;
    this.hi = max;
  }

  /** Rejects anything but a non-empty square matrix of finite numbers, naming the offending row/cell. */
  static float[][] checked(float[][] attention) {
    int k = attention.length;
    if (k == 0) {
      throw new IllegalArgumentException("attention map is empty (K = 0); pass null when the model has none");
    }
    float[][] copy = new float[k][];
    for (int i = 0; i < k; i++) {
      if (attention[i] == null || attention[i].length != k) {
        throw new IllegalArgumentException("attention map must be K×K (K = " + k + "), row " + i + " has "
            + (attention[i] == null ? "null" : attention[i].length + " values"));
      }
      for (int j = 0; j < k; j++) {
        if (!Float.isFinite(attention[i][j])) {
          throw new IllegalArgumentException("attention map [" + i + "][" + j + "] is " + attention[i][j]);
        }
      }
      copy[i] = attention[i].clone();
    }
    return copy;
  }

  private String colour(double v) {
    return Markup.mix(LOW, HIGH, hi > lo ? (v - lo) / (hi - lo) : 0);
  }

  String render() {
    int k = attention.length;
    double cell = Math.min(MAX_CELL, GRID / k);
    double grid = cell * k;
    double scaleLeft = LEFT + grid + 50;
    // wide enough for the title and subtitle even when K is small
    int width = (int) Math.max(640, Math.ceil(scaleLeft + 120));
    int height = (int) Math.ceil(TOP + grid + 70);

    StringBuilder s = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"attention\" viewBox=\"0 0 ").append(width).append(' ')
        .append(height).append("\" width=\"").append(width).append("\" height=\"").append(height)
        .append("\" data-k=\"").append(k).append("\">\n");
    s.append("<title>RINSE attention reflection map (K = ").append(k).append(")</title>\n");
    s.append("<style>text { font-family: \"DejaVu Sans\", \"Liberation Sans\", Arial, sans-serif; fill: #1b1b1b; }")
        .append(" .title { font-size: 20px; font-weight: bold; } .label { font-size: 13px; }")
        .append(" .tick { font-size: 12px; fill: #444; } .value { font-size: ")
        .append(px(Math.max(9, Math.min(15, cell / 4.2)))).append("px; } text.on-dark { fill: #ffffff; }</style>\n");
    s.append("<rect width=\"").append(width).append("\" height=\"").append(height).append("\" fill=\"#ffffff\"/>\n");
    s.append("<text x=\"").append(px(LEFT)).append("\" y=\"36\" class=\"title\">RINSE attention reflection map</text>\n");
    s.append("<text x=\"").append(px(LEFT)).append("\" y=\"60\" class=\"label\">row: querying iteration,")
        .append(" column: attended iteration (K = ").append(k).append(")</text>\n");
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        double v = attention[i][j];
        String fill = colour(v);
        double x = LEFT + j * cell;
        double y = TOP + i * cell;
        s.append("<rect class=\"cell\" x=\"").append(px(x)).append("\" y=\"").append(px(y)).append("\" width=\"")
            .append(px(cell)).append("\" height=\"").append(px(cell)).append("\" fill=\"").append(fill)
            .append("\" stroke=\"#ffffff\" data-row=\"").append(i).append("\" data-col=\"").append(j)
            .append("\" data-value=\"").append(value(v)).append("\"><title>iteration ").append(i + 1)
            .append(" → ").append(j + 1).append(": ").append(fixed(v, 4)).append("</title></rect>");
        if (cell >= 28) {
          s.append("<text x=\"").append(px(x + cell / 2)).append("\" y=\"").append(px(y + cell / 2 + 4))
              .append("\" class=\"").append(Markup.darkBackground(fill) ? "value on-dark" : "value")
              .append("\" text-anchor=\"middle\">").append(fixed(v, 2)).append("</text>");
        }
        s.append('\n');
      }
    }
    int step = Math.max(1, (int) Math.ceil(k / 20.0));
    for (int i = 0; i < k; i += step) {
      s.append("<text x=\"").append(px(LEFT - 8)).append("\" y=\"").append(px(TOP + (i + 0.5) * cell + 4))
          .append("\" class=\"tick\" text-anchor=\"end\">").append(i + 1).append("</text>");
      s.append("<text x=\"").append(px(LEFT + (i + 0.5) * cell)).append("\" y=\"").append(px(TOP + grid + 18))
          .append("\" class=\"tick\" text-anchor=\"middle\">").append(i + 1).append("</text>\n");
    }
    s.append("<text class=\"label\" transform=\"translate(").append(px(LEFT - 40)).append(' ')
        .append(px(TOP + grid / 2)).append(") rotate(-90)\" text-anchor=\"middle\">querying iteration</text>\n");
    s.append("<text class=\"label\" x=\"").append(px(LEFT + grid / 2)).append("\" y=\"").append(px(TOP + grid + 42))
        .append("\" text-anchor=\"middle\">attended iteration</text>\n");

    // vertical colour scale, high at the top
    int steps = 30;
    double scaleHeight = Math.min(grid, 300);
    for (int i = 0; i < steps; i++) {
      double f = 1 - (i + 0.5) / steps;
      s.append("<rect x=\"").append(px(scaleLeft)).append("\" y=\"").append(px(TOP + i * scaleHeight / steps))
          .append("\" width=\"18\" height=\"").append(px(scaleHeight / steps + 0.5)).append("\" fill=\"")
          .append(colour(lo + f * (hi - lo))).append("\"/>");
    }
    s.append("\n<text x=\"").append(px(scaleLeft + 24)).append("\" y=\"").append(px(TOP + 10))
        .append("\" class=\"tick\">").append(fixed(hi, 3)).append("</text>");
    s.append("<text x=\"").append(px(scaleLeft + 24)).append("\" y=\"").append(px(TOP + scaleHeight))
        .append("\" class=\"tick\">").append(fixed(lo, 3)).append("</text>\n");
    s.append("</svg>\n");
    return s.toString();
  }
}
