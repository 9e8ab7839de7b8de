package dev.limbic.nn.loss;

import dev.limbic.tensor.Tensor;

/** A loss function: {@code input} (predictions, logits or log-probabilities) against {@code target}. */
@FunctionalInterface
public interface Loss {
    Tensor forward(Tensor input, Tensor target);
}
