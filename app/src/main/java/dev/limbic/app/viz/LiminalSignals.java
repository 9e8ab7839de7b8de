package dev.limbic.app.viz;

import dev.limbic.models.liminal.train.VadMetrics;
import java.util.OptionalDouble;

/**
 * The numbers behind the LIMINAL pictures (MODELS.md §1.9), as plain functions over per-epoch series so they can be
 * checked by hand. Conventions where the notebook leaves a choice open are stated on each method.
 */
public final class LiminalSignals {

  /** Resting heart rate: the bpm of an epoch whose validation loss did not move. */
  public static final double BPM_REST = 60;
  /** bpm added by the largest validation-loss change of the run (notebook c20/c23; c18 used 100). */
  public static final double BPM_SPAN = 80;
  /** Lower and upper end of the breathing band, in bpm. */
  public static final double BREATH_LOW = 60;
  public static final double BREATH_HIGH = 100;
  /** Weight of the previous smoothed value in the pulse plot's exponential smoothing (notebook c25). */
  public static final double PULSE_SMOOTHING = 0.6;

  private LiminalSignals() {
  }

  /**
   * Change of the validation loss into each epoch: {@code Δ_0 = 0} (the first epoch has nothing to change from, so it
   * beats at rest), {@code Δ_t = val_t − val_{t−1}}.
   */
  public static double[] valLossDeltas(double[] valLoss) {
    double[] delta = new double[valLoss.length];
    for (int t = 1; t < valLoss.length; t++) {
      delta[t] = valLoss[t] - valLoss[t - 1];
    }
    return delta;
  }

  /**
   * Heart rate per epoch: {@code bpm_t = |Δ val_t| / max_s |Δ val_s| · 80 + 60}, so the largest change of the run
   * beats at 140 and a still epoch at 60. When the loss never changes (one epoch, or a constant loss) the maximum is
   * 0 and every epoch beats at rest (60) instead of 0/0.
   */
  public static double[] heartRate(double[] valLoss) {
    double[] delta = valLossDeltas(valLoss);
    double maxAbs = 0;
    for (double d : delta) {
      maxAbs = Math.max(maxAbs, Math.abs(d));
    }
    double[] bpm = new double[valLoss.length];
    for (int t = 0; t < bpm.length; t++) {
      bpm[t] = maxAbs == 0 ? BPM_REST : Math.abs(delta[t]) / maxAbs * BPM_SPAN + BPM_REST;
    }
    return bpm;
  }

  /**
   * The breathing band at epoch {@code t}: {@code 0.5 + 0.5·sin(t/3)} (a value in 0..1) scaled to 60..100 bpm, i.e.
   * {@code 60 + 40·(0.5 + 0.5·sin(t/3))}. {@code t} is the epoch number as recorded in the run.
   */
  public static double breathing(double t) {
    return BREATH_LOW + (BREATH_HIGH - BREATH_LOW) * (0.5 + 0.5 * Math.sin(t / 3));
  }

  /**
   * Gradient of a per-epoch series with unit spacing, as numpy's {@code np.gradient}: central differences
   * {@code (y_{t+1} − y_{t−1}) / 2} inside, one-sided differences at the two ends; a single epoch has gradient 0.
   */
  public static double[] gradient(double[] y) {
    int n = y.length;
    double[] g = new double[n];
    if (n < 2) {
      return g;
    }
    g[0] = y[1] - y[0];
    g[n - 1] = y[n - 1] - y[n - 2];
    for (int t = 1; t < n - 1; t++) {
      g[t] = (y[t + 1] - y[t - 1]) / 2;
    }
    return g;
  }

  /**
   * The five aura signals per epoch (notebook c20), each {@code double[epochs]}.
   *
   * @param hope {@code clip(1 − diff/5, 0, 1)} with {@code diff = |train − val|}
   * @param faith {@code clip(∇val / max|∇val|, −1, 1)}; 0 everywhere when the validation loss is flat (max 0)
   * @param love {@code exp(−diff)·(1 − |Faith|)}
   * @param stress {@code clip(diff − 1.5, 0, 1)}
   * @param clarity {@code 1 − |Faith|}
   */
  public record Aura(double[] hope, double[] faith, double[] love, double[] stress, double[] clarity) {
    /** Row names in drawing order. */
    public static final String[] SIGNALS = {"Hope", "Faith", "Love", "Stress", "Clarity"};

    /** The rows in the order of {@link #SIGNALS}. */
    public double[][] rows() {
      return new double[][] {hope, faith, love, stress, clarity};
    }
  }

  /** Computes the {@link Aura} from the per-epoch training and validation losses (same length). */
  public static Aura aura(double[] trainLoss, double[] valLoss) {
    if (trainLoss.length != valLoss.length) {
      throw new IllegalArgumentException("aura: " + trainLoss.length + " training losses but " + valLoss.length
          + " validation losses");
    }
    int n = valLoss.length;
    double[] grad = gradient(valLoss);
    double maxAbsGrad = 0;
    for (double g : grad) {
      maxAbsGrad = Math.max(maxAbsGrad, Math.abs(g));
    }
    double[] hope = new double[n];
    double[] faith = new double[n];
    double[] love = new double[n];
    double[] stress = new double[n];
    double[] clarity = new double[n];
    for (int t = 0; t < n; t++) {
      double diff = Math.abs(trainLoss[t] - valLoss[t]);
      hope[t] = clip(1 - diff / 5, 0, 1);
      faith[t] = maxAbsGrad == 0 ? 0 : clip(grad[t] / maxAbsGrad, -1, 1);
      love[t] = Math.exp(-diff) * (1 - Math.abs(faith[t]));
      stress[t] = clip(diff - 1.5, 0, 1);
      clarity[t] = 1 - Math.abs(faith[t]);
    }
    return new Aura(hope, faith, love, stress, clarity);
  }

  /**
   * Exponential smoothing for the pulse plot: {@code s_0 = x_0}, {@code s_t = w·s_{t−1} + (1 − w)·x_t} with the
   * smoothing weight {@code w} ({@link #PULSE_SMOOTHING} = 0.6 in the pulse plot; TensorBoard's convention).
   */
  public static double[] smooth(double[] x, double weight) {
    if (!(weight >= 0 && weight < 1)) {
      throw new IllegalArgumentException("smoothing weight must be in [0, 1), got " + weight);
    }
    double[] s = new double[x.length];
    for (int t = 0; t < x.length; t++) {
      s[t] = t == 0 ? x[0] : weight * s[t - 1] + (1 - weight) * x[t];
    }
    return s;
  }

  /**
   * Pearson correlation of two equally long columns; empty when it is undefined (fewer than two rows, or a column
   * with zero variance such as a constant predictor).
   */
  public static OptionalDouble pearson(float[] a, float[] b) {
    double r = VadMetrics.pearson(toDoubles(a), toDoubles(b));
    return Double.isNaN(r) ? OptionalDouble.empty() : OptionalDouble.of(r);
  }

  private static double[] toDoubles(float[] x) {
    double[] d = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      d[i] = x[i];
    }
    return d;
  }

  static double clip(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
