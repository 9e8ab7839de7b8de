package dev.limbic.tensor;

/**
 * One recorded operation: its differentiable inputs, the tensors its backward rule needs (with their storage
 * versions at save time) and the rule itself. Saved tensors are dropped after backward unless the graph is
 * retained, so a second backward through the same node fails with a clear message instead of wrong numbers.
 */
final class Node {

    /** Gradient rule: given the output gradient and the saved tensors, the gradient of each input (null = none). */
    @FunctionalInterface
    interface Rule {
        Tensor[] apply(Tensor gradOut, Tensor[] saved);
    }

    /**
     * A rule that may accumulate an input's gradient straight into a buffer the engine owns ({@code sinks[i]},
     * contiguous, of the input's shape and dtype, or null) instead of returning a fresh tensor: a weight used at
     * every step of a recurrence then costs one in-place GEMM per step, not a GEMM, an allocation and an add.
     * Returning {@code sinks[i]} itself for input {@code i} tells the engine that gradient is already added.
     */
    interface SinkRule extends Rule {
        Tensor[] apply(Tensor gradOut, Tensor[] saved, Tensor[] sinks);

        @Override
        default Tensor[] apply(Tensor gradOut, Tensor[] saved) {
            return apply(gradOut, saved, null);
        }
    }

    final String op;
    final Tensor[] inputs;
    private Tensor[] saved;
    private final int[] savedVersions;
    private final Rule rule;
    private boolean released;

    Node(String op, Tensor[] inputs, Tensor[] saved, Rule rule) {
        this.op = op;
        this.inputs = inputs;
        this.saved = saved;
        this.savedVersions = new int[saved.length];
        for (int i = 0; i < saved.length; i++) {
            savedVersions[i] = saved[i] == null ? 0 : saved[i].storage().version();
        }
        this.rule = rule;
    }

    boolean acceptsSinks() {
        return rule instanceof SinkRule;
    }

    Tensor[] backward(Tensor gradOut) {
        return backward(gradOut, null);
    }

    Tensor[] backward(Tensor gradOut, Tensor[] sinks) {
        if (released) {
            throw new IllegalStateException("backward through the graph a second time (op '" + op + "'): its saved "
                    + "tensors were freed after the first backward; call backward(seed, true) to retain the graph");
        }
        for (int i = 0; i < saved.length; i++) {
            Tensor s = saved[i];
            if (s != null && s.storage().version() != savedVersions[i]) {
                throw new IllegalStateException("a tensor of shape " + Shapes.str(s.shape()) + " saved by op '" + op
                        + "' for the backward pass was modified in place (version " + s.storage().version()
                        + ", expected " + savedVersions[i] + "); clone it before modifying it");
            }
        }
        return sinks != null && rule instanceof SinkRule sr ? sr.apply(gradOut, saved, sinks)
                : rule.apply(gradOut, saved);
    }

    void release() {
        saved = null;
        released = true;
    }
}
