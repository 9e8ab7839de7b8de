package dev.limbic.models.liminal.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Regression metrics of valence, arousal and dominance in EmoBank's 1–5 units (MODELS.md §1.8): per dimension
 * Pearson r, MAE, MSE, RMSE and R² (1 − SS_res/SS_tot, as sklearn); overall MAE/MSE/RMSE over all 3N values, and
 * overall r and R² as the uniform average of the three dimensions (sklearn's {@code uniform_average}).
 */
public record VadMetrics(DimensionMetrics valence, DimensionMetrics arousal, DimensionMetrics dominance,
    DimensionMetrics overall) {

  /** Metrics of one dimension (or the overall figures). */
  public record DimensionMetrics(double pearson, double mae, double mse, double rmse, double r2) {
    public Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("pearson_r", pearson);
      m.put("mae", mae);
      m.put("mse", mse);
      m.put("rmse", rmse);
      m.put("r2", r2);
      return m;
    }
  }

  /** Scaled unit t = (v − 3)/2 back to the 1–5 scale. */
  public static double toOriginalUnits(double scaled) {
    return scaled * 2.0 + 3.0;
  }

  /** The scaled training unit of a 1–5 value. */
  public static double toScaledUnits(double original) {
    return (original - 3.0) / 2.0;
  }

  /**
   * @param predictedScaled {@code (N, 3)} row-major V, A, D in scaled units
   * @param targetScaled    {@code (N, 3)} the same layout
   */
  public static VadMetrics ofScaled(double[] predictedScaled, double[] targetScaled) {
    if (predictedScaled.length != targetScaled.length || predictedScaled.length % 3 != 0
        || predictedScaled.length == 0) {
      throw new IllegalArgumentException("VadMetrics: predictions (" + predictedScaled.length + " values) and targets ("
          + targetScaled.length + ") must both be N × 3 with N >= 1");
    }
    int n = predictedScaled.length / 3;
    double[][] p = new double[3][n];
    double[][] t = new double[3][n];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < 3; k++) {
        p[k][i] = toOriginalUnits(predictedScaled[i * 3 + k]);
        t[k][i] = toOriginalUnits(targetScaled[i * 3 + k]);
      }
    }
    DimensionMetrics v = dimension(p[0], t[0]);
    DimensionMetrics a = dimension(p[1], t[1]);
    DimensionMetrics d = dimension(p[2], t[2]);
    double mse = (v.mse + a.mse + d.mse) / 3;
    DimensionMetrics overall = new DimensionMetrics((v.pearson + a.pearson + d.pearson) / 3,
        (v.mae + a.mae + d.mae) / 3, mse, Math.sqrt(mse), (v.r2 + a.r2 + d.r2) / 3);
    return new VadMetrics(v, a, d, overall);
  }

  /** Metrics of one dimension, both arrays in the same units. */
  public static DimensionMetrics dimension(double[] predicted, double[] target) {
    int n = predicted.length;
    double mt = 0;
    for (double t : target) {
      mt += t;
    }
    mt /= n;
    double syy = 0;
    double abs = 0;
    double sq = 0;
    for (int i = 0; i < n; i++) {
      double dt = target[i] - mt;
      syy += dt * dt;
      double e = predicted[i] - target[i];
      abs += Math.abs(e);
      sq += e * e;
    }
    // a constant prediction (or target) has no correlation: r = 0 rather than NaN
    double r = pearson(predicted, target);
    if (Double.isNaN(r)) {
      r = 0.0;
    }
    double mse = sq / n;
    double r2 = syy > 0 ? 1 - sq / syy : (sq == 0 ? 1.0 : 0.0);
    return new DimensionMetrics(r, abs / n, mse, Math.sqrt(mse), r2);
  }

  /**
   * Pearson correlation of two equally long columns, NaN where it is undefined (fewer than two rows, or a column
   * with zero variance such as a constant predictor). The one implementation the metrics and the pictures use.
   */
  public static double pearson(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("pearson: columns of length " + a.length + " and " + b.length);
    }
    int n = a.length;
    if (n < 2) {
      return Double.NaN;
    }
    double meanA = 0;
    double meanB = 0;
    for (int i = 0; i < n; i++) {
      meanA += a[i];
      meanB += b[i];
    }
    meanA /= n;
    meanB /= n;
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (int i = 0; i < n; i++) {
      double da = a[i] - meanA;
      double db = b[i] - meanB;
      sab += da * db;
      saa += da * da;
      sbb += db * db;
    }
    if (saa == 0 || sbb == 0) {
      return Double.NaN;
    }
    return Math.clamp(sab / Math.sqrt(saa * sbb), -1.0, 1.0);
  }

  /** Pearson r of valence, arousal, dominance. */
  public double[] pearson() {
    return new double[] {valence.pearson, arousal.pearson, dominance.pearson};
  }

  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("units", "1-5");
    m.put("V", valence.toJson());
    m.put("A", arousal.toJson());
    m.put("D", dominance.toJson());
    m.put("overall", overall.toJson());
    return m;
  }
}
