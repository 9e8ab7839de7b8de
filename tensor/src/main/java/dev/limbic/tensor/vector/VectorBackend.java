package dev.limbic.tensor.vector;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.HostStorage;
import dev.limbic.tensor.SpikeSurrogate;
import dev.limbic.tensor.Storage;
import dev.limbic.tensor.backend.BinaryOp;
import dev.limbic.tensor.backend.Parallel;
import dev.limbic.tensor.backend.ReduceOp;
import dev.limbic.tensor.backend.ScalarBackend;
import dev.limbic.tensor.backend.UnaryOp;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API host backend: F32 kernels on contiguous host arrays run in {@link VectorKernels} (and matmul in
 * {@link VectorGemm}); everything else (F64, integer dtypes, layouts a kernel does not handle) is delegated to the
 * {@link ScalarBackend} reference implementation by calling {@code super}. Loaded reflectively by
 * {@code Backends} only when the {@code jdk.incubator.vector} module is present.
 */
public final class VectorBackend extends ScalarBackend {

    /** Elements per task below which splitting a kernel across threads costs more than it saves. */
    private static final int GRAIN = 1 << 14;

    private final VectorSpecies<Float> species;
    private final VectorGemm gemm;
    private final PackedWeightCache packedWeights;
    private final String name;

    /**
     * @param bits species width: 128, 256 or 512 (512 runs everywhere, emulated where the CPU lacks it), or 0 for
     *             {@code FloatVector.SPECIES_PREFERRED}
     */
    public VectorBackend(int bits) {
        this.species = switch (bits) {
            case 0 -> FloatVector.SPECIES_PREFERRED;
            case 128 -> FloatVector.SPECIES_128;
            case 256 -> FloatVector.SPECIES_256;
            case 512 -> FloatVector.SPECIES_512;
            default -> throw new IllegalArgumentException("vector width must be 0, 128, 256 or 512 bits, got " + bits);
        };
        this.gemm = VectorGemm.forBits(species.vectorBitSize());
        this.packedWeights = new PackedWeightCache(gemm);
        this.name = "vector-" + species.vectorBitSize();
    }

    @Override
    public String name() {
        return name;
    }

    /** The float species the kernels run on. */
    public VectorSpecies<Float> species() {
        return species;
    }

    /** The array of an F32 host storage, or null for anything else (which then takes the scalar path). */
    private static float[] f32(Storage storage) {
        return storage instanceof HostStorage h && h.dtype() == DType.F32 ? h.f32() : null;
    }

    // ------------------------------------------------------------------------------------------ fill / copy

    @Override
    public void fill(Storage dst, int off, int n, double value) {
        float[] d = f32(dst);
        if (d == null) {
            super.fill(dst, off, n, value);
            return;
        }
        Arrays.fill(d, off, off + n, (float) value);
    }

    @Override
    public void copy(int[] shape, Storage src, int srcOff, int[] srcStrides, Storage dst, int dstOff,
                     int[] dstStrides) {
        float[] s = f32(src);
        float[] d = f32(dst);
        if (s == null || d == null) {
            super.copy(shape, src, srcOff, srcStrides, dst, dstOff, dstStrides);
            return;
        }
        Layout l = Layout.of(shape, srcStrides, dstStrides);
        if (l.numel == 0) {
            return;
        }
        int sInner = l.innerStride(0);
        int dInner = l.innerStride(1);
        if (dInner != 1 || (sInner != 1 && sInner != 0)) {
            super.copy(shape, src, srcOff, srcStrides, dst, dstOff, dstStrides);
            return;
        }
        int cols = l.cols();
        long rowsL = l.rows();
        if (rowsL * cols < GRAIN || rowsL > Integer.MAX_VALUE) {
            copyRows(l, s, srcOff, sInner, d, dstOff, cols, 0, rowsL);
            return;
        }
        // large copies (a bias broadcast over a (B·T, F) output, contiguous() of a permuted activation) use the
        // pool: one thread cannot fill a few MB of fresh memory at the speed the GEMM after it reads it back
        Parallel.forRange((int) rowsL, Math.max(1, GRAIN / Math.max(1, cols)),
                (r0, r1) -> copyRows(l, s, srcOff, sInner, d, dstOff, cols, r0, r1));
    }

