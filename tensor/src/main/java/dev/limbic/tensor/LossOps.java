package dev.limbic.tensor;

import dev.limbic.tensor.backend.Backend;

/**
 * Fused loss kernels with hand-written backward, for the loss classes of the {@code nn} module (which may not
 * see backend classes). Cross-entropy runs as one kernel per pass: the forward computes each row's
 * log-sum-exp and loss without materialising log-probabilities, the backward rebuilds the softmax from the saved
 * log-sum-exp ({@code p − onehot}, scaled by the class weight and spread by label smoothing), so nothing of size
 * {@code (N, C)} is kept between the passes except the logits themselves.
 *
 * <p>Semantics are PyTorch 1.13's {@code F.cross_entropy} on {@code (N, C)} logits and class-index targets:
 * class weights {@code w}, {@code ignore_index}, label smoothing ε (with weights:
 * {@code (1 − ε)·w[t]·nll + (ε/C)·Σ_c w[c]·(−log p_c)} per row), and the mean divides by
 * {@code Σ w[t]} over the non-ignored rows. The weight is a constant (no gradient), as in PyTorch.
 */
public final class LossOps {
    private LossOps() {
    }

    /**
     * Per-row cross-entropy {@code (N)}: ignored rows give 0. Differentiable with respect to {@code logits}.
     *
     * @param logits         {@code (N, C)} F32 or F64
     * @param target         {@code (N)} I64 or I32 class indices in {@code [0, C)} or {@code ignoreIndex}
     * @param weight         {@code (C)} class weights of the logits' dtype, or null
     * @param labelSmoothing ε in {@code [0, 1]}
     */
    public static Tensor crossEntropyRows(Tensor logits, Tensor target, Tensor weight, long ignoreIndex,
                                          double labelSmoothing) {
        Checked c = check("cross_entropy", logits, target, weight, ignoreIndex, labelSmoothing);
        Tensor rows = c.forward();
        return Autograd.record(rows, "cross_entropy", new Tensor[] {logits}, c.saved(),
                (g, s) -> new Tensor[] {c.backward(s, g, g.offset(), g.dim() == 0 ? 0 : g.stridesRef()[0], 1.0)});
    }

    /** {@code Σ_rows} of {@link #crossEntropyRows}, a 0-d tensor (PyTorch's {@code reduction='sum'}). */
    public static Tensor crossEntropySum(Tensor logits, Tensor target, Tensor weight, long ignoreIndex,
                                         double labelSmoothing) {
        Checked c = check("cross_entropy", logits, target, weight, ignoreIndex, labelSmoothing);
        return reduced(logits, c, 1.0, false);
    }

    /**
     * {@code Σ_rows / Σ_{non-ignored rows} w[t]}, a 0-d tensor (PyTorch's {@code reduction='mean'}).
     *
     * @throws IllegalArgumentException when every target is ignored (or the batch is empty) or the weights of
     *                                  the non-ignored targets sum to 0: PyTorch returns NaN there, Limbic says
     *                                  so instead (use the sum, or skip the batch)
     */
    public static Tensor crossEntropyMean(Tensor logits, Tensor target, Tensor weight, long ignoreIndex,
                                          double labelSmoothing) {
        Checked c = check("cross_entropy", logits, target, weight, ignoreIndex, labelSmoothing);
        if (c.counted == 0) {
            throw new IllegalArgumentException("cross_entropy (mean): " + (c.rows == 0 ? "the batch is empty"
                    : "all " + c.rows + " targets equal ignore_index " + ignoreIndex)
                    + ", so the mean has no rows (PyTorch returns NaN); use the sum reduction or skip the batch");
        }
        if (c.weightSum == 0.0) {
            throw new IllegalArgumentException("cross_entropy (mean): the class weights of the " + c.counted
                    + " non-ignored targets sum to 0, so the weighted mean is 0/0 (PyTorch returns NaN)");
        }
        return reduced(logits, c, c.weightSum, true);
    }

    /**
     * {@code Σ_{rows not ignored} w[t]} (the weighted mean's denominator; the count of non-ignored rows when
     * {@code weight} is null), with the same checks as the loss.
     */
    public static double crossEntropyWeightSum(Tensor logits, Tensor target, Tensor weight, long ignoreIndex) {
        return check("cross_entropy", logits, target, weight, ignoreIndex, 0.0).weightSum;
    }

