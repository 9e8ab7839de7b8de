package dev.limbic.tensor.vector;

import dev.limbic.tensor.backend.MathFunctions;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fused LSTM and GRU cell kernels on the Vector API for a range of batch rows: flat {@code float[]} buffers,
 * element offsets, one species. Each row's hidden units run in a vector body up to {@code loopBound(hidden)} and a
 * scalar tail that evaluates the reference formulas ({@link MathFunctions}, double precision). Rows that do not
 * take the step (packed sequences, {@code active[b] == false}) carry their state in the scalar loops.
 *
 * <p>σ and tanh are computed from one inlined exp of a non-positive argument ({@link #expNeg}), as
 * {@link VectorKernels} does for GELU: the JDK's lanewise EXP/TANH are stub calls that spill every live vector.
 * <ul>
 *   <li>σ(x) = 1/(1 + e) for x ≥ 0 and e/(1 + e) for x &lt; 0, with e = exp(−|x|): no cancellation on either side.
 *   <li>tanh(x) = sign(x)·(1 − e)/(1 + e) with e = exp(−2|x|) for |x| ≥ 1/4; below, the odd Taylor polynomial to
 *       x⁹ (truncation error &lt; 1e-8 relative), where 1 − e would cancel.
 * </ul>
 * Both are within a few float ulps of the double reference; NaN inputs give NaN.
 */
final class RecurrentKernels {
    private RecurrentKernels() {
    }

    // exp(−z) = 2^n·e^r with n = round(−z·log2 e), r = −z − n·ln 2 (Cody–Waite: ln 2 in two parts, so r keeps its
    // accuracy for n down to −126), e^r by the degree-6 minimax polynomial VectorKernels uses on [−ln2/2, ln2/2]
    private static final float EXP_SHIFT = 12582912f;   // 1.5·2^23: adding it rounds to an integer in the low bits
    private static final float MINUS_LOG2E = (float) (-1 / Math.log(2));
    private static final float LN2_HI = 0.693359375f;      // ln 2 rounded to 10 significant bits (n·LN2_HI is exact)
    private static final float LN2_LO = -2.12194440e-4f;   // ln 2 − LN2_HI
    private static final float E1 = (float) 1.000000010634322;
    private static final float E2 = (float) 0.4999999812366308;
    private static final float E3 = (float) 0.16666506155480904;
    private static final float E4 = (float) 0.04166713639915147;
    private static final float E5 = (float) 0.008369075707045174;
    private static final float E6 = (float) 0.0013888872612217373;
    /** exp(−87) ≈ 1.6e-38 is still a normal float; beyond, σ and tanh are saturated to well below an ulp. */
    private static final float Z_MAX = 87f;

    private static final float TANH_SMALL = 0.25f;
    private static final float T3 = (float) (-1.0 / 3);
    private static final float T5 = (float) (2.0 / 15);
    private static final float T7 = (float) (-17.0 / 315);
    private static final float T9 = (float) (62.0 / 2835);

    /** exp(−z) for z in [0, Z_MAX] (callers clamp; NaN lanes give garbage and are fixed by the caller). */
    private static FloatVector expNeg(FloatVector z) {
        FloatVector t = z.fma(MINUS_LOG2E, EXP_SHIFT);   // its low mantissa bits hold n (≤ 0)
        FloatVector n = t.sub(EXP_SHIFT);
        FloatVector r = n.fma(n.broadcast(-LN2_HI), z.neg());
        r = n.fma(n.broadcast(-LN2_LO), r);
        FloatVector p = r.fma(E6, E5);
        p = p.fma(r, r.broadcast(E4));
        p = p.fma(r, r.broadcast(E3));
        p = p.fma(r, r.broadcast(E2));
        p = p.fma(r, r.broadcast(E1));
        p = p.fma(r, r.broadcast(1f));
        // 2^n·p: add n to p's exponent field (t's low bits are n in two's complement, so t << 23 is n << 23)
        IntVector scale = t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23);
        return p.reinterpretAsInts().add(scale).reinterpretAsFloats();
    }

    static FloatVector sigmoid(FloatVector x) {
        FloatVector e = expNeg(x.abs().min(Z_MAX));
        FloatVector s = x.broadcast(1f).div(e.add(1f));
        FloatVector y = s.blend(e.mul(s), x.compare(VectorOperators.LT, 0f));
        return y.blend(x, x.compare(VectorOperators.NE, x));
    }

    static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector e = expNeg(a.add(a).min(Z_MAX));
        FloatVector large = e.neg().add(1f).div(e.add(1f));
        large = large.blend(large.neg(), x.compare(VectorOperators.LT, 0f));
        FloatVector x2 = x.mul(x);
        FloatVector p = x2.fma(T9, T7);
        p = p.fma(x2, x2.broadcast(T5));
        p = p.fma(x2, x2.broadcast(T3));
        FloatVector small = p.mul(x2).fma(x, x);   // x + x³·P(x²)
        VectorMask<Float> isSmall = a.compare(VectorOperators.LT, TANH_SMALL);
        return large.blend(small, isSmall).blend(x, x.compare(VectorOperators.NE, x));
    }

    /** {@code y[i] = σ(x[i])} for {@code i < n}; exposed for the accuracy test. */
    static void sigmoid(VectorSpecies<Float> s, float[] x, float[] y, int n) {
        int i = 0;
        for (int bound = s.loopBound(n); i < bound; i += s.length()) {
            sigmoid(FloatVector.fromArray(s, x, i)).intoArray(y, i);
        }
        for (; i < n; i++) {
            y[i] = (float) MathFunctions.sigmoid(x[i]);
        }
    }

    /** {@code y[i] = tanh(x[i])} for {@code i < n}; exposed for the accuracy test. */
    static void tanh(VectorSpecies<Float> s, float[] x, float[] y, int n) {
        int i = 0;
        for (int bound = s.loopBound(n); i < bound; i += s.length()) {
            tanh(FloatVector.fromArray(s, x, i)).intoArray(y, i);
        }
        for (; i < n; i++) {
            y[i] = (float) Math.tanh(x[i]);
        }
    }

    // ============================================================================================ LSTM

    /** Rows {@code [b0, b1)} of one LSTM step; see {@code Backend.lstmCellForward}. */
    static void lstmForward(VectorSpecies<Float> s, int b0, int b1, int hidden, boolean[] active,
                            float[] gates, int gatesOff, float[] cPrev, int cPrevOff, float[] hPrev, int hPrevOff,
                            float[] act, int actOff, float[] h, int hOff, float[] c, int cOff,
                            float[] tanhC, int tanhCOff) {
        int g4 = 4 * hidden;
        int bound = s.loopBound(hidden);
        int len = s.length();
        for (int b = b0; b < b1; b++) {
            int gRow = gatesOff + b * g4;
            int aRow = actOff + b * g4;
            int row = b * hidden;
            if (active != null && !active[b]) {
                System.arraycopy(hPrev, hPrevOff + row, h, hOff + row, hidden);
                System.arraycopy(cPrev, cPrevOff + row, c, cOff + row, hidden);
                java.util.Arrays.fill(tanhC, tanhCOff + row, tanhCOff + row + hidden, 0f);
                java.util.Arrays.fill(act, aRow, aRow + g4, 0f);
                continue;
            }
            int j = 0;
            for (; j < bound; j += len) {
                FloatVector i = sigmoid(FloatVector.fromArray(s, gates, gRow + j));
                FloatVector f = sigmoid(FloatVector.fromArray(s, gates, gRow + hidden + j));
                FloatVector g = tanh(FloatVector.fromArray(s, gates, gRow + 2 * hidden + j));
                FloatVector o = sigmoid(FloatVector.fromArray(s, gates, gRow + 3 * hidden + j));
                FloatVector cp = FloatVector.fromArray(s, cPrev, cPrevOff + row + j);
                FloatVector cNew = f.fma(cp, i.mul(g));
                FloatVector t = tanh(cNew);
                i.intoArray(act, aRow + j);
                f.intoArray(act, aRow + hidden + j);
                g.intoArray(act, aRow + 2 * hidden + j);
                o.intoArray(act, aRow + 3 * hidden + j);
                cNew.intoArray(c, cOff + row + j);
                t.intoArray(tanhC, tanhCOff + row + j);
                o.mul(t).intoArray(h, hOff + row + j);
            }
            for (; j < hidden; j++) {
                double i = MathFunctions.sigmoid(gates[gRow + j]);
                double f = MathFunctions.sigmoid(gates[gRow + hidden + j]);
                double g = Math.tanh(gates[gRow + 2 * hidden + j]);
                double o = MathFunctions.sigmoid(gates[gRow + 3 * hidden + j]);
                double cNew = f * cPrev[cPrevOff + row + j] + i * g;
                double t = Math.tanh(cNew);
                act[aRow + j] = (float) i;
                act[aRow + hidden + j] = (float) f;
                act[aRow + 2 * hidden + j] = (float) g;
                act[aRow + 3 * hidden + j] = (float) o;
                c[cOff + row + j] = (float) cNew;
                tanhC[tanhCOff + row + j] = (float) t;
                h[hOff + row + j] = (float) (o * t);
            }
        }
    }

    /** Rows {@code [b0, b1)} of one LSTM step's backward; see {@code Backend.lstmCellBackward}. */
    static void lstmBackward(VectorSpecies<Float> s, int b0, int b1, int hidden, boolean[] active,
                             float[] act, int actOff, float[] cPrev, int cPrevOff, float[] tanhC, int tanhCOff,
                             float[] dh, int dhOff, float[] dc, int dcOff, float[] dGates, int dGatesOff,
                             float[] dcPrev, int dcPrevOff, float[] dhPrev, int dhPrevOff) {
        int g4 = 4 * hidden;
        int bound = s.loopBound(hidden);
        int len = s.length();
        for (int b = b0; b < b1; b++) {
            int aRow = actOff + b * g4;
            int dgRow = dGatesOff + b * g4;
            int row = b * hidden;
            if (active != null && !active[b]) {
                java.util.Arrays.fill(dGates, dgRow, dgRow + g4, 0f);
                System.arraycopy(dc, dcOff + row, dcPrev, dcPrevOff + row, hidden);
                if (dhPrev != null) {
                    System.arraycopy(dh, dhOff + row, dhPrev, dhPrevOff + row, hidden);
                }
                continue;
            }
            int j = 0;
            for (; j < bound; j += len) {
                FloatVector i = FloatVector.fromArray(s, act, aRow + j);
                FloatVector f = FloatVector.fromArray(s, act, aRow + hidden + j);
                FloatVector g = FloatVector.fromArray(s, act, aRow + 2 * hidden + j);
                FloatVector o = FloatVector.fromArray(s, act, aRow + 3 * hidden + j);
                FloatVector t = FloatVector.fromArray(s, tanhC, tanhCOff + row + j);
                FloatVector dhv = FloatVector.fromArray(s, dh, dhOff + row + j);
                FloatVector dcv = FloatVector.fromArray(s, dc, dcOff + row + j);
                FloatVector cp = FloatVector.fromArray(s, cPrev, cPrevOff + row + j);
                FloatVector one = i.broadcast(1f);
                // dc_total = dc + dh·o·(1 − t²)
                FloatVector dcT = dhv.mul(o).fma(one.sub(t.mul(t)), dcv);
                dcT.mul(g).mul(i).mul(one.sub(i)).intoArray(dGates, dgRow + j);
                dcT.mul(cp).mul(f).mul(one.sub(f)).intoArray(dGates, dgRow + hidden + j);
                dcT.mul(i).mul(one.sub(g.mul(g))).intoArray(dGates, dgRow + 2 * hidden + j);
                dhv.mul(t).mul(o).mul(one.sub(o)).intoArray(dGates, dgRow + 3 * hidden + j);
                dcT.mul(f).intoArray(dcPrev, dcPrevOff + row + j);
                if (dhPrev != null) {
                    i.broadcast(0f).intoArray(dhPrev, dhPrevOff + row + j);
                }
            }
            for (; j < hidden; j++) {
                double i = act[aRow + j];
                double f = act[aRow + hidden + j];
                double g = act[aRow + 2 * hidden + j];
                double o = act[aRow + 3 * hidden + j];
                double t = tanhC[tanhCOff + row + j];
                double dhv = dh[dhOff + row + j];
                double dcT = dc[dcOff + row + j] + dhv * o * (1.0 - t * t);
                dGates[dgRow + j] = (float) (dcT * g * i * (1.0 - i));
                dGates[dgRow + hidden + j] = (float) (dcT * cPrev[cPrevOff + row + j] * f * (1.0 - f));
                dGates[dgRow + 2 * hidden + j] = (float) (dcT * i * (1.0 - g * g));
                dGates[dgRow + 3 * hidden + j] = (float) (dhv * t * o * (1.0 - o));
                dcPrev[dcPrevOff + row + j] = (float) (dcT * f);
                if (dhPrev != null) {
                    dhPrev[dhPrevOff + row + j] = 0f;
                }
            }
        }
    }

    // ============================================================================================ GRU

    /** Rows {@code [b0, b1)} of one GRU step; see {@code Backend.gruCellForward}. */
    static void gruForward(VectorSpecies<Float> s, int b0, int b1, int hidden, boolean[] active,
                           float[] gi, int giOff, float[] gh, int ghOff, float[] hPrev, int hPrevOff,
                           float[] act, int actOff, float[] h, int hOff) {
        int g3 = 3 * hidden;
        int bound = s.loopBound(hidden);
        int len = s.length();
        for (int b = b0; b < b1; b++) {
            int giRow = giOff + b * g3;
            int ghRow = ghOff + b * g3;
            int aRow = actOff + b * g3;
            int row = b * hidden;
            if (active != null && !active[b]) {
                System.arraycopy(hPrev, hPrevOff + row, h, hOff + row, hidden);
                java.util.Arrays.fill(act, aRow, aRow + g3, 0f);
                continue;
            }
            int j = 0;
            for (; j < bound; j += len) {
                FloatVector r = sigmoid(FloatVector.fromArray(s, gi, giRow + j)
                        .add(FloatVector.fromArray(s, gh, ghRow + j)));
                FloatVector z = sigmoid(FloatVector.fromArray(s, gi, giRow + hidden + j)
                        .add(FloatVector.fromArray(s, gh, ghRow + hidden + j)));
                FloatVector n = tanh(r.fma(FloatVector.fromArray(s, gh, ghRow + 2 * hidden + j),
                        FloatVector.fromArray(s, gi, giRow + 2 * hidden + j)));
                FloatVector hp = FloatVector.fromArray(s, hPrev, hPrevOff + row + j);
                r.intoArray(act, aRow + j);
                z.intoArray(act, aRow + hidden + j);
                n.intoArray(act, aRow + 2 * hidden + j);
                z.fma(hp.sub(n), n).intoArray(h, hOff + row + j);
            }
            for (; j < hidden; j++) {
                double r = MathFunctions.sigmoid((double) gi[giRow + j] + gh[ghRow + j]);
                double z = MathFunctions.sigmoid((double) gi[giRow + hidden + j] + gh[ghRow + hidden + j]);
                double n = Math.tanh(gi[giRow + 2 * hidden + j] + r * gh[ghRow + 2 * hidden + j]);
                double hp = hPrev[hPrevOff + row + j];
                act[aRow + j] = (float) r;
                act[aRow + hidden + j] = (float) z;
                act[aRow + 2 * hidden + j] = (float) n;
                h[hOff + row + j] = (float) (n + z * (hp - n));
            }
        }
    }

    /** Rows {@code [b0, b1)} of one GRU step's backward; see {@code Backend.gruCellBackward}. */
    static void gruBackward(VectorSpecies<Float> s, int b0, int b1, int hidden, boolean[] active,
                            float[] act, int actOff, float[] gh, int ghOff, float[] hPrev, int hPrevOff,
                            float[] dh, int dhOff, float[] dGi, int dGiOff, float[] dGh, int dGhOff,
                            float[] dhPrev, int dhPrevOff) {
        int g3 = 3 * hidden;
        int bound = s.loopBound(hidden);
        int len = s.length();
        for (int b = b0; b < b1; b++) {
            int aRow = actOff + b * g3;
            int ghRow = ghOff + b * g3;
            int giRow = dGiOff + b * g3;
            int dghRow = dGhOff + b * g3;
            int row = b * hidden;
            if (active != null && !active[b]) {
                java.util.Arrays.fill(dGi, giRow, giRow + g3, 0f);
                java.util.Arrays.fill(dGh, dghRow, dghRow + g3, 0f);
                System.arraycopy(dh, dhOff + row, dhPrev, dhPrevOff + row, hidden);
                continue;
            }
            int j = 0;
            for (; j < bound; j += len) {
                FloatVector r = FloatVector.fromArray(s, act, aRow + j);
                FloatVector z = FloatVector.fromArray(s, act, aRow + hidden + j);
                FloatVector n = FloatVector.fromArray(s, act, aRow + 2 * hidden + j);
                FloatVector hp = FloatVector.fromArray(s, hPrev, hPrevOff + row + j);
                FloatVector dhv = FloatVector.fromArray(s, dh, dhOff + row + j);
                FloatVector ghn = FloatVector.fromArray(s, gh, ghRow + 2 * hidden + j);
                FloatVector one = r.broadcast(1f);
                FloatVector dn = dhv.mul(one.sub(z)).mul(one.sub(n.mul(n)));
                FloatVector dz = dhv.mul(hp.sub(n)).mul(z).mul(one.sub(z));
                FloatVector dr = dn.mul(ghn).mul(r).mul(one.sub(r));
                dr.intoArray(dGi, giRow + j);
                dz.intoArray(dGi, giRow + hidden + j);
                dn.intoArray(dGi, giRow + 2 * hidden + j);
                dr.intoArray(dGh, dghRow + j);
                dz.intoArray(dGh, dghRow + hidden + j);
                dn.mul(r).intoArray(dGh, dghRow + 2 * hidden + j);
                dhv.mul(z).intoArray(dhPrev, dhPrevOff + row + j);
            }
            for (; j < hidden; j++) {
                double r = act[aRow + j];
                double z = act[aRow + hidden + j];
                double n = act[aRow + 2 * hidden + j];
                double hp = hPrev[hPrevOff + row + j];
                double dhv = dh[dhOff + row + j];
                double dn = dhv * (1.0 - z) * (1.0 - n * n);
                double dz = dhv * (hp - n) * z * (1.0 - z);
                double dr = dn * gh[ghRow + 2 * hidden + j] * r * (1.0 - r);
                dGi[giRow + j] = (float) dr;
                dGi[giRow + hidden + j] = (float) dz;
                dGi[giRow + 2 * hidden + j] = (float) dn;
                dGh[dghRow + j] = (float) dr;
                dGh[dghRow + hidden + j] = (float) dz;
                dGh[dghRow + 2 * hidden + j] = (float) (dn * r);
                dhPrev[dhPrevOff + row + j] = (float) (dhv * z);
            }
        }
    }
}
