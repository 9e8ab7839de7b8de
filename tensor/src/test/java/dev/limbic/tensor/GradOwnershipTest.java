package dev.limbic.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The engine hands a leaf its gradient buffer without copying only when nobody else can see that buffer. These
 * tests pin the cases where adopting would alias: one gradient feeding two leaves, the caller's seed, and a
 * gradient still queued for a non-leaf; and that later gradients accumulate in place.
 */
class GradOwnershipTest {

    @Test
    void oneGradientFeedingTwoLeavesGivesEachItsOwnBuffer() {
        Tensor a = Tensor.randn(1, DType.F32, 3, 4).requiresGrad(true);
        Tensor b = Tensor.randn(2, DType.F32, 3, 4).requiresGrad(true);
        a.add(b).mul(Tensor.randn(3, DType.F32, 3, 4)).sum().backward();   // add's rule hands the same g to a and b
        assertThat(a.grad().storage()).isNotSameAs(b.grad().storage());
        float[] before = b.grad().toFloatArray();
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            a.grad().mul_(10.0);
        }
        assertThat(b.grad().toFloatArray()).containsExactly(before);
    }

    @Test
    void theCallersSeedIsNeverAdopted() {
        Tensor x = Tensor.randn(4, DType.F32, 5).requiresGrad(true);
        Tensor seed = Tensor.randn(5, DType.F32, 5);
        float[] seedValues = seed.toFloatArray();
        x.cloneTensor().backward(seed);   // clone's rule passes the seed through unchanged
        assertThat(x.grad().storage()).isNotSameAs(seed.storage());
        seed.fill_(0.0);
        assertThat(x.grad().toFloatArray()).containsExactly(seedValues);
    }

    @Test
    void aLeafAsItsOwnRootCopiesTheSeed() {
        Tensor x = Tensor.randn(6, DType.F32, 3).requiresGrad(true);
        Tensor seed = Tensor.ones(3);
        x.backward(seed);
        assertThat(x.grad().storage()).isNotSameAs(seed.storage());
    }

    @Test
    void aGradientQueuedForANonLeafIsNotAdoptedThenOverwritten() {
        // y = (w*2 + b) + b: b first receives the g that is also queued for (w*2 + b), then a second g in place
        Tensor w = Tensor.randn(7, DType.F32, 4).requiresGrad(true);
        Tensor b = Tensor.randn(8, DType.F32, 4).requiresGrad(true);
        Tensor seed = Tensor.randn(9, DType.F32, 4);
        w.mul(2.0).add(b).add(b).backward(seed);
        float[] s = seed.toFloatArray();
        float[] expectW = new float[4];
        float[] expectB = new float[4];
        for (int i = 0; i < 4; i++) {
            expectW[i] = 2 * s[i];
            expectB[i] = 2 * s[i];
        }
        assertThat(w.grad().toFloatArray()).containsExactly(expectW);
        assertThat(b.grad().toFloatArray()).containsExactly(expectB);
    }

    @Test
    void laterGradientsAccumulateInPlaceIntoTheLeafsBuffer() {
        Tensor x = Tensor.randn(10, DType.F32, 2, 3).requiresGrad(true);
        Tensor r = Tensor.randn(11, DType.F32, 2, 3);
        x.mul(r).sum().backward();
        Tensor first = x.grad();
        x.mul(r).sum().backward();
        assertThat(x.grad()).isSameAs(first);
        float[] rv = r.toFloatArray();
        float[] got = x.grad().toFloatArray();
        for (int i = 0; i < rv.length; i++) {
            assertThat(got[i]).isEqualTo(2 * rv[i]);
        }
    }

    @Test
    void inPlaceAddOfAnOverlappingViewReadsTheOriginalValues() {
        Tensor x = Tensor.arange(0, 9, 1, DType.F32).reshape(3, 3);
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            x.add_(x.t());
        }
        assertThat(x.toFloatArray()).containsExactly(0, 4, 8, 4, 8, 12, 8, 12, 16);
        Tensor z = Tensor.arange(0, 4, 1, DType.F32).reshape(2, 2);
        z.copy_(z.t());
        assertThat(z.toFloatArray()).containsExactly(0, 2, 1, 3);
        Tensor y = Tensor.arange(0, 4, 1, DType.F32);
        y.add_(y);
        assertThat(y.toFloatArray()).containsExactly(0, 2, 4, 6);
    }
}
