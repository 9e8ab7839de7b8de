package dev.limbic.models.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.limbic.tensor.GradCheck;
import dev.limbic.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every pooling of MODELS.md §3.3 on a two-row batch whose results were worked out by hand. Row 0 has three tokens
 * {@code (1,0), (0,2), (4,4)}; row 1 has two tokens {@code (2,2), (6,0)} and one padded position {@code (100,100)}
 * that must never leak into a result.
 */
class TokenPoolingTest {
  private static final double TOL = 1e-6;
  private static final int[] MASK = {1, 1, 1, 1, 1, 0};

  private static Tensor hidden() {
    return Tensor.of(new double[] {1, 0, 0, 2, 4, 4, 2, 2, 6, 0, 100, 100}, 2, 3, 2);
  }

  private static void assertPool(TokenPooling p, double[] expected) {
    double[] actual = p.pool(hidden(), MASK, null).toDoubleArray();
    assertThat(actual).as(p.name()).containsExactly(expected, within(TOL));
  }

  @Test
  void clsTakesTheFirstPosition() {
    assertPool(TokenPooling.cls(), new double[] {1, 0, 2, 2});
  }

  @Test
  void meanAveragesUnpaddedTokens() {
    assertPool(TokenPooling.mean(), new double[] {5.0 / 3, 2, 4, 1});
  }

  @Test
  void positionWeightsGrowAlongTheSequence() {
    // ŵ = 1, 2, 3; row 1 uses 1, 2
    assertPool(TokenPooling.wmeanPos(), new double[] {13.0 / 6, 16.0 / 6, 14.0 / 3, 2.0 / 3});
  }

  @Test
  void reversePositionsUseThePaddedBatchLength() {
    // T = 3 for both rows: ŵ = 3, 2, 1; row 1 keeps 3, 2 (sum 5) although it has only two tokens
    assertPool(TokenPooling.wmeanPosRev(), new double[] {7.0 / 6, 8.0 / 6, 18.0 / 5, 6.0 / 5});
    assertThat(TokenPooling.wmeanPosRev().dependsOnBatch()).isTrue();
  }

  @Test
  void reversePositionsPerSequenceUseTheRowLength() {
    // row 1: L = 2 so ŵ = 2, 1 (sum 3)
    assertPool(TokenPooling.wmeanPosRevPerSequence(), new double[] {7.0 / 6, 8.0 / 6, 10.0 / 3, 4.0 / 3});
    assertThat(TokenPooling.wmeanPosRevPerSequence().dependsOnBatch()).isFalse();
  }

  @Test
  void exponentialWeightsDecayFromTheFirstToken() {
    for (double tau : new double[] {2, 5, 10}) {
      double a = Math.exp(-1 / tau);
      double b = Math.exp(-2 / tau);
      double s0 = 1 + a + b;
      double s1 = 1 + a;
      assertPool(TokenPooling.wmeanExp(tau), new double[] {(1 + 4 * b) / s0, (2 * a + 4 * b) / s0,
          (2 + 6 * a) / s1, 2 / s1});
    }
    assertThat(List.of(TokenPooling.wmeanExpFast().name(), TokenPooling.wmeanExpMed().name(),
        TokenPooling.wmeanExpSlow().name())).containsExactly("wmean_exp_fast", "wmean_exp_med", "wmean_exp_slow");
  }

  @Test
  void attentionUsesTheFirstTokenAsQuery() {
    // row 0: query (1,0): scores (1, 0, 4)/√2; row 1: query (2,2): scores (8, 12)/√2, third masked
    double r2 = Math.sqrt(2);
    double e0 = Math.exp(1 / r2);
    double e1 = 1;
    double e2 = Math.exp(4 / r2);
    double z = e0 + e1 + e2;
    double p = 1 / (1 + Math.exp(4 / r2));   // weight of token 1 in row 1
    assertPool(TokenPooling.attn(), new double[] {(e0 + 4 * e2) / z, (2 * e1 + 4 * e2) / z,
        2 * p + 6 * (1 - p), 2 * p});
  }

