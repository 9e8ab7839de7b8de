package dev.limbic.nn;

import dev.limbic.tensor.Tensor;

/** A module with one tensor in and one tensor out, so it can sit in a {@link Sequential}. */
public interface Layer {
    Tensor forward(Tensor x);
}
