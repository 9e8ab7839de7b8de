package dev.limbic.nn.loss;

import dev.limbic.tensor.LossOps;
import dev.limbic.tensor.Tensor;
import java.util.Objects;

/**
 * Cross-entropy on logits against class indices (PyTorch 1.13 {@code F.cross_entropy}), on the fused kernel of
 * {@link LossOps}: class weights, {@code ignore_index} (default −100) and label smoothing, where the mean is
 * {@code Σ w[t]·ℓ / Σ w[t]} over the non-ignored rows.
 *
 * <p>Shapes: logits {@code (N, C)} with target {@code (N)}, a single {@code (C)} row with a 0-d target, or
 * <b>classes last</b> {@code (..., C)} with target {@code (...)} (batch-first sequence models give
 * {@code (B, T, C)} and {@code (B, T)}). PyTorch's {@code (N, C, d…)} layout is not guessed at: move the class dim
 * last first. {@link Reduction#NONE} returns the target's shape (ignored positions hold 0).
 *
 * <p>When every target is ignored, the MEAN has no rows; PyTorch returns NaN, Limbic throws an
 * {@link IllegalArgumentException} saying so (SUM gives 0). The weight gets no gradient.
 *
 * @param weight         per-class weights {@code (C)} of the logits' dtype, or null
 * @param ignoreIndex    target value that contributes neither loss nor gradient
 * @param labelSmoothing ε in [0, 1]: the target distribution is {@code (1 − ε)·onehot + ε/C}
 */
public record CrossEntropyLoss(Tensor weight, long ignoreIndex, double labelSmoothing, Reduction reduction)
        implements Loss {

    /** PyTorch's default ignore_index. */
    public static final long DEFAULT_IGNORE_INDEX = -100;

    public CrossEntropyLoss {
        Objects.requireNonNull(reduction, "reduction");
        if (reduction == Reduction.BATCH_MEAN) {
            throw new IllegalArgumentException("CrossEntropyLoss: reduction BATCH_MEAN is only defined for "
                    + "KLDivLoss; use MEAN, SUM or NONE");
        }
        if (!(labelSmoothing >= 0.0 && labelSmoothing <= 1.0)) {
            throw new IllegalArgumentException("CrossEntropyLoss: label_smoothing must be in [0, 1], got "
                    + labelSmoothing);
        }
        weight = weight == null ? null : weight.detach();
    }

    /** Mean reduction, no weights, ignore_index −100, no smoothing. */
    public CrossEntropyLoss() {
        this(null, DEFAULT_IGNORE_INDEX, 0.0, Reduction.MEAN);
    }

    public CrossEntropyLoss(Reduction reduction) {
        this(null, DEFAULT_IGNORE_INDEX, 0.0, reduction);
    }

    public CrossEntropyLoss withWeight(Tensor classWeights) {
        return new CrossEntropyLoss(classWeights, ignoreIndex, labelSmoothing, reduction);
    }

    public CrossEntropyLoss withIgnoreIndex(long index) {
        return new CrossEntropyLoss(weight, index, labelSmoothing, reduction);
    }

    public CrossEntropyLoss withLabelSmoothing(double epsilon) {
        return new CrossEntropyLoss(weight, ignoreIndex, epsilon, reduction);
    }

    public CrossEntropyLoss withReduction(Reduction r) {
        return new CrossEntropyLoss(weight, ignoreIndex, labelSmoothing, r);
    }

    @Override
    public Tensor forward(Tensor logits, Tensor target) {
        Tensor[] flat = LossChecks.flattenClassesLast("CrossEntropyLoss", logits, target);
        return switch (reduction) {
            case MEAN -> LossOps.crossEntropyMean(flat[0], flat[1], weight, ignoreIndex, labelSmoothing);
            case SUM -> LossOps.crossEntropySum(flat[0], flat[1], weight, ignoreIndex, labelSmoothing);
            case NONE -> LossOps.crossEntropyRows(flat[0], flat[1], weight, ignoreIndex, labelSmoothing)
                    .reshape(target.shape());
            case BATCH_MEAN -> throw new IllegalStateException("rejected in the constructor");
        };
    }
}
