package dev.limbic.nn.loss;

import dev.limbic.tensor.Tensor;
import java.util.Objects;

/**
 * Mean absolute error {@code |x − y|} (PyTorch {@code F.l1_loss}); the gradient at {@code x = y} is 0, as
 * PyTorch's {@code sign(0)}. Input and target must have the same shape and dtype.
 */
public record L1Loss(Reduction reduction) implements Loss {
    public L1Loss {
        Objects.requireNonNull(reduction, "reduction");
    }

    public L1Loss() {
        this(Reduction.MEAN);
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        LossChecks.sameShapeFloating("L1Loss", input, target);
        return Reduction.apply("L1Loss", input.sub(target).abs(), reduction);
    }
}
