package dev.limbic.app.viz;

import static dev.limbic.app.viz.Markup.esc;
import static dev.limbic.app.viz.Markup.fixed;
import static dev.limbic.app.viz.Markup.px;
import static dev.limbic.app.viz.Markup.value;

/**
 * The emotional aura heat map (MODELS.md §1.9, notebook c20): rows Hope, Faith, Love, Stress and Clarity computed
 * from the training/validation losses ({@link LiminalSignals#aura}), columns epochs, one diverging colour scale from
 * −1 (violet) through 0 (white) to +1 (orange). A self-contained HTML file with inline SVG, static (no script).
 */
final class AuraPage {

  private static final int WIDTH = 1160;
  private static final double LEFT = 120;
  private static final double RIGHT = WIDTH - 30;
  private static final double TOP = 96;
  private static final double ROW_HEIGHT = 56;
  private static final double MAX_CELL = 80;
  private static final int NEGATIVE = 0x5e3c99;
  private static final int ZERO = 0xf7f7f7;
  private static final int POSITIVE = 0xe66101;

  private final RunHistory history;
  private final LiminalSignals.Aura aura;

  AuraPage(RunHistory history) {
    this.history = history;
    this.aura = LiminalSignals.aura(history.trainLosses(), history.valLosses());
  }

  /** The colour of a value on the −1..1 scale (values outside are clamped). */
  static String colour(double v) {
    return v < 0 ? Markup.mix(ZERO, NEGATIVE, -v) : Markup.mix(ZERO, POSITIVE, v);
  }

  String render() {
    int n = history.size();
    double[] epochs = history.epochNumbers();
    double cell = Math.min(MAX_CELL, (RIGHT - LEFT) / n);
    double gridWidth = cell * n;
    double[][] rows = aura.rows();
    String[] names = LiminalSignals.Aura.SIGNALS;
    double gridBottom = TOP + ROW_HEIGHT * rows.length;
    double scaleTop = gridBottom + 70;
    int height = (int) Math.ceil(scaleTop + 80);

    StringBuilder s = new StringBuilder();
    s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"aura\" viewBox=\"0 0 ").append(WIDTH).append(' ')
        .append(height).append("\" width=\"").append(WIDTH).append("\" height=\"").append(height)
        .append("\" role=\"img\" aria-labelledby=\"aura-title\">\n");
    s.append("<title id=\"aura-title\">Emotional aura: Hope, Faith, Love, Stress and Clarity over ").append(n)
        .append(n == 1 ? " epoch" : " epochs").append("</title>\n");
    s.append("<rect width=\"").append(WIDTH).append("\" height=\"").append(height).append("\" fill=\"#15131d\"/>\n");
    s.append("<text x=\"").append(px(LEFT)).append("\" y=\"36\" class=\"title\">LIMINAL emotional aura</text>\n");
    s.append("<text x=\"").append(px(LEFT)).append("\" y=\"60\" class=\"label\">diff = |train loss − val loss|;")
        .append(" Faith follows the slope of the validation loss (rising loss: positive)</text>\n");

    for (int r = 0; r < rows.length; r++) {
      double y = TOP + r * ROW_HEIGHT;
      s.append("<text x=\"").append(px(LEFT - 12)).append("\" y=\"").append(px(y + ROW_HEIGHT / 2 + 5))
          .append("\" class=\"row\" text-anchor=\"end\">").append(names[r]).append("</text>\n");
      for (int t = 0; t < n; t++) {
        double v = rows[r][t];
        String fill = colour(v);
        double x = LEFT + t * cell;
        s.append("<rect class=\"cell\" x=\"").append(px(x)).append("\" y=\"").append(px(y)).append("\" width=\"")
            .append(px(cell)).append("\" height=\"").append(px(ROW_HEIGHT)).append("\" fill=\"").append(fill)
            .append("\" stroke=\"#15131d\" stroke-width=\"1\" data-signal=\"").append(names[r])
            .append("\" data-epoch=\"").append((int) epochs[t]).append("\" data-value=\"").append(value(v))
            .append("\"><title>").append(names[r]).append(", epoch ").append((int) epochs[t]).append(": ")
            .append(fixed(v, 3)).append("</title></rect>");
        if (cell >= 28) {
          s.append("<text x=\"").append(px(x + cell / 2)).append("\" y=\"").append(px(y + ROW_HEIGHT / 2 + 4))
              .append("\" class=\"").append(Markup.darkBackground(fill) ? "value on-dark" : "value on-light")
              .append("\" text-anchor=\"middle\" font-size=\"").append(px(Math.min(14, Math.max(9, cell / 5.5))))
              .append("\">").append(fixed(v, 2))
              .append("</text>");
        }
        s.append('\n');
      }
    }

