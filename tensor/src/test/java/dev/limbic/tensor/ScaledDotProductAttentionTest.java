package dev.limbic.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link ScaledDotProductAttention} against its reference decomposition into plain Tensor ops (split heads,
 * {@code softmax(scale·Q Kᵀ + mask) V}, merge heads) in F32 (the host backend: vector or scalar) and F64, forward
 * and gradients, on strided input views and every mask broadcast shape; F64 gradient checks; the no-visible-key
 * rows; dropout determinism; bad input.
 */
class ScaledDotProductAttentionTest {

    // ------------------------------------------------------------------ reference

    /** (B, T, H·d) → (B, H, T, d) contiguous. */
    private static Tensor heads(Tensor x, int h) {
        int[] s = x.shape();
        return x.contiguous().reshape(s[0], s[1], h, s[2] / h).permute(0, 2, 1, 3).contiguous();
    }

    /** The decomposition; rows whose mask is all −∞ are zeroed (the op's documented behaviour). */
    static Tensor[] reference(Tensor q, Tensor k, Tensor v, int h, double scale, Tensor mask, Tensor dropMask) {
        Tensor s = heads(q, h).matmul(heads(k, h).transpose(-1, -2)).mul(scale);
        Tensor keep = null;
        if (mask != null) {
            s = s.add(mask);
            // rows with no visible key: replace the scores by 0 (finite softmax), then multiply the probabilities by 0
            Tensor visible = mask.gt(Double.NEGATIVE_INFINITY).sum(-1, true).gt(0.0);   // (.., 1) 0/1
            Tensor zero = Tensor.scalar(0.0, q.dtype());
            s = Tensor.where(visible, s, zero);
            keep = visible;
        }
        Tensor p = s.softmax(-1);
        if (keep != null) {
            p = p.mul(keep);
        }
        Tensor used = dropMask == null ? p : p.mul(dropMask);
        Tensor o = used.matmul(heads(v, h));   // (B, H, T, dv)
        int[] os = o.shape();
        return new Tensor[] {o.permute(0, 2, 1, 3).reshape(os[0], os[2], os[1] * os[3]), used};
    }

    private static Tensor randn(long seed, DType dtype, int... shape) {
        return Tensor.randn(seed, dtype, shape);
    }

    /** 0 / −∞ mask of the given shape with the given positions masked. */
    private static Tensor mask(DType dtype, int[] shape, long seed, double maskedFraction) {
        double[] u = Tensor.rand(seed, DType.F64, shape).toDoubleArray();
        double[] m = new double[u.length];
        for (int i = 0; i < u.length; i++) {
            m[i] = u[i] < maskedFraction ? Double.NEGATIVE_INFINITY : 0.0;
        }
        Tensor t = Tensor.of(m, shape);
        return t.to(dtype);
    }

