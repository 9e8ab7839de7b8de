package dev.limbic.app.viz;

import static dev.limbic.app.viz.Markup.esc;
import static dev.limbic.app.viz.Markup.fixed;
import static dev.limbic.app.viz.Markup.px;
import static dev.limbic.app.viz.Markup.tick;
import static dev.limbic.app.viz.Markup.value;

import java.util.ArrayList;
import java.util.List;

/**
 * The "breathing heartbeat" (MODELS.md §1.9): the validation loss drawn as an ECG trace whose beats follow the heart
 * rate {@code bpm_t = |Δval_t| / max|Δval| · 80 + 60}, above a panel with the rate and the breathing band
 * {@code 60 + 40·(0.5 + 0.5·sin(t/3))}. One self-contained HTML file with inline SVG: no script, font or network.
 *
 * <p>Animation is SVG SMIL only (no JavaScript): a sweep reveals the bright trace left to right, dwelling on epoch t
 * for {@code beats_t · 60 / bpm_t} seconds, so the drawn beats of that epoch pass at exactly bpm_t; a heart pulses on
 * every beat and a read-out names the epoch and its rate; the breathing band breathes. Where SMIL does not run the
 * elements keep their static attributes: the whole trace is drawn, which is the no-JS/no-animation fallback.
 */
final class HeartbeatPage {

  private static final int WIDTH = 1160;
  private static final int HEIGHT = 660;
  private static final double LEFT = 90;
  private static final double RIGHT = WIDTH - 40;
  private static final double TRACE_TOP = 80;
  private static final double TRACE_BOTTOM = 380;
  private static final double RATE_TOP = 430;
  private static final double RATE_BOTTOM = 560;
  /** Pixels left above the highest loss for the R spikes, and below the lowest for the S dips. */
  private static final double SPIKE_ROOM = 50;
  private static final double DIP_ROOM = 22;
  private static final double R_SPIKE = 42;
  /** At most this many beats are drawn per epoch (at 140 bpm), proportionally fewer at lower rates. */
  private static final int MAX_DRAWN_BEATS = 5;
  private static final double MIN_BEAT_PIXELS = 9;
  private static final double RATE_MIN = 50;
  private static final double RATE_MAX = 150;

  /**
   * One ECG beat as (x offset in beat widths from the beat centre, y offset in pixels, negative = up): P wave, Q, the
   * R spike, S, the ST segment and the T wave.
   */
  private static final double[][] BEAT = {
      {-0.50, 0}, {-0.44, -3}, {-0.38, -5}, {-0.32, -3}, {-0.26, 0}, {-0.10, 0}, {-0.05, 6}, {0.0, -R_SPIKE},
      {0.06, 14}, {0.12, 0}, {0.22, 0}, {0.28, -6}, {0.34, -9}, {0.40, -6}, {0.46, 0}, {0.50, 0}};

  private final RunHistory history;
  private final double[] epochs;
  private final double[] train;
  private final double[] val;
  private final double[] delta;
  private final double[] bpm;
  private final double domainLo;
  private final double domainHi;
  private final double lossLo;
  private final double lossHi;

