package dev.limbic.models.liminal;

import dev.limbic.tensor.Tensor;
import java.util.List;

/**
 * What one forward pass of a {@link TinyRecursiveModel} returns.
 *
 * @param y          {@code (B, d)} final answer state
 * @param confidence one value per outer iteration: the batch mean of the affect gate (0 without affect input);
 *                   detached, as in the original
 * @param pad        {@code (B, 3)} valence/arousal/dominance in scaled units t = (v − 3)/2 ∈ (−1, 1)
 * @param rinse      {@code (d/4)} the v4 RINSE introspection vector for the whole batch, else null
 * @param attention  {@code (B, K, K)} the attention map of the last outer iteration (v2+; for K = 1 a (B, 1, 1) map
 *                   of ones), else null
 * @param soul       the v6 SoulKernel read-outs, one per outer iteration; empty for other versions
 */
public record LiminalOutput(Tensor y, double[] confidence, Tensor pad, Tensor rinse, Tensor attention,
    List<SoulReading> soul) {

  public LiminalOutput {
    confidence = confidence.clone();
    soul = List.copyOf(soul);
  }

  @Override
  public double[] confidence() {
    return confidence.clone();
  }

  /** The mean of the per-iteration confidences. */
  public double meanConfidence() {
    double s = 0;
    for (double c : confidence) {
      s += c;
    }
    return confidence.length == 0 ? 0 : s / confidence.length;
  }
}