    private static Tensor reduced(Tensor logits, Checked c, double divisor, boolean mean) {
        Tensor out;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            Tensor total = c.forward().sum();
            out = mean ? total.div(divisor) : total;
        }
        double scale = 1.0 / divisor;
        return Autograd.record(out.detach(), mean ? "cross_entropy_mean" : "cross_entropy_sum",
                new Tensor[] {logits}, c.saved(), (g, s) -> new Tensor[] {c.backward(s, g, g.offset(), 0, scale)});
    }

    // ------------------------------------------------------------------ checks and kernels

    /** Validated, contiguous operands; {@code lse} is filled by {@link #forward()}. */
    private static final class Checked {
        final Tensor logits;    // (N, C) contiguous
        final Tensor target;    // (N) contiguous
        final Tensor weight;    // (C) contiguous or null
        final long ignoreIndex;
        final double labelSmoothing;
        final int rows;
        final int cols;
        final int counted;      // non-ignored rows
        final double weightSum; // Σ w[t] over non-ignored rows
        Tensor lse;             // (N) log-sum-exp per row

        Checked(Tensor logits, Tensor target, Tensor weight, long ignoreIndex, double labelSmoothing, int counted,
                double weightSum) {
            this.logits = logits;
            this.target = target;
            this.weight = weight;
            this.ignoreIndex = ignoreIndex;
            this.labelSmoothing = labelSmoothing;
            this.rows = logits.shapeRef()[0];
            this.cols = logits.shapeRef()[1];
            this.counted = counted;
            this.weightSum = weightSum;
        }

        /** Runs the forward kernel: per-row losses {@code (N)}; keeps the log-sum-exp. */
        Tensor forward() {
            Backend be = logits.backend();
            Tensor loss = Tensor.emptyLike(be, logits.dtype(), new int[] {rows});
            lse = Tensor.emptyLike(be, logits.dtype(), new int[] {rows});
            be.crossEntropy(logits.storage(), logits.offset(), rows, cols, target.storage(), target.offset(),
                    weight == null ? null : weight.storage(), ignoreIndex, labelSmoothing, loss.storage(), 0,
                    lse.storage(), 0);
            return loss;
        }

        Tensor[] saved() {
            return new Tensor[] {logits, target, weight, lse};
        }

        /** Gradient of the logits {@code (N, C)} from the upstream gradient {@code g} (strided over rows). */
        Tensor backward(Tensor[] s, Tensor g, int gOff, int gStride, double scale) {
            Tensor x = s[0];
            Tensor t = s[1];
            Tensor w = s[2];
            Tensor l = s[3];
            Backend be = x.backend();
            Tensor gx = Tensor.emptyLike(be, x.dtype(), x.shapeRef());
            be.crossEntropyBackward(x.storage(), x.offset(), rows, cols, t.storage(), t.offset(),
                    w == null ? null : w.storage(), ignoreIndex, labelSmoothing, l.storage(), l.offset(),
                    g.storage(), gOff, gStride, scale, gx.storage(), 0);
            return gx;
        }
    }

    private static Checked check(String op, Tensor logits, Tensor target, Tensor weight, long ignoreIndex,
                                 double labelSmoothing) {
        if (logits == null || target == null) {
            throw new IllegalArgumentException(op + ": logits and target must not be null");
        }
        if (!logits.dtype().isFloating()) {
            throw new IllegalArgumentException(op + ": logits must be F32 or F64, got " + logits.dtype());
        }
        if (logits.dim() != 2) {
            throw new IllegalArgumentException(op + ": logits must be (N, C), got shape "
                    + Shapes.str(logits.shapeRef()));
        }
        int n = logits.shapeRef()[0];
        int classes = logits.shapeRef()[1];
        if (classes == 0) {
            throw new IllegalArgumentException(op + ": logits " + Shapes.str(logits.shapeRef()) + " have no classes");
        }
        if (target.dtype() != DType.I64 && target.dtype() != DType.I32) {
            throw new IllegalArgumentException(op + ": target must hold class indices (I64 or I32), got "
                    + target.dtype() + " " + Shapes.str(target.shapeRef())
                    + (target.dtype().isFloating() ? " (class probabilities are not supported; convert with to(I64))"
                    : ""));
        }
        if (target.dim() != 1 || target.shapeRef()[0] != n) {
            throw new IllegalArgumentException(op + ": target shape " + Shapes.str(target.shapeRef())
                    + " does not match logits " + Shapes.str(logits.shapeRef()) + " (expected [" + n + "])");
        }
        if (target.backend() != logits.backend()) {
            throw new IllegalArgumentException(op + ": target lives on " + target.backend().name()
                    + ", logits on " + logits.backend().name() + "; move one with toBackend()");
        }
        if (!(labelSmoothing >= 0.0 && labelSmoothing <= 1.0)) {
            throw new IllegalArgumentException(op + ": label_smoothing must be in [0, 1], got " + labelSmoothing);
        }
        double[] w = null;
        Tensor wc = null;
        if (weight != null) {
            if (weight.dim() != 1 || weight.shapeRef()[0] != classes) {
                throw new IllegalArgumentException(op + ": weight shape " + Shapes.str(weight.shapeRef())
                        + " must be [" + classes + "], one weight per class of logits " + Shapes.str(logits.shapeRef()));
            }
            TensorOps.requireSameDtype(op + " (weight)", logits, weight);
            wc = weight.detach().contiguous();
            w = wc.toDoubleArray();
        }
        Tensor tc = target.detach().contiguous();
        long[] t = tc.toLongArray();
        int counted = 0;
        double weightSum = 0.0;
        for (int i = 0; i < n; i++) {
            long v = t[i];
            if (v == ignoreIndex) {
                continue;
            }
            if (v < 0 || v >= classes) {
                throw new IllegalArgumentException(op + ": target[" + i + "] = " + v + " is out of range for "
                        + classes + " classes (valid: 0.." + (classes - 1) + ", or ignore_index " + ignoreIndex + ")");
            }
            counted++;
            weightSum += w == null ? 1.0 : w[(int) v];
        }
        Tensor lc;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            lc = logits.detach().contiguous();
        }
        return new Checked(lc, tc, wc, ignoreIndex, labelSmoothing, counted, weightSum);
    }
}
