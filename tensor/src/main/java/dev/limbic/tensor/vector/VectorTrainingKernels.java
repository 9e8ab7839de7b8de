package dev.limbic.tensor.vector;

import dev.limbic.tensor.HostStorage;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * F32 kernels of the training loop on the Vector API: the fused cross-entropy (forward and softmax-based
 * backward) and the optimiser updates (one pass per parameter, every state buffer read and written once).
 * Formulas are the {@code Backend} contracts; {@code ScalarBackend} is the reference they are tested against.
 * Each loop: vector body up to {@code loopBound}, scalar tail in float.
 */
final class VectorTrainingKernels {
    private VectorTrainingKernels() {
    }

    // ------------------------------------------------------------------------------------------ cross-entropy

    /**
     * Rows {@code [r0, r1)} of the cross-entropy forward; {@code w} may be null (all weights 1).
     */
    static void crossEntropyRows(VectorSpecies<Float> s, float[] x, int xOff, int cols, HostStorage target,
                                 int targetOff, float[] w, long ignoreIndex, double labelSmoothing, float[] loss,
                                 int lossOff, float[] lse, int lseOff, int r0, int r1) {
        double eps = labelSmoothing;
        for (int r = r0; r < r1; r++) {
            int xo = xOff + r * cols;
            float max = max(s, x, xo, cols);
            float l = (float) (max + Math.log(expSum(s, x, xo, cols, max)));
            lse[lseOff + r] = l;
            long t = target.getAsLong(targetOff + r);
            if (t == ignoreIndex) {
                loss[lossOff + r] = 0f;
                continue;
            }
            double wt = w == null ? 1.0 : w[(int) t];
            double v = (1.0 - eps) * wt * ((double) l - x[xo + (int) t]);
            if (eps != 0.0) {
                v += eps / cols * smoothSum(s, x, xo, cols, w, l);
            }
            loss[lossOff + r] = (float) v;
        }
    }

    /** Rows {@code [r0, r1)} of the cross-entropy backward (see {@code Backend#crossEntropyBackward}). */
    static void crossEntropyBackwardRows(VectorSpecies<Float> s, float[] x, int xOff, int cols, HostStorage target,
                                         int targetOff, float[] w, double weightTotal, long ignoreIndex,
                                         double labelSmoothing, float[] lse, int lseOff, float[] g, int gOff,
                                         int gStride, double scale, float[] gx, int gxOff, int r0, int r1) {
        double eps = labelSmoothing;
        int bound = s.loopBound(cols);
        for (int r = r0; r < r1; r++) {
            int xo = xOff + r * cols;
            int go = gxOff + r * cols;
            long t = target.getAsLong(targetOff + r);
            if (t == ignoreIndex) {
                java.util.Arrays.fill(gx, go, go + cols, 0f);
                continue;
            }
            double k = scale * g[gOff + r * gStride];
            double wt = w == null ? 1.0 : w[(int) t];
            // gx_c = A·p_c − B·w_c, then gx_t −= D
            float a = (float) (k * ((1.0 - eps) * wt + eps * weightTotal / cols));
            float b = (float) (k * eps / cols);
            float d = (float) (k * (1.0 - eps) * wt);
            float l = lse[lseOff + r];
            int j = 0;
            if (w == null) {
                for (; j < bound; j += s.length()) {
                    FloatVector p = DeterministicMath.exp(FloatVector.fromArray(s, x, xo + j).sub(l));
                    p.mul(a).sub(b).intoArray(gx, go + j);
                }
                for (; j < cols; j++) {
                    gx[go + j] = DeterministicMath.exp(x[xo + j] - l) * a - b;
                }
            } else {
                for (; j < bound; j += s.length()) {
                    FloatVector p = DeterministicMath.exp(FloatVector.fromArray(s, x, xo + j).sub(l));
                    FloatVector wv = FloatVector.fromArray(s, w, j);
                    p.mul(a).sub(wv.mul(b)).intoArray(gx, go + j);
                }
                for (; j < cols; j++) {
                    gx[go + j] = DeterministicMath.exp(x[xo + j] - l) * a - w[j] * b;
                }
            }
            gx[go + (int) t] -= d;
        }
    }