    private static void copyRows(Layout l, float[] s, int srcOff, int sInner, float[] d, int dstOff, int cols,
                                 long r0, long r1) {
        for (long r = r0; r < r1; r++) {
            int so = srcOff + l.rowOffset(0, r);
            int dof = dstOff + l.rowOffset(1, r);
            if (sInner == 1) {
                System.arraycopy(s, so, d, dof, cols);
            } else {
                Arrays.fill(d, dof, dof + cols, s[so]);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ element-wise

    @Override
    public void unary(UnaryOp op, Storage x, int xOff, Storage y, int yOff, int n, double alpha, double beta) {
        float[] xs = f32(x);
        float[] ys = f32(y);
        if (xs == null || ys == null) {
            super.unary(op, x, xOff, y, yOff, n, alpha, beta);
            return;
        }
        VectorSpecies<Float> s = species;
        Parallel.forRange(n, GRAIN, (from, to) ->
                VectorKernels.unary(op, s, xs, xOff + from, ys, yOff + from, to - from, alpha, beta));
    }

    @Override
    public void unaryBackward(UnaryOp op, Storage x, int xOff, Storage y, int yOff, Storage gy, int gyOff,
                              Storage gx, int gxOff, int n, double alpha, double beta) {
        float[] xs = f32(x);
        float[] ys = f32(y);
        float[] gys = f32(gy);
        float[] gxs = f32(gx);
        if (xs == null || ys == null || gys == null || gxs == null) {
            super.unaryBackward(op, x, xOff, y, yOff, gy, gyOff, gx, gxOff, n, alpha, beta);
            return;
        }
        VectorSpecies<Float> s = species;
        Parallel.forRange(n, GRAIN, (from, to) -> VectorKernels.unaryBackward(op, s, xs, xOff + from, ys,
                yOff + from, gys, gyOff + from, gxs, gxOff + from, to - from, alpha, beta));
    }

    /**
     * Fast paths after collapsing the layout: every operand's innermost stride is 0 or 1 (contiguous, scalar,
     * row-broadcast bias in either role, per-row scalar); any other layout goes to the scalar backend.
     */
    @Override
    public void binary(BinaryOp op, int[] shape, Storage a, int aOff, int[] aStrides, Storage b, int bOff,
                       int[] bStrides, Storage out, int outOff) {
        float[] as = f32(a);
        float[] bs = f32(b);
        float[] os = f32(out);
        Layout l = as == null || bs == null || os == null ? null : Layout.of(shape, aStrides, bStrides);
        if (l == null) {
            super.binary(op, shape, a, aOff, aStrides, b, bOff, bStrides, out, outOff);
            return;
        }
        if (l.numel == 0) {
            return;
        }
        int sa = l.innerStride(0);
        int sb = l.innerStride(1);
        if ((sa != 0 && sa != 1) || (sb != 0 && sb != 1)) {
            super.binary(op, shape, a, aOff, aStrides, b, bOff, bStrides, out, outOff);
            return;
        }
        VectorSpecies<Float> s = species;
        int cols = l.cols();
        long rowsL = l.rows();
        int rows = (int) rowsL;
        if (rows == 1) {
            Parallel.forRange(cols, GRAIN, (from, to) -> VectorKernels.binary(op, s, as, aOff + from * sa, sa,
                    bs, bOff + from * sb, sb, os, outOff + from, to - from));
            return;
        }
        Parallel.forRange(rows, Math.max(1, GRAIN / Math.max(1, cols)), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                VectorKernels.binary(op, s, as, aOff + l.rowOffset(0, r), sa, bs, bOff + l.rowOffset(1, r), sb,
                        os, outOff + r * cols, cols);
            }
        });
    }

    // ------------------------------------------------------------------------------------------ reductions

    @Override
    public void reduce(ReduceOp op, Storage x, int xOff, int outer, int len, int inner, Storage out, int outOff) {
        float[] xs = f32(x);
        float[] os = f32(out);
        if (xs == null || os == null) {
            super.reduce(op, x, xOff, outer, len, inner, out, outOff);
            return;
        }
        VectorSpecies<Float> s = species;
        long total = (long) outer * len * inner;
        int threads = Parallel.threads();
        if (inner == 1) {
            if (outer >= threads || total < 2L * GRAIN) {
                Parallel.forRange(outer, Math.max(1, GRAIN / Math.max(1, len)), (o0, o1) ->
                        VectorKernels.reduceRows(op, s, xs, xOff + o0 * len, o1 - o0, len, os, outOff + o0));
                return;
            }
            // few long rows: every thread reduces one segment of each row, then the partials are combined
            for (int o = 0; o < outer; o++) {
                int base = xOff + o * len;
                float[] partial = new float[threads];   // (threads) one partial per segment
                Parallel.forRange(threads, 1, (t0, t1) -> {
                    for (int t = t0; t < t1; t++) {
                        int from = (int) ((long) len * t / threads);
                        int to = (int) ((long) len * (t + 1) / threads);
                        VectorKernels.reduceRows(op, s, xs, base + from, 1, to - from, partial, t);
                    }
                });
                VectorKernels.reduceRows(op, s, partial, 0, 1, threads, os, outOff + o);
            }
            return;
        }
        if (outer >= threads || total < 2L * GRAIN) {
            int perBlock = (int) Math.min(GRAIN, (long) len * inner);   // elements per outer block, capped
            Parallel.forRange(outer, Math.max(1, GRAIN / Math.max(1, perBlock)),
                    (o0, o1) -> {
                        for (int o = o0; o < o1; o++) {
                            VectorKernels.reduceColumns(op, s, xs, xOff + o * len * inner, len, inner, 0, inner,
                                    os, outOff + o * inner);
                        }
                    });
            return;
        }
        // few outer blocks: split the columns
        for (int o = 0; o < outer; o++) {
            int xo = xOff + o * len * inner;
            int oo = outOff + o * inner;
            Parallel.forRange(inner, Math.max(s.length(), GRAIN / Math.max(1, len)), (c0, c1) ->
                    VectorKernels.reduceColumns(op, s, xs, xo, len, inner, c0, c1, os, oo));
        }
    }

    // ------------------------------------------------------------------------------------------ matmul

    @Override
    public void matmul(int batch, int m, int n, int k,
                       Storage a, int aOff, int aBatchStride, int aRowStride, int aColStride,
                       Storage b, int bOff, int bBatchStride, int bRowStride, int bColStride,
                       Storage c, int cOff, int cBatchStride, int ldc, boolean accumulate) {
        float[] as = f32(a);
        float[] bs = f32(b);
        float[] cs = f32(c);
        if (as == null || bs == null || cs == null) {
            super.matmul(batch, m, n, k, a, aOff, aBatchStride, aRowStride, aColStride, b, bOff, bBatchStride,
                    bRowStride, bColStride, c, cOff, cBatchStride, ldc, accumulate);
            return;
        }
        long flopsEach = 2L * m * n * k;
        if (batch > 1 && flopsEach < (1L << 21)) {
            // many small products: one thread per group of whole products (sgemm runs inline on a worker)
            int minBatch = (int) Math.max(1, (1L << 18) / Math.max(1, flopsEach));
            Parallel.forRange(batch, minBatch, (b0, b1) -> {
                for (int bi = b0; bi < b1; bi++) {
                    gemm.sgemm(m, n, k, as, aOff + bi * aBatchStride, aRowStride, aColStride,
                            bs, bOff + bi * bBatchStride, bRowStride, bColStride,
                            cs, cOff + bi * cBatchStride, ldc, accumulate);
                }
            });
            return;
        }
        for (int bi = 0; bi < batch; bi++) {
            gemm.sgemm(m, n, k, as, aOff + bi * aBatchStride, aRowStride, aColStride,
                    bs, bOff + bi * bBatchStride, bRowStride, bColStride,
                    cs, cOff + bi * cBatchStride, ldc, accumulate);
        }
    }

    @Override
    public void matmulBias(int m, int n, int k, Storage a, int aOff, int aRowStride, int aColStride,
                           Storage b, int bOff, int bRowStride, int bColStride, Storage bias, int biasOff,
                           int biasStride, Storage c, int cOff, int ldc) {
        float[] as = f32(a);
        float[] bs = f32(b);
        float[] biases = f32(bias);
        float[] cs = f32(c);
        if (as == null || bs == null || biases == null || cs == null) {
            super.matmulBias(m, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, bias,
                    biasOff, biasStride, c, cOff, ldc);
            return;
        }
        gemm.sgemmBias(m, n, k, as, aOff, aRowStride, aColStride, bs, bOff, bRowStride, bColStride, biases,
                biasOff, biasStride, cs, cOff, ldc);
    }

    @Override
    public void linear(int m, int n, int k, Storage x, int xOff, int xRowStride, int xColStride,
                       Storage w, int wOff, int wRowStride, int wColStride,
                       Storage bias, int biasOff, int biasStride, Storage residual, int residualOff,
                       UnaryOp act, boolean weightReused, Storage y, int yOff) {
        float[] xs = f32(x);
        float[] ws = f32(w);
        float[] biases = bias == null ? null : f32(bias);
        float[] res = residual == null ? null : f32(residual);
        float[] ys = f32(y);
        if (xs == null || ws == null || (bias != null && biases == null) || (residual != null && res == null)
                || ys == null || k == 0 || m == 0 || n == 0) {
            super.linear(m, n, k, x, xOff, xRowStride, xColStride, w, wOff, wRowStride, wColStride, bias, biasOff,
                    biasStride, residual, residualOff, act, weightReused, y, yOff);
            return;
        }
        // B = Wᵀ: element (p, j) is W[j, p]
        VectorGemm.PackedB packed = weightReused && PackedWeightCache.ENABLED
                ? packedWeights.lookup(w, ws, wOff, wColStride, wRowStride, k, n) : null;
        if (packed != null) {
            gemm.sgemmPacked(m, n, k, xs, xOff, xRowStride, xColStride, packed, biases, biasOff, biasStride, res,
                    residualOff, act, ys, yOff, n);
        } else {
            gemm.sgemmBiasAct(m, n, k, xs, xOff, xRowStride, xColStride, ws, wOff, wColStride, wRowStride, biases,
                    biasOff, biasStride, res, residualOff, act, ys, yOff, n);
        }
    }

    /** Per-thread (T, S) score rows of one attention head. */
    private static final ThreadLocal<float[]> HEAD_SCORES = ThreadLocal.withInitial(() -> new float[0]);

    /**
     * One task per (batch element, head): Q_h K_hᵀ, then scale, mask and softmax row by row while the row is in
     * L1, then P_h V_h written into the merged-heads output; the (T, S) scores of a head stay in the thread's
     * cache from the first product to the second. The arithmetic per element is the default's (the scaled score
     * rounded to float, then the mask added, then the same softmax kernel).
     */
    @Override
    public void attentionForward(int batch, int heads, int t, int s, int d, int dv,
                                 Storage q, int qOff, int[] qs, Storage k, int kOff, int[] ks,
                                 Storage v, int vOff, int[] vs, double scale,
                                 Storage mask, int mOff, int[] ms, Storage probsOut, int probsOff,
                                 Storage out, int outOff) {
        float[] qa = f32(q);
        float[] ka = f32(k);
        float[] va = f32(v);
        float[] ma = mask == null ? null : f32(mask);
        float[] pa = probsOut == null ? null : f32(probsOut);
        float[] oa = f32(out);
        if (qa == null || ka == null || va == null || (mask != null && ma == null) || oa == null || d == 0
                || (probsOut != null && pa == null)) {
            super.attentionForward(batch, heads, t, s, d, dv, q, qOff, qs, k, kOff, ks, v, vOff, vs, scale, mask,
                    mOff, ms, probsOut, probsOff, out, outOff);
            return;
        }
        VectorSpecies<Float> sp = species;
        float scaleF = (float) scale;
        int ldo = heads * dv;
        Parallel.forRange(batch * heads, 1, (i0, i1) -> {
            float[] scores = HEAD_SCORES.get();
            if (scores.length < t * s) {
                scores = new float[t * s];
                HEAD_SCORES.set(scores);
            }
            for (int i = i0; i < i1; i++) {
                int b = i / heads;
                int h = i % heads;
                // scores = Q_h K_hᵀ: (T, d) x (d, S), Kᵀ being K with swapped strides
                gemm.sgemmSerial(t, s, d, qa, qOff + b * qs[0] + h * d * qs[2], qs[1], qs[2],
                        ka, kOff + b * ks[0] + h * d * ks[2], ks[2], ks[1], scores, 0, s, false);
                for (int r = 0; r < t; r++) {
                    if (ma == null) {
                        VectorKernels.scaleAddRow(sp, scores, r * s, s, scaleF, null, 0, 0);
                    } else {
                        VectorKernels.scaleAddRow(sp, scores, r * s, s, scaleF, ma,
                                mOff + b * ms[0] + h * ms[1] + r * ms[2], ms[3]);
                    }
                }
                float[] p = pa == null ? scores : pa;
                int pOff = pa == null ? 0 : probsOff + i * t * s;   // (b, h) block of (B, H, T, S)
                VectorKernels.softmaxRows(false, sp, scores, 0, p, pOff, 0, t, s);
                gemm.sgemmSerial(t, dv, s, p, pOff, s, 1, va, vOff + b * vs[0] + h * dv * vs[2], vs[1], vs[2],
                        oa, outOff + b * t * ldo + h * dv, ldo, false);
            }
        });
    }

    /** Per-thread (T, S) blocks of dP and dS for one attention head's backward. */
    private static final ThreadLocal<float[][]> HEAD_GRADS = ThreadLocal.withInitial(() -> new float[2][0]);

    /**
     * One task per (batch element, head), as the forward: dV, dP, the softmax backward and the scale, dQ and dK
     * of a head with its (T, S) blocks in the thread's cache, instead of each step as a pass over all heads.
     */
    @Override
    public void attentionBackward(int batch, int heads, int t, int s, int d, int dv,
                                  Storage q, int qOff, int[] qs, Storage k, int kOff, int[] ks,
                                  Storage v, int vOff, int[] vs, Storage probs, int probsOff,
                                  Storage gOut, int goOff, double scale,
                                  Storage dq, int dqOff, int[] dqs, Storage dk, int dkOff, int[] dks,
                                  Storage dvS, int dvOff, int[] dvs) {
        float[] qa = f32(q);
        float[] ka = f32(k);
        float[] va = f32(v);
        float[] pa = f32(probs);
        float[] ga = f32(gOut);
        float[] dqa = dq == null ? null : f32(dq);
        float[] dka = dk == null ? null : f32(dk);
        float[] dva = dvS == null ? null : f32(dvS);
        if (qa == null || ka == null || va == null || pa == null || ga == null || (dq != null && dqa == null)
                || (dk != null && dka == null) || (dvS != null && dva == null) || d == 0 || dv == 0) {
            super.attentionBackward(batch, heads, t, s, d, dv, q, qOff, qs, k, kOff, ks, v, vOff, vs, probs,
                    probsOff, gOut, goOff, scale, dq, dqOff, dqs, dk, dkOff, dks, dvS, dvOff, dvs);
            return;
        }
        VectorSpecies<Float> sp = species;
        float scaleF = (float) scale;
        int ldo = heads * dv;
        Parallel.forRange(batch * heads, 1, (i0, i1) -> {
            float[][] scratch = HEAD_GRADS.get();
            if (scratch[0].length < t * s) {
                scratch[0] = new float[t * s];
                scratch[1] = new float[t * s];
            }
            float[] dP = scratch[0];   // (T, S)
            float[] dS = scratch[1];   // (T, S)
            for (int i = i0; i < i1; i++) {
                int b = i / heads;
                int h = i % heads;
                int pOff = probsOff + i * t * s;
                int go = goOff + b * t * ldo + h * dv;   // dO_h: (T, dv), row stride ldo
                int qh = qOff + b * qs[0] + h * d * qs[2];
                int kh = kOff + b * ks[0] + h * d * ks[2];
                int vh = vOff + b * vs[0] + h * dv * vs[2];
                if (dva != null) {
                    // dV_h = P_hᵀ dO_h
                    gemm.sgemmSerial(s, dv, t, pa, pOff, 1, s, ga, go, ldo, 1,
                            dva, dvOff + b * dvs[0] + h * dv * dvs[2], dvs[1], false);
                }
                if (dqa == null && dka == null) {
                    continue;
                }
                // dP_h = dO_h V_hᵀ, dS = scale · P ⊙ (dP − Σ dP ⊙ P)
                gemm.sgemmSerial(t, s, dv, ga, go, ldo, 1, va, vh, vs[2], vs[1], dP, 0, s, false);
                VectorKernels.softmaxBackwardRows(false, sp, pa, pOff, dP, 0, dS, 0, 0, t, s);
                for (int r = 0; r < t; r++) {
                    VectorKernels.scaleAddRow(sp, dS, r * s, s, scaleF, null, 0, 0);
                }
                if (dqa != null) {
                    // dQ_h = dS K_h
                    gemm.sgemmSerial(t, d, s, dS, 0, s, 1, ka, kh, ks[1], ks[2],
                            dqa, dqOff + b * dqs[0] + h * d * dqs[2], dqs[1], false);
                }
                if (dka != null) {
                    // dK_h = dSᵀ Q_h
                    gemm.sgemmSerial(s, d, t, dS, 0, 1, s, qa, qh, qs[1], qs[2],
                            dka, dkOff + b * dks[0] + h * d * dks[2], dks[1], false);
                }
            }
        });
    }

    /** Number of weights held packed for inference; for tests. */
    int packedWeightCount() {
        return packedWeights.packedCount();
    }

    // ------------------------------------------------------------------------------------------ softmax, layer norm

    @Override
    public void softmax(boolean log, Storage x, int xOff, Storage y, int yOff, int rows, int cols) {
        float[] xs = f32(x);
        float[] ys = f32(y);
        if (xs == null || ys == null) {
            super.softmax(log, x, xOff, y, yOff, rows, cols);
            return;
        }
        VectorSpecies<Float> s = species;
        Parallel.forRange(rows, rowGrain(cols), (r0, r1) ->
                VectorKernels.softmaxRows(log, s, xs, xOff, ys, yOff, r0, r1, cols));
    }

    @Override
    public void softmaxBackward(boolean log, Storage y, int yOff, Storage gy, int gyOff, Storage gx, int gxOff,
                                int rows, int cols) {
        float[] ys = f32(y);
        float[] gys = f32(gy);
        float[] gxs = f32(gx);
        if (ys == null || gys == null || gxs == null) {
            super.softmaxBackward(log, y, yOff, gy, gyOff, gx, gxOff, rows, cols);
            return;
        }
        VectorSpecies<Float> s = species;
        Parallel.forRange(rows, rowGrain(cols), (r0, r1) ->
                VectorKernels.softmaxBackwardRows(log, s, ys, yOff, gys, gyOff, gxs, gxOff, r0, r1, cols));
    }

    @Override
    public void layerNorm(Storage x, int xOff, Storage w, Storage b, Storage y, int yOff, Storage mean,
                          Storage rstd, int rows, int cols, double eps) {
        float[] xs = f32(x);
        float[] ws = w == null ? null : f32(w);
        float[] bs = b == null ? null : f32(b);
        float[] ys = f32(y);
        float[] ms = f32(mean);
        float[] rs = f32(rstd);
        if (xs == null || ys == null || ms == null || rs == null || (w != null && ws == null)
                || (b != null && bs == null)) {
            super.layerNorm(x, xOff, w, b, y, yOff, mean, rstd, rows, cols, eps);
            return;
        }
        VectorSpecies<Float> s = species;
        Parallel.forRange(rows, rowGrain(cols), (r0, r1) ->
                VectorKernels.layerNormRows(s, xs, xOff, ws, bs, ys, yOff, ms, rs, r0, r1, cols, eps));
    }

    @Override
    public void layerNormBackward(Storage x, int xOff, Storage w, Storage mean, Storage rstd, Storage gy,
                                  int gyOff, Storage gx, int gxOff, Storage gw, Storage gb, int rows, int cols) {
        float[] xs = f32(x);
        float[] ws = w == null ? null : f32(w);
        float[] ms = f32(mean);
        float[] rs = f32(rstd);
        float[] gys = f32(gy);
        float[] gxs = f32(gx);
        float[] gws = gw == null ? null : f32(gw);
        float[] gbs = gb == null ? null : f32(gb);
        if (xs == null || ms == null || rs == null || gys == null || gxs == null || (w != null && ws == null)
                || (gw != null && gws == null) || (gb != null && gbs == null)) {
            super.layerNormBackward(x, xOff, w, mean, rstd, gy, gyOff, gx, gxOff, gw, gb, rows, cols);
            return;
        }
        VectorSpecies<Float> s = species;
        // rows split into segments, each with its own (cols) partial sums for gw/gb, added up at the end
        int segments = (int) Math.max(1, Math.min(Parallel.threads(), (long) rows * cols / GRAIN));
        segments = Math.min(segments, Math.max(1, rows));
        int segs = segments;
        float[][] gwPart = new float[segs][];   // (segs, cols)
        float[][] gbPart = new float[segs][];   // (segs, cols)
        for (int t = 0; t < segs; t++) {
            gwPart[t] = gws == null ? null : new float[cols];
            gbPart[t] = gbs == null ? null : new float[cols];
        }
        Parallel.forRange(segs, 1, (t0, t1) -> {
            for (int t = t0; t < t1; t++) {
                int r0 = (int) ((long) rows * t / segs);
                int r1 = (int) ((long) rows * (t + 1) / segs);
                VectorKernels.layerNormBackwardRows(s, xs, xOff, ws, ms, rs, gys, gyOff, gxs, gxOff,
                        gwPart[t], gbPart[t], r0, r1, cols);
            }
        });
        for (int t = 0; t < segs; t++) {
            if (gws != null) {
                VectorKernels.addInto(s, gws, 0, gwPart[t], 0, cols);
            }
            if (gbs != null) {
                VectorKernels.addInto(s, gbs, 0, gbPart[t], 0, cols);
            }
        }
    }

    private static int rowGrain(int cols) {
        return Math.max(1, GRAIN / Math.max(1, cols));
    }

    // ------------------------------------------------------------------------------------------ training kernels

    @Override
    public void crossEntropy(Storage logits, int logitsOff, int rows, int cols, Storage target, int targetOff,
                             Storage weight, long ignoreIndex, double labelSmoothing, Storage loss, int lossOff,
                             Storage logSumExp, int lseOff) {
        float[] xs = f32(logits);
        float[] ws = weight == null ? null : f32(weight);
        float[] ls = f32(loss);
        float[] es = f32(logSumExp);
        if (xs == null || ls == null || es == null || (weight != null && ws == null)
                || !(target instanceof HostStorage ts)) {
            super.crossEntropy(logits, logitsOff, rows, cols, target, targetOff, weight, ignoreIndex, labelSmoothing,
                    loss, lossOff, logSumExp, lseOff);
            return;
        }
        VectorSpecies<Float> s = species;
        Parallel.forRange(rows, rowGrain(cols), (r0, r1) -> VectorTrainingKernels.crossEntropyRows(s, xs, logitsOff,
                cols, ts, targetOff, ws, ignoreIndex, labelSmoothing, ls, lossOff, es, lseOff, r0, r1));
    }

    @Override
    public void crossEntropyBackward(Storage logits, int logitsOff, int rows, int cols, Storage target,
                                     int targetOff, Storage weight, long ignoreIndex, double labelSmoothing,
                                     Storage logSumExp, int lseOff, Storage gradLoss, int gradOff, int gradStride,
                                     double scale, Storage gx, int gxOff) {
        float[] xs = f32(logits);
        float[] ws = weight == null ? null : f32(weight);
        float[] es = f32(logSumExp);
        float[] gs = f32(gradLoss);
        float[] gxs = f32(gx);
        if (xs == null || es == null || gs == null || gxs == null || (weight != null && ws == null)
                || !(target instanceof HostStorage ts)) {
            super.crossEntropyBackward(logits, logitsOff, rows, cols, target, targetOff, weight, ignoreIndex,
                    labelSmoothing, logSumExp, lseOff, gradLoss, gradOff, gradStride, scale, gx, gxOff);
            return;
        }
        double weightTotal = cols;
        if (ws != null) {
            weightTotal = 0.0;
            for (int j = 0; j < cols; j++) {
                weightTotal += ws[j];
            }
        }
        double wSum = weightTotal;
        VectorSpecies<Float> s = species;
        Parallel.forRange(rows, rowGrain(cols), (r0, r1) -> VectorTrainingKernels.crossEntropyBackwardRows(s, xs,
                logitsOff, cols, ts, targetOff, ws, wSum, ignoreIndex, labelSmoothing, es, lseOff, gs, gradOff,
                gradStride, scale, gxs, gxOff, r0, r1));
    }

    @Override
    public void adamStep(Storage param, int paramOff, Storage grad, int gradOff, Storage expAvg, int expAvgOff,
                         Storage expAvgSq, int expAvgSqOff, int n, long step, double lr, double beta1,
                         double beta2, double eps, double weightDecay, boolean decoupled) {
        float[] ps = f32(param);
        float[] gs = f32(grad);
        float[] ms = f32(expAvg);
        float[] vs = f32(expAvgSq);
        if (ps == null || gs == null || ms == null || vs == null) {
            super.adamStep(param, paramOff, grad, gradOff, expAvg, expAvgOff, expAvgSq, expAvgSqOff, n, step, lr,
                    beta1, beta2, eps, weightDecay, decoupled);
            return;
        }
        VectorSpecies<Float> s = species;
        float stepSize = (float) (lr / (1.0 - Math.pow(beta1, step)));
        float bc2Sqrt = (float) Math.sqrt(1.0 - Math.pow(beta2, step));
        float decay = (float) (1.0 - lr * weightDecay);
        Parallel.forRange(n, GRAIN, (from, to) -> VectorTrainingKernels.adamStep(s, ps, paramOff + from, gs,
                gradOff + from, ms, expAvgOff + from, vs, expAvgSqOff + from, to - from, stepSize, bc2Sqrt,
                (float) beta1, (float) beta2, (float) eps, (float) weightDecay, decay, decoupled));
    }

    @Override
    public void sgdStep(Storage param, int paramOff, Storage grad, int gradOff, Storage momentumBuffer,
                        int bufferOff, int n, double lr, double momentum, double dampening, double weightDecay,
                        boolean nesterov, boolean firstStep) {
        float[] ps = f32(param);
        float[] gs = f32(grad);
        float[] bs = momentum == 0.0 ? null : f32(momentumBuffer);
        if (ps == null || gs == null || (momentum != 0.0 && bs == null)) {
            super.sgdStep(param, paramOff, grad, gradOff, momentumBuffer, bufferOff, n, lr, momentum, dampening,
                    weightDecay, nesterov, firstStep);
            return;
        }
        VectorSpecies<Float> s = species;
        Parallel.forRange(n, GRAIN, (from, to) -> VectorTrainingKernels.sgdStep(s, ps, paramOff + from, gs,
                gradOff + from, bs, bufferOff + from, to - from, (float) lr, (float) momentum, (float) dampening,
                (float) weightDecay, nesterov, firstStep));
    }

    @Override
    public double sumOfSquares(Storage x, int xOff, int n) {
        float[] xs = f32(x);
        if (xs == null) {
            return super.sumOfSquares(x, xOff, n);
        }
        VectorSpecies<Float> s = species;
        int blocks = (n + NORM_BLOCK - 1) / NORM_BLOCK;
        double[] partial = new double[blocks];   // (blocks)
        Parallel.forRange(blocks, 1, (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                int from = b * NORM_BLOCK;
                partial[b] = VectorTrainingKernels.sumOfSquares(s, xs, xOff + from, Math.min(NORM_BLOCK, n - from));
            }
        });
        double total = 0.0;
        for (double p : partial) {
            total += p;
        }
        return total;
    }

