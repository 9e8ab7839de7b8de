package dev.limbic.nn.loss;

import dev.limbic.tensor.Tensor;
import java.util.Arrays;

/** How a loss turns its per-element (or per-row) values into the returned tensor, as PyTorch's {@code reduction}. */
public enum Reduction {
    /** The average over elements (cross-entropy: the class-weighted average over the non-ignored rows). */
    MEAN,
    /** The sum over elements. */
    SUM,
    /** No reduction: one value per element (per row for classification losses). */
    NONE,
    /**
     * The sum divided by the batch size {@code input.size(0)}: the mathematically correct KL divergence per
     * sample. Only {@link KLDivLoss} accepts it; every other loss rejects it.
     */
    BATCH_MEAN;

    /** Reduces element-wise losses for MEAN / SUM / NONE; {@code loss} names the caller in errors. */
    static Tensor apply(String loss, Tensor elementwise, Reduction reduction) {
        return switch (reduction) {
            case NONE -> elementwise;
            case SUM -> elementwise.sum();
            case MEAN -> {
                if (elementwise.numel() == 0) {
                    throw new IllegalArgumentException(loss + ": the mean of an empty input (shape "
                            + Arrays.toString(elementwise.shape()) + ") is 0/0 (PyTorch returns NaN); use SUM");
                }
                yield elementwise.mean();
            }
            case BATCH_MEAN -> throw new IllegalArgumentException(loss + ": reduction BATCH_MEAN is only defined for "
                    + "KLDivLoss; use MEAN, SUM or NONE");
        };
    }
}