    private static float max(VectorSpecies<Float> s, float[] x, int off, int n) {
        int bound = s.loopBound(n);
        float m = Float.NEGATIVE_INFINITY;
        int i = 0;
        if (bound > 0) {
            FloatVector acc = FloatVector.fromArray(s, x, off);
            for (i = s.length(); i < bound; i += s.length()) {
                acc = acc.max(FloatVector.fromArray(s, x, off + i));
            }
            m = acc.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) {
            m = Math.max(m, x[off + i]);
        }
        return m;
    }

    /** Σ exp(x − shift) over a row, accumulated in float lanes. */
    private static float expSum(VectorSpecies<Float> s, float[] x, int off, int n, float shift) {
        int bound = s.loopBound(n);
        FloatVector acc = VectorKernels.zeros(s);
        int i = 0;
        for (; i < bound; i += s.length()) {
            acc = acc.add(DeterministicMath.exp(FloatVector.fromArray(s, x, off + i).sub(shift)));
        }
        float total = VectorKernels.addLanes(acc);
        for (; i < n; i++) {
            total += DeterministicMath.exp(x[off + i] - shift);
        }
        return total;
    }

    /** Σ_c w[c]·(lse − x_c) (w null = all 1): each term is >= 0, so nothing cancels. */
    private static double smoothSum(VectorSpecies<Float> s, float[] x, int off, int n, float[] w, float lse) {
        int bound = s.loopBound(n);
        FloatVector acc = VectorKernels.zeros(s);
        FloatVector l = VectorKernels.splat(s, lse);
        int i = 0;
        for (; i < bound; i += s.length()) {
            FloatVector d = l.sub(FloatVector.fromArray(s, x, off + i));
            acc = w == null ? acc.add(d) : d.fma(FloatVector.fromArray(s, w, i), acc);
        }
        double total = VectorKernels.addLanes(acc);
        for (; i < n; i++) {
            total += (w == null ? 1f : w[i]) * (lse - x[off + i]);
        }
        return total;
    }

    // ------------------------------------------------------------------------------------------ optimisers

    /**
     * Adam / AdamW on {@code n} elements (see {@code Backend#adamStep}); the caller precomputes
     * {@code stepSize = lr/(1 − β1^t)}, {@code bc2Sqrt = √(1 − β2^t)} and {@code decay = 1 − lr·wd}. Float
     * operations in PyTorch's order: decay or L2 term, moments, {@code denom = √v/bc2Sqrt + eps}, update.
     */
    static void adamStep(VectorSpecies<Float> s, float[] p, int pOff, float[] g, int gOff, float[] m, int mOff,
                         float[] v, int vOff, int n, float stepSize, float bc2Sqrt, float beta1, float beta2,
                         float eps, float weightDecay, float decay, boolean decoupled) {
        float oneMinusB1 = 1f - beta1;
        float oneMinusB2 = 1f - beta2;
        boolean coupledDecay = !decoupled && weightDecay != 0f;
        int bound = s.loopBound(n);
        int i = 0;
        for (; i < bound; i += s.length()) {
            FloatVector pv = FloatVector.fromArray(s, p, pOff + i);
            FloatVector gv = FloatVector.fromArray(s, g, gOff + i);
            if (decoupled) {
                pv = pv.mul(decay);
            } else if (coupledDecay) {
                gv = gv.add(pv.mul(weightDecay));
            }
            FloatVector mv = FloatVector.fromArray(s, m, mOff + i).mul(beta1).add(gv.mul(oneMinusB1));
            FloatVector vv = FloatVector.fromArray(s, v, vOff + i).mul(beta2).add(gv.mul(gv).mul(oneMinusB2));
            FloatVector denom = vv.sqrt().div(bc2Sqrt).add(eps);
            pv = pv.sub(mv.div(denom).mul(stepSize));
            mv.intoArray(m, mOff + i);
            vv.intoArray(v, vOff + i);
            pv.intoArray(p, pOff + i);
        }
        for (; i < n; i++) {
            float pi = p[pOff + i];
            float gi = g[gOff + i];
            if (decoupled) {
                pi *= decay;
            } else if (coupledDecay) {
                gi = gi + pi * weightDecay;
            }
            float mi = m[mOff + i] * beta1 + gi * oneMinusB1;
            float vi = v[vOff + i] * beta2 + gi * gi * oneMinusB2;
            float denom = (float) Math.sqrt(vi) / bc2Sqrt + eps;
            p[pOff + i] = pi - mi / denom * stepSize;
            m[mOff + i] = mi;
            v[vOff + i] = vi;
        }
    }