    @Override
    public void scale(Storage x, int xOff, int n, double factor) {
        float[] xs = f32(x);
        if (xs == null) {
            super.scale(x, xOff, n, factor);
            return;
        }
        VectorSpecies<Float> s = species;
        float f = (float) factor;
        Parallel.forRange(n, GRAIN, (from, to) -> VectorTrainingKernels.scale(s, xs, xOff + from, to - from, f));
    }

    // ------------------------------------------------------------------------------------------ recurrent cells

    /**
     * Which rows take this step ({@code step < lengths[b]}), or null when every row does; the other rows carry
     * their state. Null also when {@code lengths} is not a host storage (the caller then takes the scalar path).
     */
    private static boolean[] activeRows(Storage lengths, int lengthsOff, int batch, int step) {
        if (lengths == null) {
            return null;
        }
        HostStorage ls = (HostStorage) lengths;
        boolean[] active = new boolean[batch];   // (B)
        for (int b = 0; b < batch; b++) {
            active[b] = step < ls.getAsLong(lengthsOff + b);
        }
        return active;
    }

    private static boolean hostOrNull(Storage s) {
        return s == null || s instanceof HostStorage;
    }

    /** Rows per task: a row costs about {@code work} element-operations. */
    private static int cellGrain(int work) {
        return Math.max(1, GRAIN / Math.max(1, work));
    }

