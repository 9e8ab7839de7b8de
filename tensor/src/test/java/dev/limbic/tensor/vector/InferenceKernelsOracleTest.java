package dev.limbic.tensor.vector;

import static dev.limbic.tensor.vector.VectorBackendOracleTest.REF;
import static dev.limbic.tensor.vector.VectorBackendOracleTest.assertClose;
import static dev.limbic.tensor.vector.VectorBackendOracleTest.gaussian;
import static dev.limbic.tensor.vector.VectorBackendOracleTest.vec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.limbic.tensor.HostStorage;
import dev.limbic.tensor.backend.Backend;
import dev.limbic.tensor.backend.Backends;
import dev.limbic.tensor.backend.UnaryOp;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The inference fast paths of {@link VectorBackend} against {@link ScalarBackend}'s reference at 128, 256 and 512
 * bits on odd sizes: {@code linear} with the bias and activation in the GEMM epilogue, the packed-weight cache
 * (first call unpacked, second call packs, third reads the cached panels; a version bump repacks), and the fused
 * per-head {@code attentionForward} with and without masks. Tolerance as in {@link VectorBackendOracleTest}:
 * {@code 1e-5·max(1, Σ|terms|)} for products.
 */
class InferenceKernelsOracleTest {

    @BeforeEach
    void requireVectorModule() {
        Assumptions.assumeTrue(Backends.vectorModulePresent(),
                "the Vector API backend needs the JVM flag --add-modules jdk.incubator.vector");
    }

    static final int[] WIDTHS = {128, 256, 512};

    static Stream<Arguments> linearMatrix() {
        // rows: 1, a few, one past a micro-tile, MiniLM's natural 19, one over 64 (no longer "few rows");
        // k: 1, odd, one k block, two k blocks (600 > 384); n: below one panel, odd, several panels
        int[][] shapes = {{1, 1, 1}, {1, 13, 7}, {3, 33, 65}, {5, 64, 33}, {9, 7, 300}, {19, 384, 96},
            {19, 600, 33}, {33, 65, 257}, {65, 13, 64}, {70, 600, 70}, {130, 40, 130}};
        List<Arguments> out = new ArrayList<>();
        for (int bits : WIDTHS) {
            for (int[] s : shapes) {
                for (UnaryOp act : new UnaryOp[] {null, UnaryOp.GELU_ERF, UnaryOp.RELU}) {
                    out.add(Arguments.of(bits, s[0], s[1], s[2], act));
                }
            }
        }
        return out.stream();
    }

