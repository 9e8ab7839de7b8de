package dev.limbic.models.liminal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import org.junit.jupiter.api.Test;

class MetricsTest {

  @Test
  void dimensionMetricsByHand() {
    // predictions 1, 2, 3 against targets 1, 3, 2: errors 0, −1, 1
    VadMetrics.DimensionMetrics m = VadMetrics.dimension(new double[] {1, 2, 3}, new double[] {1, 3, 2});
    assertThat(m.mae()).isCloseTo(2.0 / 3, offset(1e-12));
    assertThat(m.mse()).isCloseTo(2.0 / 3, offset(1e-12));
    assertThat(m.rmse()).isCloseTo(Math.sqrt(2.0 / 3), offset(1e-12));
    // means 2 and 2: Σdp·dt = (−1)(−1) + 0 + (1)(0) = 1; Σdp² = 2; Σdt² = 2 → r = 0.5
    assertThat(m.pearson()).isCloseTo(0.5, offset(1e-12));
    // R² = 1 − SS_res/SS_tot = 1 − 2/2 = 0
    assertThat(m.r2()).isCloseTo(0.0, offset(1e-12));
  }

  @Test
  void constantPredictionHasZeroCorrelationNotNaN() {
    VadMetrics.DimensionMetrics m = VadMetrics.dimension(new double[] {3, 3, 3}, new double[] {1, 3, 5});
    assertThat(m.pearson()).isZero();
    assertThat(m.r2()).isCloseTo(0.0, offset(1e-12));   // predicting the mean: R² 0
  }

  @Test
  void scaledUnitsAreReportedInOneToFive() {
    // scaled t = (v − 3)/2: a scaled error of 0.5 is an error of 1 on the 1–5 scale
    double[] pred = {0.5, 0, 0, -0.5, 0, 0};
    double[] target = {0, 0, 0, 0, 0, 0.5};
    VadMetrics m = VadMetrics.ofScaled(pred, target);
    assertThat(m.valence().mae()).isCloseTo(1.0, offset(1e-12));
    assertThat(m.arousal().mae()).isZero();
    assertThat(m.dominance().mae()).isCloseTo(0.5, offset(1e-12));
    assertThat(m.overall().mae()).isCloseTo(0.5, offset(1e-12));
    assertThat(m.overall().mse()).isCloseTo((1.0 + 0 + 0.5) / 3, offset(1e-12));
    assertThat(VadMetrics.toScaledUnits(5)).isEqualTo(1.0);
    assertThat(VadMetrics.toOriginalUnits(-1)).isEqualTo(1.0);
  }

  @Test
  void hopeFaithLoveSeedPackageAndNotebookByHand() {
    double[] pred = {0.2, -0.2, 0.4, 0.0};
    double[] target = {0.0, 0.0, 0.0, 0.0};
    double[] conf = {0.25, 0.25};
    double loss = 0.1;
    EmotionalMetrics seed = EmotionalMetrics.seed(pred, target, conf, loss);
    assertThat(seed.hope()).isCloseTo(1 - (0.2 + 0.2 + 0.4 + 0) / 4, offset(1e-12));
    assertThat(seed.faith()).isCloseTo(Math.tanh(0.25), offset(1e-12));
    // population variance of {0.2, −0.2, 0.4, 0}: mean 0.1 → (0.01 + 0.09 + 0.09 + 0.01)/4 = 0.05
    assertThat(seed.love()).isCloseTo(Math.exp(-0.1) * 0.95, offset(1e-12));
    EmotionalMetrics pkg = EmotionalMetrics.pkg(pred, target, conf, loss);
    assertThat(pkg.hope()).isCloseTo(1 - 0.2, offset(1e-12));
    assertThat(pkg.faith()).isCloseTo(0.5, offset(1e-12));
    assertThat(pkg.love()).isCloseTo(Math.exp(-0.1) * (1 - 0.2 / 3), offset(1e-12));   // unbiased: 0.2/3
    EmotionalMetrics nb = EmotionalMetrics.notebook(new double[] {0.1, -0.3}, new double[] {0.2, 0.4},
        new double[] {0.5, 0.3});
    assertThat(nb.hope()).isCloseTo((Math.tanh(0.1) + Math.tanh(-0.3)) / 2, offset(1e-12));
    assertThat(nb.faith()).isCloseTo(0.3, offset(1e-12));
    // losses 0.5, 0.3: running means 0.5, 0.4 → 1 − 0, 1 − 0.1
    assertThat(nb.love()).isCloseTo((1 + 0.9) / 2, offset(1e-12));
  }
}
