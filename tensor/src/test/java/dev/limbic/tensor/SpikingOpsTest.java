package dev.limbic.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link SpikingOps} and {@link SpikeSurrogate}: closed forms, the fused integrate step against its reference
 * decomposition, F64 gradient checks of the smooth parts, the attached-reset gradient against its hand-derived
 * closed form, and bad input.
 */
class SpikingOpsTest {

    static final double[] POINTS = {0.0, -0.0, 1e-12, -1e-12, 0.05, -0.05, 0.3, -0.3, 1.0, -1.0, 2.5, -2.5, 17.0,
        -17.0, 1e3, -1e3, 1e30, -1e30, Double.MAX_VALUE, -Double.MAX_VALUE, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY};

    // ------------------------------------------------------------------ closed forms

    @Test
    void heavisideSurrogatePassesOneAboveHalfAtAndZeroBelowTheThreshold() {
        for (double x : POINTS) {
            double expected = 0.5 * (Math.signum(x) + 1.0);   // ELIF's 0.5·(sign x + 1)
            assertThat(SpikeSurrogate.HEAVISIDE.derivative(x, 123.0)).as("x=%s", x).isEqualTo(expected);
        }
        assertThat(SpikeSurrogate.HEAVISIDE.derivative(Double.NaN, 1.0)).isNaN();
    }

    @Test
    void smoothSurrogatesEqualTheirClosedForms() {
        for (double alpha : new double[] {0.5, 1.0, 2.0, 25.0}) {
            for (double x : POINTS) {
                double fast = 1.0 / Math.pow(1.0 + alpha * Math.abs(x), 2);
                double atan = 1.0 / (1.0 + Math.pow(alpha * x, 2));
                double gauss = Math.exp(-x * x / (2 * alpha * alpha));
                assertThat(SpikeSurrogate.FAST_SIGMOID.derivative(x, alpha)).as("fast x=%s a=%s", x, alpha)
                        .isCloseTo(fast, within(1e-15 * Math.max(1, fast)));
                assertThat(SpikeSurrogate.ARCTAN.derivative(x, alpha)).as("atan x=%s a=%s", x, alpha)
                        .isCloseTo(atan, within(1e-15));
                assertThat(SpikeSurrogate.GAUSSIAN.derivative(x, alpha)).as("gauss x=%s a=%s", x, alpha)
                        .isCloseTo(gauss, within(1e-15));
            }
            // peak 1 at the threshold, no normalising constant
            assertThat(SpikeSurrogate.FAST_SIGMOID.derivative(0.0, alpha)).isEqualTo(1.0);
            assertThat(SpikeSurrogate.ARCTAN.derivative(0.0, alpha)).isEqualTo(1.0);
            assertThat(SpikeSurrogate.GAUSSIAN.derivative(0.0, alpha)).isEqualTo(1.0);
            // far from the threshold the gradient vanishes (and never becomes NaN)
            for (SpikeSurrogate s : new SpikeSurrogate[] {SpikeSurrogate.FAST_SIGMOID, SpikeSurrogate.ARCTAN,
                SpikeSurrogate.GAUSSIAN}) {
                assertThat(s.derivative(Double.MAX_VALUE, alpha)).isEqualTo(0.0);
                assertThat(s.derivative(Double.NEGATIVE_INFINITY, alpha)).isEqualTo(0.0);
                assertThat(s.derivative(Double.NaN, alpha)).isNaN();
            }
        }
        // a few hand-computed values
        assertThat(SpikeSurrogate.FAST_SIGMOID.derivative(0.5, 2.0)).isEqualTo(0.25);
        assertThat(SpikeSurrogate.FAST_SIGMOID.derivative(-0.04, 25.0)).isEqualTo(0.25);
        assertThat(SpikeSurrogate.ARCTAN.derivative(0.5, 2.0)).isEqualTo(0.5);
        assertThat(SpikeSurrogate.GAUSSIAN.derivative(2.0, 2.0)).isCloseTo(Math.exp(-0.5), within(1e-16));
    }

