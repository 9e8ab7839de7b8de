package dev.limbic.tensor.vector;

import dev.limbic.tensor.SpikeSurrogate;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * F32 kernels of the spiking ops ({@code SpikingOps}) on contiguous arrays: the leaky integrate step and the
 * surrogate-gradient backward. Loop to {@code loopBound}, one vector body, scalar tail; one loop per surrogate kind
 * so the kind is not re-dispatched per vector. Reference: {@code ScalarBackend.lifIntegrate} /
 * {@code spikeSurrogateBackward} (double math), matched within the oracle tolerance.
 */
final class SpikingKernels {
    private SpikingKernels() {
    }

    /** {@code out = β·v + c − reset·[v > θ]} (one FMA; the reset is a masked subtract). */
    static void lifIntegrate(VectorSpecies<Float> s, float[] v, int vOff, float[] c, int cOff, float[] out,
                             int outOff, int n, float beta, float threshold, float reset) {
        int i = 0;
        int bound = s.loopBound(n);
        boolean withReset = reset != 0f;
        FloatVector betaV = VectorKernels.splat(s, beta);
        for (; i < bound; i += s.length()) {
            FloatVector vv = FloatVector.fromArray(s, v, vOff + i);
            FloatVector u = vv.fma(betaV, FloatVector.fromArray(s, c, cOff + i));
            if (withReset) {
                VectorMask<Float> fired = vv.compare(VectorOperators.GT, threshold);
                u = u.lanewise(VectorOperators.SUB, reset, fired);
            }
            u.intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            float vi = v[vOff + i];
            float u = Math.fma(beta, vi, c[cOff + i]);
            out[outOff + i] = vi > threshold ? u - reset : u;
        }
    }

    /** {@code gx = g·(base + scale·σ'(x − θ))}. */
    static void surrogateBackward(SpikeSurrogate kind, VectorSpecies<Float> s, float alpha, float threshold,
                                  float base, float scale, float[] x, int xOff, float[] g, int gOff, float[] gx,
                                  int gxOff, int n) {
        int bound = s.loopBound(n);
        int i = switch (kind) {
            case HEAVISIDE -> heaviside(s, threshold, base, scale, x, xOff, g, gOff, gx, gxOff, bound);
            case FAST_SIGMOID -> fastSigmoid(s, alpha, threshold, base, scale, x, xOff, g, gOff, gx, gxOff, bound);
            case ARCTAN -> arctan(s, alpha, threshold, base, scale, x, xOff, g, gOff, gx, gxOff, bound);
            case GAUSSIAN -> gaussian(s, alpha, threshold, base, scale, x, xOff, g, gOff, gx, gxOff, bound, n);
        };
        for (; i < n; i++) {
            double d = kind.derivative((double) x[xOff + i] - threshold, alpha);
            gx[gxOff + i] = (float) (g[gOff + i] * (base + scale * d));
        }
    }

    private static int heaviside(VectorSpecies<Float> s, float threshold, float base, float scale, float[] x,
                                 int xOff, float[] g, int gOff, float[] gx, int gxOff, int bound) {
        FloatVector zero = VectorKernels.zeros(s);
        int i = 0;
        for (; i < bound; i += s.length()) {
            FloatVector z = FloatVector.fromArray(s, x, xOff + i).sub(threshold);
            FloatVector d = zero.blend(1f, z.compare(VectorOperators.GT, 0f))
                    .blend(0.5f, z.compare(VectorOperators.EQ, 0f))
                    .blend(Float.NaN, z.test(VectorOperators.IS_NAN));
            FloatVector.fromArray(s, g, gOff + i).mul(d.fma(scale, base)).intoArray(gx, gxOff + i);
        }
        return i;
    }

    private static int fastSigmoid(VectorSpecies<Float> s, float alpha, float threshold, float base, float scale,
                                   float[] x, int xOff, float[] g, int gOff, float[] gx, int gxOff, int bound) {
        FloatVector one = VectorKernels.splat(s, 1f);
        int i = 0;
        for (; i < bound; i += s.length()) {
            FloatVector t = FloatVector.fromArray(s, x, xOff + i).sub(threshold).abs().fma(alpha, 1f);
            FloatVector d = one.div(t.mul(t));
            FloatVector.fromArray(s, g, gOff + i).mul(d.fma(scale, base)).intoArray(gx, gxOff + i);
        }
        return i;
    }

    private static int arctan(VectorSpecies<Float> s, float alpha, float threshold, float base, float scale,
                              float[] x, int xOff, float[] g, int gOff, float[] gx, int gxOff, int bound) {
        FloatVector one = VectorKernels.splat(s, 1f);
        int i = 0;
        for (; i < bound; i += s.length()) {
            FloatVector ax = FloatVector.fromArray(s, x, xOff + i).sub(threshold).mul(alpha);
            FloatVector d = one.div(ax.fma(ax, one));
            FloatVector.fromArray(s, g, gOff + i).mul(d.fma(scale, base)).intoArray(gx, gxOff + i);
        }
        return i;
    }

    private static int gaussian(VectorSpecies<Float> s, float alpha, float threshold, float base, float scale,
                                float[] x, int xOff, float[] g, int gOff, float[] gx, int gxOff, int bound,
                                int n) {
        float k = (float) (-1.0 / (2.0 * alpha * alpha));
        int i = 0;
        for (; i < bound; i += s.length()) {
            FloatVector z = FloatVector.fromArray(s, x, xOff + i).sub(threshold);
            FloatVector d = DeterministicMath.exp(z.mul(z).mul(k));
            FloatVector.fromArray(s, g, gOff + i).mul(d.fma(scale, base)).intoArray(gx, gxOff + i);
        }
        // the tail in the same float formula, so an element's gradient does not depend on its position
        for (; i < n; i++) {
            float z = x[xOff + i] - threshold;
            float d = DeterministicMath.exp(z * z * k);
            gx[gxOff + i] = g[gOff + i] * Math.fma(d, scale, base);
        }
        return i;
    }
}
