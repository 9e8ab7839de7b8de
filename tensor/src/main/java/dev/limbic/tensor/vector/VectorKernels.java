package dev.limbic.tensor.vector;

import dev.limbic.tensor.backend.BinaryOp;
import dev.limbic.tensor.backend.MathFunctions;
import dev.limbic.tensor.backend.ReduceOp;
import dev.limbic.tensor.backend.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-threaded F32 kernels on the Vector API: flat {@code float[]} buffers, element offsets and a species.
 * Every loop has the same shape: a vector body up to {@code species.loopBound(n)}, then a scalar tail that
 * evaluates the reference formula ({@link MathFunctions}, double precision) for the last few elements; except the
 * exp/log/tanh/sigmoid-based loops, whose tails run {@link DeterministicMath}'s scalar twins of the vector code, so
 * that an element's result does not depend on its position. No kernel calls a transcendental {@code lanewise}
 * (EXP, LOG, TANH, POW): their rounding changes once C2 compiles the loop (see {@link DeterministicMath}).
 * Callers ({@link VectorBackend}) split work across threads; nothing here allocates or uses lambdas.
 *
 * <p>Each op has its own small loop so that every {@code lanewise} call site sees a constant operator (the JIT
 * intrinsifies only those) and no vector value crosses a call that might not be inlined.
 */
final class VectorKernels {