    /** SGD on {@code n} elements (see {@code Backend#sgdStep}); {@code buf} null when momentum is 0. */
    static void sgdStep(VectorSpecies<Float> s, float[] p, int pOff, float[] g, int gOff, float[] buf, int bOff,
                        int n, float lr, float momentum, float dampening, float weightDecay, boolean nesterov,
                        boolean firstStep) {
        float keep = 1f - dampening;
        boolean decay = weightDecay != 0f;
        int bound = s.loopBound(n);
        int i = 0;
        for (; i < bound; i += s.length()) {
            FloatVector pv = FloatVector.fromArray(s, p, pOff + i);
            FloatVector d = FloatVector.fromArray(s, g, gOff + i);
            if (decay) {
                d = d.add(pv.mul(weightDecay));
            }
            if (buf != null) {
                FloatVector b = firstStep ? d : FloatVector.fromArray(s, buf, bOff + i).mul(momentum).add(d.mul(keep));
                b.intoArray(buf, bOff + i);
                d = nesterov ? d.add(b.mul(momentum)) : b;
            }
            pv.sub(d.mul(lr)).intoArray(p, pOff + i);
        }
        for (; i < n; i++) {
            float pi = p[pOff + i];
            float d = g[gOff + i];
            if (decay) {
                d = d + pi * weightDecay;
            }
            if (buf != null) {
                float b = firstStep ? d : buf[bOff + i] * momentum + d * keep;
                buf[bOff + i] = b;
                d = nesterov ? d + b * momentum : b;
            }
            p[pOff + i] = pi - d * lr;
        }
    }

    // ------------------------------------------------------------------------------------------ clipping

    /** Σ x² over a block: two float FMA accumulators; the tail is added in double. */
    static double sumOfSquares(VectorSpecies<Float> s, float[] x, int off, int n) {
        int step = s.length();
        int bound2 = n - n % (2 * step);
        FloatVector acc0 = VectorKernels.zeros(s);
        FloatVector acc1 = VectorKernels.zeros(s);
        int i = 0;
        for (; i < bound2; i += 2 * step) {
            FloatVector a = FloatVector.fromArray(s, x, off + i);
            FloatVector b = FloatVector.fromArray(s, x, off + i + step);
            acc0 = a.fma(a, acc0);
            acc1 = b.fma(b, acc1);
        }
        double total = VectorKernels.addLanes(acc0.add(acc1));
        for (; i < n; i++) {
            total += (double) x[off + i] * x[off + i];
        }
        return total;
    }

    /** {@code x *= factor} in place. */
    static void scale(VectorSpecies<Float> s, float[] x, int off, int n, float factor) {
        int bound = s.loopBound(n);
        int i = 0;
        for (; i < bound; i += s.length()) {
            FloatVector.fromArray(s, x, off + i).mul(factor).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            x[off + i] *= factor;
        }
    }
}