    private static void assertClose(String what, Tensor actual, Tensor expected, double tol) {
        assertThat(actual.shape()).as(what + " shape").containsExactly(expected.shape());
        double[] a = actual.toDoubleArray();
        double[] e = expected.toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            double err = Math.abs(a[i] - e[i]);
            if (!(err <= tol * Math.max(1, Math.abs(e[i])))) {
                throw new AssertionError(what + "[" + i + "] = " + a[i] + ", expected " + e[i]);
            }
        }
    }

    // ------------------------------------------------------------------ parity with the decomposition

    private record Case(int b, int t, int s, int h, int d, int dv, int[] maskShape) {
    }

    private static final List<Case> CASES = List.of(
            new Case(2, 5, 5, 2, 3, 3, null),
            new Case(3, 4, 6, 3, 2, 5, new int[] {3, 1, 1, 6}),     // key padding
            new Case(2, 5, 5, 2, 4, 4, new int[] {1, 1, 5, 5}),     // causal-like, shared over the batch
            new Case(2, 3, 7, 1, 5, 2, new int[] {2, 1, 3, 7}),     // per row and batch
            new Case(2, 4, 3, 2, 3, 3, new int[] {2, 2, 4, 3}),     // full
            new Case(1, 6, 6, 4, 2, 2, new int[] {6, 6}),           // 2-D mask
            new Case(2, 1, 1, 1, 1, 1, new int[] {2, 1, 1, 1}));    // one query, one key

    @Test
    void generalFormMatchesDecompositionF32AndF64() {
        for (DType dtype : new DType[] {DType.F32, DType.F64}) {
            double tol = dtype == DType.F32 ? 2e-5 : 1e-12;
            long seed = 1;
            for (Case c : CASES) {
                // q is a strided view (feature stride 2, offset) of its leaf; k and v are contiguous leaves
                Tensor qBase = randn(seed++, dtype, c.b, c.t, c.h * c.d, 2).requiresGrad(true);
                Tensor q = qBase.select(3, 1);
                Tensor k = randn(seed++, dtype, c.b, c.s, c.h * c.d).requiresGrad(true);
                Tensor v = randn(seed++, dtype, c.b, c.s, c.h * c.dv).requiresGrad(true);
                Tensor m = c.maskShape == null ? null : mask(dtype, c.maskShape, seed++, 0.3);
                double scale = 1 / Math.sqrt(c.d);
                String what = dtype + " " + c;
                ScaledDotProductAttention.Result r = ScaledDotProductAttention.attend(q, k, v, c.h, scale, m, 0, null,
                        true);
                Tensor g = randn(seed++, dtype, c.b, c.t, c.h * c.dv);
                r.output().backward(g);
                Tensor[] grads = {qBase.grad(), k.grad(), v.grad()};
                Tensor q2Base = qBase.detach().requiresGrad(true);
                Tensor q2 = q2Base.select(3, 1);
                Tensor k2 = k.detach().requiresGrad(true);
                Tensor v2 = v.detach().requiresGrad(true);
                Tensor[] ref = reference(q2, k2, v2, c.h, scale, m, null);
                ref[0].backward(g);
                assertClose(what + " out", r.output(), ref[0], tol);
                assertClose(what + " probs", r.probs(), ref[1], tol);
                assertClose(what + " dq", grads[0], q2Base.grad(), tol);
                assertClose(what + " dk", grads[1], k2.grad(), tol);
                assertClose(what + " dv", grads[2], v2.grad(), tol);
            }
        }
    }

    @Test
    void stridedViewsAreReadInPlace() {
        // q, k, v as permuted/narrowed views of one buffer give the same result as contiguous copies
        Tensor base = randn(5, DType.F32, 3 * 8, 2, 4);   // (3E, B, T) laid out feature-major
        Tensor qkv = base.permute(1, 2, 0);               // (B, T, 3E), feature stride B·T
        Tensor q = qkv.narrow(2, 0, 8);
        Tensor k = qkv.narrow(2, 8, 8);
        Tensor v = qkv.narrow(2, 16, 8);
        Tensor out = ScaledDotProductAttention.attend(q, k, v, 2, 0.5, null, 0, null, false).output();
        Tensor ref = ScaledDotProductAttention.attend(q.contiguous(), k.contiguous(), v.contiguous(), 2, 0.5, null, 0,
                null, false).output();
        assertClose("strided", out, ref, 1e-6);
        Tensor packed = ScaledDotProductAttention.attendPacked(qkv, 2, 0.5, null, 0, null, false).output();
        assertClose("packed strided", packed, ref, 1e-6);
    }

    @Test
    void packedFormMatchesGeneralFormAndItsGradient() {
        for (DType dtype : new DType[] {DType.F32, DType.F64}) {
            double tol = dtype == DType.F32 ? 2e-5 : 1e-12;
            Tensor qkv = randn(11, dtype, 2, 5, 3 * 6).requiresGrad(true);
            Tensor m = mask(dtype, new int[] {2, 1, 1, 5}, 12, 0.3);
            ScaledDotProductAttention.Result r = ScaledDotProductAttention.attendPacked(qkv, 3, 0.4, m, 0, null, true);
            Tensor g = randn(13, dtype, 2, 5, 6);
            r.output().backward(g);
            Tensor leaf = qkv.detach().requiresGrad(true);
            Tensor[] ref = reference(leaf.narrow(2, 0, 6), leaf.narrow(2, 6, 6), leaf.narrow(2, 12, 6), 3, 0.4, m,
                    null);
            ref[0].backward(g);
            assertClose(dtype + " packed out", r.output(), ref[0], tol);
            assertClose(dtype + " packed probs", r.probs(), ref[1], tol);
            assertClose(dtype + " packed dqkv", qkv.grad(), leaf.grad(), tol);
        }
    }

    @Test
    void inferenceWithoutProbsMatchesTraining() {
        Tensor q = randn(21, DType.F32, 3, 7, 8);
        Tensor k = randn(22, DType.F32, 3, 9, 8);
        Tensor v = randn(23, DType.F32, 3, 9, 4);
        Tensor m = mask(DType.F32, new int[] {3, 1, 1, 9}, 24, 0.3);
        Tensor withGrad = ScaledDotProductAttention.attend(q.detach().requiresGrad(true), k, v, 2, 0.3, m, 0, null,
                true).output();
        Tensor infer;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            ScaledDotProductAttention.Result r = ScaledDotProductAttention.attend(q, k, v, 2, 0.3, m, 0, null, false);
            assertThat(r.probs()).isNull();
            infer = r.output();
        }
        assertThat(infer.toFloatArray()).containsExactly(withGrad.toFloatArray());
    }

    // ------------------------------------------------------------------ gradient checks (F64, central differences)

    @Test
    void gradcheckGeneralWithMaskCrossLengths() {
        Tensor q = randn(31, DType.F64, 2, 3, 4);
        Tensor k = randn(32, DType.F64, 2, 5, 4);
        Tensor v = randn(33, DType.F64, 2, 5, 6);
        Tensor m = mask(DType.F64, new int[] {2, 1, 3, 5}, 34, 0.3);
        GradCheck.assertGradients("attend masked", in -> ScaledDotProductAttention.attend(in.get(0), in.get(1),
                in.get(2), 2, 0.7, m, 0, null, false).output(), q, k, v);
    }

    @Test
    void gradcheckPackedCausal() {
        int t = 4;
        double[] c = new double[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < t; j++) {
                c[i * t + j] = j > i ? Double.NEGATIVE_INFINITY : 0;
            }
        }
        Tensor causal = Tensor.of(c, 1, 1, t, t);
        Tensor qkv = randn(41, DType.F64, 2, t, 3 * 4);
        GradCheck.assertGradients("attendPacked causal", in -> ScaledDotProductAttention.attendPacked(in.get(0), 2,
                0.5, causal, 0, null, false).output(), qkv);
    }

    @Test
    void gradcheckWithDropoutFromAFixedSeed() {
        Tensor qkv = randn(51, DType.F64, 2, 3, 3 * 4);
        Function<List<Tensor>, Tensor> f = in -> ScaledDotProductAttention.attendPacked(in.get(0), 2, 0.5, null, 0.3,
                new SplittableRandom(9), false).output();
        GradCheck.assertGradients("attendPacked dropout", f, qkv);
    }

    @Test
    void gradcheckWithEmptyRows() {
        // batch 1 has every key masked: its rows are zero and pass no gradient
        double inf = Double.NEGATIVE_INFINITY;
        Tensor m = Tensor.of(new double[] {0, inf, 0, inf, inf, inf}, 2, 1, 1, 3);
        Tensor q = randn(61, DType.F64, 2, 2, 4);
        Tensor k = randn(62, DType.F64, 2, 3, 4);
        Tensor v = randn(63, DType.F64, 2, 3, 4);
        GradCheck.assertGradients("attend empty rows", in -> ScaledDotProductAttention.attend(in.get(0), in.get(1),
                in.get(2), 2, 0.5, m, 0, null, false).output(), q, k, v);
    }

    // ------------------------------------------------------------------ rows that see no key

    @Test
    void rowWithNoVisibleKeyIsZeroNotNaN() {
        for (DType dtype : new DType[] {DType.F32, DType.F64}) {
            double inf = Double.NEGATIVE_INFINITY;
            // batch 0: key 1 padded; batch 1: every key padded
            Tensor m = Tensor.of(new double[] {0, inf, 0, inf, inf, inf}, 2, 1, 1, 3).to(dtype);
            Tensor q = randn(71, dtype, 2, 2, 4).requiresGrad(true);
            Tensor k = randn(72, dtype, 2, 3, 4).requiresGrad(true);
            Tensor v = randn(73, dtype, 2, 3, 4).requiresGrad(true);
            ScaledDotProductAttention.Result r = ScaledDotProductAttention.attend(q, k, v, 2, 0.5, m, 0, null, true);
            r.output().backward(Tensor.ones(dtype, 2, 2, 4));
            for (Tensor t : new Tensor[] {r.output(), r.probs(), q.grad(), k.grad(), v.grad()}) {
                for (double x : t.toDoubleArray()) {
                    assertThat(Double.isNaN(x)).as(dtype + " NaN in " + t).isFalse();
                }
            }
            assertThat(r.output().select(0, 1).toDoubleArray()).containsOnly(0.0);
            assertThat(r.probs().select(0, 1).toDoubleArray()).containsOnly(0.0);
            assertThat(q.grad().select(0, 1).toDoubleArray()).containsOnly(0.0);
            assertThat(r.probs().select(0, 0).select(2, 1).toDoubleArray()).containsOnly(0.0);   // padded key
            for (double rowSum : r.probs().select(0, 0).sum(-1, false).toDoubleArray()) {
                assertThat(rowSum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
            }
        }
    }

    // ------------------------------------------------------------------ dropout

    @Test
    void dropoutIsDeterministicPerSeedAndScaled() {
        Tensor qkv = randn(81, DType.F32, 2, 16, 3 * 8);
        Tensor a = ScaledDotProductAttention.attendPacked(qkv, 2, 0.3, null, 0.25, new SplittableRandom(3), true)
                .probs();
        Tensor b = ScaledDotProductAttention.attendPacked(qkv, 2, 0.3, null, 0.25, new SplittableRandom(3), true)
                .probs();
        Tensor c = ScaledDotProductAttention.attendPacked(qkv, 2, 0.3, null, 0.25, new SplittableRandom(4), true)
                .probs();
        Tensor clean = ScaledDotProductAttention.attendPacked(qkv, 2, 0.3, null, 0, null, true).probs();
        assertThat(a.toFloatArray()).containsExactly(b.toFloatArray());
        assertThat(a.toFloatArray()).isNotEqualTo(c.toFloatArray());
        float[] pa = a.toFloatArray();
        float[] pc = clean.toFloatArray();
        int dropped = 0;
        for (int i = 0; i < pa.length; i++) {
            if (pa[i] == 0) {
                dropped++;
            } else {
                assertThat((double) pa[i]).isCloseTo(pc[i] / 0.75, org.assertj.core.data.Offset.offset(1e-6));
            }
        }
        assertThat(dropped / (double) pa.length).isBetween(0.18, 0.32);
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void badInputNamesTheProblem() {
        Tensor q = randn(1, DType.F32, 2, 3, 6);
        Tensor k = randn(2, DType.F32, 2, 4, 6);
        Tensor v = randn(3, DType.F32, 2, 4, 6);
        assertThatThrownBy(() -> ScaledDotProductAttention.attend(q, k, v, 4, 1, null, 0, null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4 heads must divide");
        assertThatThrownBy(() -> ScaledDotProductAttention.attend(q, k, v.narrow(1, 0, 3), 2, 1, null, 0, null,
                false)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("number of keys");
        assertThatThrownBy(() -> ScaledDotProductAttention.attend(q, k.narrow(2, 0, 4), v, 2, 1, null, 0, null,
                false)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same feature size");
        assertThatThrownBy(() -> ScaledDotProductAttention.attend(q.reshape(6, 6), k, v, 2, 1, null, 0, null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("q must be (batch, seq, features)");
        assertThatThrownBy(() -> ScaledDotProductAttention.attend(q, k, v, 2, 1, Tensor.zeros(2, 1, 3, 3), 0, null,
                false)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[2, 1, 3, 3]")
                .hasMessageContaining("[2, 2, 3, 4]");
        assertThatThrownBy(() -> ScaledDotProductAttention.attend(q, k, v, 2, 1,
                Tensor.zeros(DType.F64, 2, 1, 1, 4), 0, null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mask is F64");
        assertThatThrownBy(() -> ScaledDotProductAttention.attend(q, k, v, 2, 1,
                Tensor.zeros(2, 1, 1, 4).requiresGrad(true), 0, null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not differentiated");
        assertThatThrownBy(() -> ScaledDotProductAttention.attend(q, k, v, 2, 1,
                Tensor.of(new float[] {0, 0, Float.NaN, 0}, 1, 1, 1, 4), 0, null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN at [0, 0, 0, 2]");
        assertThatThrownBy(() -> ScaledDotProductAttention.attend(q, k, v, 2, 1,
                Tensor.of(new float[] {0, Float.POSITIVE_INFINITY, 0, 0}, 4), 0, null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Infinity at [0, 0, 0, 1]");
        assertThatThrownBy(() -> ScaledDotProductAttention.attend(q, k, v, 2, 1, null, 1.0, new SplittableRandom(1),
                false)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 1)");
        assertThatThrownBy(() -> ScaledDotProductAttention.attend(q, k, v, 2, 1, null, 0.1, null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("random generator");
        assertThatThrownBy(() -> ScaledDotProductAttention.attend(q, k, v.to(DType.F64), 2, 1, null, 0, null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dtype mismatch");
        assertThatThrownBy(() -> ScaledDotProductAttention.attendPacked(randn(4, DType.F32, 2, 3, 7), 1, 1, null, 0,
                null, false)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3·embed_dim");
    }
}
