package dev.limbic.tensor;

import java.util.Arrays;

/**
 * Public hook for ops whose backward is written by hand outside this package (PyTorch's
 * {@code autograd.Function}): a surrogate-gradient spike, a fused recurrent cell, a straight-through estimator.
 *
 * <p>Compute the forward result under {@link GradMode#noGrad()} (or from tensors that do not require grad), then
 * call {@link #record}: when grad mode is on and an input requires grad, a node is attached so backward calls
 * {@code rule} with the output gradient and the saved tensors. The rule runs under no-grad mode and must return
 * one gradient per input, each of that input's exact shape, or {@code null} for "no gradient". Saved tensors
 * are version-checked like built-in ops: modifying one in place before backward fails with a message naming
 * the op.
 *
 * <p>An op with several outputs packs them into one tensor and hands out views (for example {@code (B, 2, H)}
 * for an LSTM cell's {@code h} and {@code c}); the gradients of the views meet in the packed gradient.
 */
public final class CustomOp {
    private CustomOp() {
    }

    /** Gradient rule: the gradient of each input (null = none) from the output gradient and the saved tensors. */
    @FunctionalInterface
    public interface Backward {
        Tensor[] apply(Tensor gradOut, Tensor[] saved);
    }

    /**
     * Attaches the op {@code name} to {@code out} if any input requires grad (and grad mode is on).
     *
     * @param out    the forward result; must be a fresh tensor with no history of its own
     * @param inputs the op's differentiable inputs, in the order the rule returns their gradients (null entries
     *               are allowed and get no gradient)
     * @param saved  tensors the rule reads (may be empty)
     * @return {@code out}
     */
    public static Tensor record(String name, Tensor out, Tensor[] inputs, Tensor[] saved, Backward rule) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("CustomOp.record: the op needs a name (it appears in error messages)");
        }
        if (out.node() != null || out.requiresGrad()) {
            throw new IllegalArgumentException("CustomOp.record('" + name + "'): the output already has autograd "
                    + "history (" + (out.node() != null ? "made by '" + out.node().op + "'" : "it requires grad")
                    + "); compute the forward under GradMode.noGrad() or from detached inputs");
        }
        Tensor[] ins = inputs.clone();
        Tensor[] sv = saved == null ? new Tensor[0] : saved.clone();
        return Autograd.record(out, name, ins, sv, (g, s) -> {
            Tensor[] grads = rule.apply(g, s);
            if (grads == null || grads.length != ins.length) {
                throw new IllegalStateException("custom op '" + name + "' returned "
                        + (grads == null ? "null" : grads.length + " gradients") + " for " + ins.length + " inputs");
            }
            for (int i = 0; i < ins.length; i++) {
                if (grads[i] != null && ins[i] != null && !Arrays.equals(grads[i].shape(), ins[i].shape())) {
                    throw new IllegalStateException("custom op '" + name + "' returned a gradient of shape "
                            + Shapes.str(grads[i].shape()) + " for input " + i + " of shape "
                            + Shapes.str(ins[i].shape()));
                }
            }
            return grads;
        });
    }
}
