package dev.limbic.nn.spiking;

import dev.limbic.tensor.CustomOp;
import dev.limbic.tensor.GradMode;
import dev.limbic.tensor.SpikingOps;
import dev.limbic.tensor.Tensor;

/**
 * The spike non-linearity with a surrogate gradient: forward {@code S = H(x)} exactly, {@code H(x) = 1} for
 * {@code x > 0} and 0 otherwise (so {@code H(0) = 0}, as in snntorch and the golden fixtures; the Extended LIF
 * library fires at {@code x ≥ 0}, a difference that only matters on a measure-zero set); backward
 * {@code ∂S/∂x = surrogate.derivative(x, α)}. Spikes have the input's dtype (0.0/1.0).
 */
public final class Spike {
    private Spike() {
    }

    /** {@code H(x)} with the surrogate's gradient; {@code x} is the membrane minus the threshold. */
    public static Tensor apply(Tensor x, Surrogate surrogate, double alpha) {
        return apply(x, 0.0, surrogate, alpha);
    }

    /**
     * {@code H(v − θ)} for a scalar threshold without materialising {@code v − θ}: the comparison is made in
     * {@code v}'s dtype, like PyTorch's {@code v - θ > 0}.
     */
    public static Tensor apply(Tensor v, double threshold, Surrogate surrogate, double alpha) {
        if (v == null) {
            throw new IllegalArgumentException("Spike.apply: the input tensor must not be null");
        }
        if (!v.dtype().isFloating()) {
            throw new IllegalArgumentException("Spike.apply: the input must be F32 or F64, got " + v.dtype());
        }
        if (surrogate == null) {
            throw new IllegalArgumentException("Spike.apply: surrogate must not be null");
        }
        if (!Double.isFinite(threshold)) {
            throw new IllegalArgumentException("Spike.apply: threshold must be finite, got " + threshold);
        }
        surrogate.checkAlpha("Spike.apply", alpha);
        Tensor spikes;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            spikes = v.gt(threshold);
        }
        return CustomOp.record("spike(" + surrogate.originalName() + ")", spikes, new Tensor[] {v},
                new Tensor[] {v.detach()},
                (g, saved) -> new Tensor[] {
                    SpikingOps.surrogateGradient(saved[0], g, threshold, surrogate.kernel(), alpha)});
    }
}
