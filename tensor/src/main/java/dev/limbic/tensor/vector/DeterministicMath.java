package dev.limbic.tensor.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * exp, log, tanh and sigmoid in float, built only from IEEE basic operations (add, sub, mul, fma, div, compare,
 * blend, min/max and bit reinterpretation), each in a vector and a scalar form that execute the same operations in
 * the same order.
 *
 * <p>Why: {@code FloatVector.lanewise(EXP / LOG / TANH / POW)} runs a per-lane Java fallback in the interpreter and
 * C1 but an SVML stub once C2 has compiled the loop, and the two round differently in the last bit. A kernel's
 * result then depended on how far the JIT had got, so a resumed training run drifted (~1e-6) from an uninterrupted
 * one. Basic operations round identically in every tier, so these functions give bit-identical results from the
 * first call on. The scalar forms serve the kernels' tails: an element's value does not depend on whether it fell
 * into the vector body or the tail, so results are also identical across vector widths.
 *
 * <p>Accuracy (checked by {@code DeterministicMathTest} against {@link Math} in double over dense sweeps and random
 * values): max error within 2 float ulps over the whole float range, special values as {@link Math}:
 * <ul>
 *   <li>exp: x = n·ln2 + r (Cody–Waite with fma, |r| ≤ ln2/2), e^r − 1 by its Taylor polynomial to degree 8
 *       (truncation 2e-10), 2^n applied as two exact powers of two so subnormal results round once; x > 88.73 →
 *       +inf, x < −103.98 → 0, NaN → NaN.</li>
 *   <li>log: musl's logf (x = 2^k·m, m in [√2/2, √2), s = (m−1)/(m+1), degree-4 polynomial in s²); subnormals are
 *       scaled by 2^25 first; log(±0) = −inf, x < 0 → NaN, log(+inf) = +inf.</li>
 *   <li>tanh: odd; |x| → expm1(2|x|)/(expm1(2|x|) + 2), which has no cancellation for small |x| (expm1 is
 *       evaluated as 2^n·(e^r − 1) + (2^n − 1) from the same reduction as exp), the roundings of the sum and the
 *       division corrected by one residual step (the plain quotient reached 2.2 ulps); |x| is clamped to 9.5,
 *       where tanh rounds to 1.</li>
 *   <li>sigmoid: e = exp(−|x|), σ = 1/(1 + e) for x ≥ 0 and e/(1 + e) for x < 0 (so tiny σ keep their precision
 *       down to the subnormals instead of flushing to 0), corrected the same way (plain: 2.15 ulps).</li>
 * </ul>
 */
final class DeterministicMath {
    private DeterministicMath() {
    }

    private static final float SHIFT = 12582912f;           // 1.5·2^23: x + SHIFT rounds x to an integer n,
    private static final int SHIFT_BITS = 0x4B400000;        // and the bits of x + SHIFT are SHIFT_BITS + n
    private static final float LOG2E = (float) (1 / Math.log(2));
    private static final float LN2_HI = 0.693145751953125f;  // ln 2 to 15 bits: n·LN2_HI is exact for |n| < 2^9
    private static final float LN2_LO = (float) (Math.log(2) - 0.693145751953125);
    private static final float EXP_X_MIN = -105f;            // exp(−105) rounds to 0 (below half the least subnormal)
    private static final float EXP_X_MAX = 89f;              // exp(89) overflows to +inf
    // 1/k! for k = 2..8: e^r − 1 = r + r²·(C2 + r·(C3 + … + r·C8))
    private static final float C2 = 0.5f;
    private static final float C3 = (float) (1.0 / 6);
    private static final float C4 = (float) (1.0 / 24);
    private static final float C5 = (float) (1.0 / 120);
    private static final float C6 = (float) (1.0 / 720);
    private static final float C7 = (float) (1.0 / 5040);
    private static final float C8 = (float) (1.0 / 40320);

    private static final float TANH_CLAMP = 9.5f;            // 1 − tanh(9.5) = 1.1e-8 < half an ulp of 1