  HeartbeatPage(RunHistory history) {
    this.history = history;
    this.epochs = history.epochNumbers();
    this.train = history.trainLosses();
    this.val = history.valLosses();
    this.delta = LiminalSignals.valLossDeltas(val);
    this.bpm = LiminalSignals.heartRate(val);
    this.domainLo = epochs[0] - 0.5;
    this.domainHi = epochs[epochs.length - 1] + 0.5;
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int t = 0; t < val.length; t++) {
      lo = Math.min(lo, Math.min(train[t], val[t]));
      hi = Math.max(hi, Math.max(train[t], val[t]));
    }
    // a constant loss has no range: centre it in a band of ±10% (at least ±0.5) instead of dividing by zero
    double pad = hi > lo ? 0.06 * (hi - lo) : Math.max(0.1 * Math.abs(hi), 0.5);
    this.lossLo = lo - pad;
    this.lossHi = hi + pad;
  }

  private double x(double epoch) {
    return LEFT + (epoch - domainLo) / (domainHi - domainLo) * (RIGHT - LEFT);
  }

  private double lossY(double loss) {
    double top = TRACE_TOP + SPIKE_ROOM;
    double bottom = TRACE_BOTTOM - DIP_ROOM;
    return bottom - (loss - lossLo) / (lossHi - lossLo) * (bottom - top);
  }

  private static double rateY(double rate) {
    return RATE_BOTTOM - (rate - RATE_MIN) / (RATE_MAX - RATE_MIN) * (RATE_BOTTOM - RATE_TOP);
  }

  /** The trace's resting line at pixel x: the validation loss interpolated between epoch centres, flat at the ends. */
  private double baseline(double xPixel) {
    int n = epochs.length;
    if (xPixel <= x(epochs[0])) {
      return lossY(val[0]);
    }
    for (int t = 1; t < n; t++) {
      double x1 = x(epochs[t]);
      if (xPixel <= x1) {
        double x0 = x(epochs[t - 1]);
        double f = (xPixel - x0) / (x1 - x0);
        return lossY(val[t - 1] + f * (val[t] - val[t - 1]));
      }
    }
    return lossY(val[n - 1]);
  }

  /** Left edge (in epoch units) of epoch t's stretch of trace; t = n gives the right edge of the last one. */
  private double segmentStart(int t) {
    if (t == 0) {
      return domainLo;
    }
    if (t == epochs.length) {
      return domainHi;
    }
    return (epochs[t - 1] + epochs[t]) / 2;
  }

  /**
   * Beats drawn in epoch t's stretch: {@code round(bpm_t / 140 · B)}, at least 1, where B is 5 or fewer when the
   * stretch is too narrow for 5 legible beats (9 px each): 2, 4 and 5 beats at 60, 100 and 140 bpm on a wide stretch.
   */
  int drawnBeats(int t) {
    double width = x(segmentStart(t + 1)) - x(segmentStart(t));
    long fit = Math.max(1, Math.min(MAX_DRAWN_BEATS, (long) Math.floor(width / MIN_BEAT_PIXELS)));
    double fastest = LiminalSignals.BPM_REST + LiminalSignals.BPM_SPAN;
    return (int) Math.max(1, Math.round(bpm[t] / fastest * fit));
  }

  /** Seconds the sweep spends on epoch t: its drawn beats at bpm_t beats per minute. */
  double dwellSeconds(int t) {
    return drawnBeats(t) * 60.0 / bpm[t];
  }

  private String tracePath() {
    StringBuilder d = new StringBuilder();
    for (int t = 0; t < epochs.length; t++) {
      double x0 = x(segmentStart(t));
      double x1 = x(segmentStart(t + 1));
      int beats = drawnBeats(t);
      double slot = (x1 - x0) / beats;
      double beatWidth = Math.min(slot * 0.72, 46);
      List<double[]> points = new ArrayList<>();
      points.add(new double[] {x0, baseline(x0)});
      double centre = x(epochs[t]);
      boolean centreInsideBeat = false;
      for (int j = 0; j < beats; j++) {
        double cx = x0 + (j + 0.5) * slot;
        centreInsideBeat |= Math.abs(centre - cx) <= beatWidth / 2;
        for (double[] p : BEAT) {
          double px = cx + p[0] * beatWidth;
          points.add(new double[] {px, baseline(px) + p[1]});
        }
      }
      if (!centreInsideBeat) {
        // keep the kink of the interpolated loss where it falls between beats
        points.add(new double[] {centre, baseline(centre)});
      }
      points.add(new double[] {x1, baseline(x1)});
      points.sort((a, b) -> Double.compare(a[0], b[0]));
      for (double[] p : points) {
        d.append(d.length() == 0 ? "M" : " L").append(px(p[0])).append(' ').append(px(p[1]));
      }
    }
    return d.toString();
  }

  String render() {
    int n = epochs.length;
    double[] start = new double[n + 1]; // seconds at which the sweep reaches each epoch's stretch
    for (int t = 0; t < n; t++) {
      start[t + 1] = start[t] + dwellSeconds(t);
    }
    double total = start[n];
    double boundary = history.phaseBoundaryEpoch();
    double minBpm = Double.POSITIVE_INFINITY;
    double maxBpm = Double.NEGATIVE_INFINITY;
    for (double b : bpm) {
      minBpm = Math.min(minBpm, b);
      maxBpm = Math.max(maxBpm, b);
    }

    StringBuilder s = new StringBuilder();
    s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"heartbeat\" viewBox=\"0 0 ").append(WIDTH).append(' ')
        .append(HEIGHT).append("\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
        .append("\" role=\"img\" aria-labelledby=\"hb-title\" data-loop-seconds=\"").append(value(total))
        .append("\">\n");
    s.append("<title id=\"hb-title\">Breathing heartbeat: validation loss as an ECG trace over ").append(n)
        .append(n == 1 ? " epoch" : " epochs").append(", ").append(fixed(minBpm, 0)).append("–")
        .append(fixed(maxBpm, 0)).append(" bpm</title>\n");
    s.append("<defs><clipPath id=\"sweep\"><rect x=\"").append(px(LEFT)).append("\" y=\"0\" width=\"")
        .append(px(RIGHT - LEFT)).append("\" height=\"").append(HEIGHT).append("\">");
    if (n > 0 && total > 0) {
      s.append(sweepAnimation("width", start, total, 0));
    }
    s.append("</rect></clipPath></defs>\n");
    s.append("<rect width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT).append("\" fill=\"#06130e\"/>\n");

    // trace panel frame, grid and y axis
    s.append("<rect x=\"").append(px(LEFT)).append("\" y=\"").append(px(TRACE_TOP)).append("\" width=\"")
        .append(px(RIGHT - LEFT)).append("\" height=\"").append(px(TRACE_BOTTOM - TRACE_TOP))
        .append("\" fill=\"#0a1f17\" stroke=\"#1f4434\"/>\n");
    double tickStep = niceStep((lossHi - lossLo) / 4);
    for (double v = Math.ceil(lossLo / tickStep) * tickStep; v <= lossHi + 1e-9 * tickStep; v += tickStep) {
      double y = lossY(v);
      s.append("<line x1=\"").append(px(LEFT)).append("\" x2=\"").append(px(RIGHT)).append("\" y1=\"").append(px(y))
          .append("\" y2=\"").append(px(y)).append("\" stroke=\"#173a2b\" stroke-width=\"1\"/>");
      s.append("<text x=\"").append(px(LEFT - 8)).append("\" y=\"").append(px(y + 4))
          .append("\" class=\"tick\" text-anchor=\"end\">").append(tick(v)).append("</text>\n");
    }
    s.append("<text class=\"axis\" transform=\"translate(24 ").append(px((TRACE_TOP + TRACE_BOTTOM) / 2))
        .append(") rotate(-90)\" text-anchor=\"middle\">loss (MSE)</text>\n");

    // rate panel frame, grid and y axis
    s.append("<rect x=\"").append(px(LEFT)).append("\" y=\"").append(px(RATE_TOP)).append("\" width=\"")
        .append(px(RIGHT - LEFT)).append("\" height=\"").append(px(RATE_BOTTOM - RATE_TOP))
        .append("\" fill=\"#0a1f17\" stroke=\"#1f4434\"/>\n");
    for (int rate : new int[] {60, 100, 140}) {
      double y = rateY(rate);
      s.append("<line x1=\"").append(px(LEFT)).append("\" x2=\"").append(px(RIGHT)).append("\" y1=\"").append(px(y))
          .append("\" y2=\"").append(px(y)).append("\" stroke=\"#173a2b\"/>");
      s.append("<text x=\"").append(px(LEFT - 8)).append("\" y=\"").append(px(y + 4))
          .append("\" class=\"tick\" text-anchor=\"end\">").append(rate).append("</text>\n");
    }
    s.append("<text class=\"axis\" transform=\"translate(24 ").append(px((RATE_TOP + RATE_BOTTOM) / 2))
        .append(") rotate(-90)\" text-anchor=\"middle\">bpm</text>\n");

    // breathing band: 60..breath(t) sampled finely along the epoch axis; it breathes (opacity) every 6 s
    StringBuilder band = new StringBuilder();
    band.append(px(LEFT)).append(',').append(px(rateY(LiminalSignals.BREATH_LOW)));
    int samples = 240;
    for (int i = 0; i <= samples; i++) {
      double e = domainLo + (domainHi - domainLo) * i / samples;
      band.append(' ').append(px(x(e))).append(',').append(px(rateY(LiminalSignals.breathing(e))));
    }
    band.append(' ').append(px(RIGHT)).append(',').append(px(rateY(LiminalSignals.BREATH_LOW)));
    s.append("<polygon id=\"breathing-band\" points=\"").append(band)
        .append("\" fill=\"#3ba7ff\" fill-opacity=\"0.32\">")
        .append("<animate attributeName=\"fill-opacity\" values=\"0.18;0.5;0.18\" dur=\"6s\"")
        .append(" repeatCount=\"indefinite\"/></polygon>\n");

    // bpm per epoch
    StringBuilder ratePoints = new StringBuilder();
    for (int t = 0; t < n; t++) {
      ratePoints.append(t == 0 ? "" : " ").append(px(x(epochs[t]))).append(',').append(px(rateY(bpm[t])));
    }
    s.append("<polyline points=\"").append(ratePoints)
        .append("\" fill=\"none\" stroke=\"#ffb347\" stroke-width=\"2\"/>\n");
    for (int t = 0; t < n; t++) {
      s.append("<circle class=\"bpm\" cx=\"").append(px(x(epochs[t]))).append("\" cy=\"")
          .append(px(rateY(bpm[t]))).append("\" r=\"3.5\" fill=\"#ffb347\" data-epoch=\"")
          .append((int) epochs[t]).append("\" data-bpm=\"").append(value(bpm[t])).append("\"><title>epoch ")
          .append((int) epochs[t]).append(": ").append(fixed(bpm[t], 1)).append(" bpm</title></circle>\n");
    }

    // epoch ticks under the rate panel
    int step = Math.max(1, (int) Math.ceil(n / 20.0));
    for (int t = 0; t < n; t += step) {
      double xt = x(epochs[t]);
      s.append("<line x1=\"").append(px(xt)).append("\" x2=\"").append(px(xt)).append("\" y1=\"")
          .append(px(RATE_BOTTOM)).append("\" y2=\"").append(px(RATE_BOTTOM + 5)).append("\" stroke=\"#5f8f7a\"/>");
      s.append("<text x=\"").append(px(xt)).append("\" y=\"").append(px(RATE_BOTTOM + 18))
          .append("\" class=\"tick\" text-anchor=\"middle\">").append((int) epochs[t]).append("</text>\n");
    }
    s.append("<text class=\"axis\" x=\"").append(px((LEFT + RIGHT) / 2)).append("\" y=\"")
        .append(px(RATE_BOTTOM + 38)).append("\" text-anchor=\"middle\">epoch</text>\n");

    // phase boundary through both panels
    if (!Double.isNaN(boundary)) {
      double xb = x(boundary);
      s.append("<line id=\"phase-boundary\" x1=\"").append(px(xb)).append("\" x2=\"").append(px(xb))
          .append("\" y1=\"").append(px(TRACE_TOP)).append("\" y2=\"").append(px(RATE_BOTTOM))
          .append("\" stroke=\"#c9d6cf\" stroke-dasharray=\"6 5\" stroke-opacity=\"0.7\"/>");
      s.append("<text x=\"").append(px(xb + 6)).append("\" y=\"").append(px(TRACE_TOP + 16))
          .append("\" class=\"label\">phase 2 →</text>\n");
    }

    // train loss for context, dashed
    StringBuilder trainPoints = new StringBuilder();
    for (int t = 0; t < n; t++) {
      trainPoints.append(t == 0 ? "" : " ").append(px(x(epochs[t]))).append(',').append(px(lossY(train[t])));
    }
    s.append("<polyline id=\"train-loss\" points=\"").append(trainPoints).append("\" fill=\"none\"")
        .append(" stroke=\"#8fc1ff\" stroke-width=\"1.5\" stroke-dasharray=\"5 4\"/>\n");

    // the ECG trace: a faint static copy (always visible) and the bright copy revealed by the sweep
    String path = tracePath();
    s.append("<path id=\"trace-static\" d=\"").append(path).append("\" fill=\"none\" stroke=\"#39ff88\"")
        .append(" stroke-opacity=\"0.35\" stroke-width=\"1.6\" stroke-linejoin=\"round\"/>\n");
    s.append("<path id=\"trace\" d=\"").append(path).append("\" fill=\"none\" stroke=\"#39ff88\"")
        .append(" stroke-width=\"2.2\" stroke-linejoin=\"round\" clip-path=\"url(#sweep)\"/>\n");
    for (int t = 0; t < n; t++) {
      s.append("<circle class=\"val\" cx=\"").append(px(x(epochs[t]))).append("\" cy=\"").append(px(lossY(val[t])))
          .append("\" r=\"3\" fill=\"#eafff3\" data-epoch=\"").append((int) epochs[t]).append("\" data-val-loss=\"")
          .append(value(val[t])).append("\"><title>epoch ").append((int) epochs[t]).append(": validation loss ")
          .append(fixed(val[t], 4)).append("</title></circle>\n");
    }

    // the sweep cursor
    s.append("<line id=\"cursor\" x1=\"").append(px(RIGHT)).append("\" x2=\"").append(px(RIGHT)).append("\" y1=\"")
        .append(px(TRACE_TOP)).append("\" y2=\"").append(px(TRACE_BOTTOM))
        .append("\" stroke=\"#baffd6\" stroke-opacity=\"0.55\" stroke-width=\"2\">");
    if (total > 0) {
      s.append(sweepAnimation("x1", start, total, LEFT)).append(sweepAnimation("x2", start, total, LEFT));
    }
    s.append("</line>\n");

    // heading, the pulsing heart and the live read-out
    s.append("<text x=\"").append(px(LEFT)).append("\" y=\"34\" class=\"title\">LIMINAL breathing heartbeat</text>\n");
    s.append("<text x=\"").append(px(LEFT)).append("\" y=\"58\" class=\"label\">").append(n)
        .append(n == 1 ? " epoch" : " epochs").append(" · heart rate ").append(fixed(minBpm, 0)).append("–")
        .append(fixed(maxBpm, 0)).append(" bpm · one sweep ").append(fixed(total, 1))
        .append(" s</text>\n");
    s.append("<g transform=\"translate(").append(px(RIGHT - 250)).append(" 44)\"><path id=\"heart\"")
        .append(" d=\"M0 10 C-22 -6 -16 -26 0 -14 C16 -26 22 -6 0 10 Z\" fill=\"#ff4d6d\">");
    if (total > 0) {
      s.append(heartAnimation(start, total));
    }
    s.append("</path></g>\n");
    for (int t = 0; t < n; t++) {
      s.append("<text class=\"readout\" x=\"").append(px(RIGHT - 222)).append("\" y=\"50\" opacity=\"")
          .append(n == 1 ? "1" : "0").append("\">epoch ").append((int) epochs[t]).append(" · ")
          .append(fixed(bpm[t], 0)).append(" bpm");
      if (n > 1) {
        s.append(readoutAnimation(start[t] / total, start[t + 1] / total, total));
      }
      s.append("</text>\n");
    }

    s.append(legend());
    s.append("</svg>\n");
    return Markup.page("LIMINAL breathing heartbeat", STYLE, body(s.toString()));
  }

  /** A tick spacing of 1, 2, 2.5 or 5 times a power of ten, near {@code rough}. */
  static double niceStep(double rough) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
    double f = rough / magnitude;
    double nice = f < 1.5 ? 1 : f < 2.25 ? 2 : f < 3.5 ? 2.5 : f < 7.5 ? 5 : 10;
    return nice * magnitude;
  }

  /** SMIL values/keyTimes moving an x-like attribute from the left edge to the right as the sweep advances. */
  private String sweepAnimation(String attribute, double[] start, double total, double offset) {
    StringBuilder values = new StringBuilder();
    StringBuilder keyTimes = new StringBuilder();
    for (int t = 0; t < start.length; t++) {
      double xt = x(segmentStart(t)) - LEFT + offset;
      values.append(t == 0 ? "" : ";").append(px(xt));
      keyTimes.append(t == 0 ? "" : ";").append(t == start.length - 1 ? "1" : key(start[t] / total));
    }
    return "<animate attributeName=\"" + attribute + "\" values=\"" + values + "\" keyTimes=\"" + keyTimes
        + "\" dur=\"" + value(total) + "s\" calcMode=\"linear\" repeatCount=\"indefinite\"/>";
  }

  /** The heart grows on each beat's R spike: the sweep passes beat j of epoch t at start_t + (j + ½)·60/bpm_t. */
  private String heartAnimation(double[] start, double total) {
    StringBuilder values = new StringBuilder("1");
    StringBuilder keyTimes = new StringBuilder("0");
    for (int t = 0; t < bpm.length; t++) {
      double period = 60.0 / bpm[t];
      for (int j = 0; j < drawnBeats(t); j++) {
        double peak = start[t] + (j + 0.5) * period;
        // the swell is 0.24 s, less than half the shortest period (60/140 s): the key times stay ordered
        values.append(";1;1.35;1");
        keyTimes.append(';').append(key((peak - 0.06) / total)).append(';').append(key(peak / total)).append(';')
            .append(key((peak + 0.18) / total));
      }
    }
    values.append(";1");
    keyTimes.append(";1");
    return "<animateTransform attributeName=\"transform\" type=\"scale\" values=\"" + values + "\" keyTimes=\""
        + keyTimes + "\" dur=\"" + value(total) + "s\" repeatCount=\"indefinite\"/>";
  }

  private static String readoutAnimation(double from, double to, double total) {
    String values;
    String keyTimes;
    if (from <= 0) {
      values = "1;0";
      keyTimes = "0;" + key(to);
    } else if (to >= 1) {
      values = "0;1";
      keyTimes = "0;" + key(from);
    } else {
      values = "0;1;0";
      keyTimes = "0;" + key(from) + ";" + key(to);
    }
    return "<animate attributeName=\"opacity\" values=\"" + values + "\" keyTimes=\"" + keyTimes + "\" dur=\""
        + value(total) + "s\" calcMode=\"discrete\" repeatCount=\"indefinite\"/>";
  }

  private static String key(double fraction) {
    return Markup.fixed(Math.max(0, Math.min(1, fraction)), 6);
  }

  private String legend() {
    double y = HEIGHT - 36;
    StringBuilder s = new StringBuilder("<g id=\"legend\" class=\"label\">\n");
    double x0 = LEFT;
    s.append(legendLine(x0, y, "#39ff88", "", "validation loss as a heartbeat (beats ∝ bpm)"));
    s.append(legendLine(x0 + 330, y, "#8fc1ff", "5 4", "train loss"));
    s.append(legendLine(x0 + 450, y, "#ffb347", "", "bpm = |Δval| / max|Δval| · 80 + 60"));
    s.append("<rect x=\"").append(px(x0 + 730)).append("\" y=\"").append(px(y - 9)).append("\" width=\"26\"")
        .append(" height=\"12\" fill=\"#3ba7ff\" fill-opacity=\"0.4\"/><text x=\"").append(px(x0 + 762))
        .append("\" y=\"").append(px(y + 2)).append("\">breathing 60 + 40·(0.5 + 0.5·sin(t/3))</text>\n");
    if (!Double.isNaN(history.phaseBoundaryEpoch())) {
      s.append(legendLine(x0 + 730, y + 22, "#c9d6cf", "6 5", "phase 1 → phase 2"));
    }
    s.append("</g>\n");
    return s.toString();
  }

  private static String legendLine(double x, double y, String colour, String dash, String label) {
    return "<line x1=\"" + px(x) + "\" x2=\"" + px(x + 26) + "\" y1=\"" + px(y - 3) + "\" y2=\"" + px(y - 3)
        + "\" stroke=\"" + colour + "\" stroke-width=\"2.5\"" + (dash.isEmpty() ? "" : " stroke-dasharray=\"" + dash
        + "\"") + "/><text x=\"" + px(x + 32) + "\" y=\"" + px(y + 2) + "\">" + esc(label) + "</text>\n";
  }

  private String body(String svg) {
    StringBuilder b = new StringBuilder();
    b.append("<main>\n").append(svg);
    b.append("<p class=\"note\">Each epoch's stretch of trace carries beats in proportion to its rate (5 at 140")
        .append(" bpm where there is room) and the sweep crosses it in beats·60/bpm seconds, so the beats pass at the epoch's heart rate. bpm<sub>t</sub> =")
        .append(" |Δval<sub>t</sub>| / max|Δval| · 80 + 60 with Δval<sub>0</sub> = 0; a run whose validation loss")
        .append(" never moves beats at a resting 60. This page has no script: without SVG animation it shows the")
        .append(" whole trace, still.</p>\n");
    b.append("<details open=\"open\"><summary>Numbers per epoch</summary>\n<table id=\"numbers\">\n<thead><tr>")
        .append("<th>epoch</th><th>phase</th><th>train loss</th><th>val loss</th><th>Δval</th><th>bpm</th>")
        .append("<th>breathing</th><th>lr</th></tr></thead>\n<tbody>\n");
    for (int t = 0; t < epochs.length; t++) {
      RunHistory.Epoch e = history.epochs().get(t);
      double breath = LiminalSignals.breathing(e.epoch());
      b.append("<tr data-epoch=\"").append(e.epoch()).append("\" data-phase=\"").append(e.phase())
          .append("\" data-train-loss=\"").append(value(train[t])).append("\" data-val-loss=\"").append(value(val[t]))
          .append("\" data-delta=\"").append(value(delta[t])).append("\" data-bpm=\"").append(value(bpm[t]))
          .append("\" data-breathing=\"").append(value(breath)).append("\" data-lr=\"").append(e.lr()).append("\">")
          .append("<td>").append(e.epoch()).append("</td><td>").append(e.phase()).append("</td><td>")
          .append(fixed(train[t], 4)).append("</td><td>").append(fixed(val[t], 4)).append("</td><td>")
          .append(fixed(delta[t], 4)).append("</td><td>").append(fixed(bpm[t], 1)).append("</td><td>")
          .append(fixed(breath, 1)).append("</td><td>").append(String.format(java.util.Locale.ROOT, "%.3g", e.lr()))
          .append("</td></tr>\n");
    }
    b.append("</tbody>\n</table>\n</details>\n</main>\n");
    return b.toString();
  }

  private static final String STYLE = """
      body { margin: 0; background: #06130e; color: #cfe9dc;
             font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
      main { max-width: 1180px; margin: 0 auto; padding: 12px; }
      svg { display: block; max-width: 100%; height: auto; }
      svg text { fill: #cfe9dc; font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
      svg .title { font-size: 22px; font-weight: bold; }
      svg .label, svg .tick { font-size: 12px; }
      svg .tick { fill: #8fb5a3; }
      svg .axis { font-size: 13px; }
      svg .readout { font-size: 18px; font-weight: bold; fill: #ffd1da; }
      .note { font-size: 13px; line-height: 1.45; }
      table { border-collapse: collapse; font-size: 12px; }
      td, th { border: 1px solid #1f4434; padding: 2px 8px; text-align: right; }
      """;
}
