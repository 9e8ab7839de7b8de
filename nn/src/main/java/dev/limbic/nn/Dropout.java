package dev.limbic.nn;

import dev.limbic.tensor.Tensor;
import java.util.random.RandomGenerator;

/** Inverted dropout: in training, zero each element with probability p and scale the rest by 1/(1−p). */
public final class Dropout extends Module implements Layer {
    private final double p;
    private final RandomGenerator rng;

    /** The generator makes masks reproducible: same seed, same masks. */
    public Dropout(double p, RandomGenerator rng) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
        this.p = p;
        this.rng = rng;
    }

    @Override
    public Tensor forward(Tensor x) {
        return p == 0 || !isTraining() ? x : x.dropout(p, true, rng);
    }

    public double p() {
        return p;
    }
}
