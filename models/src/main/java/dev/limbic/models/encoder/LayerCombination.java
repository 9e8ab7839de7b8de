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
 * <tr><td>{@code concat_all}</td><td>{@code [H_1; H_2; …; H_L]}: every layer's output side by side,
 * {@code (B, T, L·H)} (Limbic's addition, not the seed's)</td></tr>
 * <tr><td>{@code concat:i,j,…}</td><td>{@code [H_i; H_j; …]}, 0 = the embeddings output</td></tr>
 * </table>
 *
 * <p>The concatenations keep each layer as its own block of {@code H} columns: token pooling works per column, so
 * pooling the concatenation equals concatenating the pooled layers, and {@link TransformerSentenceEncoder}
 * L2-normalises each block on its own (every layer weighs the same whatever its scale). For frozen features they
 * carry what the lower layers know (lexical, sentiment-bearing words) that the last layer's sentence embedding has
 * partly traded for paraphrase similarity; see docs/liminal.md for what that is worth on EmoBank.
 *
 * @param name    the seed's {@code --layer} value
 * @param weights null for {@code last}, {@code avg_last4} and the concatenations; else the four weights on
 *                {@code H_{L-3} … H_L}
 * @param concatLayers the hidden-state indices to concatenate (0 = embeddings output, i = layer i), empty for every
 *                layer {@code 1 … L}; null when not a concatenation
 */
public record LayerCombination(String name, double[] weights, int[] concatLayers) {
  private static final double WEIGHT_EPS = 1e-8;

  /** A weighted or plain combination (no concatenation). */
  public LayerCombination(String name, double[] weights) {
    this(name, weights, null);
  }

  public LayerCombination {
    if (concatLayers != null) {
      if (weights != null) {
        throw new IllegalArgumentException("LayerCombination " + name + ": a concatenation takes no weights");
      }
      concatLayers = concatLayers.clone();
      for (int i : concatLayers) {
        if (i < 0) {
          throw new IllegalArgumentException("LayerCombination " + name + ": layer index " + i + " is negative");
        }
      }
    }
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

  /** Every layer's output ({@code H_1 … H_L}, not the embeddings) side by side: {@code (B, T, L·H)}. */
  public static LayerCombination concatAll() {
    return new LayerCombination("concat_all", null, new int[0]);
  }

  /** The given hidden states side by side (0 = embeddings output, i = layer i's output). */
  public static LayerCombination concat(int... hiddenStateIndices) {
    if (hiddenStateIndices.length == 0) {
      throw new IllegalArgumentException("concat needs at least one layer index (concatAll() takes every layer)");
    }
    return new LayerCombination("concat", null, hiddenStateIndices);
  }

  /**
   * The named presets (the weight-taking {@code last4_scalar} with its default (1, 1, 1, 1)), {@code concat_all} and
   * {@code concat:i,j,…}.
   */
  public static LayerCombination byName(String name) {
    if (name.startsWith("concat:")) {
      String[] parts = name.substring("concat:".length()).split(",");
      int[] idx = new int[parts.length];
      for (int i = 0; i < parts.length; i++) {
        try {
          idx[i] = Integer.parseInt(parts[i].trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("layer combination '" + name + "': '" + parts[i]
              + "' is not a layer index (expected concat:i,j,… with 0 = embeddings, 1…L = layers)");
        }
      }
      return concat(idx);
    }
    return switch (name) {
      case "concat_all" -> concatAll();
      case "last" -> last();
      case "avg_last4" -> avgLast4();
      case "last4_scalar" -> last4Scalar(1, 1, 1, 1);
      case "last4_scalar_up" -> last4ScalarUp();
      case "last4_scalar_down" -> last4ScalarDown();
      case "last4_scalar_top2" -> last4ScalarTop2();
      default -> throw new IllegalArgumentException("unknown layer combination '" + name + "' (last, avg_last4, "
          + "last4_scalar, last4_scalar_up, last4_scalar_down, last4_scalar_top2, concat_all, concat:i,j,…)");
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
    if (concatLayers != null) {
      int[] idx = concatIndices(n - 1);
      if (idx.length == 1) {
        return hiddenStates.get(idx[0]);
      }
      List<Tensor> parts = new java.util.ArrayList<>(idx.length);
      for (int i : idx) {
        parts.add(hiddenStates.get(i));
      }
      return Tensor.cat(parts, hiddenStates.get(0).dim() - 1);   // (B, T, blocks·H)
    }
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

  /**
   * The hidden-state indices a concatenation takes from a model of {@code layers} layers (checked against it), or
   * null when this is not a concatenation.
   */
  public int[] concatIndices(int layers) {
    if (concatLayers == null) {
      return null;
    }
    if (concatLayers.length == 0) {
      int[] all = new int[layers];
      for (int i = 0; i < layers; i++) {
        all[i] = i + 1;
      }
      return all;
    }
    for (int i : concatLayers) {
      if (i > layers) {
        throw new IllegalArgumentException("layer combination " + describe() + ": layer " + i + " does not exist "
            + "(the model has " + layers + " layers; 0 = embeddings output)");
      }
    }
    return concatLayers.clone();
  }

  /** How many blocks of {@code H} columns {@link #combine} returns for a model of {@code layers} layers. */
  public int blocks(int layers) {
    return concatLayers == null ? 1 : concatIndices(layers).length;
  }

  /** A stable text form for model ids and cache keys ({@link #byName} reads it back for every non-weighted kind). */
  public String describe() {
    if (concatLayers != null) {
      // the byName form, so a model id read back from a run rebuilds the same encoder
      return concatLayers.length == 0 ? name : "concat:" + Arrays.stream(concatLayers).mapToObj(Integer::toString)
          .collect(java.util.stream.Collectors.joining(","));
    }
    return weights == null ? name : name + Arrays.toString(weights);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LayerCombination c && c.name.equals(name) && Arrays.equals(c.weights, weights)
        && Arrays.equals(c.concatLayers, concatLayers);
  }

  @Override
  public int hashCode() {
    return (name.hashCode() * 31 + Arrays.hashCode(weights)) * 31 + Arrays.hashCode(concatLayers);
  }

  @Override
  public String toString() {
    return describe();
  }
}
