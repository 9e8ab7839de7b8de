package dev.limbic.nn.loss;

import dev.limbic.tensor.Tensor;
import java.util.Objects;

/**
 * Mean squared error {@code (x − y)²} (PyTorch {@code F.mse_loss}). Input and target must have the same shape
 * and dtype; both may require grad.
 */
public record MSELoss(Reduction reduction) implements Loss {
    public MSELoss {
        Objects.requireNonNull(reduction, "reduction");
    }

    /** The mean over all elements. */
    public MSELoss() {
        this(Reduction.MEAN);
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        LossChecks.sameShapeFloating("MSELoss", input, target);
        Tensor d = input.sub(target);
        return Reduction.apply("MSELoss", d.mul(d), reduction);
    }
}