  @Test
  void idfWeightsAreOnePlusIdfOfTheCleanedToken() {
    IdfTable idf = IdfTable.of(Map.of("<s>", 0.5, "hi", 1.0));
    String[][] tokens = {{"<s>", "\u0120Hi", "</s>"}, {"<s>", "x"}};
    // row 0: ŵ = 1.5, 2.0, 1.0 (</s> unknown → idf 0); row 1: ŵ = 1.5, 1.0
    double[] actual = TokenPooling.wmeanIdf(idf).pool(hidden(), MASK, tokens).toDoubleArray();
    assertThat(actual).containsExactly(new double[] {5.5 / 4.5, 8.0 / 4.5, 9.0 / 2.5, 3.0 / 2.5}, within(TOL));
  }

  @Test
  void idfFitUsesLogOfDocumentsOverOnePlusDocumentFrequency() {
    IdfTable t = IdfTable.fit(List.of(new String[] {"\u0120a", "b", "b"}, new String[] {"a"}, new String[] {"c"}));
    assertThat(t.idf("a")).isCloseTo(Math.log(3.0 / 3), within(1e-12));
    assertThat(t.idf("B")).isCloseTo(Math.log(3.0 / 2), within(1e-12));
    assertThat(t.idf("unseen")).isZero();
  }

  @Test
  void fullyPaddedRowGivesZeros() {
    Tensor h = Tensor.of(new double[] {3, 4, 5, 6}, 1, 2, 2);
    assertThat(TokenPooling.mean().pool(h, new int[] {0, 0}, null).toDoubleArray()).containsExactly(0, 0);
    assertThat(TokenPooling.attn().pool(h, new int[] {0, 0}, null).toDoubleArray()).containsExactly(0, 0);
  }

  @Test
  void badMasksAreRejected() {
    assertThatThrownBy(() -> TokenPooling.mean().pool(hidden(), new int[] {1, 1, 2, 1, 1, 0}, null))
        .hasMessageContaining("mask holds 2 at flat index 2");
    assertThatThrownBy(() -> TokenPooling.mean().pool(hidden(), new int[] {1, 1}, null))
        .hasMessageContaining("mask has 2 entries for batch 2 × length 3");
    assertThatThrownBy(() -> TokenPooling.wmeanIdf(IdfTable.of(Map.of())).pool(hidden(), MASK, null))
        .hasMessageContaining("no token string for row 0");
    assertThatThrownBy(() -> TokenPooling.byName("max", null)).hasMessageContaining("unknown pooling 'max'");
  }

  @Test
  void l2NormalizeGivesUnitRows() {
    double[] v = TokenPooling.l2Normalize(Tensor.of(new double[] {3, 4, 0, 0}, 2, 2)).toDoubleArray();
    assertThat(v).containsExactly(new double[] {0.6, 0.8, 0, 0}, within(1e-12));
  }

  @Test
  void gradientsOfAttentionAndWeightedPoolingsPassF64GradCheck() {
    Tensor h = Tensor.randn(7L, dev.limbic.tensor.DType.F64, 2, 4, 3).requiresGrad(true);
    int[] mask = {1, 1, 1, 0, 1, 1, 0, 0};
    for (TokenPooling p : List.of(TokenPooling.attn(), TokenPooling.attn(0.5), TokenPooling.mean(),
        TokenPooling.wmeanExpFast(), TokenPooling.cls())) {
      GradCheck.check("pooling " + p.name(), in -> p.pool(in.get(0), mask, null), List.of(h),
          GradCheck.Options.defaults()).assertOk();
      GradCheck.check("pooling " + p.name() + " + L2",
          in -> TokenPooling.l2Normalize(p.pool(in.get(0), mask, null)), List.of(h),
          GradCheck.Options.defaults()).assertOk();
    }
  }
}