    @ParameterizedTest
    @EnumSource(SpikeSurrogate.class)
    void surrogateGradientIsTheIncomingGradientTimesTheClosedForm(SpikeSurrogate s) {
        double theta = 0.75;
        double alpha = 1.7;
        double[] xs = new double[POINTS.length + 3];
        for (int i = 0; i < POINTS.length; i++) {
            xs[i] = theta + (Double.isFinite(POINTS[i]) && Math.abs(POINTS[i]) < 1e20 ? POINTS[i] : Math.signum(
                    POINTS[i]) * 1e20);
        }
        xs[POINTS.length] = theta;
        xs[POINTS.length + 1] = Math.nextUp(theta);
        xs[POINTS.length + 2] = Math.nextDown(theta);
        Tensor x = Tensor.of(xs, xs.length);
        Tensor g = Tensor.randn(3, DType.F64, xs.length);
        double[] got = SpikingOps.surrogateGradient(x, g, theta, s, alpha).toDoubleArray();
        double[] gv = g.toDoubleArray();
        for (int i = 0; i < xs.length; i++) {
            assertThat(got[i]).as("x=%s", xs[i]).isEqualTo(gv[i] * s.derivative(xs[i] - theta, alpha));
        }
        // F32: within float rounding of the same formula
        Tensor x32 = x.to(DType.F32);
        Tensor g32 = g.to(DType.F32);
        float[] got32 = SpikingOps.surrogateGradient(x32, g32, theta, s, alpha).toFloatArray();
        float[] xf = x32.toFloatArray();
        float[] gf = g32.toFloatArray();
        for (int i = 0; i < xs.length; i++) {
            double ref = gf[i] * s.derivative((double) xf[i] - (float) theta, alpha);
            assertThat((double) got32[i]).as("f32 x=%s", xf[i]).isCloseTo(ref, within(2e-6 * Math.max(1, Math.abs(ref))));
        }
    }

    // ------------------------------------------------------------------ lifIntegrate forward

    @Test
    void lifIntegrateMatchesItsDecomposition() {
        for (DType dt : new DType[] {DType.F32, DType.F64}) {
            Tensor v = Tensor.randn(1, DType.F64, 4, 9).mul(1.5).to(dt);
            Tensor c = Tensor.randn(2, DType.F64, 4, 9).to(dt);
            double beta = 0.9;
            double theta = 1.0;
            Tensor got = SpikingOps.lifIntegrate(v, c, beta, theta, theta, false, SpikeSurrogate.FAST_SIGMOID, 25);
            Tensor ref = v.mul(beta).add(c).sub(v.gt(theta).mul(theta));
            assertClose(got, ref, dt == DType.F32 ? 1e-6 : 1e-15);
            Tensor plain = SpikingOps.lifIntegrate(v, c, 0.5);
            assertClose(plain, v.mul(0.5).add(c), dt == DType.F32 ? 1e-6 : 1e-15);
        }
    }

    @Test
    void resetDecisionIsMadeInTheTensorsDtype() {
        // 1.2f > 1.2 in double, but PyTorch compares V − 1.2 in float32: no spike, so no reset
        float atThreshold = 1.2f;
        Tensor v = Tensor.of(new float[] {atThreshold, Math.nextUp(atThreshold), Math.nextDown(atThreshold)}, 3);
        Tensor zero = Tensor.zeros(3);
        float[] u = SpikingOps.lifIntegrate(v, zero, 1.0, 1.2, 10.0, false, SpikeSurrogate.HEAVISIDE, 1)
                .toFloatArray();
        assertThat(u[0]).isEqualTo(atThreshold);
        assertThat(u[1]).isEqualTo(Math.nextUp(atThreshold) - 10f);
        assertThat(u[2]).isEqualTo(Math.nextDown(atThreshold));
    }

    @Test
    void lifIntegrateAcceptsNonContiguousViews() {
        Tensor v = Tensor.randn(5, DType.F64, 6, 4).t();
        Tensor c = Tensor.randn(6, DType.F64, 4, 6);
        Tensor got = SpikingOps.lifIntegrate(v, c, 0.8, 0.5, 0.5, false, SpikeSurrogate.ARCTAN, 2);
        assertClose(got, v.mul(0.8).add(c).sub(v.gt(0.5).mul(0.5)), 1e-15);
    }

    // ------------------------------------------------------------------ gradients