    @Override
    public void lstmCellForward(int batch, int hidden, Storage gates, int gatesOff, Storage cPrev, int cPrevOff,
                                Storage hPrev, int hPrevOff, Storage act, int actOff, Storage h, int hOff, Storage c,
                                int cOff, Storage tanhC, int tanhCOff, Storage lengths, int lengthsOff, int step) {
        float[] gs = f32(gates);
        float[] cps = f32(cPrev);
        float[] hps = hPrev == null ? null : f32(hPrev);
        float[] as = f32(act);
        float[] hs = f32(h);
        float[] cs = f32(c);
        float[] ts = f32(tanhC);
        if (gs == null || cps == null || (hPrev != null && hps == null) || as == null || hs == null || cs == null
                || ts == null || !hostOrNull(lengths)) {
            super.lstmCellForward(batch, hidden, gates, gatesOff, cPrev, cPrevOff, hPrev, hPrevOff, act, actOff, h,
                    hOff, c, cOff, tanhC, tanhCOff, lengths, lengthsOff, step);
            return;
        }
        boolean[] active = activeRows(lengths, lengthsOff, batch, step);
        VectorSpecies<Float> s = species;
        Parallel.forRange(batch, cellGrain(8 * hidden), (b0, b1) -> RecurrentKernels.lstmForward(s, b0, b1, hidden,
                active, gs, gatesOff, cps, cPrevOff, hps, hPrevOff, as, actOff, hs, hOff, cs, cOff, ts, tanhCOff));
    }

