package dev.limbic.models.encoder;

import dev.limbic.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Which token states a sentence embedding is pooled from (MODELS.md §3.2). {@code H_{L-3} … H_L} are the last
 * four entries of the hidden-state list (outputs of the last four layers; the embeddings output is entry 0 and is
 * never among them for a model of four or more layers).
 *
 * <table>
 * <tr><th>name</th><th>states</th></tr>
 * <tr><td>{@code last}</td><td>{@code H_L}</td></tr>
 * <tr><td>{@code avg_last4}</td><td>{@code (H_{L-3} + H_{L-2} + H_{L-1} + H_L) / 4}</td></tr>
 * <tr><td>{@code last4_scalar}</td><td>{@code Σ w_i H_i / (Σ w_i + 1e-8)}, default weights (1, 1, 1, 1)</td></tr>
 * <tr><td>{@code last4_scalar_up}</td><td>weights (0.1, 0.2, 0.3, 0.4)</td></tr>
 * <tr><td>{@code last4_scalar_down}</td><td>weights (0.4, 0.3, 0.2, 0.1)</td></tr>
 * <tr><td>{@code last4_scalar_top2}</td><td>4-way flat: (0, 0, 0.5, 0.5); 6-way flat and hierarchical:
 * (0, 0.5, 0.5, 0)</td></tr>
 * </table>
 *
 * @param name    the seed's {@code --layer} value
 * @param weights null for {@code last} and {@code avg_last4}; else the four weights on {@code H_{L-3} … H_L}
 */
public record LayerCombination(String name, double[] weights) {
  private static final double WEIGHT_EPS = 1e-8;

  public LayerCombination {
    if (weights != null) {
      if (weights.length != 4) {
        throw new IllegalArgumentException("LayerCombination " + name + ": needs 4 weights (H_L-3 … H_L), got "
            + weights.length);
      }
      weights = weights.clone();
    }
  }

  public static LayerCombination last() {
    return new LayerCombination("last", null);
  }

  public static LayerCombination avgLast4() {
    return new LayerCombination("avg_last4", null);
  }

  /** {@code Σ w_i H_i / (Σ w_i + 1e-8)} over the last four layers with the caller's weights. */
  public static LayerCombination last4Scalar(double w1, double w2, double w3, double w4) {
    return new LayerCombination("last4_scalar", new double[] {w1, w2, w3, w4});
  }

  public static LayerCombination last4ScalarUp() {
    return new LayerCombination("last4_scalar_up", new double[] {0.1, 0.2, 0.3, 0.4});
  }

  public static LayerCombination last4ScalarDown() {
    return new LayerCombination("last4_scalar_down", new double[] {0.4, 0.3, 0.2, 0.1});
  }

  /** The 4-way flat generator's top-2 preset: the last two layers, (0, 0, 0.5, 0.5). */
  public static LayerCombination last4ScalarTop2FlatFourWay() {
    return new LayerCombination("last4_scalar_top2", new double[] {0, 0, 0.5, 0.5});
  }

  /** The 6-way flat and hierarchical generators' top-2 preset: the middle two, (0, 1, 1, 0)/2. */
  public static LayerCombination last4ScalarTop2() {
    return new LayerCombination("last4_scalar_top2", new double[] {0, 0.5, 0.5, 0});
  }

  /** The named presets (the weight-taking {@code last4_scalar} with its default (1, 1, 1, 1)). */
  public static LayerCombination byName(String name) {
    return switch (name) {
      case "last" -> last();
      case "avg_last4" -> avgLast4();
      case "last4_scalar" -> last4Scalar(1, 1, 1, 1);
      case "last4_scalar_up" -> last4ScalarUp();
      case "last4_scalar_down" -> last4ScalarDown();
      case "last4_scalar_top2" -> last4ScalarTop2();
      default -> throw new IllegalArgumentException("unknown layer combination '" + name + "' (last, avg_last4, "
          + "last4_scalar, last4_scalar_up, last4_scalar_down, last4_scalar_top2)");
    };
  }

  /**
   * Combines hidden states.
   *
   * @param hiddenStates embeddings output then every layer's output, each {@code (B, T, H)}
   * @return {@code (B, T, H)}
   */
  public Tensor combine(List<Tensor> hiddenStates) {
    int n = hiddenStates.size();
    if (name.equals("last")) {
      return hiddenStates.get(n - 1);
    }
    if (n < 5) {
      throw new IllegalArgumentException("layer combination " + name + " needs the outputs of 4 layers, but the "
          + "model has " + (n - 1) + " layer(s)");
    }
    List<Tensor> last4 = hiddenStates.subList(n - 4, n);
    if (weights == null) {   // avg_last4: plain sum then / 4
      return last4.get(0).add(last4.get(1)).add(last4.get(2)).add(last4.get(3)).div(4.0);
    }
    double total = 0;
    Tensor sum = null;
    for (int i = 0; i < 4; i++) {
      total += weights[i];
      Tensor term = last4.get(i).mul(weights[i]);
      sum = sum == null ? term : sum.add(term);
    }
    return sum.div(total + WEIGHT_EPS);
  }

  /** A stable text form for model ids and cache keys. */
  public String describe() {
    return weights == null ? name : name + Arrays.toString(weights);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LayerCombination c && c.name.equals(name) && Arrays.equals(c.weights, weights);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(weights);
  }

  @Override
  public String toString() {
    return describe();
  }
}
