package dev.limbic.app.viz;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;
import java.util.OptionalDouble;
import javax.imageio.ImageIO;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The PNG pictures of a LIMINAL run (XChart): loss curves, predicted-vs-target scatter, and the pulse plot. */
final class PngCharts {

  private static final Color TRAIN = new Color(0x1565C0);
  private static final Color VAL = new Color(0xE65100);
  private static final Color[] SOUL = {new Color(0x2E7D32), new Color(0x1565C0), new Color(0xC2185B)};
  private static final Color[] DIMENSION = {new Color(0x2E7D32), new Color(0xE65100), new Color(0x6A1B9A)};

  private PngCharts() {
  }

  /** Training and validation loss per epoch; a dashed vertical line where phase 2 starts. */
  static byte[] lossCurves(RunHistory history) throws IOException {
    XYChart chart = new XYChartBuilder().width(1100).height(600).title("LIMINAL loss per epoch")
        .xAxisTitle("epoch").yAxisTitle("loss (MSE)").build();
    style(chart);
    double[] epochs = history.epochNumbers();
    XYSeries train = chart.addSeries("train loss", epochs, history.trainLosses());
    train.setLineColor(TRAIN);
    train.setMarkerColor(TRAIN);
    train.setMarker(SeriesMarkers.CIRCLE);
    XYSeries val = chart.addSeries("validation loss", epochs, history.valLosses());
    val.setLineColor(VAL);
    val.setMarkerColor(VAL);
    val.setMarker(SeriesMarkers.DIAMOND);
    markPhaseBoundary(chart, history, max(history.trainLosses(), history.valLosses()));
    return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
  }

  /** Hope, Faith and Love per epoch (faint markers) with their exponential smoothing, weight 0.6 (lines). */
  static byte[] pulse(RunHistory history) throws IOException {
    XYChart chart = new XYChartBuilder().width(1100).height(600)
        .title("LIMINAL pulse: Hope, Faith, Love (exponential smoothing, weight " + LiminalSignals.PULSE_SMOOTHING + ")")
        .xAxisTitle("epoch").yAxisTitle("value").build();
    style(chart);
    double[] epochs = history.epochNumbers();
    String[] names = {"Hope", "Faith", "Love"};
    double[][] raw = {history.hopes(), history.faiths(), history.loves()};
    for (int i = 0; i < 3; i++) {
      Color faint = new Color(SOUL[i].getRed(), SOUL[i].getGreen(), SOUL[i].getBlue(), 90);
      XYSeries measured = chart.addSeries(names[i] + " (per epoch)", epochs, raw[i]);
      measured.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      measured.setMarker(SeriesMarkers.CIRCLE);
      measured.setMarkerColor(faint);
      measured.setShowInLegend(false);
      XYSeries smooth = chart.addSeries(names[i],
          epochs, LiminalSignals.smooth(raw[i], LiminalSignals.PULSE_SMOOTHING));
      smooth.setLineColor(SOUL[i]);
      smooth.setLineWidth(2.5f);
      smooth.setMarker(SeriesMarkers.NONE);
    }
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    markPhaseBoundary(chart, history, max(raw[0], max(raw[1], raw[2])));
    return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
  }

  /**
   * Predicted against target V, A and D side by side, with the identity line and Pearson r in each panel's title
   * ("r n/a" where r is undefined: fewer than two rows or a constant column). Requires at least one row.
   */
  static byte[] scatter(Predictions predictions) throws IOException {
    int panel = 520;
    int header = 44;
    BufferedImage image = new BufferedImage(3 * panel, panel + header, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
      g.drawString("Predicted vs target VAD, split '" + predictions.split() + "', n = " + predictions.size()
          + " (1–5 units)", 16, 28);
      for (int d = 0; d < 3; d++) {
        XYChart chart = scatterPanel(predictions, d, panel);
        Graphics2D pg = (Graphics2D) g.create(d * panel, header, panel, panel);
        try {
          chart.paint(pg, panel, panel);
        } finally {
          pg.dispose();
        }
      }
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    if (!ImageIO.write(image, "png", png)) {
      throw new IOException("no PNG writer available in this JDK");
    }
    return png.toByteArray();
  }

  /** Title of a scatter panel: the dimension and its Pearson r. */
  static String scatterTitle(Predictions predictions, int dim) {
    OptionalDouble r = LiminalSignals.pearson(predictions.predictedColumn(dim), predictions.targetColumn(dim));
    return Predictions.DIMENSIONS[dim] + ": Pearson r = "
        + (r.isPresent() ? String.format(Locale.ROOT, "%.3f", r.getAsDouble())
            : "n/a (" + (predictions.size() < 2 ? "n < 2" : "constant column") + ")");
  }

  private static XYChart scatterPanel(Predictions predictions, int dim, int size) {
    XYChart chart = new XYChartBuilder().width(size).height(size).title(scatterTitle(predictions, dim))
        .xAxisTitle("target " + Predictions.DIMENSIONS[dim]).yAxisTitle("predicted " + Predictions.DIMENSIONS[dim])
        .build();
    style(chart);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
    float[] target = predictions.targetColumn(dim);
    float[] predicted = predictions.predictedColumn(dim);
    double lo = 1;
    double hi = 5;
    double[] x = new double[target.length];
    double[] y = new double[target.length];
    for (int i = 0; i < target.length; i++) {
      x[i] = target[i];
      y[i] = predicted[i];
      lo = Math.min(lo, Math.min(x[i], y[i]));
      hi = Math.max(hi, Math.max(x[i], y[i]));
    }
    chart.getStyler().setXAxisMin(lo).setXAxisMax(hi).setYAxisMin(lo).setYAxisMax(hi);
    XYSeries identity = chart.addSeries("y = x", new double[] {lo, hi}, new double[] {lo, hi});
    identity.setLineColor(Color.GRAY);
    identity.setLineStyle(SeriesLines.DASH_DASH);
    identity.setMarker(SeriesMarkers.NONE);
    XYSeries points = chart.addSeries("sentences", x, y);
    points.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    points.setMarker(SeriesMarkers.CIRCLE);
    Color c = DIMENSION[dim];
    points.setMarkerColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 110));
    chart.getStyler().setMarkerSize(5);
    return chart;
  }

  private static void style(XYChart chart) {
    XYStyler s = chart.getStyler();
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    s.setPlotGridLinesColor(new Color(0xE0E0E0));
    s.setLegendPosition(Styler.LegendPosition.InsideNE);
    s.setAntiAlias(true);
    chart.getStyler().setMarkerSize(7);
    chart.getStyler().setAnnotationLineColor(new Color(0x616161));
    chart.getStyler().setAnnotationLineStroke(
        new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 5f}, 0f));
  }

  private static void markPhaseBoundary(XYChart chart, RunHistory history, double top) {
    double boundary = history.phaseBoundaryEpoch();
    if (!Double.isNaN(boundary)) {
      chart.addAnnotation(new AnnotationLine(boundary, true, false));
      chart.addAnnotation(new AnnotationText("phase 2 →", boundary + 0.15 * Math.max(1, history.size() / 10.0),
          top, false));
    }
  }

  private static double max(double[] a, double[] b) {
    double m = Double.NEGATIVE_INFINITY;
    for (double v : a) {
      m = Math.max(m, v);
    }
    for (double v : b) {
      m = Math.max(m, v);
    }
    return m;
  }

  private static double max(double[] a, double b) {
    return max(a, new double[] {b});
  }
}
