package dev.limbic.tensor.vector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limbic.tensor.backend.Backends;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Accuracy of {@link DeterministicMath} against {@link Math} in double: at most 2 float ulps over a sweep of every
 * 1021st float bit pattern (all magnitudes, both signs), a dense grid over each function's interesting range, random
 * values and the edge cases (±0, ±inf, NaN, subnormals, the overflow/underflow/saturation thresholds), at 128, 256
 * and 512 bits. The vector and scalar forms must also agree bit for bit (the kernels' tails use the scalar form).
 */
class DeterministicMathTest {

    static final int[] WIDTHS = {128, 256, 512};
    static final double MAX_ULPS = 2.0;

    @BeforeEach
    void requireVectorModule() {
        Assumptions.assumeTrue(Backends.vectorModulePresent(),
                "the Vector API backend needs the JVM flag --add-modules jdk.incubator.vector");
    }

    enum Fn {
        EXP(Math::exp, -110, 95),
        LOG(Math::log, 0, 100),
        TANH(Math::tanh, -12, 12),
        SIGMOID(x -> 1.0 / (1.0 + Math.exp(-x)), -110, 30);

        final DoubleUnaryOperator reference;
        final double gridLo;
        final double gridHi;

        Fn(DoubleUnaryOperator reference, double gridLo, double gridHi) {
            this.reference = reference;
            this.gridLo = gridLo;
            this.gridHi = gridHi;
        }
    }

    /** The only place that names vector classes; loaded after the assumption above. */
    static final class Direct {
        static void vector(Fn fn, int bits, float[] x, float[] y) {
            var s = new VectorBackend(bits).species();
            int i = 0;
            for (int bound = s.loopBound(x.length); i < bound; i += s.length()) {
                var v = jdk.incubator.vector.FloatVector.fromArray(s, x, i);
                var r = switch (fn) {
                    case EXP -> DeterministicMath.exp(v);
                    case LOG -> DeterministicMath.log(v);
                    case TANH -> DeterministicMath.tanh(v);
                    case SIGMOID -> DeterministicMath.sigmoid(v);
                };
                r.intoArray(y, i);
            }
            for (; i < x.length; i++) {
                y[i] = scalar(fn, x[i]);
            }
        }

        static float scalar(Fn fn, float x) {
            return switch (fn) {
                case EXP -> DeterministicMath.exp(x);
                case LOG -> DeterministicMath.log(x);
                case TANH -> DeterministicMath.tanh(x);
                case SIGMOID -> DeterministicMath.sigmoid(x);
            };
        }
    }

    static Stream<Arguments> matrix() {
        return Arrays.stream(WIDTHS).boxed()
                .flatMap(bits -> Arrays.stream(Fn.values()).map(fn -> Arguments.of(fn, bits)));
    }

    static final float[] EDGES = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
        Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE,
        1f, -1f, 88.72283f, 88.72284f, 88.7229f, 89f, -87.33654f, -87.33655f, -103.9720f, -103.97208f, -104f, -105f,
        -106f, 9f, 9.01f, 9.5f, -9.5f, 10f, 1e-30f, -1e-30f, 1e-7f, -1e-7f, 0.3465f, -0.3466f, 0.5493f, 0.625f,
        0.70710677f, 0.7071068f, 1.4142135f, 1.4142137f, 2f, 0.5f, 1.0000001f, 0.99999994f, 3.0e-39f, 1e-45f};

    static float[] inputs(Fn fn) {
        SplittableRandom rnd = new SplittableRandom(20261204L + fn.ordinal());
        int sweep = (int) ((1L << 32) / 1021);
        int grid = 400_001;
        int random = 200_000;
        float[] x = new float[sweep + grid + random + EDGES.length];
        int k = 0;
        for (long bits = 0; bits < (1L << 32) && k < sweep; bits += 1021) {
            x[k++] = Float.intBitsToFloat((int) bits);
        }
        for (int i = 0; i < grid; i++) {
            x[k++] = (float) (fn.gridLo + (fn.gridHi - fn.gridLo) * i / (grid - 1));
        }
        for (int i = 0; i < random; i++) {
            double v = switch (i % 3) {
                case 0 -> rnd.nextGaussian() * 4;
                case 1 -> (rnd.nextDouble() * 2 - 1) * 1e-3;
                default -> fn.gridLo + (fn.gridHi - fn.gridLo) * rnd.nextDouble();
            };
            x[k++] = (float) (fn == Fn.LOG ? Math.abs(v) : v);
        }
        System.arraycopy(EDGES, 0, x, k, EDGES.length);
        k += EDGES.length;
        return Arrays.copyOf(x, k);
    }

    /** Error of {@code got} in ulps of the float nearest to {@code ref}; specials must match exactly. */
    static double ulps(float got, double ref) {
        if (Double.isNaN(ref)) {
            return Float.isNaN(got) ? 0 : Double.POSITIVE_INFINITY;
        }
        float rounded = (float) ref;
        if (Float.isInfinite(rounded) || Float.isInfinite(got) || Float.isNaN(got)) {
            return got == rounded ? 0 : Double.POSITIVE_INFINITY;
        }
        return Math.abs(got - ref) / Math.ulp(rounded);
    }

    @ParameterizedTest(name = "{0} at {1} bits")
    @MethodSource("matrix")
    void withinTwoUlpsAndVectorEqualsScalar(Fn fn, int bits) {
        float[] x = inputs(fn);
        float[] y = new float[x.length];
        Direct.vector(fn, bits, x, y);
        double worst = 0;
        float worstX = Float.NaN;
        int mismatches = 0;
        for (int i = 0; i < x.length; i++) {
            float scalar = Direct.scalar(fn, x[i]);
            if (Float.floatToIntBits(scalar) != Float.floatToIntBits(y[i])) {
                mismatches++;
            }
            double e = ulps(y[i], fn.reference.applyAsDouble(x[i]));
            if (e > worst || Double.isNaN(e)) {
                worst = e;
                worstX = x[i];
            }
        }
        System.out.printf("DeterministicMath %s at %d bits: max %.3f ulp (at x = %s) over %d inputs%n",
                fn, bits, worst, worstX, x.length);
        assertThat(mismatches).as("%s: vector lanes differing from the scalar form", fn).isZero();
        assertThat(worst).as("%s: max error in ulps (worst at x = %s)", fn, worstX).isLessThanOrEqualTo(MAX_ULPS);
    }

    @ParameterizedTest(name = "special values at {0} bits")
    @MethodSource("widths")
    void specialValuesAsMath(int bits) {
        float inf = Float.POSITIVE_INFINITY;
        float[] x = {Float.NaN, inf, -inf, 0f, -0f, -Float.MIN_VALUE, 200f, -200f, -1f};
        float[] exp = new float[x.length];
        float[] log = new float[x.length];
        float[] tanh = new float[x.length];
        float[] sigmoid = new float[x.length];
        Direct.vector(Fn.EXP, bits, x, exp);
        Direct.vector(Fn.LOG, bits, x, log);
        Direct.vector(Fn.TANH, bits, x, tanh);
        Direct.vector(Fn.SIGMOID, bits, x, sigmoid);
        assertThat(Arrays.copyOf(exp, 8)).containsExactly(Float.NaN, inf, 0f, 1f, 1f, 1f, inf, 0f);
        assertThat(log).containsExactly(Float.NaN, inf, Float.NaN, -inf, -inf, Float.NaN, log[6], Float.NaN,
                Float.NaN);
        assertThat(Arrays.copyOf(tanh, 8)).containsExactly(Float.NaN, 1f, -1f, 0f, -0f, -Float.MIN_VALUE, 1f, -1f);
        assertThat(Arrays.copyOf(sigmoid, 8)).containsExactly(Float.NaN, 1f, 0f, 0.5f, 0.5f, 0.5f, 1f, 0f);
        assertThat(Float.floatToRawIntBits(tanh[4])).as("tanh(−0) keeps its sign").isEqualTo(0x80000000);
    }

    static Stream<Arguments> widths() {
        return Arrays.stream(WIDTHS).mapToObj(Arguments::of);
    }
}
