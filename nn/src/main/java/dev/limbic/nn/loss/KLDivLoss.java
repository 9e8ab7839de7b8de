package dev.limbic.nn.loss;

import dev.limbic.tensor.Tensor;
import java.util.Objects;

/**
 * Kullback–Leibler divergence (PyTorch {@code F.kl_div}): {@code input} holds log-probabilities, {@code target}
 * probabilities (or log-probabilities when {@code logTarget}). Pointwise
 * {@code ℓ = t·(log t − x)} with {@code 0·log 0 = 0}, or {@code e^t·(t − x)} for log targets.
 * {@link Reduction#BATCH_MEAN} (sum / {@code input.size(0)}) is the true per-sample divergence; {@code MEAN}
 * divides by the element count, as PyTorch does. Both arguments may require grad.
 */
public record KLDivLoss(Reduction reduction, boolean logTarget) implements Loss {
    public KLDivLoss {
        Objects.requireNonNull(reduction, "reduction");
    }

    /** {@code batchmean}, probability targets. */
    public KLDivLoss() {
        this(Reduction.BATCH_MEAN, false);
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        String name = "KLDivLoss";
        LossChecks.sameShapeFloating(name, input, target);
        Tensor pointwise;
        if (logTarget) {
            pointwise = target.exp().mul(target.sub(input));
        } else {
            // xlogy(t, t): where t = 0 log sees 1 instead, so both the value and the gradient stay finite
            Tensor positive = target.gt(0.0);
            Tensor safe = Tensor.where(positive, target, Tensor.scalar(1.0, target.dtype()));
            pointwise = target.mul(safe.log()).sub(target.mul(input));
        }
        if (reduction == Reduction.BATCH_MEAN) {
            if (input.dim() > 0 && input.size(0) == 0) {
                throw new IllegalArgumentException(name + ": BATCH_MEAN of an empty batch (input shape "
                        + java.util.Arrays.toString(input.shape()) + ") is 0/0");
            }
            Tensor sum = pointwise.sum();
            return input.dim() == 0 ? sum : sum.div(input.size(0));
        }
        return Reduction.apply(name, pointwise, reduction);
    }
}