    @Override
    public void lstmCellBackward(int batch, int hidden, Storage act, int actOff, Storage cPrev, int cPrevOff,
                                 Storage tanhC, int tanhCOff, Storage dh, int dhOff, Storage dc, int dcOff,
                                 Storage dGates, int dGatesOff, Storage dcPrev, int dcPrevOff, Storage dhPrev,
                                 int dhPrevOff, Storage lengths, int lengthsOff, int step) {
        float[] as = f32(act);
        float[] cps = f32(cPrev);
        float[] ts = f32(tanhC);
        float[] dhs = f32(dh);
        float[] dcs = f32(dc);
        float[] dgs = f32(dGates);
        float[] dcps = f32(dcPrev);
        float[] dhps = dhPrev == null ? null : f32(dhPrev);
        if (as == null || cps == null || ts == null || dhs == null || dcs == null || dgs == null || dcps == null
                || (dhPrev != null && dhps == null) || !hostOrNull(lengths)) {
            super.lstmCellBackward(batch, hidden, act, actOff, cPrev, cPrevOff, tanhC, tanhCOff, dh, dhOff, dc, dcOff,
                    dGates, dGatesOff, dcPrev, dcPrevOff, dhPrev, dhPrevOff, lengths, lengthsOff, step);
            return;
        }
        boolean[] active = activeRows(lengths, lengthsOff, batch, step);
        VectorSpecies<Float> s = species;
        Parallel.forRange(batch, cellGrain(8 * hidden), (b0, b1) -> RecurrentKernels.lstmBackward(s, b0, b1, hidden,
                active, as, actOff, cps, cPrevOff, ts, tanhCOff, dhs, dhOff, dcs, dcOff, dgs, dGatesOff, dcps,
                dcPrevOff, dhps, dhPrevOff));
    }

