package dev.limbic.nn.spiking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link Spike} and {@link Surrogate}: exact forward step, closed-form backward at many points, bad input. */
class SpikeTest {

    /** x = V − θ: exactly 0, tiny, moderate and huge magnitudes of both signs. */
    static final double[] XS = {0.0, -0.0, 1e-300, -1e-300, 1e-7, -1e-7, 0.01, -0.01, 0.25, -0.25, 0.5, -0.5, 1, -1,
        3, -3, 50, -50, 1e6, -1e6, 1e200, -1e200};

    static double closedForm(Surrogate s, double x, double a) {
        return switch (s) {
            case HEAVISIDE -> 0.5 * (Math.signum(x) + 1);
            case FAST_SIGMOID -> 1 / ((1 + a * Math.abs(x)) * (1 + a * Math.abs(x)));
            case ARCTAN -> 1 / (1 + (a * x) * (a * x));
            case GAUSSIAN -> Math.exp(-(x * x) / (2 * a * a));
        };
    }

    @ParameterizedTest
    @EnumSource(Surrogate.class)
    void forwardIsTheExactStepAndBackwardTheClosedForm(Surrogate s) {
        for (double alpha : new double[] {0.5, 1.0, 2.0, 25.0}) {
            Tensor x = Tensor.of(XS, XS.length).requiresGrad(true);
            Tensor y = Spike.apply(x, s, alpha);
            double[] spikes = y.toDoubleArray();
            for (int i = 0; i < XS.length; i++) {
                assertThat(spikes[i]).as("H(%s)", XS[i]).isEqualTo(XS[i] > 0 ? 1.0 : 0.0);
            }
            Tensor g = Tensor.randn(11, DType.F64, XS.length);
            y.backward(g);
            double[] got = x.grad().toDoubleArray();
            double[] gv = g.toDoubleArray();
            for (int i = 0; i < XS.length; i++) {
                double expected = gv[i] * closedForm(s, XS[i], alpha);
                assertThat(got[i]).as("%s alpha=%s x=%s", s, alpha, XS[i])
                        .isCloseTo(expected, within(1e-15 * Math.max(1, Math.abs(expected))));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Surrogate.class)
    void thresholdFormEqualsShiftedInput(Surrogate s) {
        Tensor v = Tensor.randn(3, DType.F64, 4, 6).mul(2).requiresGrad(true);
        Tensor g = Tensor.randn(4, DType.F64, 4, 6);
        Spike.apply(v, 0.7, s, 3.0).backward(g);
        Tensor v2 = v.detach().requiresGrad(true);
        Tensor y2 = Spike.apply(v2.sub(0.7), s, 3.0);
        y2.backward(g);
        assertThat(Spike.apply(v.detach(), 0.7, s, 3.0).toDoubleArray()).containsExactly(y2.toDoubleArray());
        double[] a = v.grad().toDoubleArray();
        double[] b = v2.grad().toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).isCloseTo(b[i], within(1e-14));
        }
    }

    @Test
    void f32SpikesCompareInFloatLikePyTorch() {
        // 1.2f is above 1.2 in double; PyTorch computes v − 1.2 in float32 and gets 0: no spike
        Tensor v = Tensor.of(new float[] {1.2f, Math.nextUp(1.2f)}, 2);
        assertThat(Spike.apply(v, 1.2, Surrogate.FAST_SIGMOID, 2).toFloatArray()).containsExactly(0f, 1f);
        assertThat(Spike.apply(v, 1.2, Surrogate.FAST_SIGMOID, 2).dtype()).isEqualTo(DType.F32);
    }

    @Test
    void noGraphWithoutGrad() {
        Tensor y = Spike.apply(Tensor.ones(3), Surrogate.ARCTAN, 1);
        assertThat(y.requiresGrad()).isFalse();
    }

    @Test
    void parseAcceptsTheOriginalNames() {
        assertThat(Surrogate.parse("heaviside")).isEqualTo(Surrogate.HEAVISIDE);
        assertThat(Surrogate.parse("fast_sigmoid")).isEqualTo(Surrogate.FAST_SIGMOID);
        assertThat(Surrogate.parse("ARCTAN")).isEqualTo(Surrogate.ARCTAN);
        assertThat(Surrogate.parse(" Gaussian ")).isEqualTo(Surrogate.GAUSSIAN);
        assertThatThrownBy(() -> Surrogate.parse("sigmoid")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fast_sigmoid");
        for (Surrogate s : Surrogate.values()) {
            assertThat(Surrogate.parse(s.originalName())).isEqualTo(s);
            assertThat(s.kernel().name()).isEqualTo(s.name());
        }
    }

    @Test
    void badInput() {
        assertThatThrownBy(() -> Spike.apply(null, Surrogate.ARCTAN, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Spike.apply(Tensor.ofLongs(new long[] {1}, 1), Surrogate.ARCTAN, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("F32 or F64");
        assertThatThrownBy(() -> Spike.apply(Tensor.ones(1), Surrogate.FAST_SIGMOID, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alpha");
        assertThatThrownBy(() -> Spike.apply(Tensor.ones(1), Double.NaN, Surrogate.GAUSSIAN, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threshold");
        assertThatThrownBy(() -> Spike.apply(Tensor.ones(1), null, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("surrogate");
    }
}