    /**
     * Sum of a vector's lanes in lane order. {@code reduceLanes(ADD)} leaves the order open, and the interpreter
     * and C2's intrinsic do use different orders, so the same call could return different last bits before and
     * after JIT compilation; kernels use this instead so the same input always gives the same result.
     */
    static float addLanes(FloatVector v) {
        // A per-thread scratch, not a fresh float[v.length()]: with a species that is not a compile-time constant
        // the length is unknown to C2, so escape analysis never removed that array, and LayerNorm, softmax and
        // dot products allocated one per row (with clip_grad_norm's boxed accumulators, ~13% of the bytes a tiny
        // training step allocated, each zeroed and collected).
        float[] lanes = LANES.get();
        int n = v.length();
        v.intoArray(lanes, 0);
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            sum += lanes[i];
        }
        return sum;
    }

    /** Float lanes of the widest species there can be (SVE allows 2048 bits). */
    private static final int MAX_LANES = 64;

    /** Lane scratch of {@link #addLanes}. */
    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[MAX_LANES]);

    private VectorKernels() {
    }

    /** Zeros wide enough for any species. */
    private static final float[] ZEROS = new float[MAX_LANES];

    /**
     * All-zero vector. Loaded from an array rather than made by {@code FloatVector.zero(s)}: with a species that is
     * not a compile-time constant only the load is specialised from the type profile, and a loop accumulator
     * seeded by a non-specialised vector is boxed on every iteration (measured ~20x slower).
     */
    static FloatVector zeros(VectorSpecies<Float> s) {
        return FloatVector.fromArray(s, ZEROS, 0);
    }

    /** Every lane {@code v} (see {@link #zeros}). */
    static FloatVector splat(VectorSpecies<Float> s, float v) {
        return zeros(s).broadcast(v);
    }

    // ============================================================================================ erf and GELU

    // erf in two ranges, both fitted for this kernel on Chebyshev nodes in double (S by weighted least squares, Q
    // minimax by Lawson's iterations), then checked in float on a dense grid against the fdlibm-based
    // MathFunctions.erf (max abs error 1.3e-7):
    //   |a| < 1:       erf(a) = a·S(a²), S of degree 6 (the float rounding near |a| = 1 dominates the error)
    //   1 <= |a| < A:  erf(a) = sign(a)·(1 − exp(−a²)·Q(|a| − M)), Q of degree 10 approximating
    //                  erfcx(a) = exp(a²)·erfc(a) on [1, A] to 1.3e-7 relative
    //   |a| >= A:      erf(a) = ±1 (erfc(A) = 4.3e-8, less than one float ulp below 1)
    // The exp is inlined (expMinusHalf): the JDK's lanewise EXP is a stub call that spills every live vector
    // around it and cost ~30% of the kernel. No division anywhere.
    // GELU evaluates the same two polynomials in x = a·√2 directly, their coefficients rescaled by powers of
    // 1/√2 (and the ½ of Φ folded in), so Φ(x) = ½·(1 + erf(x/√2)) costs no extra multiply. For |x| >= √2 it
    // uses h = ½·erfc(|x|/√2) directly (Φ = h for x < 0, 1 − h for x > 0), so small probabilities keep their
    // relative precision down to x = −A√2 ≈ −5.48; beyond, h < 2.2e-8 is flushed to 0 (Φ = 1 − h rounds to 1
    // there anyway, and |GELU(x)| < 1.2e-7 for x <= −A√2).
    // (The single rational approximation of Eigen/XLA, x·P(x²)/Q(x²), reaches 3.3e-7 when evaluated in float.)
    private static final double S0 = 1.1283791656906978;
    private static final double S1 = -0.3761262557051654;
    private static final double S2 = 0.11283582267701167;
    private static final double S3 = -0.02685369160925764;
    private static final double S4 = 0.005188099476196207;
    private static final double S5 = -0.0008008191998894443;
    private static final double S6 = 7.847261329449343e-05;
    private static final double Q0 = 0.21555248320623707;
    private static final double Q1 = -0.07756100827410244;
    private static final double Q2 = 0.026497895856463945;
    private static final double Q3 = -0.008646306707206808;
    private static final double Q4 = 0.0027091381787897814;
    private static final double Q5 = -0.0008224964797107136;
    private static final double Q6 = 0.00023922525502755122;
    private static final double Q7 = -6.235871528159848e-05;
    private static final double Q8 = 1.7580752348443315e-05;
    private static final double Q9 = -7.287836579224766e-06;
    private static final double Q10 = 1.8069242863238315e-06;
    private static final float ERF_Q_MID = 2.4375f;     // M: Q's variable is |a| − M, M the middle of [1, A]
    private static final float ERF_A_MAX = 3.875f;      // A

    // exp(−z/2) = 2^n·e^r, n = round(−z/2·log2 e), r = −z/2 − n·ln 2 in [−ln2/2, ln2/2], e^r = E(r), E of degree 6
    // (minimax with E(0) = 1; 8.6e-8 relative in float). It works with q = −2r = z + n·2ln2 so that z needs no
    // scaling (E's coefficients take the (−1/2)^k instead). The single-float 2ln2 costs n·4e-9 in q, below the
    // rounding of z = x² itself.
    private static final float EXP_SHIFT = 12582912f;   // 1.5·2^23: adding it rounds to an integer in the low bits
    private static final float MINUS_HALF_LOG2E = (float) (-0.5 / Math.log(2));
    private static final float TWO_LN2 = (float) (2 * Math.log(2));
    private static final float EXP_E1 = (float) (1.000000010634322 * -0.5);
    private static final float EXP_E2 = (float) (0.4999999812366308 * 0.25);
    private static final float EXP_E3 = (float) (0.16666506155480904 * -0.125);
    private static final float EXP_E4 = (float) (0.04166713639915147 * 0.0625);
    private static final float EXP_E5 = (float) (0.008369075707045174 * -0.03125);
    private static final float EXP_E6 = (float) (0.0013888872612217373 * 0.015625);

    private static final double INV_SQRT_2_D = MathFunctions.INV_SQRT_2;
    private static final float INV_SQRT_2PI = (float) MathFunctions.INV_SQRT_2PI;
    private static final float SQRT_2_OVER_PI = (float) MathFunctions.SQRT_2_OVER_PI;
    private static final float GELU_TANH_COEF = (float) MathFunctions.GELU_TANH_COEF;

    // erf's coefficients in float
    private static final float ERF_S0 = (float) S0;
    private static final float ERF_S1 = (float) S1;
    private static final float ERF_S2 = (float) S2;
    private static final float ERF_S3 = (float) S3;
    private static final float ERF_S4 = (float) S4;
    private static final float ERF_S5 = (float) S5;
    private static final float ERF_S6 = (float) S6;
    private static final float ERF_Q0 = (float) Q0;
    private static final float ERF_Q1 = (float) Q1;
    private static final float ERF_Q2 = (float) Q2;
    private static final float ERF_Q3 = (float) Q3;
    private static final float ERF_Q4 = (float) Q4;
    private static final float ERF_Q5 = (float) Q5;
    private static final float ERF_Q6 = (float) Q6;
    private static final float ERF_Q7 = (float) Q7;
    private static final float ERF_Q8 = (float) Q8;
    private static final float ERF_Q9 = (float) Q9;
    private static final float ERF_Q10 = (float) Q10;

    // Φ's: Φ(x) = ½ + x·Sφ(x²) with Sφ(z) = S(z/2)/(2√2); ½·erfc(|x|/√2) = exp(−x²/2)·Qφ(|x| − M√2) with
    // Qφ(v) = ½·Q(v/√2)
    private static final double R = INV_SQRT_2_D;
    private static final float PHI_S0 = (float) (S0 * 0.5 * R);
    private static final float PHI_S1 = (float) (S1 * 0.25 * R);
    private static final float PHI_S2 = (float) (S2 * 0.125 * R);
    private static final float PHI_S3 = (float) (S3 * 0.0625 * R);
    private static final float PHI_S4 = (float) (S4 * 0.03125 * R);
    private static final float PHI_S5 = (float) (S5 * 0.015625 * R);
    private static final float PHI_S6 = (float) (S6 * 0.0078125 * R);
    private static final float PHI_Q0 = (float) (Q0 * 0.5);
    private static final float PHI_Q1 = (float) (Q1 * 0.5 * R);
    private static final float PHI_Q2 = (float) (Q2 * 0.25);
    private static final float PHI_Q3 = (float) (Q3 * 0.25 * R);
    private static final float PHI_Q4 = (float) (Q4 * 0.125);
    private static final float PHI_Q5 = (float) (Q5 * 0.125 * R);
    private static final float PHI_Q6 = (float) (Q6 * 0.0625);
    private static final float PHI_Q7 = (float) (Q7 * 0.0625 * R);
    private static final float PHI_Q8 = (float) (Q8 * 0.03125);
    private static final float PHI_Q9 = (float) (Q9 * 0.03125 * R);
    private static final float PHI_Q10 = (float) (Q10 * 0.015625);
    private static final float PHI_Q_MID = (float) (ERF_Q_MID / INV_SQRT_2_D);
    private static final float PHI_X_SMALL = (float) (1 / INV_SQRT_2_D);
    private static final float PHI_X_MAX = (float) (ERF_A_MAX / INV_SQRT_2_D);

    /** exp(−z/2) for z in [0, 170]; no special cases (NaN, underflow): callers mask the lanes outside. */
    private static FloatVector expMinusHalf(FloatVector z) {
        FloatVector t = z.fma(MINUS_HALF_LOG2E, EXP_SHIFT);   // its low mantissa bits hold n
        FloatVector n = t.sub(EXP_SHIFT);
        FloatVector q = z.broadcast(TWO_LN2).fma(n, z);   // = −2r
        FloatVector p = q.fma(EXP_E6, EXP_E5);
        p = p.fma(q, q.broadcast(EXP_E4));
        p = p.fma(q, q.broadcast(EXP_E3));
        p = p.fma(q, q.broadcast(EXP_E2));
        p = p.fma(q, q.broadcast(EXP_E1));
        p = p.fma(q, q.broadcast(1f));
        // 2^n·p: add n to p's exponent field (t's low bits are n in two's complement, so t << 23 is n << 23)
        IntVector scale = t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23);
        return p.reinterpretAsInts().add(scale).reinterpretAsFloats();
    }

    /** S(z) with erf(a) = a·S(a²) for |a| < 1 (Horner: its rounding is the smaller near |a| = 1). */
    private static FloatVector erfSmall(FloatVector z) {
        FloatVector p = z.fma(ERF_S6, ERF_S5);
        p = p.fma(z, z.broadcast(ERF_S4));
        p = p.fma(z, z.broadcast(ERF_S3));
        p = p.fma(z, z.broadcast(ERF_S2));
        p = p.fma(z, z.broadcast(ERF_S1));
        return p.fma(z, z.broadcast(ERF_S0));
    }

    // Horner throughout: the loop iterations are independent, so throughput (instruction count) matters more
    // than the length of one dependency chain.
    /** erfcx(a) for a in [1, A], given u = a − M. */
    private static FloatVector erfcxLarge(FloatVector u) {
        FloatVector p = u.fma(ERF_Q10, ERF_Q9);
        p = p.fma(u, u.broadcast(ERF_Q8));
        p = p.fma(u, u.broadcast(ERF_Q7));
        p = p.fma(u, u.broadcast(ERF_Q6));
        p = p.fma(u, u.broadcast(ERF_Q5));
        p = p.fma(u, u.broadcast(ERF_Q4));
        p = p.fma(u, u.broadcast(ERF_Q3));
        p = p.fma(u, u.broadcast(ERF_Q2));
        p = p.fma(u, u.broadcast(ERF_Q1));
        return p.fma(u, u.broadcast(ERF_Q0));
    }

    /** Lanewise erf in float (NaN stays NaN, ±inf gives ±1). */
    static FloatVector erf(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector z = x.mul(x);
        FloatVector small = x.mul(erfSmall(z));
        FloatVector erfc = expMinusHalf(z.mul(2f)).mul(erfcxLarge(ax.sub(ERF_Q_MID)));
        erfc = erfc.blend(0f, ax.compare(VectorOperators.GE, ERF_A_MAX));
        FloatVector large = x.broadcast(1f).sub(erfc);
        large = large.blend(large.neg(), x.compare(VectorOperators.LT, 0f));
        return small.blend(large, ax.compare(VectorOperators.GE, 1f));
    }

    /** Sφ(z): Φ(x) = ½ + x·Sφ(x²) for |x| < √2. */
    private static FloatVector phiSmall(FloatVector z) {
        FloatVector p = z.fma(PHI_S6, PHI_S5);
        p = p.fma(z, z.broadcast(PHI_S4));
        p = p.fma(z, z.broadcast(PHI_S3));
        p = p.fma(z, z.broadcast(PHI_S2));
        p = p.fma(z, z.broadcast(PHI_S1));
        return p.fma(z, z.broadcast(PHI_S0));
    }

    /** Qφ(v) = ½·erfcx(|x|/√2) for |x| in [√2, A√2], given v = |x| − M√2. */
    private static FloatVector phiLarge(FloatVector v) {
        FloatVector p = v.fma(PHI_Q10, PHI_Q9);
        p = p.fma(v, v.broadcast(PHI_Q8));
        p = p.fma(v, v.broadcast(PHI_Q7));
        p = p.fma(v, v.broadcast(PHI_Q6));
        p = p.fma(v, v.broadcast(PHI_Q5));
        p = p.fma(v, v.broadcast(PHI_Q4));
        p = p.fma(v, v.broadcast(PHI_Q3));
        p = p.fma(v, v.broadcast(PHI_Q2));
        p = p.fma(v, v.broadcast(PHI_Q1));
        return p.fma(v, v.broadcast(PHI_Q0));
    }

    /**
     * The standard normal CDF Φ(x), given {@code z = x²}, {@code ax = |x|}, {@code e = exp(−x²/2)} and the
     * lanes {@code big} where |x| >= A√2 (there Φ is 0 or 1 in float; e and the polynomial are not used).
     */
    private static FloatVector normalCdf(FloatVector x, FloatVector z, FloatVector ax, FloatVector e,
                                         VectorMask<Float> big) {
        FloatVector small = x.fma(phiSmall(z), x.broadcast(0.5f));
        FloatVector h = e.mul(phiLarge(ax.sub(PHI_Q_MID))).blend(0f, big);   // ½·erfc(|x|/√2)
        FloatVector large = x.broadcast(1f).sub(h).blend(h, x.compare(VectorOperators.LT, 0f));
        return small.blend(large, ax.compare(VectorOperators.GE, PHI_X_SMALL));
    }

    /** {@code y[i] = erf(x[i])}; exposed for the accuracy test. */
    static void erf(VectorSpecies<Float> s, float[] x, int xOff, float[] y, int yOff, int n) {
        int bound = s.loopBound(n);
        int i = 0;
        for (; i < bound; i += s.length()) {
            erf(FloatVector.fromArray(s, x, xOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = (float) MathFunctions.erf(x[xOff + i]);
        }
    }

    private static FloatVector geluErf(FloatVector x) {
        // x·Φ(x)
        FloatVector z = x.mul(x);
        FloatVector ax = x.abs();
        FloatVector e = expMinusHalf(z);
        return x.mul(normalCdf(x, z, ax, e, ax.compare(VectorOperators.GE, PHI_X_MAX)));
    }

    private static FloatVector geluErfGrad(FloatVector x) {
        // Φ(x) + x·φ(x),  φ(x) = exp(−x²/2)/√(2π); one exp serves both (zero where |x| >= 13, beyond the range
        // of expMinusHalf: x·φ(x) < 1e-35 there)
        FloatVector z = x.mul(x);
        FloatVector ax = x.abs();
        FloatVector e = expMinusHalf(z).blend(0f, ax.compare(VectorOperators.GE, 13f));
        return x.mul(INV_SQRT_2PI).fma(e, normalCdf(x, z, ax, e, ax.compare(VectorOperators.GE, PHI_X_MAX)));
    }

    private static FloatVector geluTanh(FloatVector x) {
        // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
        FloatVector inner = x.mul(x).fma(GELU_TANH_COEF, 1f).mul(x).mul(SQRT_2_OVER_PI);
        return x.mul(0.5f).mul(DeterministicMath.tanh(inner).add(1f));
    }

    /** {@link #geluTanh(FloatVector)} for one element, operation for operation (the loops' tails). */
    private static float geluTanh(float x) {
        float inner = Math.fma(x * x, GELU_TANH_COEF, 1f) * x * SQRT_2_OVER_PI;
        return x * 0.5f * (DeterministicMath.tanh(inner) + 1f);
    }

    private static FloatVector geluTanhGrad(FloatVector x) {
        FloatVector x2 = x.mul(x);
        FloatVector t = DeterministicMath.tanh(x2.fma(GELU_TANH_COEF, 1f).mul(x).mul(SQRT_2_OVER_PI));
        FloatVector dInner = x2.fma(3f * GELU_TANH_COEF, 1f).mul(SQRT_2_OVER_PI);
        // 0.5·(1 + t) + 0.5·x·(1 − t²)·dInner
        FloatVector sech2 = t.mul(t).neg().add(1f);
        return x.mul(0.5f).mul(sech2).fma(dInner, t.add(1f).mul(0.5f));
    }

    /** {@link #geluTanhGrad(FloatVector)} for one element, operation for operation (the loops' tails). */
    private static float geluTanhGrad(float x) {
        float x2 = x * x;
        float t = DeterministicMath.tanh(Math.fma(x2, GELU_TANH_COEF, 1f) * x * SQRT_2_OVER_PI);
        float dInner = Math.fma(x2, 3f * GELU_TANH_COEF, 1f) * SQRT_2_OVER_PI;
        float sech2 = -(t * t) + 1f;
        return Math.fma(x * 0.5f * sech2, dInner, (t + 1f) * 0.5f);
    }

    // ============================================================================================ unary forward

    /** {@code y[i] = op(x[i])} for {@code i < n} (contiguous; x and y may be the same range). */
    static void unary(UnaryOp op, VectorSpecies<Float> s, float[] x, int xOff, float[] y, int yOff, int n,
                      double alpha, double beta) {
        int done = switch (op) {
            case NEG -> neg(s, x, xOff, y, yOff, n);
            case ABS -> abs(s, x, xOff, y, yOff, n);
            case SIGN -> sign(s, x, xOff, y, yOff, n);
            case EXP -> exp(s, x, xOff, y, yOff, n);
            case LOG -> log(s, x, xOff, y, yOff, n);
            case SQRT -> sqrt(s, x, xOff, y, yOff, n);
            case RSQRT -> rsqrt(s, x, xOff, y, yOff, n);
            case POW -> pow(s, x, xOff, y, yOff, n, alpha);
            case TANH -> tanh(s, x, xOff, y, yOff, n);
            case SIGMOID -> sigmoid(s, x, xOff, y, yOff, n);
            case RELU -> relu(s, x, xOff, y, yOff, n);
            case GELU_ERF -> geluErf(s, x, xOff, y, yOff, n);
            case GELU_TANH -> geluTanh(s, x, xOff, y, yOff, n);
            case CLAMP -> clamp(s, x, xOff, y, yOff, n, alpha, beta);
            case AFFINE -> affine(s, x, xOff, y, yOff, n, (float) alpha, (float) beta);
        };
        for (int i = done; i < n; i++) {
            y[yOff + i] = (float) MathFunctions.unary(op, x[xOff + i], alpha, beta);
        }
    }

    // Each forward loop returns how many leading elements it wrote (the loop bound); unary() finishes the tail.

    private static int neg(VectorSpecies<Float> s, float[] x, int xOff, float[] y, int yOff, int n) {
        int bound = s.loopBound(n);
        for (int i = 0; i < bound; i += s.length()) {
            FloatVector.fromArray(s, x, xOff + i).neg().intoArray(y, yOff + i);
        }
        return bound;
    }

    private static int abs(VectorSpecies<Float> s, float[] x, int xOff, float[] y, int yOff, int n) {
        int bound = s.loopBound(n);
        for (int i = 0; i < bound; i += s.length()) {
            FloatVector.fromArray(s, x, xOff + i).abs().intoArray(y, yOff + i);
        }
        return bound;
    }

    private static int sign(VectorSpecies<Float> s, float[] x, int xOff, float[] y, int yOff, int n) {
        int bound = s.loopBound(n);
        FloatVector one = splat(s, 1f);
        FloatVector minusOne = splat(s, -1f);
        for (int i = 0; i < bound; i += s.length()) {
            // signum keeps ±0 and NaN as they are
            FloatVector v = FloatVector.fromArray(s, x, xOff + i);
            v.blend(one, v.compare(VectorOperators.GT, 0f)).blend(minusOne, v.compare(VectorOperators.LT, 0f))
                    .intoArray(y, yOff + i);
        }
        return bound;
    }

    private static int exp(VectorSpecies<Float> s, float[] x, int xOff, float[] y, int yOff, int n) {
        int bound = s.loopBound(n);
        int i = 0;
        for (; i < bound; i += s.length()) {
            DeterministicMath.exp(FloatVector.fromArray(s, x, xOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = DeterministicMath.exp(x[xOff + i]);
        }
        return n;
    }

    private static int log(VectorSpecies<Float> s, float[] x, int xOff, float[] y, int yOff, int n) {
        int bound = s.loopBound(n);
        int i = 0;
        for (; i < bound; i += s.length()) {
            DeterministicMath.log(FloatVector.fromArray(s, x, xOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = DeterministicMath.log(x[xOff + i]);
        }
        return n;
    }

    private static int sqrt(VectorSpecies<Float> s, float[] x, int xOff, float[] y, int yOff, int n) {
        int bound = s.loopBound(n);
        for (int i = 0; i < bound; i += s.length()) {
            FloatVector.fromArray(s, x, xOff + i).sqrt().intoArray(y, yOff + i);
        }
        return bound;
    }

    private static int rsqrt(VectorSpecies<Float> s, float[] x, int xOff, float[] y, int yOff, int n) {
        int bound = s.loopBound(n);
        FloatVector one = splat(s, 1f);
        for (int i = 0; i < bound; i += s.length()) {
            one.div(FloatVector.fromArray(s, x, xOff + i).sqrt()).intoArray(y, yOff + i);
        }
        return bound;
    }

    private static int pow(VectorSpecies<Float> s, float[] x, int xOff, float[] y, int yOff, int n, double alpha) {
        int bound = s.loopBound(n);
        if (alpha == 0.0 || alpha == 1.0) {
            return 0;   // trivial exponents: the scalar loop is exact and as fast as it gets
        }
        if (alpha == 2.0) {
            for (int i = 0; i < bound; i += s.length()) {
                FloatVector v = FloatVector.fromArray(s, x, xOff + i);
                v.mul(v).intoArray(y, yOff + i);
            }
            return bound;
        }
        if (alpha == 3.0) {
            for (int i = 0; i < bound; i += s.length()) {
                FloatVector v = FloatVector.fromArray(s, x, xOff + i);
                v.mul(v).mul(v).intoArray(y, yOff + i);
            }
            return bound;
        }
        // other exponents: all scalar (Math.pow, the same intrinsic in every JIT tier); lanewise POW would switch
        // from a per-lane fallback to an SVML stub once compiled and change last bits (see DeterministicMath)
        return 0;
    }

    private static int tanh(VectorSpecies<Float> s, float[] x, int xOff, float[] y, int yOff, int n) {
        int bound = s.loopBound(n);
        int i = 0;
        for (; i < bound; i += s.length()) {
            DeterministicMath.tanh(FloatVector.fromArray(s, x, xOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = DeterministicMath.tanh(x[xOff + i]);
        }
        return n;
    }

    private static int sigmoid(VectorSpecies<Float> s, float[] x, int xOff, float[] y, int yOff, int n) {
        int bound = s.loopBound(n);
        int i = 0;
        for (; i < bound; i += s.length()) {
            DeterministicMath.sigmoid(FloatVector.fromArray(s, x, xOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = DeterministicMath.sigmoid(x[xOff + i]);
        }
        return n;
    }

    private static int relu(VectorSpecies<Float> s, float[] x, int xOff, float[] y, int yOff, int n) {
        int bound = s.loopBound(n);
        for (int i = 0; i < bound; i += s.length()) {
            // lanewise MAX is Math.max: NaN propagates and max(−0, 0) = +0, as the reference
            FloatVector.fromArray(s, x, xOff + i).max(0f).intoArray(y, yOff + i);
        }
        return bound;
    }

    private static int geluErf(VectorSpecies<Float> s, float[] x, int xOff, float[] y, int yOff, int n) {
        int bound = s.loopBound(n);
        for (int i = 0; i < bound; i += s.length()) {
            geluErf(FloatVector.fromArray(s, x, xOff + i)).intoArray(y, yOff + i);
        }
        return bound;
    }

    private static int geluTanh(VectorSpecies<Float> s, float[] x, int xOff, float[] y, int yOff, int n) {
        int bound = s.loopBound(n);
        int i = 0;
        for (; i < bound; i += s.length()) {
            geluTanh(FloatVector.fromArray(s, x, xOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = geluTanh(x[xOff + i]);
        }
        return n;
    }

    private static int clamp(VectorSpecies<Float> s, float[] x, int xOff, float[] y, int yOff, int n,
                             double min, double max) {
        int bound = s.loopBound(n);
        // rounding the bounds to nearest float gives exactly the reference's float result
        float lo = (float) min;
        float hi = (float) max;
        for (int i = 0; i < bound; i += s.length()) {
            FloatVector.fromArray(s, x, xOff + i).max(lo).min(hi).intoArray(y, yOff + i);
        }
        return bound;
    }

    private static int affine(VectorSpecies<Float> s, float[] x, int xOff, float[] y, int yOff, int n,
                              float alpha, float beta) {
        int bound = s.loopBound(n);
        for (int i = 0; i < bound; i += s.length()) {
            FloatVector.fromArray(s, x, xOff + i).fma(alpha, beta).intoArray(y, yOff + i);
        }
        return bound;
    }

    // ============================================================================================ unary backward

    /** {@code gx[i] = gy[i]·op'(x[i])} for {@code i < n}; {@code y} is the forward output. */
    static void unaryBackward(UnaryOp op, VectorSpecies<Float> s, float[] x, int xOff, float[] y, int yOff,
                              float[] gy, int gyOff, float[] gx, int gxOff, int n, double alpha, double beta) {
        int bound = s.loopBound(n);
        int done = switch (op) {
            case NEG -> scaleGrad(s, gy, gyOff, gx, gxOff, bound, -1f);
            case ABS -> absGrad(s, x, xOff, gy, gyOff, gx, gxOff, bound);
            case SIGN -> scaleGrad(s, gy, gyOff, gx, gxOff, bound, 0f);   // gy·0 keeps NaN/inf gradients NaN
            case EXP -> expGrad(s, y, yOff, gy, gyOff, gx, gxOff, bound);
            case LOG -> logGrad(s, x, xOff, gy, gyOff, gx, gxOff, bound);
            case SQRT -> sqrtGrad(s, y, yOff, gy, gyOff, gx, gxOff, bound);
            case RSQRT -> rsqrtGrad(s, y, yOff, gy, gyOff, gx, gxOff, bound);
            case POW -> powGrad(s, x, xOff, gy, gyOff, gx, gxOff, n, alpha);
            case TANH -> tanhGrad(s, y, yOff, gy, gyOff, gx, gxOff, bound);
            case SIGMOID -> sigmoidGrad(s, y, yOff, gy, gyOff, gx, gxOff, bound);
            case RELU -> reluGrad(s, x, xOff, gy, gyOff, gx, gxOff, bound);
            case GELU_ERF -> geluErfGrad(s, x, xOff, gy, gyOff, gx, gxOff, bound);
            case GELU_TANH -> geluTanhGrad(s, x, xOff, gy, gyOff, gx, gxOff, bound, n);
            case CLAMP -> clampGrad(s, x, xOff, gy, gyOff, gx, gxOff, bound, alpha, beta);
            case AFFINE -> scaleGrad(s, gy, gyOff, gx, gxOff, bound, (float) alpha);
        };
        for (int i = done; i < n; i++) {
            double d = MathFunctions.unaryGrad(op, x[xOff + i], y[yOff + i], alpha, beta);
            gx[gxOff + i] = (float) (gy[gyOff + i] * d);
        }
    }

    // Each backward loop covers [0, bound) and returns bound; unaryBackward() finishes the tail.

    private static int scaleGrad(VectorSpecies<Float> s, float[] gy, int gyOff, float[] gx, int gxOff, int bound,
                                 float factor) {
        for (int i = 0; i < bound; i += s.length()) {
            FloatVector.fromArray(s, gy, gyOff + i).mul(factor).intoArray(gx, gxOff + i);
        }
        return bound;
    }

    private static int expGrad(VectorSpecies<Float> s, float[] y, int yOff, float[] gy, int gyOff, float[] gx,
                               int gxOff, int bound) {
        for (int i = 0; i < bound; i += s.length()) {
            FloatVector.fromArray(s, gy, gyOff + i).mul(FloatVector.fromArray(s, y, yOff + i))
                    .intoArray(gx, gxOff + i);
        }
        return bound;
    }

    private static int logGrad(VectorSpecies<Float> s, float[] x, int xOff, float[] gy, int gyOff, float[] gx,
                               int gxOff, int bound) {
        for (int i = 0; i < bound; i += s.length()) {
            FloatVector.fromArray(s, gy, gyOff + i).div(FloatVector.fromArray(s, x, xOff + i))
                    .intoArray(gx, gxOff + i);
        }
        return bound;
    }

    private static int sqrtGrad(VectorSpecies<Float> s, float[] y, int yOff, float[] gy, int gyOff, float[] gx,
                                int gxOff, int bound) {
        for (int i = 0; i < bound; i += s.length()) {
            FloatVector g = FloatVector.fromArray(s, gy, gyOff + i).mul(0.5f);
            g.div(FloatVector.fromArray(s, y, yOff + i)).intoArray(gx, gxOff + i);
        }
        return bound;
    }

    private static int rsqrtGrad(VectorSpecies<Float> s, float[] y, int yOff, float[] gy, int gyOff, float[] gx,
                                 int gxOff, int bound) {
        for (int i = 0; i < bound; i += s.length()) {
            FloatVector yv = FloatVector.fromArray(s, y, yOff + i);
            FloatVector d = yv.mul(yv).mul(yv).mul(-0.5f);
            FloatVector.fromArray(s, gy, gyOff + i).mul(d).intoArray(gx, gxOff + i);
        }
        return bound;
    }

    private static int tanhGrad(VectorSpecies<Float> s, float[] y, int yOff, float[] gy, int gyOff, float[] gx,
                                int gxOff, int bound) {
        for (int i = 0; i < bound; i += s.length()) {
            FloatVector yv = FloatVector.fromArray(s, y, yOff + i);
            FloatVector d = yv.mul(yv).neg().add(1f);
            FloatVector.fromArray(s, gy, gyOff + i).mul(d).intoArray(gx, gxOff + i);
        }
        return bound;
    }

    private static int sigmoidGrad(VectorSpecies<Float> s, float[] y, int yOff, float[] gy, int gyOff, float[] gx,
                                   int gxOff, int bound) {
        for (int i = 0; i < bound; i += s.length()) {
            FloatVector yv = FloatVector.fromArray(s, y, yOff + i);
            FloatVector d = yv.mul(yv.neg().add(1f));
            FloatVector.fromArray(s, gy, gyOff + i).mul(d).intoArray(gx, gxOff + i);
        }
        return bound;
    }

    private static int geluErfGrad(VectorSpecies<Float> s, float[] x, int xOff, float[] gy, int gyOff, float[] gx,
                                   int gxOff, int bound) {
        for (int i = 0; i < bound; i += s.length()) {
            FloatVector d = geluErfGrad(FloatVector.fromArray(s, x, xOff + i));
            FloatVector.fromArray(s, gy, gyOff + i).mul(d).intoArray(gx, gxOff + i);
        }
        return bound;
    }

    private static int geluTanhGrad(VectorSpecies<Float> s, float[] x, int xOff, float[] gy, int gyOff, float[] gx,
                                    int gxOff, int bound, int n) {
        int i = 0;
        for (; i < bound; i += s.length()) {
            FloatVector d = geluTanhGrad(FloatVector.fromArray(s, x, xOff + i));
            FloatVector.fromArray(s, gy, gyOff + i).mul(d).intoArray(gx, gxOff + i);
        }
        // tail with the same float formula (its tanh is DeterministicMath's): position-independent results
        for (; i < n; i++) {
            gx[gxOff + i] = gy[gyOff + i] * geluTanhGrad(x[xOff + i]);
        }
        return n;
    }

    private static int absGrad(VectorSpecies<Float> s, float[] x, int xOff, float[] gy, int gyOff,
                                float[] gx, int gxOff, int bound) {
        FloatVector zero = zeros(s);
        FloatVector one = splat(s, 1f);
        FloatVector minusOne = splat(s, -1f);
        for (int i = 0; i < bound; i += s.length()) {
            FloatVector v = FloatVector.fromArray(s, x, xOff + i);
            // signum(x): NaN where x is NaN, else −1/0/+1
            FloatVector sg = zero.blend(one, v.compare(VectorOperators.GT, 0f))
                    .blend(minusOne, v.compare(VectorOperators.LT, 0f))
                    .blend(v, v.test(VectorOperators.IS_NAN));
            FloatVector.fromArray(s, gy, gyOff + i).mul(sg).intoArray(gx, gxOff + i);
        }
        return bound;
    }

    private static int reluGrad(VectorSpecies<Float> s, float[] x, int xOff, float[] gy, int gyOff,
                                 float[] gx, int gxOff, int bound) {
        FloatVector zero = zeros(s);
        FloatVector one = splat(s, 1f);
        for (int i = 0; i < bound; i += s.length()) {
            VectorMask<Float> pos = FloatVector.fromArray(s, x, xOff + i).compare(VectorOperators.GT, 0f);
            FloatVector.fromArray(s, gy, gyOff + i).mul(zero.blend(one, pos)).intoArray(gx, gxOff + i);
        }
        return bound;
    }

    private static int clampGrad(VectorSpecies<Float> s, float[] x, int xOff, float[] gy, int gyOff,
                                  float[] gx, int gxOff, int bound, double min, double max) {
        // x >= min exactly when x >= the smallest float >= min (likewise for max), so the mask is exact
        float lo = (float) min;
        if (lo < min) {
            lo = Math.nextUp(lo);
        }
        float hi = (float) max;
        if (hi > max) {
            hi = Math.nextDown(hi);
        }
        FloatVector zero = zeros(s);
        FloatVector one = splat(s, 1f);
        for (int i = 0; i < bound; i += s.length()) {
            FloatVector v = FloatVector.fromArray(s, x, xOff + i);
            VectorMask<Float> inside = v.compare(VectorOperators.GE, lo).and(v.compare(VectorOperators.LE, hi));
            FloatVector.fromArray(s, gy, gyOff + i).mul(zero.blend(one, inside)).intoArray(gx, gxOff + i);
        }
        return bound;
    }

    private static int powGrad(VectorSpecies<Float> s, float[] x, int xOff, float[] gy, int gyOff,
                               float[] gx, int gxOff, int n, double alpha) {
        int bound = s.loopBound(n);
        if (alpha == 0.0) {
            for (int i = 0; i < bound; i += s.length()) {
                FloatVector.fromArray(s, gy, gyOff + i).mul(0f).intoArray(gx, gxOff + i);
            }
        } else if (alpha == 1.0) {
            for (int i = 0; i < bound; i += s.length()) {
                FloatVector.fromArray(s, gy, gyOff + i).mul(1f).intoArray(gx, gxOff + i);   // ·pow(x, 0) = ·1
            }
        } else if (alpha == 2.0) {
            for (int i = 0; i < bound; i += s.length()) {
                FloatVector d = FloatVector.fromArray(s, x, xOff + i).mul(2f);
                FloatVector.fromArray(s, gy, gyOff + i).mul(d).intoArray(gx, gxOff + i);
            }
        } else if (alpha == 3.0) {
            for (int i = 0; i < bound; i += s.length()) {
                FloatVector v = FloatVector.fromArray(s, x, xOff + i);
                FloatVector.fromArray(s, gy, gyOff + i).mul(v.mul(v).mul(3f)).intoArray(gx, gxOff + i);
            }
        } else {
            return 0;   // scalar Math.pow, as in pow() above
        }
        return bound;
    }

    // ============================================================================================ binary

    /**
     * {@code out[outOff + i] = a[aOff + i·aStep] op b[bOff + i·bStep]} for {@code i < n}; each step is 0
     * (broadcast scalar) or 1 (contiguous). Comparisons write 1 or 0.
     */
    static void binary(BinaryOp op, VectorSpecies<Float> s, float[] a, int aOff, int aStep, float[] b, int bOff,
                       int bStep, float[] out, int outOff, int n) {
        int done;
        if (aStep == 1 && bStep == 1) {
            done = binaryVV(op, s, a, aOff, b, bOff, out, outOff, n);
        } else if (aStep == 1) {
            done = binaryVS(op, s, a, aOff, b[bOff], out, outOff, n);
        } else if (bStep == 1) {
            done = binarySV(op, s, a[aOff], b, bOff, out, outOff, n);
        } else {
            if (n > 0) {
                java.util.Arrays.fill(out, outOff, outOff + n, (float) MathFunctions.binary(op, a[aOff], b[bOff]));
            }
            return;
        }
        for (int i = done; i < n; i++) {
            out[outOff + i] = (float) MathFunctions.binary(op, a[aOff + i * aStep], b[bOff + i * bStep]);
        }
    }

    private static int binaryVV(BinaryOp op, VectorSpecies<Float> s, float[] a, int aOff, float[] b, int bOff,
                                float[] out, int outOff, int n) {
        int bound = s.loopBound(n);
        int step = s.length();
        // The arithmetic ops get loops of their own: with the op switch inside the loop C2 does not inline
        // apply(), and every vector then lives as a heap object (about 10x slower than these loops).
        switch (op) {
            case ADD -> {
                for (int i = 0; i < bound; i += step) {
                    FloatVector.fromArray(s, a, aOff + i).add(FloatVector.fromArray(s, b, bOff + i))
                            .intoArray(out, outOff + i);
                }
                return bound;
            }
            case SUB -> {
                for (int i = 0; i < bound; i += step) {
                    FloatVector.fromArray(s, a, aOff + i).sub(FloatVector.fromArray(s, b, bOff + i))
                            .intoArray(out, outOff + i);
                }
                return bound;
            }
            case MUL -> {
                for (int i = 0; i < bound; i += step) {
                    FloatVector.fromArray(s, a, aOff + i).mul(FloatVector.fromArray(s, b, bOff + i))
                            .intoArray(out, outOff + i);
                }
                return bound;
            }
            case DIV -> {
                for (int i = 0; i < bound; i += step) {
                    FloatVector.fromArray(s, a, aOff + i).div(FloatVector.fromArray(s, b, bOff + i))
                            .intoArray(out, outOff + i);
                }
                return bound;
            }
            default -> {
                FloatVector one = splat(s, 1f);
                FloatVector zero = zeros(s);
                for (int i = 0; i < bound; i += step) {
                    FloatVector va = FloatVector.fromArray(s, a, aOff + i);
                    FloatVector vb = FloatVector.fromArray(s, b, bOff + i);
                    apply(op, va, vb, one, zero).intoArray(out, outOff + i);
                }
                return bound;
            }
        }
    }

    private static int binaryVS(BinaryOp op, VectorSpecies<Float> s, float[] a, int aOff, float b,
                                float[] out, int outOff, int n) {
        int bound = s.loopBound(n);
        int step = s.length();
        FloatVector vb = splat(s, b);
        switch (op) {   // see binaryVV: one loop per arithmetic op keeps the vectors in registers
            case ADD -> {
                for (int i = 0; i < bound; i += step) {
                    FloatVector.fromArray(s, a, aOff + i).add(vb).intoArray(out, outOff + i);
                }
                return bound;
            }
            case SUB -> {
                for (int i = 0; i < bound; i += step) {
                    FloatVector.fromArray(s, a, aOff + i).sub(vb).intoArray(out, outOff + i);
                }
                return bound;
            }
            case MUL -> {
                for (int i = 0; i < bound; i += step) {
                    FloatVector.fromArray(s, a, aOff + i).mul(vb).intoArray(out, outOff + i);
                }
                return bound;
            }
            case DIV -> {
                for (int i = 0; i < bound; i += step) {
                    FloatVector.fromArray(s, a, aOff + i).div(vb).intoArray(out, outOff + i);
                }
                return bound;
            }
            default -> {
                FloatVector one = splat(s, 1f);
                FloatVector zero = zeros(s);
                for (int i = 0; i < bound; i += step) {
                    apply(op, FloatVector.fromArray(s, a, aOff + i), vb, one, zero).intoArray(out, outOff + i);
                }
                return bound;
            }
        }
    }

    private static int binarySV(BinaryOp op, VectorSpecies<Float> s, float a, float[] b, int bOff,
                                float[] out, int outOff, int n) {
        int bound = s.loopBound(n);
        int step = s.length();
        FloatVector va = splat(s, a);
        switch (op) {   // see binaryVV: one loop per arithmetic op keeps the vectors in registers
            case ADD -> {
                for (int i = 0; i < bound; i += step) {
                    va.add(FloatVector.fromArray(s, b, bOff + i)).intoArray(out, outOff + i);
                }
                return bound;
            }
            case SUB -> {
                for (int i = 0; i < bound; i += step) {
                    va.sub(FloatVector.fromArray(s, b, bOff + i)).intoArray(out, outOff + i);
                }
                return bound;
            }
            case MUL -> {
                for (int i = 0; i < bound; i += step) {
                    va.mul(FloatVector.fromArray(s, b, bOff + i)).intoArray(out, outOff + i);
                }
                return bound;
            }
            case DIV -> {
                for (int i = 0; i < bound; i += step) {
                    va.div(FloatVector.fromArray(s, b, bOff + i)).intoArray(out, outOff + i);
                }
                return bound;
            }
            default -> {
                FloatVector one = splat(s, 1f);
                FloatVector zero = zeros(s);
                for (int i = 0; i < bound; i += step) {
                    apply(op, va, FloatVector.fromArray(s, b, bOff + i), one, zero).intoArray(out, outOff + i);
                }
                return bound;
            }
        }
    }

    /** One binary op on a vector pair (the switch is loop-invariant, so the branch predictor hides it). */
    private static FloatVector apply(BinaryOp op, FloatVector a, FloatVector b, FloatVector one, FloatVector zero) {
        return switch (op) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
            case DIV -> a.div(b);
            case MAX -> a.max(b);   // Math.max semantics: NaN-propagating like torch.maximum
            case MIN -> a.min(b);
            case EQ -> zero.blend(one, a.compare(VectorOperators.EQ, b));
            case NE -> zero.blend(one, a.compare(VectorOperators.NE, b));
            case LT -> zero.blend(one, a.compare(VectorOperators.LT, b));
            case LE -> zero.blend(one, a.compare(VectorOperators.LE, b));
            case GT -> zero.blend(one, a.compare(VectorOperators.GT, b));
            case GE -> zero.blend(one, a.compare(VectorOperators.GE, b));
        };
    }

    // ============================================================================================ reductions

    /** Σ x[off .. off+n) in float lanes with four accumulators. */
    static float sum(VectorSpecies<Float> s, float[] x, int off, int n) {
        int step = s.length();
        int bound4 = n - n % (4 * step);
        FloatVector acc0 = zeros(s);
        FloatVector acc1 = zeros(s);
        FloatVector acc2 = zeros(s);
        FloatVector acc3 = zeros(s);
        int i = 0;
        for (; i < bound4; i += 4 * step) {
            acc0 = acc0.add(FloatVector.fromArray(s, x, off + i));
            acc1 = acc1.add(FloatVector.fromArray(s, x, off + i + step));
            acc2 = acc2.add(FloatVector.fromArray(s, x, off + i + 2 * step));
            acc3 = acc3.add(FloatVector.fromArray(s, x, off + i + 3 * step));
        }
        int bound = s.loopBound(n);
        for (; i < bound; i += step) {
            acc0 = acc0.add(FloatVector.fromArray(s, x, off + i));
        }
        float total = VectorKernels.addLanes(acc0.add(acc1).add(acc2.add(acc3)));
        for (; i < n; i++) {
            total += x[off + i];
        }
        return total;
    }

    /** Max (or min) of x[off .. off+n) with NaN propagating; −inf (+inf) for n = 0. */
    static float extreme(boolean max, VectorSpecies<Float> s, float[] x, int off, int n) {
        int step = s.length();
        int bound2 = n - n % (2 * step);
        float init = max ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
        FloatVector acc0 = splat(s, init);
        FloatVector acc1 = acc0;
        int i = 0;
        if (max) {
            for (; i < bound2; i += 2 * step) {
                acc0 = acc0.max(FloatVector.fromArray(s, x, off + i));
                acc1 = acc1.max(FloatVector.fromArray(s, x, off + i + step));
            }
        } else {
            for (; i < bound2; i += 2 * step) {
                acc0 = acc0.min(FloatVector.fromArray(s, x, off + i));
                acc1 = acc1.min(FloatVector.fromArray(s, x, off + i + step));
            }
        }
        FloatVector acc = max ? acc0.max(acc1) : acc0.min(acc1);
        // lanes may hold NaN; reduceLanes(MAX) is Math.max-based, but check explicitly to be independent of it
        if (acc.test(VectorOperators.IS_NAN).anyTrue()) {
            return Float.NaN;
        }
        float r = acc.reduceLanes(max ? VectorOperators.MAX : VectorOperators.MIN);
        for (; i < n; i++) {
            float v = x[off + i];
            if (v != v) {
                return Float.NaN;
            }
            r = max ? Math.max(r, v) : Math.min(r, v);
        }
        return r;
    }

    /** Reduces each of {@code rows} contiguous rows of length {@code len}: {@code out[outOff + r]}. */
    static void reduceRows(ReduceOp op, VectorSpecies<Float> s, float[] x, int xOff, int rows, int len,
                           float[] out, int outOff) {
        for (int r = 0; r < rows; r++) {
            int xo = xOff + r * len;
            out[outOff + r] = switch (op) {
                case SUM -> sum(s, x, xo, len);
                case MAX -> extreme(true, s, x, xo, len);
                case MIN -> extreme(false, s, x, xo, len);
            };
        }
    }

    /**
     * Reduces the middle axis of one {@code (len, inner)} block over columns {@code [c0, c1)}:
     * {@code out[outOff + c] = op_p x[xOff + p·inner + c]}, accumulating whole rows in the output.
     */
    static void reduceColumns(ReduceOp op, VectorSpecies<Float> s, float[] x, int xOff, int len, int inner,
                              int c0, int c1, float[] out, int outOff) {
        float init = switch (op) {
            case SUM -> 0f;
            case MAX -> Float.NEGATIVE_INFINITY;
            case MIN -> Float.POSITIVE_INFINITY;
        };
        java.util.Arrays.fill(out, outOff + c0, outOff + c1, init);
        int n = c1 - c0;
        int bound = s.loopBound(n);
        for (int p = 0; p < len; p++) {
            int xo = xOff + p * inner + c0;   // (len, inner) row p, column c0
            int oo = outOff + c0;
            int j = 0;
            switch (op) {
                case SUM -> {
                    for (; j < bound; j += s.length()) {
                        FloatVector.fromArray(s, out, oo + j).add(FloatVector.fromArray(s, x, xo + j))
                                .intoArray(out, oo + j);
                    }
                    for (; j < n; j++) {
                        out[oo + j] += x[xo + j];
                    }
                }
                case MAX -> {
                    for (; j < bound; j += s.length()) {
                        FloatVector.fromArray(s, out, oo + j).max(FloatVector.fromArray(s, x, xo + j))
                                .intoArray(out, oo + j);
                    }
                    for (; j < n; j++) {
                        out[oo + j] = Math.max(out[oo + j], x[xo + j]);
                    }
                }
                case MIN -> {
                    for (; j < bound; j += s.length()) {
                        FloatVector.fromArray(s, out, oo + j).min(FloatVector.fromArray(s, x, xo + j))
                                .intoArray(out, oo + j);
                    }
                    for (; j < n; j++) {
                        out[oo + j] = Math.min(out[oo + j], x[xo + j]);
                    }
                }
            }
        }
    }

    // ============================================================================================ softmax

    /** Softmax (or log-softmax) of rows {@code [r0, r1)} of a contiguous {@code (rows, cols)} block. */
    static void softmaxRows(boolean log, VectorSpecies<Float> s, float[] x, int xOff, float[] y, int yOff,
                            int r0, int r1, int cols) {
        for (int r = r0; r < r1; r++) {
            int xo = xOff + r * cols;
            int yo = yOff + r * cols;
            float max = extreme(true, s, x, xo, cols);
            if (log) {
                float sum = expSum(s, x, xo, cols, max);
                float logSum = (float) (Math.log(sum) + max);
                shift(s, x, xo, y, yo, cols, logSum);
            } else {
                float sum = expStore(s, x, xo, y, yo, cols, max);
                scale(s, y, yo, cols, (float) (1.0 / sum));
            }
        }
    }

    /**
     * {@code x = x·scale}, then {@code x += mask[mOff + j·mStride]} when {@code mask} is non-null, over a row of
     * n: the attention scores' scale and additive mask in one pass (each step rounded to float, as two separate
     * element-wise kernels would).
     */
    static void scaleAddRow(VectorSpecies<Float> s, float[] x, int off, int n, float scale, float[] mask, int mOff,
                            int mStride) {
        int bound = s.loopBound(n);
        int i = 0;
        if (mask == null) {
            for (; i < bound; i += s.length()) {
                FloatVector.fromArray(s, x, off + i).mul(scale).intoArray(x, off + i);
            }
            for (; i < n; i++) {
                x[off + i] = x[off + i] * scale;
            }
        } else if (mStride == 1) {
            for (; i < bound; i += s.length()) {
                FloatVector.fromArray(s, x, off + i).mul(scale).add(FloatVector.fromArray(s, mask, mOff + i))
                        .intoArray(x, off + i);
            }
            for (; i < n; i++) {
                x[off + i] = x[off + i] * scale + mask[mOff + i];
            }
        } else {
            for (; i < n; i++) {
                x[off + i] = x[off + i] * scale + mask[mOff + i * mStride];
            }
        }
    }

    /** Σ exp(x − shift) over a row. */
    private static float expSum(VectorSpecies<Float> s, float[] x, int off, int n, float shift) {
        int step = s.length();
        int bound2 = n - n % (2 * step);
        FloatVector acc0 = zeros(s);
        FloatVector acc1 = zeros(s);
        int i = 0;
        for (; i < bound2; i += 2 * step) {
            acc0 = acc0.add(DeterministicMath.exp(FloatVector.fromArray(s, x, off + i).sub(shift)));
            acc1 = acc1.add(DeterministicMath.exp(FloatVector.fromArray(s, x, off + i + step).sub(shift)));
        }
        float total = VectorKernels.addLanes(acc0.add(acc1));
        for (; i < n; i++) {
            total += DeterministicMath.exp(x[off + i] - shift);
        }
        return total;
    }

    /** {@code y = exp(x − shift)} over a row; returns Σ y. */
    private static float expStore(VectorSpecies<Float> s, float[] x, int xOff, float[] y, int yOff, int n,
                                  float shift) {
        int step = s.length();
        int bound2 = n - n % (2 * step);
        FloatVector acc0 = zeros(s);
        FloatVector acc1 = zeros(s);
        int i = 0;
        for (; i < bound2; i += 2 * step) {
            FloatVector e0 = DeterministicMath.exp(FloatVector.fromArray(s, x, xOff + i).sub(shift));
            FloatVector e1 = DeterministicMath.exp(FloatVector.fromArray(s, x, xOff + i + step).sub(shift));
            e0.intoArray(y, yOff + i);
            e1.intoArray(y, yOff + i + step);
            acc0 = acc0.add(e0);
            acc1 = acc1.add(e1);
        }
        // one more single vector: short rows (attention over ~20 keys) would otherwise run all-scalar exps
        if (i + step <= n) {
            FloatVector e0 = DeterministicMath.exp(FloatVector.fromArray(s, x, xOff + i).sub(shift));
            e0.intoArray(y, yOff + i);
            acc0 = acc0.add(e0);
            i += step;
        }
        float total = VectorKernels.addLanes(acc0.add(acc1));
        for (; i < n; i++) {
            float e = DeterministicMath.exp(x[xOff + i] - shift);
            y[yOff + i] = e;
            total += e;
        }
        return total;
    }

    /** {@code y = x − shift} over a row. */
    private static void shift(VectorSpecies<Float> s, float[] x, int xOff, float[] y, int yOff, int n, float shift) {
        int bound = s.loopBound(n);
        int i = 0;
        for (; i < bound; i += s.length()) {
            FloatVector.fromArray(s, x, xOff + i).sub(shift).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = x[xOff + i] - shift;
        }
    }

    /** {@code y *= factor} over a row. */
    private static void scale(VectorSpecies<Float> s, float[] y, int off, int n, float factor) {
        int bound = s.loopBound(n);
        int i = 0;
        for (; i < bound; i += s.length()) {
            FloatVector.fromArray(s, y, off + i).mul(factor).intoArray(y, off + i);
        }
        for (; i < n; i++) {
            y[off + i] *= factor;
        }
    }

    /** Σ a·b over a row. */
    static float dot(VectorSpecies<Float> s, float[] a, int aOff, float[] b, int bOff, int n) {
        int step = s.length();
        int bound2 = n - n % (2 * step);
        FloatVector acc0 = zeros(s);
        FloatVector acc1 = zeros(s);
        int i = 0;
        for (; i < bound2; i += 2 * step) {
            acc0 = FloatVector.fromArray(s, a, aOff + i).fma(FloatVector.fromArray(s, b, bOff + i), acc0);
            acc1 = FloatVector.fromArray(s, a, aOff + i + step).fma(FloatVector.fromArray(s, b, bOff + i + step), acc1);
        }
        int bound = s.loopBound(n);
        for (; i < bound; i += step) {
            acc0 = FloatVector.fromArray(s, a, aOff + i).fma(FloatVector.fromArray(s, b, bOff + i), acc0);
        }
        float total = VectorKernels.addLanes(acc0.add(acc1));
        for (; i < n; i++) {
            total += a[aOff + i] * b[bOff + i];
        }
        return total;
    }

    /**
     * Softmax backward for rows {@code [r0, r1)}: softmax {@code gx = y·(gy − Σ gy·y)};
     * log-softmax {@code gx = gy − exp(y)·Σ gy}.
     */
    static void softmaxBackwardRows(boolean log, VectorSpecies<Float> s, float[] y, int yOff, float[] gy, int gyOff,
                                    float[] gx, int gxOff, int r0, int r1, int cols) {
        int bound = s.loopBound(cols);
        for (int r = r0; r < r1; r++) {
            int yo = yOff + r * cols;
            int go = gyOff + r * cols;
            int xo = gxOff + r * cols;
            int j = 0;
            if (log) {
                float total = sum(s, gy, go, cols);
                for (; j < bound; j += s.length()) {
                    FloatVector e = DeterministicMath.exp(FloatVector.fromArray(s, y, yo + j));
                    e.fma(e.broadcast(-total), FloatVector.fromArray(s, gy, go + j)).intoArray(gx, xo + j);
                }
                for (; j < cols; j++) {
                    gx[xo + j] = Math.fma(DeterministicMath.exp(y[yo + j]), -total, gy[go + j]);
                }
            } else {
                float d = dot(s, gy, go, y, yo, cols);
                for (; j < bound; j += s.length()) {
                    FloatVector yv = FloatVector.fromArray(s, y, yo + j);
                    yv.mul(FloatVector.fromArray(s, gy, go + j).sub(d)).intoArray(gx, xo + j);
                }
                for (; j < cols; j++) {
                    gx[xo + j] = y[yo + j] * (gy[go + j] - d);
                }
            }
        }
    }

    // ============================================================================================ layer norm

    /**
     * Layer norm of rows {@code [r0, r1)} of a contiguous {@code (rows, cols)} block; {@code w}/{@code b} (cols)
     * may be null. Writes {@code mean[r]} and {@code rstd[r]}.
     */
    static void layerNormRows(VectorSpecies<Float> s, float[] x, int xOff, float[] w, float[] b, float[] y, int yOff,
                              float[] mean, float[] rstd, int r0, int r1, int cols, double eps) {
        int step = s.length();
        int bound = s.loopBound(cols);
        for (int r = r0; r < r1; r++) {
            int xo = xOff + r * cols;
            int yo = yOff + r * cols;
            float mu0 = sum(s, x, xo, cols) / cols;
            // second pass around the first-pass mean; Σ(x − mu0) corrects the mean and the variance exactly
            FloatVector sq = zeros(s);
            FloatVector dev = zeros(s);
            int j = 0;
            for (; j < bound; j += step) {
                FloatVector d = FloatVector.fromArray(s, x, xo + j).sub(mu0);
                dev = dev.add(d);
                sq = d.fma(d, sq);
            }
            double sqSum = VectorKernels.addLanes(sq);
            double devSum = VectorKernels.addLanes(dev);
            for (; j < cols; j++) {
                double d = x[xo + j] - mu0;
                devSum += d;
                sqSum += d * d;
            }
            double var = Math.max(0.0, (sqSum - devSum * devSum / cols) / cols);
            double muExact = mu0 + devSum / cols;
            // the mean as a float pair: (x − muHi) − muLo keeps ~48 bits of the mean, so a narrow row on a large
            // offset (rstd ≫ 1) does not magnify the float rounding of the mean
            float muHi = (float) muExact;
            float muLo = (float) (muExact - muHi);
            float inv = (float) (1.0 / Math.sqrt(var + eps));
            mean[r] = muHi;
            rstd[r] = inv;
            j = 0;
            if (w != null && b != null) {
                for (; j < bound; j += step) {
                    FloatVector xhat = FloatVector.fromArray(s, x, xo + j).sub(muHi).sub(muLo).mul(inv);
                    xhat.fma(FloatVector.fromArray(s, w, j), FloatVector.fromArray(s, b, j)).intoArray(y, yo + j);
                }
            } else if (w == null && b == null) {
                for (; j < bound; j += step) {
                    FloatVector.fromArray(s, x, xo + j).sub(muHi).sub(muLo).mul(inv).intoArray(y, yo + j);
                }
            } else {
                for (; j < bound; j += step) {
                    FloatVector v = FloatVector.fromArray(s, x, xo + j).sub(muHi).sub(muLo).mul(inv);
                    if (w != null) {
                        v = v.mul(FloatVector.fromArray(s, w, j));
                    }
                    if (b != null) {
                        v = v.add(FloatVector.fromArray(s, b, j));
                    }
                    v.intoArray(y, yo + j);
                }
            }
            for (; j < cols; j++) {
                float v = (x[xo + j] - muHi - muLo) * inv;
                if (w != null) {
                    v *= w[j];
                }
                if (b != null) {
                    v += b[j];
                }
                y[yo + j] = v;
            }
        }
    }

    /**
     * Layer-norm backward for rows {@code [r0, r1)}: writes gx; adds Σ_rows gy·xhat into {@code gwAcc} and
     * Σ_rows gy into {@code gbAcc} (cols each; either may be null).
     */
    static void layerNormBackwardRows(VectorSpecies<Float> s, float[] x, int xOff, float[] w, float[] mean,
                                      float[] rstd, float[] gy, int gyOff, float[] gx, int gxOff,
                                      float[] gwAcc, float[] gbAcc, int r0, int r1, int cols) {
        int step = s.length();
        int bound = s.loopBound(cols);
        for (int r = r0; r < r1; r++) {
            int xo = xOff + r * cols;
            int go = gyOff + r * cols;
            int gxo = gxOff + r * cols;
            float mu = mean[r];
            float inv = rstd[r];
            // dxhat = gy·w;  gx = inv·(dxhat − mean(dxhat) − xhat·mean(dxhat·xhat))
            FloatVector sumD = zeros(s);
            FloatVector sumDX = zeros(s);
            int j = 0;
            for (; j < bound; j += step) {
                FloatVector xhat = FloatVector.fromArray(s, x, xo + j).sub(mu).mul(inv);
                FloatVector g = FloatVector.fromArray(s, gy, go + j);
                FloatVector d = w == null ? g : g.mul(FloatVector.fromArray(s, w, j));
                sumD = sumD.add(d);
                sumDX = d.fma(xhat, sumDX);
                if (gwAcc != null) {
                    g.fma(xhat, FloatVector.fromArray(s, gwAcc, j)).intoArray(gwAcc, j);
                }
                if (gbAcc != null) {
                    g.add(FloatVector.fromArray(s, gbAcc, j)).intoArray(gbAcc, j);
                }
            }
            float sd = VectorKernels.addLanes(sumD);
            float sdx = VectorKernels.addLanes(sumDX);
            for (; j < cols; j++) {
                float xhat = (x[xo + j] - mu) * inv;
                float g = gy[go + j];
                float d = w == null ? g : g * w[j];
                sd += d;
                sdx += d * xhat;
                if (gwAcc != null) {
                    gwAcc[j] += g * xhat;
                }
                if (gbAcc != null) {
                    gbAcc[j] += g;
                }
            }
            float meanD = sd / cols;
            float meanDX = sdx / cols;
            j = 0;
            for (; j < bound; j += step) {
                FloatVector xhat = FloatVector.fromArray(s, x, xo + j).sub(mu).mul(inv);
                FloatVector g = FloatVector.fromArray(s, gy, go + j);
                FloatVector d = w == null ? g : g.mul(FloatVector.fromArray(s, w, j));
                xhat.fma(xhat.broadcast(-meanDX), d.sub(meanD)).mul(inv).intoArray(gx, gxo + j);
            }
            for (; j < cols; j++) {
                float xhat = (x[xo + j] - mu) * inv;
                float g = gy[go + j];
                float d = w == null ? g : g * w[j];
                gx[gxo + j] = inv * (d - meanD - xhat * meanDX);
            }
        }
    }

    /** {@code acc[off .. off+n) += add[addOff ..]}. */
    static void addInto(VectorSpecies<Float> s, float[] acc, int off, float[] add, int addOff, int n) {
        int bound = s.loopBound(n);
        int i = 0;
        for (; i < bound; i += s.length()) {
            FloatVector.fromArray(s, acc, off + i).add(FloatVector.fromArray(s, add, addOff + i))
                    .intoArray(acc, off + i);
        }
        for (; i < n; i++) {
            acc[off + i] += add[addOff + i];
        }
    }
}
