package dev.limbic.nn.loss;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.LossOps;
import dev.limbic.tensor.Tensor;
import java.util.Objects;

/**
 * Focal loss of the SenticCrystal seed (MODELS.md §3.8): {@code CE_i = w[t_i]·(−log softmax(z_i)[t_i])},
 * {@code p_t = exp(−CE_i)}, {@code FL_i = α·(1 − p_t)^γ·CE_i}; {@link Reduction#MEAN} is the plain mean over the
 * (non-ignored) rows, <b>not</b> divided by the sum of the class weights. {@code p_t} is not detached: the gradient
 * flows through the modulating factor too. α is a scalar (not per class). Shapes as {@link CrossEntropyLoss}
 * (classes last); ignored rows give 0.
 *
 * @param alpha  scalar factor α (seed: 1.0)
 * @param gamma  focusing exponent γ ≥ 0 (seed: 1.2); γ = 0 is α·cross-entropy
 * @param weight per-class weights {@code (C)} (≥ 0) inside CE, or null
 */
public record FocalLoss(double alpha, double gamma, Tensor weight, long ignoreIndex, Reduction reduction)
        implements Loss {

    public FocalLoss {
        Objects.requireNonNull(reduction, "reduction");
        if (reduction == Reduction.BATCH_MEAN) {
            throw new IllegalArgumentException("FocalLoss: reduction BATCH_MEAN is only defined for KLDivLoss");
        }
        if (!Double.isFinite(alpha)) {
            throw new IllegalArgumentException("FocalLoss: alpha must be finite, got " + alpha);
        }
        if (!(gamma >= 0.0) || Double.isInfinite(gamma)) {
            throw new IllegalArgumentException("FocalLoss: gamma must be finite and >= 0, got " + gamma);
        }
        if (weight != null) {
            for (double w : weight.toDoubleArray()) {
                if (!(w >= 0.0)) {
                    throw new IllegalArgumentException("FocalLoss: class weights must be >= 0 (p_t = exp(−w·CE) "
                            + "must stay in [0, 1]), got " + w);
                }
            }
            weight = weight.detach();
        }
    }

    /** α, γ, no class weights, ignore_index −100, mean over the batch. */
    public FocalLoss(double alpha, double gamma) {
        this(alpha, gamma, null, CrossEntropyLoss.DEFAULT_IGNORE_INDEX, Reduction.MEAN);
    }

    public FocalLoss withWeight(Tensor classWeights) {
        return new FocalLoss(alpha, gamma, classWeights, ignoreIndex, reduction);
    }

    public FocalLoss withReduction(Reduction r) {
        return new FocalLoss(alpha, gamma, weight, ignoreIndex, r);
    }

    @Override
    public Tensor forward(Tensor logits, Tensor target) {
        Tensor[] flat = LossChecks.flattenClassesLast("FocalLoss", logits, target);
        Tensor ce = LossOps.crossEntropyRows(flat[0], flat[1], weight, ignoreIndex, 0.0);   // (N) CE_w
        Tensor perRow = alpha == 1.0 ? modulated(ce) : modulated(ce).mul(alpha);
        return switch (reduction) {
            case NONE -> perRow.reshape(target.shape());
            case SUM -> perRow.sum();
            case MEAN -> {
                int kept = LossChecks.countKept(flat[1], ignoreIndex);
                if (kept == 0) {
                    throw new IllegalArgumentException("FocalLoss (mean): " + (flat[1].numel() == 0
                            ? "the batch is empty" : "all " + flat[1].numel() + " targets equal ignore_index "
                            + ignoreIndex) + ", so the mean has no rows; use SUM or skip the batch");
                }
                yield perRow.sum().div(kept);
            }
            case BATCH_MEAN -> throw new IllegalStateException("rejected in the constructor");
        };
    }

    /** {@code (1 − exp(−ce))^γ · ce}. */
    private Tensor modulated(Tensor ce) {
        if (gamma == 0.0) {
            return ce;
        }
        Tensor base = ce.neg().exp().neg().add(1.0);   // 1 − p_t, in [0, 1]
        if (gamma < 1.0) {
            // d/dx x^γ = γ·x^(γ−1) is infinite at x = 0 (a perfectly confident row) for γ < 1; at the clamp the
            // gradient of this branch is 0 and its value is tiny·CE ≈ 0, which is the limit of the true function
            double tiny = ce.dtype() == DType.F64 ? Double.MIN_NORMAL : Float.MIN_NORMAL;
            base = base.clamp(tiny, 1.0);
        }
        return base.pow(gamma).mul(ce);
    }
}