    // log (musl logf, after FreeBSD's e_logf.c)
    private static final float TWO_25 = 33554432f;
    private static final int SQRT_HALF_BITS = 0x3f3504f3;    // √2/2
    private static final float LOG_LN2_HI = 6.9313812256e-01f;
    private static final float LOG_LN2_LO = 9.0580006145e-06f;
    private static final float LG1 = 0.66666662693f;
    private static final float LG2 = 0.40000972152f;
    private static final float LG3 = 0.28498786688f;
    private static final float LG4 = 0.24279078841f;

    private static final int SIGN_BIT = 0x80000000;

    // ============================================================================================ vector forms

    /** e^r − 1 for |r| ≤ ln2/2. */
    private static FloatVector expm1Reduced(FloatVector r) {
        FloatVector q = r.fma(C8, C7);
        q = q.fma(r, r.broadcast(C6));
        q = q.fma(r, r.broadcast(C5));
        q = q.fma(r, r.broadcast(C4));
        q = q.fma(r, r.broadcast(C3));
        q = q.fma(r, r.broadcast(C2));
        return q.fma(r.mul(r), r);
    }

    /** |x| below which e^x is a normal float: 2^n can be added to the exponent field directly. */
    private static final float EXP_NORMAL_RANGE = 87.3f;