    @Override
    public void gruCellForward(int batch, int hidden, Storage gi, int giOff, Storage gh, int ghOff, Storage hPrev,
                               int hPrevOff, Storage act, int actOff, Storage h, int hOff, Storage lengths,
                               int lengthsOff, int step) {
        float[] gis = f32(gi);
        float[] ghs = f32(gh);
        float[] hps = f32(hPrev);
        float[] as = f32(act);
        float[] hs = f32(h);
        if (gis == null || ghs == null || hps == null || as == null || hs == null || !hostOrNull(lengths)) {
            super.gruCellForward(batch, hidden, gi, giOff, gh, ghOff, hPrev, hPrevOff, act, actOff, h, hOff, lengths,
                    lengthsOff, step);
            return;
        }
        boolean[] active = activeRows(lengths, lengthsOff, batch, step);
        VectorSpecies<Float> s = species;
        Parallel.forRange(batch, cellGrain(6 * hidden), (b0, b1) -> RecurrentKernels.gruForward(s, b0, b1, hidden,
                active, gis, giOff, ghs, ghOff, hps, hPrevOff, as, actOff, hs, hOff));
    }

    @Override
    public void gruCellBackward(int batch, int hidden, Storage act, int actOff, Storage gh, int ghOff, Storage hPrev,
                                int hPrevOff, Storage dh, int dhOff, Storage dGi, int dGiOff, Storage dGh, int dGhOff,
                                Storage dhPrev, int dhPrevOff, Storage lengths, int lengthsOff, int step) {
        float[] as = f32(act);
        float[] ghs = f32(gh);
        float[] hps = f32(hPrev);
        float[] dhs = f32(dh);
        float[] dgis = f32(dGi);
        float[] dghs = f32(dGh);
        float[] dhps = f32(dhPrev);
        if (as == null || ghs == null || hps == null || dhs == null || dgis == null || dghs == null || dhps == null
                || !hostOrNull(lengths)) {
            super.gruCellBackward(batch, hidden, act, actOff, gh, ghOff, hPrev, hPrevOff, dh, dhOff, dGi, dGiOff, dGh,
                    dGhOff, dhPrev, dhPrevOff, lengths, lengthsOff, step);
            return;
        }
        boolean[] active = activeRows(lengths, lengthsOff, batch, step);
        VectorSpecies<Float> s = species;
        Parallel.forRange(batch, cellGrain(6 * hidden), (b0, b1) -> RecurrentKernels.gruBackward(s, b0, b1, hidden,
                active, as, actOff, ghs, ghOff, hps, hPrevOff, dhs, dhOff, dgis, dGiOff, dghs, dGhOff, dhps,
                dhPrevOff));
    }

