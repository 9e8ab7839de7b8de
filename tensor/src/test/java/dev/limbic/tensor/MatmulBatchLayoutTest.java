package dev.limbic.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Batched matmul on operands whose batch dims do not share one stride (permuted {@code (B, H, T, d)} head views,
 * broadcast dims): the result and both gradients equal those from contiguous copies, in F32 and F64, for the
 * looped path (few outer batches) and the packing fallback (many outer batches of few matrices).
 */
class MatmulBatchLayoutTest {

    private static void assertSameAsContiguous(String what, Tensor aLeaf, Tensor bLeaf,
            BiFunction<Tensor, Tensor, Tensor[]> views, double tol) {
        Tensor[] ab = views.apply(aLeaf, bLeaf);
        Tensor out = ab[0].matmul(ab[1]);
        Tensor g = Tensor.randn(99, out.dtype(), out.shape());
        out.backward(g);
        Tensor a2 = aLeaf.detach().requiresGrad(true);
        Tensor b2 = bLeaf.detach().requiresGrad(true);
        Tensor[] ab2 = views.apply(a2, b2);
        Tensor ref = ab2[0].contiguous().matmul(ab2[1].contiguous());
        ref.backward(g);
        close(what + " out", out, ref, tol);
        close(what + " grad a", aLeaf.grad(), a2.grad(), tol);
        close(what + " grad b", bLeaf.grad(), b2.grad(), tol);
    }

    private static void close(String what, Tensor actual, Tensor expected, double tol) {
        assertThat(actual.shape()).as(what).containsExactly(expected.shape());
        double[] a = actual.toDoubleArray();
        double[] e = expected.toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            if (!(Math.abs(a[i] - e[i]) <= tol * Math.max(1, Math.abs(e[i])))) {
                throw new AssertionError(what + "[" + i + "] = " + a[i] + ", expected " + e[i]);
            }
        }
    }

    @Test
    void permutedHeadViews() {
        for (DType dt : new DType[] {DType.F32, DType.F64}) {
            double tol = dt == DType.F32 ? 1e-5 : 1e-12;
            // Q Kᵀ with Q, K (B, T, H, d) viewed as (B, H, T, d) and (B, H, d, T)
            assertSameAsContiguous(dt + " q kT", Tensor.randn(1, dt, 3, 5, 4, 6).requiresGrad(true),
                    Tensor.randn(2, dt, 3, 7, 4, 6).requiresGrad(true),
                    (a, b) -> new Tensor[] {a.permute(0, 2, 1, 3), b.permute(0, 2, 3, 1)}, tol);
            // P V with P contiguous (B, H, T, S) and V a head view
            assertSameAsContiguous(dt + " p v", Tensor.randn(3, dt, 3, 4, 5, 7).requiresGrad(true),
                    Tensor.randn(4, dt, 3, 7, 4, 6).requiresGrad(true),
                    (a, b) -> new Tensor[] {a, b.permute(0, 2, 1, 3)}, tol);
            // three batch dims, the middle one broadcast (stride 0)
            assertSameAsContiguous(dt + " broadcast middle", Tensor.randn(5, dt, 2, 1, 3, 4, 5).requiresGrad(true),
                    Tensor.randn(6, dt, 2, 3, 3, 5, 2).requiresGrad(true),
                    (a, b) -> new Tensor[] {a.expand(2, 3, 3, 4, 5).permute(0, 2, 1, 3, 4), b}, tol);
        }
    }

    @Test
    void manySmallOuterBatchesArePacked() {
        // (3, 70, m, k) permuted to (70, 3, m, k): 70 outer batches of 3 matrices
        assertSameAsContiguous("packed fallback", Tensor.randn(7, DType.F32, 3, 70, 2, 3).requiresGrad(true),
                Tensor.randn(8, DType.F32, 70, 3, 3, 4).requiresGrad(true),
                (a, b) -> new Tensor[] {a.permute(1, 0, 2, 3), b}, 1e-5);
    }
}
