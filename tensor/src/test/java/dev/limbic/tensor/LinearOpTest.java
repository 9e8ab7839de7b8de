package dev.limbic.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link Tensor#linear}: the same values and gradients as its decomposition {@code matmul(w.t()).add(b)} (F32 on
 * the host backend, F64), on 1-D, batched, strided and unfoldable inputs, with and without bias; F64 gradient
 * checks; bad input.
 */
class LinearOpTest {

    private static void close(String what, Tensor a, Tensor e, double tol) {
        assertThat(a.shape()).as(what).containsExactly(e.shape());
        double[] av = a.toDoubleArray();
        double[] ev = e.toDoubleArray();
        for (int i = 0; i < av.length; i++) {
            if (!(Math.abs(av[i] - ev[i]) <= tol * Math.max(1, Math.abs(ev[i])))) {
                throw new AssertionError(what + "[" + i + "] = " + av[i] + ", expected " + ev[i]);
            }
        }
    }

    /** x built from its leaf by {@code view} (identity, transpose, permute...). */
    private static void matchesDecomposition(String what, DType dt, Tensor xLeafInit, Function<Tensor, Tensor> view,
            int out, boolean bias) {
        double tol = dt == DType.F32 ? 1e-5 : 1e-12;
        Tensor xl = xLeafInit.to(dt).requiresGrad(true);
        Tensor x = view.apply(xl);
        int in = x.size(-1);
        Tensor w = Tensor.randn(2, dt, out, in).requiresGrad(true);
        Tensor b = bias ? Tensor.randn(3, dt, out).requiresGrad(true) : null;
        Tensor y = x.linear(w, b);
        Tensor g = Tensor.randn(4, dt, y.shape());
        y.backward(g);
        Tensor xl2 = xl.detach().requiresGrad(true);
        Tensor w2 = w.detach().requiresGrad(true);
        Tensor b2 = bias ? b.detach().requiresGrad(true) : null;
        Tensor ref = view.apply(xl2).matmul(w2.t());
        if (bias) {
            ref = ref.add(b2);
        }
        ref.backward(g);
        close(what + " y", y, ref, tol);
        close(what + " dx", xl.grad(), xl2.grad(), tol);
        close(what + " dW", w.grad(), w2.grad(), tol);
        assertThat(w.grad().isContiguous()).isTrue();
        if (bias) {
            close(what + " db", b.grad(), b2.grad(), tol);
        }
    }

    @Test
    void matchesMatmulPlusBias() {
        for (DType dt : new DType[] {DType.F32, DType.F64}) {
            for (boolean bias : new boolean[] {true, false}) {
                String w = dt + (bias ? " bias" : " no bias");
                matchesDecomposition(w + " 2-D", dt, Tensor.randn(1, DType.F64, 7, 13), x -> x, 5, bias);
                matchesDecomposition(w + " 3-D", dt, Tensor.randn(1, DType.F64, 2, 7, 13), x -> x, 9, bias);
                matchesDecomposition(w + " 1-D", dt, Tensor.randn(1, DType.F64, 13), x -> x, 4, bias);
                matchesDecomposition(w + " transposed", dt, Tensor.randn(1, DType.F64, 13, 7), Tensor::t, 6, bias);
                matchesDecomposition(w + " narrowed rows", dt, Tensor.randn(1, DType.F64, 3, 5, 20),
                        x -> x.narrow(2, 3, 11), 4, bias);
                matchesDecomposition(w + " unfoldable", dt, Tensor.randn(1, DType.F64, 5, 3, 8),
                        x -> x.permute(1, 0, 2), 4, bias);
                matchesDecomposition(w + " large", dt, Tensor.randn(1, DType.F64, 4, 64, 96), x -> x, 130, bias);
            }
        }
    }

    @Test
    void gradcheck() {
        Tensor x = Tensor.randn(1, DType.F64, 2, 3, 4);
        Tensor w = Tensor.randn(2, DType.F64, 5, 4);
        Tensor b = Tensor.randn(3, DType.F64, 5);
        GradCheck.assertGradients("linear", in -> in.get(0).linear(in.get(1), in.get(2)), x, w, b);
        GradCheck.assertGradients("linear no bias", in -> in.get(0).linear(in.get(1), null), x, w);
    }

    @Test
    void onlyRequestedGradients() {
        Tensor x = Tensor.randn(1, DType.F32, 3, 4);
        Tensor w = Tensor.randn(2, DType.F32, 5, 4).requiresGrad(true);
        Tensor b = Tensor.randn(3, DType.F32, 5);
        x.linear(w, b).sum().backward();
        assertThat(w.grad()).isNotNull();
        assertThat(x.grad()).isNull();
        assertThat(b.grad()).isNull();
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            assertThat(x.linear(w, b).requiresGrad()).isFalse();
        }
    }

    @Test
    void badInput() {
        Tensor x = Tensor.randn(1, DType.F32, 3, 4);
        assertThatThrownBy(() -> x.linear(Tensor.zeros(5, 3), null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[3, 4]").hasMessageContaining("must end in 3");
        assertThatThrownBy(() -> x.linear(Tensor.zeros(5, 4), Tensor.zeros(4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bias shape [4]");
        assertThatThrownBy(() -> x.linear(Tensor.zeros(4), null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("weight must be 2-D");
        assertThatThrownBy(() -> x.linear(Tensor.zeros(DType.F64, 5, 4), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dtype mismatch");
    }
}