    // ------------------------------------------------------------------------------------------ layouts

    /**
     * A broadcast/strided layout with size-1 dims dropped and mergeable neighbours merged: {@code rank} dims of
     * {@code dims}, and per operand its strides. The last dim is the inner run; {@link #rowOffset} maps a row
     * number (row-major over the outer dims) to an operand's element offset.
     */
    private static final class Layout {
        final int rank;
        final int[] dims;
        final int[][] strides;
        final long numel;

        private Layout(int rank, int[] dims, int[][] strides, long numel) {
            this.rank = rank;
            this.dims = dims;
            this.strides = strides;
            this.numel = numel;
        }

        static Layout of(int[] shape, int[] s0, int[] s1) {
            long numel = 1;
            for (int d : shape) {
                numel *= d;
            }
            int[] dims = new int[shape.length];
            int[][] st = {new int[shape.length], new int[shape.length]};
            int rank = 0;
            if (numel != 0) {
                // walk from the innermost dim outwards, merging a dim into its inner neighbour when both operands
                // step through it as one run
                for (int d = shape.length - 1; d >= 0; d--) {
                    if (shape[d] == 1) {
                        continue;
                    }
                    if (rank > 0) {
                        int in = rank - 1;
                        if (s0[d] == st[0][in] * dims[in] && s1[d] == st[1][in] * dims[in]) {
                            dims[in] *= shape[d];
                            continue;
                        }
                    }
                    dims[rank] = shape[d];
                    st[0][rank] = s0[d];
                    st[1][rank] = s1[d];
                    rank++;
                }
            }
            // reverse into outer-to-inner order
            int[] od = new int[Math.max(1, rank)];
            int[][] os = {new int[Math.max(1, rank)], new int[Math.max(1, rank)]};
            if (rank == 0) {
                od[0] = numel == 0 ? 0 : 1;   // a single element (or none)
            }
            for (int i = 0; i < rank; i++) {
                od[i] = dims[rank - 1 - i];
                os[0][i] = st[0][rank - 1 - i];
                os[1][i] = st[1][rank - 1 - i];
            }
            return new Layout(Math.max(1, rank), od, os, numel);
        }