    int step = Math.max(1, (int) Math.ceil(n / 25.0));
    for (int t = 0; t < n; t += step) {
      double xc = LEFT + (t + 0.5) * cell;
      s.append("<text x=\"").append(px(xc)).append("\" y=\"").append(px(gridBottom + 18))
          .append("\" class=\"tick\" text-anchor=\"middle\">").append((int) epochs[t]).append("</text>\n");
    }
    s.append("<text x=\"").append(px(LEFT + gridWidth / 2)).append("\" y=\"").append(px(gridBottom + 40))
        .append("\" class=\"label\" text-anchor=\"middle\">epoch</text>\n");

    int boundary = history.phaseBoundaryIndex();
    if (boundary > 0) {
      double xb = LEFT + boundary * cell;
      s.append("<line id=\"phase-boundary\" x1=\"").append(px(xb)).append("\" x2=\"").append(px(xb))
          .append("\" y1=\"").append(px(TOP - 12)).append("\" y2=\"").append(px(gridBottom + 4))
          .append("\" stroke=\"#ffffff\" stroke-width=\"3\" stroke-dasharray=\"6 4\"/>");
      s.append("<text x=\"").append(px(xb + 6)).append("\" y=\"").append(px(TOP - 16))
          .append("\" class=\"label\">phase 2 →</text>\n");
    }

    // the colour scale: 41 steps from −1 to 1
    double scaleWidth = 400;
    int steps = 41;
    s.append("<g id=\"colour-scale\">\n");
    for (int i = 0; i < steps; i++) {
      double v = -1 + 2.0 * i / (steps - 1);
      s.append("<rect x=\"").append(px(LEFT + i * scaleWidth / steps)).append("\" y=\"").append(px(scaleTop))
          .append("\" width=\"").append(px(scaleWidth / steps + 0.5)).append("\" height=\"16\" fill=\"")
          .append(colour(v)).append("\"/>");
    }
    s.append('\n');
    for (double v : new double[] {-1, -0.5, 0, 0.5, 1}) {
      double xv = LEFT + (v + 1) / 2 * scaleWidth;
      s.append("<text x=\"").append(px(xv)).append("\" y=\"").append(px(scaleTop + 32))
          .append("\" class=\"tick\" text-anchor=\"middle\">").append(Markup.tick(v)).append("</text>");
    }
    s.append("<text x=\"").append(px(LEFT + scaleWidth + 16)).append("\" y=\"").append(px(scaleTop + 13))
        .append("\" class=\"label\">value (Faith spans −1..1; the other signals 0..1)</text>\n</g>\n");
    s.append("</svg>\n");
    return Markup.page("LIMINAL emotional aura", STYLE, body(s.toString(), epochs));
  }

  private String body(String svg, double[] epochs) {
    StringBuilder b = new StringBuilder("<main>\n").append(svg);
    b.append("<p class=\"note\">With diff = |train − val|: Hope = clip(1 − diff/5, 0, 1); Faith = clip(∇val /")
        .append(" max|∇val|, −1, 1) (∇ as numpy.gradient; 0 when the validation loss is flat); Love = exp(−diff)·(1 −")
        .append(" |Faith|); Stress = clip(diff − 1.5, 0, 1); Clarity = 1 − |Faith|.</p>\n");
    b.append("<details><summary>Numbers per epoch</summary>\n<table id=\"numbers\">\n<thead><tr><th>epoch</th>");
    for (String name : LiminalSignals.Aura.SIGNALS) {
      b.append("<th>").append(esc(name)).append("</th>");
    }
    b.append("</tr></thead>\n<tbody>\n");
    double[][] rows = aura.rows();
    for (int t = 0; t < epochs.length; t++) {
      b.append("<tr><td>").append((int) epochs[t]).append("</td>");
      for (double[] row : rows) {
        b.append("<td>").append(fixed(row[t], 4)).append("</td>");
      }
      b.append("</tr>\n");
    }
    b.append("</tbody>\n</table>\n</details>\n</main>\n");
    return b.toString();
  }

  private static final String STYLE = """
      body { margin: 0; background: #15131d; color: #e8e4f2;
             font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
      main { max-width: 1180px; margin: 0 auto; padding: 12px; }
      svg { display: block; max-width: 100%; height: auto; }
      svg text { fill: #e8e4f2; font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
      svg text.on-dark { fill: #ffffff; }
      svg text.on-light { fill: #1a1a1a; }
      svg .title { font-size: 22px; font-weight: bold; }
      svg .row { font-size: 15px; font-weight: bold; }
      svg .label { font-size: 12px; }
      svg .tick { font-size: 11px; fill: #b9b3c9; }
      .note { font-size: 13px; line-height: 1.45; }
      table { border-collapse: collapse; font-size: 12px; }
      td, th { border: 1px solid #3a3550; padding: 2px 8px; text-align: right; }
      """;
}