    /**
     * Lanewise e^x. When every lane has |x| <= 87.3 (the common case) 2^n is applied by adding n to the exponent
     * field; otherwise by two exact multiplications (subnormal results, overflow) with x clamped first. Both give
     * y·2^n exactly for normal results, so a lane's value never depends on its neighbours.
     */
    static FloatVector exp(FloatVector x) {
        if (x.abs().compare(VectorOperators.LE, EXP_NORMAL_RANGE).allTrue()) {   // NaN lanes take the full path
            FloatVector t = x.fma(LOG2E, SHIFT);
            FloatVector n = t.sub(SHIFT);
            FloatVector r = n.fma(n.broadcast(-LN2_HI), x);
            r = n.fma(n.broadcast(-LN2_LO), r);
            FloatVector y = expm1Reduced(r).add(1f);
            // t's low bits are n in two's complement and SHIFT_BITS << 23 is 0 mod 2^32, so t << 23 is n << 23
            IntVector scale = t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23);
            return y.reinterpretAsInts().add(scale).reinterpretAsFloats();
        }
        return expFull(x);
    }

    private static FloatVector expFull(FloatVector x) {
        // clamp by compare + blend (cheaper than lanewise MIN/MAX, whose Java NaN semantics cost extra
        // instructions on x86); comparisons with NaN are false, so NaN stays NaN
        FloatVector xc = x.blend(EXP_X_MIN, x.compare(VectorOperators.LT, EXP_X_MIN))
                .blend(EXP_X_MAX, x.compare(VectorOperators.GT, EXP_X_MAX));
        FloatVector t = xc.fma(LOG2E, SHIFT);
        FloatVector n = t.sub(SHIFT);
        FloatVector r = n.fma(n.broadcast(-LN2_HI), xc);
        r = n.fma(n.broadcast(-LN2_LO), r);
        FloatVector y = expm1Reduced(r).add(1f);
        // 2^n = 2^k1·2^k2 with both halves normal for n in [−152, 128]: y·2^k1 is exact, ·2^k2 rounds once
        IntVector ni = t.reinterpretAsInts().sub(SHIFT_BITS);
        IntVector k1 = ni.lanewise(VectorOperators.ASHR, 1);
        IntVector k2 = ni.sub(k1);
        FloatVector s1 = k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = k2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return y.mul(s1).mul(s2);
    }

    /** e^a − 1 for a in [0, 2·TANH_CLAMP] or NaN. */
    private static FloatVector expm1NonNegative(FloatVector a) {
        FloatVector t = a.fma(LOG2E, SHIFT);
        FloatVector n = t.sub(SHIFT);
        FloatVector r = n.fma(n.broadcast(-LN2_HI), a);
        r = n.fma(n.broadcast(-LN2_LO), r);
        FloatVector p = expm1Reduced(r);
        FloatVector scale = t.reinterpretAsInts().sub(SHIFT_BITS).add(127).lanewise(VectorOperators.LSHL, 23)
                .reinterpretAsFloats();
        return p.fma(scale, scale.sub(1f));                       // 2^n·(e^r − 1) + (2^n − 1)
    }

    /** Lanewise tanh. */
    static FloatVector tanh(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector a = ax.blend(TANH_CLAMP, ax.compare(VectorOperators.GT, TANH_CLAMP));   // NaN stays NaN
        FloatVector em = expm1NonNegative(a.add(a));
        // t = em/(em + 2), with the roundings of the sum and of the quotient corrected by one residual step:
        // den + derr = em + 2, res = em − t0·(em + 2) to first order, t = t0 + res/den
        FloatVector den = em.add(2f);
        FloatVector derr = den.neg().add(2f).add(em);   // Fast2Sum: exact while em < 4, negligible beyond
        FloatVector inv = den.broadcast(1f).div(den);
        FloatVector t0 = em.mul(inv);
        FloatVector res = t0.neg().fma(den, em).sub(t0.mul(derr));
        FloatVector t = res.fma(inv, t0);
        IntVector sign = x.reinterpretAsInts().and(SIGN_BIT);
        return t.reinterpretAsInts().or(sign).reinterpretAsFloats();
    }

    /** Lanewise 1/(1 + e^−x). */
    static FloatVector sigmoid(FloatVector x) {
        FloatVector e = exp(x.abs().neg());
        VectorMask<Float> negative = x.compare(VectorOperators.LT, 0f);
        FloatVector num = x.broadcast(1f).blend(e, negative);
        // num/(1 + e) with the roundings of the sum and of the quotient corrected: den + derr = 1 + e exactly
        // (Fast2Sum, e <= 1), res = num − q0·(1 + e) to first order, and 1/(1 + e) is σ(|x|) = q0 or 1 − q0
        FloatVector den = e.add(1f);
        FloatVector derr = den.neg().add(1f).add(e);
        FloatVector q0 = num.div(den);
        FloatVector res = q0.neg().fma(den, num).sub(q0.mul(derr));
        FloatVector inv = q0.blend(q0.neg().add(1f), negative);
        return res.fma(inv, q0);
    }

    /** Lanewise natural logarithm. */
    static FloatVector log(FloatVector x) {
        VectorMask<Float> subnormal = x.compare(VectorOperators.LT, Float.MIN_NORMAL)
                .and(x.compare(VectorOperators.GT, 0f));
        FloatVector xs = x.blend(x.mul(TWO_25), subnormal);
        FloatVector kAdjust = x.broadcast(0f).blend(-25f, subnormal);
        IntVector ix = xs.reinterpretAsInts().add(0x3f800000 - SQRT_HALF_BITS);
        IntVector k = ix.lanewise(VectorOperators.ASHR, 23).sub(0x7f);
        FloatVector m = ix.and(0x007fffff).add(SQRT_HALF_BITS).reinterpretAsFloats();
        FloatVector dk = k.add(SHIFT_BITS).reinterpretAsFloats().sub(SHIFT).add(kAdjust);   // (float) k, exactly
        FloatVector f = m.sub(1f);
        FloatVector s = f.div(f.add(2f));
        FloatVector z = s.mul(s);
        FloatVector w = z.mul(z);
        FloatVector t1 = w.mul(w.fma(LG4, LG2));
        FloatVector t2 = z.mul(w.fma(LG3, LG1));
        FloatVector rr = t2.add(t1);
        FloatVector hfsq = f.mul(0.5f).mul(f);
        FloatVector y = s.mul(hfsq.add(rr)).add(dk.mul(LOG_LN2_LO)).sub(hfsq).add(f).add(dk.mul(LOG_LN2_HI));
        // NaN and +inf give themselves, ±0 gives −inf, negatives NaN
        y = y.blend(x, x.compare(VectorOperators.NE, x).or(x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY)));
        y = y.blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0f));
        return y.blend(Float.NaN, x.compare(VectorOperators.LT, 0f));
    }

    // ============================================================================================ scalar forms
    // Operation for operation the vector forms above (Math.fma is the correctly rounded fused multiply-add that
    // FloatVector.fma is; a ternary on a comparison is the compare + blend), so a tail element equals the lane it
    // would have been.

    private static float expm1Reduced(float r) {
        float q = Math.fma(r, C8, C7);
        q = Math.fma(q, r, C6);
        q = Math.fma(q, r, C5);
        q = Math.fma(q, r, C4);
        q = Math.fma(q, r, C3);
        q = Math.fma(q, r, C2);
        return Math.fma(q, r * r, r);
    }

    static float exp(float x) {
        float xc = x < EXP_X_MIN ? EXP_X_MIN : x;
        xc = xc > EXP_X_MAX ? EXP_X_MAX : xc;
        float t = Math.fma(xc, LOG2E, SHIFT);
        float n = t - SHIFT;
        float r = Math.fma(n, -LN2_HI, xc);
        r = Math.fma(n, -LN2_LO, r);
        float y = expm1Reduced(r) + 1f;
        int ni = Float.floatToRawIntBits(t) - SHIFT_BITS;
        int k1 = ni >> 1;
        int k2 = ni - k1;
        float s1 = Float.intBitsToFloat((k1 + 127) << 23);
        float s2 = Float.intBitsToFloat((k2 + 127) << 23);
        return y * s1 * s2;
    }

    private static float expm1NonNegative(float a) {
        float t = Math.fma(a, LOG2E, SHIFT);
        float n = t - SHIFT;
        float r = Math.fma(n, -LN2_HI, a);
        r = Math.fma(n, -LN2_LO, r);
        float p = expm1Reduced(r);
        float scale = Float.intBitsToFloat((Float.floatToRawIntBits(t) - SHIFT_BITS + 127) << 23);
        return Math.fma(p, scale, scale - 1f);
    }

    static float tanh(float x) {
        float ax = Math.abs(x);
        float a = ax > TANH_CLAMP ? TANH_CLAMP : ax;
        float em = expm1NonNegative(a + a);
        float den = em + 2f;
        float derr = (-den + 2f) + em;
        float inv = 1f / den;
        float t0 = em * inv;
        float res = Math.fma(-t0, den, em) - t0 * derr;
        float t = Math.fma(res, inv, t0);
        return Float.intBitsToFloat(Float.floatToRawIntBits(t) | (Float.floatToRawIntBits(x) & SIGN_BIT));
    }

    static float sigmoid(float x) {
        float e = exp(-Math.abs(x));
        boolean negative = x < 0f;
        float num = negative ? e : 1f;
        float den = e + 1f;
        float derr = (-den + 1f) + e;
        float q0 = num / den;
        float res = Math.fma(-q0, den, num) - q0 * derr;
        float inv = negative ? -q0 + 1f : q0;
        return Math.fma(res, inv, q0);
    }

    static float log(float x) {
        boolean subnormal = x < Float.MIN_NORMAL && x > 0f;
        float xs = subnormal ? x * TWO_25 : x;
        float kAdjust = subnormal ? -25f : 0f;
        int ix = Float.floatToRawIntBits(xs) + (0x3f800000 - SQRT_HALF_BITS);
        int k = (ix >> 23) - 0x7f;
        float m = Float.intBitsToFloat((ix & 0x007fffff) + SQRT_HALF_BITS);
        float dk = Float.intBitsToFloat(k + SHIFT_BITS) - SHIFT + kAdjust;
        float f = m - 1f;
        float s = f / (f + 2f);
        float z = s * s;
        float w = z * z;
        float t1 = w * Math.fma(w, LG4, LG2);
        float t2 = z * Math.fma(w, LG3, LG1);
        float rr = t2 + t1;
        float hfsq = f * 0.5f * f;
        float y = s * (hfsq + rr) + dk * LOG_LN2_LO - hfsq + f + dk * LOG_LN2_HI;
        if (x != x || x == Float.POSITIVE_INFINITY) {
            y = x;
        }
        if (x == 0f) {
            y = Float.NEGATIVE_INFINITY;
        }
        if (x < 0f) {
            y = Float.NaN;
        }
        return y;
    }
}
