package dev.limbic.models.liminal;

/**
 * Shape and behaviour of a {@link TinyRecursiveModel} (MODELS.md §1.0).
 *
 * @param version          which parts the model has
 * @param inputDim         size of the incoming sentence embedding (384 for MiniLM), projected to {@code d}
 * @param d                latent width (128)
 * @param outerIterations  K, outer iterations (5)
 * @param innerIterations  latent refinements per outer iteration (4)
 * @param affectWeight     w_a, weight of the gated affect injection (0.3)
 * @param originalReadout  fidelity: v1/v2 read PAD as (tanh, σ, σ) of y[:, 0:3] as in the notebook; the default
 *                         (false) reads tanh(y[:, 0:3]) in the scaled units t = (v − 3)/2 like the v3 head
 */
public record LiminalConfig(LiminalVersion version, int inputDim, int d, int outerIterations, int innerIterations,
    double affectWeight, boolean originalReadout) {

  public static final int DEFAULT_INPUT_DIM = 384;
  public static final int DEFAULT_D = 128;
  public static final int DEFAULT_K = 5;
  public static final int DEFAULT_INNER = 4;
  public static final double DEFAULT_AFFECT_WEIGHT = 0.3;

  public LiminalConfig {
    if (version == null) {
      throw new IllegalArgumentException("LiminalConfig: version must not be null");
    }
    if (inputDim <= 0 || d <= 0 || d % 4 != 0) {
      throw new IllegalArgumentException("LiminalConfig: inputDim must be positive and d a positive multiple of 4, "
          + "got inputDim=" + inputDim + " d=" + d);
    }
    if (outerIterations < 1 || innerIterations < 1) {
      throw new IllegalArgumentException("LiminalConfig: outer and inner iterations must be >= 1, got K="
          + outerIterations + " inner=" + innerIterations);
    }
    if (!Double.isFinite(affectWeight)) {
      throw new IllegalArgumentException("LiminalConfig: affectWeight must be finite, got " + affectWeight);
    }
  }

  /** The defaults of MODELS.md §1.0 for a version: 384 → 128, K 5, 4 inner iterations, w_a 0.3. */
  public static LiminalConfig of(LiminalVersion version) {
    return new LiminalConfig(version, DEFAULT_INPUT_DIM, DEFAULT_D, DEFAULT_K, DEFAULT_INNER, DEFAULT_AFFECT_WEIGHT,
        false);
  }

  public LiminalConfig withInputDim(int value) {
    return new LiminalConfig(version, value, d, outerIterations, innerIterations, affectWeight, originalReadout);
  }

  public LiminalConfig withOuterIterations(int value) {
    return new LiminalConfig(version, inputDim, d, value, innerIterations, affectWeight, originalReadout);
  }

  public LiminalConfig withOriginalReadout(boolean value) {
    return new LiminalConfig(version, inputDim, d, outerIterations, innerIterations, affectWeight, value);
  }
}
