package dev.limbic.tensor;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Misuse fails fast with the right exception type and a message that names the op, the shapes/dtypes involved and
 * the offending value, so a user can fix the call without a debugger.
 */
class BadInputTest {

    private static Tensor f32(int... shape) {
        return Tensor.randn(1, DType.F32, shape);
    }

    // ------------------------------------------------------------------ shapes

    @Test
    void addShapeMismatchNamesOpAndBothShapes() {
        assertThatThrownBy(() -> f32(2, 3).add(f32(4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("add").hasMessageContaining("[2, 3]").hasMessageContaining("[4]");
        assertThatThrownBy(() -> f32(2, 3, 5).mul(f32(3, 4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mul").hasMessageContaining("[2, 3, 5]").hasMessageContaining("[3, 4]");
    }

    @Test
    void matmulInnerDimMismatch() {
        assertThatThrownBy(() -> f32(2, 3).matmul(f32(4, 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("matmul").hasMessageContaining("[2, 3]").hasMessageContaining("[4, 5]")
                .hasMessageContaining("3 vs 4");
        assertThatThrownBy(() -> f32(2, 7, 3).matmul(f32(2, 4, 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("matmul").hasMessageContaining("[2, 7, 3]").hasMessageContaining("[2, 4, 5]");
        assertThatThrownBy(() -> f32(3).matmul(f32(4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("matmul");
        assertThatThrownBy(() -> f32(2, 3, 4).matmul(f32(5, 4, 2)))   // batch dims 2 vs 5 do not broadcast
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("matmul")
                .hasMessageContaining("[2]").hasMessageContaining("[5]");
        assertThatThrownBy(() -> Tensor.scalar(2.0).matmul(f32(3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("matmul")
                .hasMessageContaining("at least 1 dim");
    }

    @Test
    void catShapeMismatch() {
        assertThatThrownBy(() -> Tensor.cat(List.of(f32(2, 3), f32(2, 4)), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cat").hasMessageContaining("[2, 3]").hasMessageContaining("[2, 4]");
        assertThatThrownBy(() -> Tensor.cat(List.of(f32(2, 3), f32(2, 3, 1)), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cat").hasMessageContaining("[2, 3]").hasMessageContaining("[2, 3, 1]");
        assertThatThrownBy(() -> Tensor.stack(List.of(f32(2, 3), f32(3, 2)), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stack").hasMessageContaining("[2, 3]").hasMessageContaining("[3, 2]");
        assertThatThrownBy(() -> Tensor.cat(List.of(), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cat");
    }

    @Test
    void layerNormWeightShapeMismatch() {
        assertThatThrownBy(() -> f32(2, 5).layerNorm(f32(4), f32(4), 1e-5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layer_norm").hasMessageContaining("[4]").hasMessageContaining("[5]")
                .hasMessageContaining("[2, 5]");
        assertThatThrownBy(() -> f32(2, 5).layerNorm(1, f32(5), f32(3), 1e-5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layer_norm").hasMessageContaining("[3]").hasMessageContaining("[5]");
        assertThatThrownBy(() -> f32(2, 5).layerNorm(3, null, null, 1e-5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layer_norm").hasMessageContaining("[2, 5]");
    }

    @Test
    void reshapeElementCount() {
        assertThatThrownBy(() -> f32(2, 3).reshape(4, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reshape").hasMessageContaining("[4, 4]").hasMessageContaining("[2, 3]")
                .hasMessageContaining("16").hasMessageContaining("6");
        assertThatThrownBy(() -> f32(2, 3).reshape(-1, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reshape").hasMessageContaining("[-1, 4]").hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> f32(2, 3).reshape(-1, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only one dim may be -1");
        assertThatThrownBy(() -> f32(2, 3).t().view(6))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("view")
                .hasMessageContaining("not contiguous");
    }

    @Test
    void expandIncompatibleShape() {
        assertThatThrownBy(() -> f32(2, 3).expand(4, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expand").hasMessageContaining("[2, 3]").hasMessageContaining("[4, 3]");
        assertThatThrownBy(() -> f32(2, 3).expand(3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expand").hasMessageContaining("[3]").hasMessageContaining("[2, 3]");
    }

    // ------------------------------------------------------------------ backward misuse

    @Test
    void backwardOnNonScalarWithoutSeed() {
        Tensor x = f32(2, 3).requiresGrad(true);
        assertThatThrownBy(() -> x.mul(2.0).backward())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scalar").hasMessageContaining("[2, 3]").hasMessageContaining("seed");
    }

    @Test
    void seedShapeAndDtypeMismatch() {
        Tensor x = f32(2, 3).requiresGrad(true);
        Tensor y = x.exp();
        assertThatThrownBy(() -> y.backward(f32(3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("seed").hasMessageContaining("[3]").hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> y.backward(Tensor.zeros(DType.F64, 2, 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("seed").hasMessageContaining("F64").hasMessageContaining("F32");
    }

    @Test
    void backwardWithoutAnyInputRequiringGrad() {
        assertThatThrownBy(() -> f32(3).exp().sum().backward())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not require grad");
    }

    @Test
    void backwardTwiceWithoutRetainGraph() {
        Tensor x = f32(3).requiresGrad(true);
        Tensor loss = x.sigmoid().sum();
        loss.backward();
        assertThatThrownBy(loss::backward)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("second time").hasMessageContaining("backward(seed, true)");
    }

    // ------------------------------------------------------------------ dtypes

    @Test
    void dtypeMismatches() {
        Tensor a = f32(2);
        Tensor b = Tensor.randn(2, DType.F64, 2);
        assertThatThrownBy(() -> a.add(b))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("add").hasMessageContaining("F32").hasMessageContaining("F64");
        assertThatThrownBy(() -> a.matmul(Tensor.randn(3, DType.F64, 2, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("matmul").hasMessageContaining("F32").hasMessageContaining("F64");
        Tensor i = Tensor.ofLongs(new long[] {1, 2, 3, 4}, 2, 2);
        assertThatThrownBy(() -> i.matmul(i))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("matmul").hasMessageContaining("I64");
        assertThatThrownBy(() -> i.exp())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exp").hasMessageContaining("I64");
        assertThatThrownBy(() -> Tensor.cat(List.of(a, b), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cat").hasMessageContaining("F32").hasMessageContaining("F64");
        assertThatThrownBy(() -> f32(2, 3).layerNorm(Tensor.ones(DType.F64, 3), null, 1e-5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layer_norm").hasMessageContaining("F64");
    }

    @Test
    void requiresGradOnAnIntegerTensor() {
        Tensor i = Tensor.ofLongs(new long[] {1, 2}, 2);
        assertThatThrownBy(() -> i.requiresGrad(true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("requiresGrad").hasMessageContaining("I64");
        Tensor nonLeaf = f32(2).requiresGrad(true).exp();
        assertThatThrownBy(() -> nonLeaf.requiresGrad(false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("leaf").hasMessageContaining("exp");
    }

    // ------------------------------------------------------------------ indices and dims

    @Test
    void indexSelectOutOfRange() {
        Tensor x = f32(4, 3);
        assertThatThrownBy(() -> x.indexSelect(0, Tensor.ofLongs(new long[] {1, 7, 0}, 3)))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("index_select").hasMessageContaining("7").hasMessageContaining("size 4");
        assertThatThrownBy(() -> x.indexSelect(1, Tensor.ofLongs(new long[] {-1}, 1)))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("index_select").hasMessageContaining("-1").hasMessageContaining("size 3");
        assertThatThrownBy(() -> x.indexSelect(0, f32(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index_select").hasMessageContaining("F32");
    }

    @Test
    void gatherOutOfRange() {
        Tensor x = f32(2, 3);
        assertThatThrownBy(() -> x.gather(1, Tensor.ofLongs(new long[] {0, 3, 1, 2}, 2, 2)))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("gather").hasMessageContaining("3").hasMessageContaining("size 3");
        assertThatThrownBy(() -> x.gather(0, Tensor.ofLongs(new long[] {0, 5}, 1, 2)))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("gather").hasMessageContaining("5").hasMessageContaining("size 2");
        assertThatThrownBy(() -> x.gather(1, Tensor.ofLongs(new long[] {0, 1}, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gather").hasMessageContaining("rank");
    }

    @Test
    void scatterAddOutOfRange() {
        Tensor x = f32(2, 3);
        Tensor src = f32(2, 2);
        assertThatThrownBy(() -> x.scatterAdd(1, Tensor.ofLongs(new long[] {0, 1, 9, 2}, 2, 2), src))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("scatter_add").hasMessageContaining("9").hasMessageContaining("size 3");
        assertThatThrownBy(() -> x.scatterAdd(0, Tensor.ofLongs(new long[] {-3, 0}, 1, 2), src))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("scatter_add").hasMessageContaining("-3").hasMessageContaining("size 2");
        assertThatThrownBy(() -> x.scatterAdd(1, Tensor.ofLongs(new long[] {0, 1, 1}, 1, 3), f32(1, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scatter_add").hasMessageContaining("[1, 3]").hasMessageContaining("[1, 2]");
    }

    @Test
    void negativeDimsOutOfRange() {
        Tensor x = f32(2, 3, 4);
        assertThatThrownBy(() -> x.sum(-4, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sum").hasMessageContaining("-4").hasMessageContaining("rank 3");
        assertThatThrownBy(() -> x.mean(3, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mean").hasMessageContaining("3").hasMessageContaining("rank 3");
        assertThatThrownBy(() -> x.softmax(-4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("softmax").hasMessageContaining("-4");
        assertThatThrownBy(() -> x.transpose(0, -5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("transpose").hasMessageContaining("-5");
        assertThatThrownBy(() -> x.unsqueeze(-5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsqueeze").hasMessageContaining("-5");
        assertThatThrownBy(() -> x.max(-4, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max").hasMessageContaining("-4");
        assertThatThrownBy(() -> x.sum(new int[] {1, -2}, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sum").hasMessageContaining("twice");
        assertThatThrownBy(() -> x.select(-4, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("select");
        assertThatThrownBy(() -> x.select(1, 3))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("select").hasMessageContaining("3").hasMessageContaining("size 3");
        assertThatThrownBy(() -> x.narrow(2, 2, 3))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("narrow").hasMessageContaining("size 4");
        assertThatThrownBy(() -> x.permute(0, 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("permute").hasMessageContaining("repeated");
    }

    // ------------------------------------------------------------------ edge inputs that must not go silently wrong

    @Test
    void sliceClampsOutOfRangeBoundsLikePython() {
        Tensor x = Tensor.arange(5);
        org.assertj.core.api.Assertions.assertThat(x.slice(0, -10, 100).toLongArray()).containsExactly(0, 1, 2, 3, 4);
        org.assertj.core.api.Assertions.assertThat(x.slice(0, 7, 9).toLongArray()).isEmpty();
        org.assertj.core.api.Assertions.assertThat(x.slice(0, 3, 1).toLongArray()).isEmpty();
        org.assertj.core.api.Assertions.assertThat(x.slice(0, -2, Integer.MAX_VALUE).toLongArray()).containsExactly(3, 4);
        org.assertj.core.api.Assertions.assertThat(x.slice(0, Integer.MIN_VALUE, -4).toLongArray()).containsExactly(0);
    }

    @Test
    void integerArithmeticIsExactBeyondTwoToThe53() {
        long big = (1L << 60) + 1;
        Tensor a = Tensor.ofLongs(new long[] {big, -7, 7}, 3);
        Tensor b = Tensor.ofLongs(new long[] {1L << 60, 2, 2}, 3);
        org.assertj.core.api.Assertions.assertThat(a.add(b).toLongArray())
                .containsExactly(big + (1L << 60), -5, 9);
        org.assertj.core.api.Assertions.assertThat(a.sub(b).toLongArray()).containsExactly(1, -9, 5);
        org.assertj.core.api.Assertions.assertThat(a.div(b).toLongArray()).containsExactly(1, -4, 3);   // floor
        org.assertj.core.api.Assertions.assertThat(a.eq(b).toLongArray()).containsExactly(0, 0, 0);
        org.assertj.core.api.Assertions.assertThat(a.gt(b).toLongArray()).containsExactly(1, 0, 1);
        org.assertj.core.api.Assertions.assertThat(a.maximum(b).toLongArray()).containsExactly(big, 2, 7);
        org.assertj.core.api.Assertions.assertThat(a.sum().toLongArray()).containsExactly(big);
        org.assertj.core.api.Assertions.assertThat(Tensor.ofLongs(new long[] {big, 1, 2, 3}, 2, 2).sum(0, false)
                .toLongArray()).containsExactly(big + 2, 4);
        assertThatThrownBy(() -> a.div(Tensor.ofLongs(new long[] {0}, 1)))
                .isInstanceOf(ArithmeticException.class).hasMessageContaining("division by zero");
    }

    @Test
    void otherArgumentChecks() {
        assertThatThrownBy(() -> f32(3).clamp(1.0, -1.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clamp");
        assertThatThrownBy(() -> f32(3).dropout(1.5, true, 1L))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dropout")
                .hasMessageContaining("1.5");
        assertThatThrownBy(() -> f32(1).var(0, false, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("var");
        assertThatThrownBy(() -> f32(2, 5).split(new int[] {2, 2}, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("split")
                .hasMessageContaining("[2, 5]");
        assertThatThrownBy(() -> Tensor.of(new float[5], 2, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5")
                .hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> f32(2, 3).item())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("[2, 3]");
        // one element at any rank is fine, as in PyTorch
        org.assertj.core.api.Assertions.assertThat(Tensor.full(2.5, DType.F32, 1, 1).item()).isEqualTo(2.5);
    }
}
