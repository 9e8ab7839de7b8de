package dev.limbic.models.liminal.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * LIMINAL's Hope, Faith and Love (MODELS.md §1.8). Three inconsistent definitions exist in the originals; all three
 * are computed and labelled. Predictions and targets are in the scaled training units t = (v − 3)/2, confidences
 * are the per-outer-iteration gate means, losses the scaled MSE.
 *
 * <ul>
 *   <li>{@link #seed}: Hope = mean(1 − |pad − y|), Faith = mean(tanh(conf)), Love = exp(−loss)·(1 − var(pad)) with
 *   the population variance of every predicted value (the project default).</li>
 *   <li>{@link #pkg} (the refactored package, per epoch): Hope = 1 − clamp(MAE, 0, 1), Faith = √mean(conf),
 *   Love = exp(−loss)·(1 − clamp(var(pad), 0, 1)) with the unbiased variance.</li>
 *   <li>{@link #notebook} (Phase 2 cell, per batch then averaged): Hope = tanh(mean(pad_b)), Faith = mean(conf_b),
 *   Love = 1 − |loss_b − mean(loss_1..b)|.</li>
 * </ul>
 */
public record EmotionalMetrics(double hope, double faith, double love) {

  public static EmotionalMetrics seed(double[] pred, double[] target, double[] conf, double loss) {
    double hope = 0;
    for (int i = 0; i < pred.length; i++) {
      hope += 1 - Math.abs(pred[i] - target[i]);
    }
    hope /= pred.length;
    double faith = 0;
    for (double c : conf) {
      faith += Math.tanh(c);
    }
    faith = conf.length == 0 ? 0 : faith / conf.length;
    double love = Math.exp(-loss) * (1 - variance(pred, 0));
    return new EmotionalMetrics(hope, faith, love);
  }

  public static EmotionalMetrics pkg(double[] pred, double[] target, double[] conf, double loss) {
    double mae = 0;
    for (int i = 0; i < pred.length; i++) {
      mae += Math.abs(pred[i] - target[i]);
    }
    mae /= pred.length;
    double meanConf = 0;
    for (double c : conf) {
      meanConf += c;
    }
    meanConf = conf.length == 0 ? 0 : meanConf / conf.length;
    double love = Math.exp(-loss) * (1 - Math.clamp(variance(pred, 1), 0.0, 1.0));
    return new EmotionalMetrics(1 - Math.clamp(mae, 0.0, 1.0), Math.sqrt(Math.max(0, meanConf)), love);
  }

  /**
   * @param batchPadMeans  mean of the predicted values of each batch
   * @param batchConfMeans mean confidence of each batch
   * @param batchLosses    loss of each batch
   */
  public static EmotionalMetrics notebook(double[] batchPadMeans, double[] batchConfMeans, double[] batchLosses) {
    int n = batchLosses.length;
    if (n == 0) {
      return new EmotionalMetrics(0, 0, 0);
    }
    double hope = 0;
    double faith = 0;
    double love = 0;
    double running = 0;
    for (int b = 0; b < n; b++) {
      hope += Math.tanh(batchPadMeans[b]);
      faith += batchConfMeans[b];
      running += batchLosses[b];
      love += 1 - Math.abs(batchLosses[b] - running / (b + 1));
    }
    return new EmotionalMetrics(hope / n, faith / n, love / n);
  }

  /** Variance with {@code correction} (0 population, 1 unbiased). */
  static double variance(double[] x, int correction) {
    if (x.length - correction <= 0) {
      return 0;
    }
    double m = 0;
    for (double v : x) {
      m += v;
    }
    m /= x.length;
    double s = 0;
    for (double v : x) {
      s += (v - m) * (v - m);
    }
    return s / (x.length - correction);
  }

  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("hope", hope);
    m.put("faith", faith);
    m.put("love", love);
    return m;
  }
}
