package dev.limbic.app.viz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The formulas of MODELS.md §1.9 against values computed by hand. */
class LiminalSignalsTest {

  @Test
  void heartRateScalesTheLargestValidationChangeTo140AndStillEpochsTo60() {
    // Δ = 0 (first epoch), −1, −0.5, 0, −1 → max|Δ| = 1 → |Δ|·80 + 60
    double[] bpm = LiminalSignals.heartRate(new double[] {4.0, 3.0, 2.5, 2.5, 1.5});
    assertThat(bpm).containsExactly(new double[] {60, 140, 100, 60, 140}, within(1e-12));
    // a rising loss beats as fast as a falling one: |Δ|
    assertThat(LiminalSignals.heartRate(new double[] {1.0, 1.2, 1.1}))
        .containsExactly(new double[] {60, 140, 100}, within(1e-12));
  }

  @Test
  void heartRateOfOneEpochOrAConstantLossIsRestingNotNaN() {
    assertThat(LiminalSignals.heartRate(new double[] {2.0})).containsExactly(60.0);
    assertThat(LiminalSignals.heartRate(new double[] {3.1, 3.1, 3.1})).containsExactly(60.0, 60.0, 60.0);
  }

  @Test
  void breathingBandSwingsBetween60And100() {
    assertThat(LiminalSignals.breathing(0)).isCloseTo(80.0, within(1e-12));
    assertThat(LiminalSignals.breathing(1.5 * Math.PI)).isCloseTo(100.0, within(1e-9)); // sin(π/2) = 1
    assertThat(LiminalSignals.breathing(4.5 * Math.PI)).isCloseTo(60.0, within(1e-9)); // sin(3π/2) = −1
    assertThat(LiminalSignals.breathing(3)).isCloseTo(96.8294197, within(1e-6)); // 80 + 20·sin(1)
  }

  @Test
  void gradientIsNumpyGradient() {
    assertThat(LiminalSignals.gradient(new double[] {1.0, 1.5, 1.2}))
        .containsExactly(new double[] {0.5, 0.1, -0.3}, within(1e-12));
    assertThat(LiminalSignals.gradient(new double[] {7.0})).containsExactly(0.0);
  }

  @Test
  void auraSignalsMatchHandComputation() {
    // diff = |train − val| = 2, 0.5, 0.2; ∇val = 0.5, 0.1, −0.3, max 0.5 → Faith 1, 0.2, −0.6
    LiminalSignals.Aura aura = LiminalSignals.aura(new double[] {3.0, 2.0, 1.0}, new double[] {1.0, 1.5, 1.2});
    assertThat(aura.hope()).containsExactly(new double[] {0.6, 0.9, 0.96}, within(1e-12));
    assertThat(aura.faith()).containsExactly(new double[] {1.0, 0.2, -0.6}, within(1e-12));
    // Love = exp(−diff)·(1 − |Faith|): e^−2·0, e^−0.5·0.8, e^−0.2·0.4
    assertThat(aura.love()).containsExactly(new double[] {0.0, 0.4852245, 0.3274923}, within(1e-7));
    assertThat(aura.stress()).containsExactly(new double[] {0.5, 0.0, 0.0}, within(1e-12));
    assertThat(aura.clarity()).containsExactly(new double[] {0.0, 0.8, 0.4}, within(1e-12));
  }

  @Test
  void auraClipsAndStaysFiniteOnAFlatLoss() {
    // diff 4 → Hope 0.2, Stress 1 (clipped); diff 6 → Hope 0 (clipped); flat val → Faith 0, Clarity 1
    LiminalSignals.Aura aura = LiminalSignals.aura(new double[] {6.0, 8.0}, new double[] {2.0, 2.0});
    assertThat(aura.hope()).containsExactly(new double[] {0.2, 0.0}, within(1e-12));
    assertThat(aura.stress()).containsExactly(1.0, 1.0);
    assertThat(aura.faith()).containsExactly(0.0, 0.0);
    assertThat(aura.clarity()).containsExactly(1.0, 1.0);
    assertThat(aura.love()).containsExactly(new double[] {Math.exp(-4), Math.exp(-6)}, within(1e-15));

    LiminalSignals.Aura one = LiminalSignals.aura(new double[] {2.0}, new double[] {2.0});
    assertThat(one.hope()).containsExactly(1.0);
    assertThat(one.faith()).containsExactly(0.0);
    assertThat(one.love()).containsExactly(1.0);
    assertThat(one.stress()).containsExactly(0.0);
    assertThat(one.clarity()).containsExactly(1.0);
  }

  @Test
  void pulseSmoothingKeepsWeight06OnThePreviousValue() {
    // s0 = 1; s1 = 0.6·1 + 0.4·0 = 0.6; s2 = 0.36; s3 = 0.6·0.36 + 0.4·1 = 0.616
    assertThat(LiminalSignals.smooth(new double[] {1, 0, 0, 1}, LiminalSignals.PULSE_SMOOTHING))
        .containsExactly(new double[] {1, 0.6, 0.36, 0.616}, within(1e-12));
    assertThatThrownBy(() -> LiminalSignals.smooth(new double[] {1}, 1.0))
        .hasMessageContaining("smoothing weight");
  }

  @Test
  void pearsonByHandAndUndefinedCases() {
    // means 2 and 13/3; Σdadb = 5, Σda² = 2, Σdb² = 38/3 → r = 5 / sqrt(76/3) = 0.993399
    assertThat(LiminalSignals.pearson(new float[] {1, 2, 3}, new float[] {2, 4, 7}).getAsDouble())
        .isCloseTo(0.993399, within(1e-6));
    assertThat(LiminalSignals.pearson(new float[] {1, 2, 3}, new float[] {3, 2, 1}).getAsDouble())
        .isCloseTo(-1.0, within(1e-12));
    assertThat(LiminalSignals.pearson(new float[] {1, 2, 3}, new float[] {3, 3, 3})).isEmpty();
    assertThat(LiminalSignals.pearson(new float[] {1}, new float[] {2})).isEmpty();
    assertThat(LiminalSignals.pearson(new float[0], new float[0])).isEmpty();
  }
}
