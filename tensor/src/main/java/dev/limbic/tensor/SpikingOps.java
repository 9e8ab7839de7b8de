package dev.limbic.tensor;

import dev.limbic.tensor.backend.Backend;
import java.util.Arrays;

/**
 * Fused element-wise ops for spiking layers, each one backend kernel forward and one backward (a leaky LIF step
 * written with primitive ops costs five or six recorded ops and as many passes over the state; SNN training runs
 * it for every population at every one of ~100 time steps).
 *
 * <p>Reference decomposition (what the tests compare with): {@link #lifIntegrate} is
 * {@code v.mul(β).add(current).sub(v.gt(θ).mul(resetAmount))}, with the comparison's gradient replaced by the
 * surrogate when the reset is attached; {@link #surrogateGradient} is {@code g·σ'(x − θ)} with {@code σ'} from
 * {@link SpikeSurrogate#derivative}.
 */
public final class SpikingOps {
    private SpikingOps() {
    }

    /**
     * Leaky integration without a reset term: {@code u = β·v + current}.
     *
     * @see #lifIntegrate(Tensor, Tensor, double, double, double, boolean, SpikeSurrogate, double)
     */
    public static Tensor lifIntegrate(Tensor membrane, Tensor current, double beta) {
        return lifIntegrate(membrane, current, beta, 0.0, 0.0, false, SpikeSurrogate.HEAVISIDE, 1.0);
    }

    /**
     * One leaky integrate step with reset by subtraction computed from the incoming membrane (snntorch's
     * {@code Leaky} order): {@code u = β·v + current − resetAmount·H(v − θ)}, {@code H(0) = 0}, the comparison
     * made in the tensors' dtype. Gradients: {@code ∂u/∂current = 1}; {@code ∂u/∂v = β} when the reset is
     * detached (snntorch's default), or {@code β − resetAmount·σ'(v − θ)} when {@code resetAttached} (the spike
     * inside the reset then carries the surrogate gradient of {@code surrogate} with {@code alpha}).
     *
     * @param membrane    {@code v}, any shape; F32 or F64
     * @param current     input current, the same shape, dtype and backend as {@code membrane}
     * @param resetAmount the amount subtracted where {@code v > θ} (the threshold for snntorch's subtract reset,
     *                    0 for none)
     */
    public static Tensor lifIntegrate(Tensor membrane, Tensor current, double beta, double threshold,
                                      double resetAmount, boolean resetAttached, SpikeSurrogate surrogate,
                                      double alpha) {
        String op = "lifIntegrate";
        requireSameLayout(op, "membrane", membrane, "current", current);
        requireFinite(op, "beta", beta);
        requireFinite(op, "threshold", threshold);
        requireFinite(op, "resetAmount", resetAmount);
        if (surrogate == null) {
            throw new IllegalArgumentException(op + ": surrogate must not be null");
        }
        boolean surrogateUsed = resetAttached && resetAmount != 0.0;
        if (surrogateUsed) {
            surrogate.checkAlpha(op, alpha);
        }
        Tensor v;
        Tensor c;
        try (GradMode.Scope ignored = GradMode.noGrad()) {   // layout copies only; the op records its own node
            v = membrane.contiguous();
            c = current.contiguous();
        }
        Backend be = v.backend();
        Tensor out = Tensor.emptyLike(be, v.dtype(), v.shapeRef());
        be.lifIntegrate(v.storage(), v.offset(), c.storage(), c.offset(), out.storage(), 0, v.numel(), beta,
                threshold, resetAmount);
        boolean membraneNeedsGrad = membrane.requiresGrad();
        boolean currentNeedsGrad = current.requiresGrad();
        Tensor[] saved = surrogateUsed && membraneNeedsGrad ? new Tensor[] {v.detach()} : new Tensor[0];
        return Autograd.record(out, op, new Tensor[] {membrane, current}, saved, (g, s) -> {
            Tensor gv = null;
            if (membraneNeedsGrad) {
                gv = surrogateUsed ? surrogateKernel(s[0], g, threshold, surrogate, alpha, beta, -resetAmount)
                        : g.mul(beta);
            }
            return new Tensor[] {gv, currentNeedsGrad ? g : null};
        });
    }

    /**
     * The hand-written backward of a spike {@code S = H(x − θ)}: {@code gradOut·σ'(x − θ)} for the surrogate
     * {@code surrogate} with {@code alpha}, as one kernel. Records no graph (it is a backward rule, not an op).
     *
     * @param x       the pre-threshold input the spike saw (membrane), any shape; F32 or F64
     * @param gradOut gradient of the spikes, the same shape, dtype and backend as {@code x}
     */
    public static Tensor surrogateGradient(Tensor x, Tensor gradOut, double threshold, SpikeSurrogate surrogate,
                                           double alpha) {
        String op = "surrogateGradient";
        requireSameLayout(op, "x", x, "gradOut", gradOut);
        requireFinite(op, "threshold", threshold);
        if (surrogate == null) {
            throw new IllegalArgumentException(op + ": surrogate must not be null");
        }
        surrogate.checkAlpha(op, alpha);
        return surrogateKernel(x, gradOut, threshold, surrogate, alpha, 0.0, 1.0);
    }

    /** {@code g·(base + scale·σ'(x − θ))}, no graph. */
    private static Tensor surrogateKernel(Tensor x, Tensor g, double threshold, SpikeSurrogate surrogate, double alpha,
                                          double base, double scale) {
        Tensor xc = x.contiguous();
        Tensor gc = g.contiguous();
        Backend be = xc.backend();
        Tensor gx = Tensor.emptyLike(be, xc.dtype(), xc.shapeRef());
        be.spikeSurrogateBackward(surrogate, alpha, threshold, base, scale, xc.storage(), xc.offset(), gc.storage(),
                gc.offset(), gx.storage(), 0, xc.numel());
        return gx;
    }

    private static void requireSameLayout(String op, String aName, Tensor a, String bName, Tensor b) {
        if (a == null || b == null) {
            throw new IllegalArgumentException(op + ": " + (a == null ? aName : bName) + " must not be null");
        }
        if (!a.dtype().isFloating()) {
            throw new IllegalArgumentException(op + ": " + aName + " must be F32 or F64, got " + a.dtype());
        }
        if (!Arrays.equals(a.shapeRef(), b.shapeRef())) {
            throw new IllegalArgumentException(op + ": " + aName + " " + Shapes.str(a.shapeRef()) + " and " + bName
                    + " " + Shapes.str(b.shapeRef()) + " must have the same shape");
        }
        TensorOps.requireSameDtype(op, a, b);
    }

    private static void requireFinite(String op, String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(op + ": " + name + " must be finite, got " + value);
        }
    }
}
