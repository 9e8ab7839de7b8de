package dev.limbic.nn.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limbic.nn.Parameter;
import dev.limbic.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Gradient clipping beyond the golden cases: other norms, non-finite gradients, value clipping, skipped params. */
class ClipGradTest {

    static Parameter withGrad(float... g) {
        Parameter p = new Parameter(Tensor.zeros(g.length));
        p.get().backward(Tensor.of(g, g.length));
        return p;
    }

    @Test
    void l2ClipsToMaxNormAndReturnsTheNormBefore() {
        Parameter a = withGrad(3, 0);
        Parameter b = withGrad(0, 4);
        Parameter none = new Parameter(Tensor.zeros(2));
        double total = ClipGrad.clipGradNorm(List.of(a, none, b), 1.0);
        assertThat(total).isCloseTo(5.0, org.assertj.core.data.Offset.offset(1e-6));
        double coef = 1.0 / (5.0 + 1e-6);
        assertThat(a.grad().toFloatArray()).containsExactly((float) (3 * coef), 0f);
        assertThat(b.grad().toFloatArray()).containsExactly(0f, (float) (4 * coef));
        assertThat(none.grad()).isNull();
        // below the limit nothing changes
        Parameter c = withGrad(0.3f, 0.4f);
        assertThat(ClipGrad.clipGradNorm(List.of(c), 1.0)).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-7));
        assertThat(c.grad().toFloatArray()).containsExactly(0.3f, 0.4f);
    }

    @Test
    void infinityAndOneNorms() {
        Parameter a = withGrad(-6, 2);
        Parameter b = withGrad(3);
        assertThat(ClipGrad.clipGradNorm(List.of(a, b), 3.0, Double.POSITIVE_INFINITY, false)).isEqualTo(6.0);
        assertThat(a.grad().toFloatArray()[0]).isCloseTo(-3f, org.assertj.core.data.Offset.offset(1e-5f));
        Parameter c = withGrad(-1, 2);
        assertThat(ClipGrad.clipGradNorm(List.of(c), 10, 1.0, false)).isEqualTo(3.0);
    }

    @Test
    void nonFiniteNormsFollowPyTorchOrFailNamingTheParameter() {
        Parameter inf = withGrad(Float.POSITIVE_INFINITY, 1);
        Parameter fine = withGrad(2, 2);
        Map<String, Parameter> named = new LinkedHashMap<>();
        named.put("encoder.weight", inf);
        named.put("head.bias", fine);
        assertThatThrownBy(() -> ClipGrad.clipGradNorm(named, 1.0, 2.0, true))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("Infinity")
                .hasMessageContaining("encoder.weight").satisfies(e -> assertThat(e.getMessage())
                        .doesNotContain("head.bias"));
        assertThat(fine.grad().toFloatArray()).containsExactly(2f, 2f);   // untouched by the failed call
        // default: coef = max/(inf + 1e-6) = 0, so finite entries become 0 and the infinite one NaN (inf·0)
        assertThat(ClipGrad.clipGradNorm(named, 1.0, 2.0, false)).isInfinite();
        assertThat(fine.grad().toFloatArray()).containsExactly(0f, 0f);
        assertThat(inf.grad().toFloatArray()[0]).isNaN();
        Parameter nan = withGrad(Float.NaN);
        Parameter other = withGrad(1);
        assertThat(ClipGrad.clipGradNorm(List.of(nan, other), 1.0)).isNaN();
        assertThat(other.grad().toFloatArray()[0]).isNaN();   // NaN spreads, as in PyTorch
    }

    @Test
    void valueClippingClampsEachElement() {
        Parameter a = withGrad(-3, 0.5f, 7, Float.NaN);
        ClipGrad.clipGradValue(List.of(a), 1.0);
        float[] g = a.grad().toFloatArray();
        assertThat(g[0]).isEqualTo(-1f);
        assertThat(g[1]).isEqualTo(0.5f);
        assertThat(g[2]).isEqualTo(1f);
        assertThat(g[3]).isNaN();
        assertThatThrownBy(() -> ClipGrad.clipGradValue(List.of(a), -1)).hasMessageContaining("clip value");
        assertThatThrownBy(() -> ClipGrad.clipGradNorm(List.of(a), -1)).hasMessageContaining("max_norm");
        assertThat(ClipGrad.clipGradNorm(List.of(new Parameter(Tensor.zeros(1))), 1.0)).isZero();
    }
}