    /** {@code Σ_p |x_ip·w_jp| + |b_j|}, the magnitude a rounding error of the product scales with. */
    static double[] productScale(float[] x, int xOff, int xrs, int xcs, float[] w, int wOff, int wrs, int wcs,
            float[] b, int m, int n, int k) {
        double[] s = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = b == null ? 0 : Math.abs(b[j]);
                for (int p = 0; p < k; p++) {
                    acc += Math.abs((double) x[xOff + i * xrs + p * xcs] * w[wOff + j * wrs + p * wcs]);
                }
                s[i * n + j] = acc;
            }
        }
        return s;
    }

    @ParameterizedTest(name = "{0} bits, m={1} k={2} n={3}, act {4}")
    @MethodSource("linearMatrix")
    void linearWithEpilogueAndPackedWeightMatchesScalar(int bits, int m, int k, int n, UnaryOp act) {
        SplittableRandom rnd = new SplittableRandom(31L * m + 7L * k + n);
        // x is a strided view (row stride k + 3, offset 5); W (n, k) row-major at offset 2; bias at offset 1
        int xrs = k + 3;
        HostStorage x = gaussian(rnd, 5 + m * xrs, 0, 1);
        HostStorage w = gaussian(rnd, 2 + n * k, 0, 0.3);
        HostStorage bias = gaussian(rnd, 1 + n, 0, 1);
        HostStorage residual = gaussian(rnd, 4 + m * n, 0, 1);
        for (int variant = 0; variant < 3; variant++) {
            boolean withBias = variant != 1;
            HostStorage res = variant == 2 ? residual : null;   // variant 2: bias and a residual at offset 4
            HostStorage ref = HostStorage.allocate(dev.limbic.tensor.DType.F32, m * n);
            REF.linear(m, n, k, x, 5, xrs, 1, w, 2, k, 1, withBias ? bias : null, 1, 1, res, 4, act, false, ref, 0);
            float[] b = null;
            if (withBias) {
                b = new float[n];
                System.arraycopy(bias.f32(), 1, b, 0, n);
            }
            double[] scale = productScale(x.f32(), 5, xrs, 1, w.f32(), 2, k, 1, b, m, n, k);
            if (res != null) {
                for (int i = 0; i < m * n; i++) {
                    scale[i] += Math.abs(res.f32()[4 + i]);
                }
            }
            Backend be = vec(bits);
            for (int call = 0; call < 3; call++) {   // unpacked, packing, packed from the cache
                HostStorage got = HostStorage.allocate(dev.limbic.tensor.DType.F32, m * n);
                be.linear(m, n, k, x, 5, xrs, 1, w, 2, k, 1, withBias ? bias : null, 1, 1, res, 4, act, true, got, 0);
                assertClose("linear " + bits + " bits m=" + m + " k=" + k + " n=" + n + " act " + act + " bias "
                        + withBias + " residual " + (res != null) + " call " + call, got.f32(), ref.f32(), scale);
            }
        }
    }

    @ParameterizedTest(name = "{0} bits")
    @MethodSource("widths")
    void packedWeightFollowsVersionBumpsAndTransposedViews(int bits) {
        SplittableRandom rnd = new SplittableRandom(bits);
        int m = 19;
        int k = 45;
        int n = 70;
        HostStorage x = gaussian(rnd, m * k, 0, 1);
        // W given transposed: W[j, p] at p·n + j (the (k, n) matrix read as a transposed view)
        HostStorage w = gaussian(rnd, k * n, 0, 0.3);
        VectorBackend be = (VectorBackend) vec(bits);
        for (int round = 0; round < 3; round++) {
            HostStorage ref = HostStorage.allocate(dev.limbic.tensor.DType.F32, m * n);
            REF.linear(m, n, k, x, 0, k, 1, w, 0, 1, n, null, 0, 0, null, 0, null, false, ref, 0);
            double[] scale = productScale(x.f32(), 0, k, 1, w.f32(), 0, 1, n, null, m, n, k);
            for (int call = 0; call < 3; call++) {
                HostStorage got = HostStorage.allocate(dev.limbic.tensor.DType.F32, m * n);
                be.linear(m, n, k, x, 0, k, 1, w, 0, 1, n, null, 0, 0, null, 0, null, true, got, 0);
                assertClose("round " + round + " call " + call, got.f32(), ref.f32(), scale);
            }
            if (PackedWeightCache.ENABLED) {
                assertThat(be.packedWeightCount()).as("one packed copy of the one weight view").isEqualTo(1);
            }
            // an in-place update (what an optimiser step does): new values, version bumped
            float[] wa = w.f32();
            for (int i = 0; i < wa.length; i++) {
                wa[i] = (float) (0.3 * VectorBackendOracleTest.gauss(rnd));
            }
            w.bumpVersion();
        }
    }

    @Test
    void weightNotMarkedReusedIsNeverPacked() {
        Assumptions.assumeTrue(PackedWeightCache.ENABLED, "packed weights disabled by -Dlimbic.packedWeights");
        SplittableRandom rnd = new SplittableRandom(3);
        VectorBackend be = (VectorBackend) vec(256);
        HostStorage x = gaussian(rnd, 4 * 8, 0, 1);
        HostStorage w = gaussian(rnd, 8 * 8, 0, 1);
        for (int call = 0; call < 3; call++) {
            be.linear(4, 8, 8, x, 0, 8, 1, w, 0, 8, 1, null, 0, 0, null, 0, null, false,
                    HostStorage.allocate(dev.limbic.tensor.DType.F32, 32), 0);
        }
        assertThat(be.packedWeightCount()).isZero();
    }

    static Stream<Arguments> widths() {
        return Stream.of(Arguments.of(128), Arguments.of(256), Arguments.of(512));
    }

    static Stream<Arguments> attentionMatrix() {
        // batch, heads, queries, keys, head dim, value head dim, mask kind (0 none, 1 key padding (B,1,1,S),
        // 2 full (B,H,T,S) strided)
        int[][] shapes = {{1, 1, 1, 1, 1, 1}, {1, 12, 19, 19, 32, 32}, {2, 3, 7, 13, 5, 9}, {3, 2, 33, 17, 16, 16},
            {1, 4, 65, 65, 8, 24}, {2, 6, 128, 128, 64, 64}};
        List<Arguments> out = new ArrayList<>();
        for (int bits : WIDTHS) {
            for (int[] s : shapes) {
                for (int maskKind = 0; maskKind < 3; maskKind++) {
                    out.add(Arguments.of(bits, s, maskKind));
                }
            }
        }
        return out.stream();
    }

    /**
     * Every element within {@code 1e-5·max(1, max|ref|)}: the gradients are chains of products and softmaxes, so
     * an element's error scales with the tensor's magnitude rather than its own.
     */
    static void assertCloseGlobal(String what, float[] got, float[] ref) {
        double max = 1;
        for (float r : ref) {
            max = Math.max(max, Math.abs(r));
        }
        double[] scale = new double[ref.length];
        java.util.Arrays.fill(scale, max);
        assertClose(what, got, ref, scale);
    }

    @ParameterizedTest(name = "{0} bits, {1}, mask kind {2}")
    @MethodSource("attentionMatrix")
    void attentionTrainingForwardAndBackwardMatchScalar(int bits, int[] shape, int maskKind) {
        int b = shape[0];
        int h = shape[1];
        int t = shape[2];
        int s = shape[3];
        int d = shape[4];
        int dv = shape[5];
        SplittableRandom rnd = new SplittableRandom(7 + b * 1000L + h * 100L + t * 10L + s + maskKind);
        int qf = h * d;
        int vf = h * dv;
        // q, k, v strided like the column blocks of a packed projection
        HostStorage q = gaussian(rnd, 2 + b * t * (qf + 1), 0, 1);
        HostStorage k = gaussian(rnd, b * s * qf, 0, 1);
        HostStorage v = gaussian(rnd, 5 + b * s * (vf + 3), 0, 1);
        int[] qs = {t * (qf + 1), qf + 1, 1};
        int[] ks = {s * qf, qf, 1};
        int[] vs = {s * (vf + 3), vf + 3, 1};
        HostStorage mask = null;
        int[] ms = null;
        if (maskKind > 0) {
            float[] m = new float[b * s];
            for (int i = 0; i < m.length; i++) {
                m[i] = i % s != 0 && rnd.nextDouble() < 0.3 ? -10000f : 0f;
            }
            mask = HostStorage.wrap(m);
            ms = new int[] {s, 0, 0, 1};
        }
        double scale = 1 / Math.sqrt(d);
        Backend be = vec(bits);
        int np = b * h * t * s;
        HostStorage refP = HostStorage.allocate(dev.limbic.tensor.DType.F32, np);
        HostStorage refO = HostStorage.allocate(dev.limbic.tensor.DType.F32, b * t * vf);
        REF.attentionForward(b, h, t, s, d, dv, q, 2, qs, k, 0, ks, v, 5, vs, scale, mask, 0, ms, refP, 0, refO, 0);
        HostStorage gotP = HostStorage.allocate(dev.limbic.tensor.DType.F32, 3 + np);
        HostStorage gotO = HostStorage.allocate(dev.limbic.tensor.DType.F32, b * t * vf);
        be.attentionForward(b, h, t, s, d, dv, q, 2, qs, k, 0, ks, v, 5, vs, scale, mask, 0, ms, gotP, 3, gotO, 0);
        float[] gp = java.util.Arrays.copyOfRange(gotP.f32(), 3, 3 + np);
        assertClose("probs", gp, refP.f32());
        assertCloseGlobal("output", gotO.f32(), refO.f32());

        HostStorage gOut = gaussian(rnd, 1 + b * t * vf, 0, 1);
        // targets: dq and dk strided like narrow views of one packed gradient, dv dense
        int wide = 2 * qf + 1;
        int[] dqs = {t * wide, wide, 1};
        int[] dks = {s * wide, wide, 1};
        int[] dvs = {s * vf, vf, 1};
        HostStorage refQK = HostStorage.allocate(dev.limbic.tensor.DType.F32, b * Math.max(t, s) * wide);
        HostStorage refV = HostStorage.allocate(dev.limbic.tensor.DType.F32, b * s * vf);
        REF.attentionBackward(b, h, t, s, d, dv, q, 2, qs, k, 0, ks, v, 5, vs, refP, 0, gOut, 1, scale,
                refQK, 0, dqs, refQK, qf, dks, refV, 0, dvs);
        HostStorage gotQK = HostStorage.allocate(dev.limbic.tensor.DType.F32, b * Math.max(t, s) * wide);
        HostStorage gotV = HostStorage.allocate(dev.limbic.tensor.DType.F32, b * s * vf);
        be.attentionBackward(b, h, t, s, d, dv, q, 2, qs, k, 0, ks, v, 5, vs, refP, 0, gOut, 1, scale,
                gotQK, 0, dqs, gotQK, qf, dks, gotV, 0, dvs);
        assertCloseGlobal("dq and dk", gotQK.f32(), refQK.f32());
        assertCloseGlobal("dv", gotV.f32(), refV.f32());
    }

    @ParameterizedTest(name = "{0} bits, {1}, mask kind {2}")
    @MethodSource("attentionMatrix")
    void attentionForwardMatchesScalar(int bits, int[] shape, int maskKind) {
        int b = shape[0];
        int h = shape[1];
        int t = shape[2];
        int s = shape[3];
        int d = shape[4];
        int dv = shape[5];
        SplittableRandom rnd = new SplittableRandom(b * 1000L + h * 100L + t * 10L + s + maskKind);
        // q, k, v as the column blocks of one packed (B, T, 2·H·d + H·dv) buffer, like a fused qkv projection
        // (t == s for that; otherwise separate buffers with an offset)
        int qf = h * d;
        int vf = h * dv;
        HostStorage q = gaussian(rnd, 3 + b * t * qf, 0, 1);
        HostStorage k = gaussian(rnd, 1 + b * s * (qf + 2), 0, 1);   // row stride qf + 2: a strided view
        HostStorage v = gaussian(rnd, b * s * vf, 0, 1);
        int[] qs = {t * qf, qf, 1};
        int[] ks = {s * (qf + 2), qf + 2, 1};
        int[] vs = {s * vf, vf, 1};
        HostStorage mask = null;
        int[] ms = null;
        if (maskKind == 1) {   // (B, 1, 1, S) key padding, expanded: 0 kept, −10000 padded; key 0 always kept
            float[] m = new float[b * s];
            for (int i = 0; i < m.length; i++) {
                m[i] = i % s != 0 && rnd.nextDouble() < 0.3 ? -10000f : 0f;
            }
            mask = HostStorage.wrap(m);
            ms = new int[] {s, 0, 0, 1};
        } else if (maskKind == 2) {   // (B, H, T, S) arbitrary finite values, key stride 2
            float[] m = new float[b * h * t * s * 2];
            for (int i = 0; i < m.length; i++) {
                m[i] = (float) (2 * VectorBackendOracleTest.gauss(rnd));
            }
            mask = HostStorage.wrap(m);
            ms = new int[] {h * t * s * 2, t * s * 2, s * 2, 2};
        }
        double scale = 1 / Math.sqrt(d);
        HostStorage ref = HostStorage.allocate(dev.limbic.tensor.DType.F32, b * t * vf);
        REF.attentionForward(b, h, t, s, d, dv, q, 3, qs, k, 1, ks, v, 0, vs, scale, mask, 0, ms, null, 0, ref, 0);
        HostStorage got = HostStorage.allocate(dev.limbic.tensor.DType.F32, b * t * vf);
        vec(bits).attentionForward(b, h, t, s, d, dv, q, 3, qs, k, 1, ks, v, 0, vs, scale, mask, 0, ms, null, 0, got, 0);
        // outputs are convex combinations of V rows: scale by Σ|v| over the keys (and a score error of e moves a
        // probability by about e·p, so 1e-5 relative to that sum covers it)
        double[] sc = new double[b * t * vf];
        for (int bi = 0; bi < b; bi++) {
            for (int c = 0; c < vf; c++) {
                double sum = 0;
                for (int j = 0; j < s; j++) {
                    sum += Math.abs(v.f32()[bi * vs[0] + j * vs[1] + c]);
                }
                for (int i = 0; i < t; i++) {
                    sc[(bi * t + i) * vf + c] = sum;
                }
            }
        }
        assertClose("attention " + bits + " bits", got.f32(), ref.f32(), sc);
    }
}
