package dev.limbic.nn;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.Tensor;
import java.util.random.RandomGenerator;

/** {@code y = x Wᵀ + b}; {@code weight} is {@code (out, in)} as in PyTorch; inputs are {@code (..., in)}. */
public final class Linear extends Module implements Layer {
    private final int inFeatures;
    private final int outFeatures;
    private final Parameter weight;
    private final Parameter bias;

    public Linear(int inFeatures, int outFeatures, boolean bias, RandomGenerator rng) {
        if (inFeatures <= 0 || outFeatures <= 0) {
            throw new IllegalArgumentException("Linear needs positive sizes, got in=" + inFeatures + " out="
                    + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = registerParameter("weight",
                Init.kaimingUniformA5(rng, inFeatures, DType.F32, outFeatures, inFeatures));
        this.bias = bias ? registerParameter("bias", Init.kaimingUniformA5(rng, inFeatures, DType.F32, outFeatures))
                : null;
    }

    public Linear(int inFeatures, int outFeatures, RandomGenerator rng) {
        this(inFeatures, outFeatures, true, rng);
    }

    public Linear(int inFeatures, int outFeatures, long seed) {
        this(inFeatures, outFeatures, true, Init.rng(seed));
    }

    @Override
    public Tensor forward(Tensor x) {
        return checkedInput(x).linear(weight.get(), bias == null ? null : bias.get());   // (..., out)
    }

    /** {@code x} after checking that its last dim is {@code inFeatures}. */
    Tensor checkedInput(Tensor x) {
        if (x.dim() == 0 || x.size(x.dim() - 1) != inFeatures) {
            throw new IllegalArgumentException("Linear(" + inFeatures + "→" + outFeatures + "): input shape "
                    + java.util.Arrays.toString(x.shape()) + " must end in " + inFeatures);
        }
        return x;
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias, or null when built without one. */
    public Parameter bias() {
        return bias;
    }

    public int inFeatures() {
        return inFeatures;
    }

    public int outFeatures() {
        return outFeatures;
    }
}
