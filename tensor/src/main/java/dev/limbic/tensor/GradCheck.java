package dev.limbic.tensor;

import dev.limbic.tensor.backend.Backends;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Gradient check by central differences in F64, the reference for every gradient rule.
 *
 * <p>For a function {@code f: List<Tensor> -> Tensor} and F64 leaf inputs it compares the analytic gradient of
 * the scalar {@code L = sum(f(x) * R)} with the numeric one {@code (L(x + eps e_j) - L(x - eps e_j)) / (2 eps)},
 * element by element: {@code |analytic - numeric| <= atol + rtol * |numeric|}. {@code R} is a fixed random F64
 * tensor of the output's shape, so the upstream gradient is not all ones (a rule that ignores the incoming
 * gradient fails). Defaults follow the design: eps 1e-5, rtol 1e-5, atol 1e-6.
 *
 * <p>The checked inputs are those that {@link Tensor#requiresGrad() require grad}; when none does, every F64
 * input is checked. Other inputs (indices, masks) are passed through unchanged. The caller's tensors are never
 * modified: the check works on private leaf copies. F64 tensors always run on the scalar reference kernels (fast
 * backends only override F32 paths), so a check in F64 is a check of the reference semantics; use
 * {@link #checkScalar} to convert F32 test inputs to F64 first.
 */
public final class GradCheck {
    public static final double DEFAULT_EPS = 1e-5;
    public static final double DEFAULT_RTOL = 1e-5;
    public static final double DEFAULT_ATOL = 1e-6;
    public static final long DEFAULT_SEED = 0x5EEDL;

    private GradCheck() {
    }

    /** Step, tolerances and the seed of the random upstream gradient {@code R}. */
    public record Options(double eps, double rtol, double atol, long seed) {
        public Options {
            if (!(eps > 0) || !(rtol >= 0) || !(atol >= 0)) {
                throw new IllegalArgumentException("gradcheck: need eps > 0, rtol >= 0, atol >= 0; got eps=" + eps
                        + " rtol=" + rtol + " atol=" + atol);
            }
        }

        public static Options defaults() {
            return new Options(DEFAULT_EPS, DEFAULT_RTOL, DEFAULT_ATOL, DEFAULT_SEED);
        }

        public Options withTolerances(double newRtol, double newAtol) {
            return new Options(eps, newRtol, newAtol, seed);
        }

        public Options withEps(double newEps) {
            return new Options(newEps, rtol, atol, seed);
        }
    }

    /** One element whose analytic and numeric gradients disagree. */
    public record Mismatch(int input, int element, int[] index, double analytic, double numeric) {
        @Override
        public String toString() {
            return "input " + input + " element " + element + " " + Shapes.str(index) + ": analytic " + analytic
                    + " numeric " + numeric + " (diff " + Math.abs(analytic - numeric) + ")";
        }
    }

    /**
     * The outcome: every mismatch (at most the first {@value #MAX_REPORTED} are kept), how many elements were
     * checked, and the worst ratio {@code |a - n| / (atol + rtol |n|)} (at most 1 when the check passes).
     */
    public record Report(String label, Options options, int checked, double worstRatio, int mismatchCount,
                         List<Mismatch> mismatches) {
        public boolean ok() {
            return mismatchCount == 0;
        }

        public String describe() {
            StringBuilder sb = new StringBuilder("gradcheck");
            if (label != null) {
                sb.append(" '").append(label).append('\'');
            }
            sb.append(ok() ? " passed: " : " FAILED: ").append(mismatchCount).append(" of ").append(checked)
                    .append(" elements outside |a - n| <= ").append(options.atol()).append(" + ")
                    .append(options.rtol()).append("*|n| (eps ").append(options.eps()).append("), worst ratio ")
                    .append(String.format(java.util.Locale.ROOT, "%.3g", worstRatio));
            for (Mismatch m : mismatches) {
                sb.append("\n  ").append(m);
            }
            if (mismatchCount > mismatches.size()) {
                sb.append("\n  ... ").append(mismatchCount - mismatches.size()).append(" more");
            }
            return sb.toString();
        }

        /** Throws an {@link AssertionError} with {@link #describe()} if any element mismatched. */
        public Report assertOk() {
            if (!ok()) {
                throw new AssertionError(describe());
            }
            return this;
        }

        @Override
        public String toString() {
            return describe();
        }
    }

    static final int MAX_REPORTED = 20;

    /** Runs the check with default options. */
    public static Report check(Function<List<Tensor>, Tensor> f, List<Tensor> inputs) {
        return check(null, f, inputs, Options.defaults());
    }

    /**
     * Runs the check; never throws for a mismatch (see {@link Report#assertOk()}), but throws
     * {@link IllegalArgumentException} for unusable inputs (not F64, not a leaf, f not F64 or not differentiable).
     */
    public static Report check(String label, Function<List<Tensor>, Tensor> f, List<Tensor> inputs, Options opt) {
        Objects.requireNonNull(f, "f");
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(opt, "options");
        boolean anyMarked = false;
        for (Tensor t : inputs) {
            anyMarked |= t != null && t.requiresGrad();
        }
        boolean[] checked = new boolean[inputs.size()];
        for (int i = 0; i < inputs.size(); i++) {
            Tensor t = inputs.get(i);
            if (t == null) {
                continue;
            }
            checked[i] = anyMarked ? t.requiresGrad() : t.dtype() == DType.F64;
            if (checked[i]) {
                if (t.dtype() != DType.F64) {
                    throw new IllegalArgumentException("gradcheck: input " + i + " is " + t.dtype() + " "
                            + Shapes.str(t.shapeRef()) + "; central differences need F64 (use checkScalar to convert)");
                }
                if (!t.isLeaf()) {
                    throw new IllegalArgumentException("gradcheck: input " + i + " was produced by '" + t.gradFn()
                            + "'; pass leaf tensors (detach() them)");
                }
            }
        }
        // private contiguous leaf copies: analytic pass
        List<Tensor> leaves = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            Tensor t = inputs.get(i);
            leaves.add(checked[i] ? Tensor.of(t.toDoubleArray(), t.shape()).requiresGrad(true) : t);
        }
        Tensor out;
        try (GradMode.Scope ignored = GradMode.enableGrad()) {
            out = f.apply(Collections.unmodifiableList(leaves));
        }
        if (out == null || out.dtype() != DType.F64) {
            throw new IllegalArgumentException("gradcheck: the function must return an F64 tensor, got "
                    + (out == null ? "null" : out.dtype() + " " + Shapes.str(out.shapeRef())));
        }
        Tensor r = Tensor.randn(opt.seed(), DType.F64, out.shape());
        double[] rv = r.toDoubleArray();
        if (out.requiresGrad()) {
            try (GradMode.Scope ignored = GradMode.enableGrad()) {
                out.mul(r).sum().backward();
            }
        }
        List<Mismatch> mismatches = new ArrayList<>();
        int mismatchCount = 0;
        int count = 0;
        double worst = 0.0;
        for (int i = 0; i < inputs.size(); i++) {
            if (!checked[i]) {
                continue;
            }
            Tensor leaf = leaves.get(i);
            Tensor g = leaf.grad();
            if (g != null && (g.dtype() != DType.F64 || !java.util.Arrays.equals(g.shapeRef(), leaf.shapeRef()))) {
                throw new AssertionError("gradcheck" + (label == null ? "" : " '" + label + "'") + ": gradient of input "
                        + i + " is " + g.dtype() + " " + Shapes.str(g.shapeRef()) + ", expected F64 "
                        + Shapes.str(leaf.shapeRef()));
            }
            double[] analytic = g == null ? new double[leaf.numel()] : g.toDoubleArray();
            // numeric pass on a separate copy, never recorded
            Tensor probe = Tensor.of(leaf.toDoubleArray(), leaf.shape());
            double[] data = ((HostStorage) probe.storage()).f64();
            List<Tensor> args = new ArrayList<>(leaves);
            for (int k = 0; k < args.size(); k++) {
                if (checked[k] && k != i) {
                    args.set(k, leaves.get(k).detach());
                }
            }
            args.set(i, probe);
            List<Tensor> view = Collections.unmodifiableList(args);
            for (int j = 0; j < data.length; j++) {
                double x0 = data[j];
                data[j] = x0 + opt.eps();
                double plus = objective(f, view, rv);
                data[j] = x0 - opt.eps();
                double minus = objective(f, view, rv);
                data[j] = x0;
                double numeric = (plus - minus) / (2 * opt.eps());
                double a = analytic[j];
                double tol = opt.atol() + opt.rtol() * Math.abs(numeric);
                double err = Math.abs(a - numeric);
                double ratio = tol == 0 ? (err == 0 ? 0 : Double.POSITIVE_INFINITY) : err / tol;
                count++;
                if (!(err <= tol)) {   // NaN fails too
                    mismatchCount++;
                    ratio = Double.isNaN(ratio) ? Double.POSITIVE_INFINITY : ratio;
                    if (mismatches.size() < MAX_REPORTED) {
                        mismatches.add(new Mismatch(i, j, unravel(j, leaf.shapeRef()), a, numeric));
                    }
                }
                worst = Math.max(worst, ratio);
            }
        }
        return new Report(label, opt, count, worst, mismatchCount, List.copyOf(mismatches));
    }

    /** Checks with default options and throws an {@link AssertionError} naming the first mismatches. */
    public static Report assertGradients(String label, Function<List<Tensor>, Tensor> f, Tensor... inputs) {
        return check(label, f, List.of(inputs), Options.defaults()).assertOk();
    }

    /**
     * The check on the scalar reference kernels: every floating input is converted to an F64 leaf (F64 always
     * runs on the scalar backend's kernels, whatever backend serves F32), integer inputs are passed through.
     * An input that requires grad keeps that mark, so a caller can still choose which inputs are checked.
     */
    public static Report checkScalar(String label, Function<List<Tensor>, Tensor> f, List<Tensor> inputs,
                                     Options opt) {
        List<Tensor> f64 = new ArrayList<>(inputs.size());
        for (Tensor t : inputs) {
            if (t == null || !t.dtype().isFloating()) {
                f64.add(t);
            } else {
                f64.add(Tensor.of(t.toDoubleArray(), t.shape()).requiresGrad(t.requiresGrad()));
            }
        }
        return check(label, f, f64, opt);
    }

    /** Name of the backend that runs F64 kernels (the scalar reference backend's name). */
    public static String referenceBackend() {
        return Backends.scalar().name();
    }

    private static double objective(Function<List<Tensor>, Tensor> f, List<Tensor> args, double[] r) {
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            double[] y = f.apply(args).toDoubleArray();
            if (y.length != r.length) {
                throw new IllegalStateException("gradcheck: output size changed from " + r.length + " to " + y.length
                        + " under a perturbation");
            }
            double s = 0.0;
            for (int k = 0; k < y.length; k++) {
                s += y[k] * r[k];
            }
            return s;
        }
    }

    private static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            int s = Math.max(shape[d], 1);
            idx[d] = flat % s;
            flat /= s;
        }
        return idx;
    }
}