    /** Values at least {@code margin} away from {@code theta}, so finite differences never cross the step. */
    static Tensor awayFrom(long seed, double theta, double margin, int... shape) {
        double[] a = Tensor.randn(seed, DType.F64, shape).mul(1.5).add(theta).toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - theta;
            if (Math.abs(d) < margin) {
                a[i] = theta + (d >= 0 ? margin : -margin) + d;
            }
        }
        return Tensor.of(a, shape);
    }

    @Test
    void detachedResetGradcheck() {
        Tensor v = awayFrom(7, 1.0, 1e-3, 3, 5).requiresGrad(true);
        Tensor c = Tensor.randn(8, DType.F64, 3, 5).requiresGrad(true);
        GradCheck.assertGradients("lifIntegrate detached", in -> SpikingOps.lifIntegrate(in.get(0), in.get(1), 0.9,
                1.0, 1.0, false, SpikeSurrogate.FAST_SIGMOID, 2.0), v, c);
        GradCheck.assertGradients("lifIntegrate no reset", in -> SpikingOps.lifIntegrate(in.get(0), in.get(1), 0.7),
                v, c);
    }

    @ParameterizedTest
    @EnumSource(SpikeSurrogate.class)
    void attachedResetGradientIsBetaMinusResetTimesSurrogate(SpikeSurrogate s) {
        double beta = 0.9;
        double theta = 1.0;
        double reset = 1.0;
        double alpha = 2.0;
        Tensor v = Tensor.of(new double[] {-3, 0.2, 0.999, 1.0, 1.001, 1.5, 40}, 7).requiresGrad(true);
        Tensor c = Tensor.randn(1, DType.F64, 7).requiresGrad(true);
        Tensor g = Tensor.randn(2, DType.F64, 7);
        SpikingOps.lifIntegrate(v, c, beta, theta, reset, true, s, alpha).backward(g);
        double[] vv = v.toDoubleArray();
        double[] gg = g.toDoubleArray();
        double[] gv = v.grad().toDoubleArray();
        for (int i = 0; i < vv.length; i++) {
            double expected = gg[i] * (beta - reset * s.derivative(vv[i] - theta, alpha));
            assertThat(gv[i]).as("v=%s", vv[i]).isCloseTo(expected, within(1e-15));
        }
        assertThat(c.grad().toDoubleArray()).containsExactly(gg);
    }

    @Test
    void gradientsReachOnlyInputsThatRequireThem() {
        Tensor v = Tensor.zeros(DType.F64, 2, 3);
        Tensor c = Tensor.randn(3, DType.F64, 2, 3).requiresGrad(true);
        Tensor u = SpikingOps.lifIntegrate(v, c, 0.9, 1.0, 1.0, true, SpikeSurrogate.GAUSSIAN, 0.5);
        u.sum().backward();
        assertThat(c.grad().toDoubleArray()).containsOnly(1.0);
        assertThat(v.grad()).isNull();
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            assertThat(SpikingOps.lifIntegrate(v, c, 0.9).requiresGrad()).isFalse();
        }
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void badInputIsRejectedWithNamesAndShapes() {
        Tensor a = Tensor.zeros(2, 3);
        assertThatThrownBy(() -> SpikingOps.lifIntegrate(a, Tensor.zeros(3, 2), 0.9))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("membrane")
                .hasMessageContaining("[2, 3]").hasMessageContaining("[3, 2]");
        assertThatThrownBy(() -> SpikingOps.lifIntegrate(a, Tensor.zeros(DType.F64, 2, 3), 0.9))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dtype");
        assertThatThrownBy(() -> SpikingOps.lifIntegrate(Tensor.zeros(DType.I64, 2), Tensor.zeros(DType.I64, 2), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("F32 or F64");
        assertThatThrownBy(() -> SpikingOps.lifIntegrate(a, a, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("beta");
        assertThatThrownBy(() -> SpikingOps.lifIntegrate(a, a, 0.9, 1, 1, true, SpikeSurrogate.FAST_SIGMOID, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alpha");
        assertThatThrownBy(() -> SpikingOps.lifIntegrate(a, a, 0.9, 1, 1, true, null, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("surrogate");
        assertThatThrownBy(() -> SpikingOps.surrogateGradient(a, Tensor.zeros(2, 2), 1, SpikeSurrogate.ARCTAN, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gradOut");
        assertThatThrownBy(() -> SpikingOps.surrogateGradient(a, a, 1, SpikeSurrogate.GAUSSIAN, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alpha");
        // the heaviside surrogate ignores alpha
        assertThat(SpikingOps.surrogateGradient(a, a, 1, SpikeSurrogate.HEAVISIDE, 0).shape()).containsExactly(2, 3);
    }

    static void assertClose(Tensor got, Tensor ref, double tol) {
        assertThat(got.shape()).containsExactly(ref.shape());
        double[] g = got.toDoubleArray();
        double[] r = ref.toDoubleArray();
        for (int i = 0; i < r.length; i++) {
            assertThat(g[i]).as("element %d", i).isCloseTo(r[i], within(tol * Math.max(1, Math.abs(r[i]))));
        }
    }
}