        int cols() {
            return dims[rank - 1];
        }

        long rows() {
            long r = 1;
            for (int d = 0; d < rank - 1; d++) {
                r *= dims[d];
            }
            return r;
        }

        int innerStride(int operand) {
            return strides[operand][rank - 1];
        }

        int rowOffset(int operand, long row) {
            int off = 0;
            int[] st = strides[operand];
            for (int d = rank - 2; d >= 0; d--) {
                off += (int) (row % dims[d]) * st[d];
                row /= dims[d];
            }
            return off;
        }
    }

    // ------------------------------------------------------------------------------------------ spiking

    @Override
    public void lifIntegrate(Storage v, int vOff, Storage current, int cOff, Storage out, int outOff, int n,
                             double beta, double threshold, double resetAmount) {
        float[] vs = f32(v);
        float[] cs = f32(current);
        float[] os = f32(out);
        if (vs == null || cs == null || os == null) {
            super.lifIntegrate(v, vOff, current, cOff, out, outOff, n, beta, threshold, resetAmount);
            return;
        }
        VectorSpecies<Float> s = species;
        float b = (float) beta;
        float th = (float) threshold;
        float r = (float) resetAmount;
        Parallel.forRange(n, GRAIN, (from, to) -> SpikingKernels.lifIntegrate(s, vs, vOff + from, cs, cOff + from,
                os, outOff + from, to - from, b, th, r));
    }

    @Override
    public void spikeSurrogateBackward(SpikeSurrogate surrogate, double alpha, double threshold, double base,
                                       double scale, Storage x, int xOff, Storage g, int gOff, Storage gx, int gxOff,
                                       int n) {
        float[] xs = f32(x);
        float[] gs = f32(g);
        float[] gxs = f32(gx);
        if (xs == null || gs == null || gxs == null) {
            super.spikeSurrogateBackward(surrogate, alpha, threshold, base, scale, x, xOff, g, gOff, gx, gxOff, n);
            return;
        }
        VectorSpecies<Float> s = species;
        float a = (float) alpha;
        float th = (float) threshold;
        float b = (float) base;
        float sc = (float) scale;
        Parallel.forRange(n, GRAIN, (from, to) -> SpikingKernels.surrogateBackward(surrogate, s, a, th, b, sc, xs,
                xOff + from, gs, gOff + from, gxs, gxOff + from, to - from));
    }
}
