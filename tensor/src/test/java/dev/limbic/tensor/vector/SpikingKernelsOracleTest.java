package dev.limbic.tensor.vector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.HostStorage;
import dev.limbic.tensor.SpikeSurrogate;
import dev.limbic.tensor.backend.Backend;
import dev.limbic.tensor.backend.Backends;
import dev.limbic.tensor.backend.ScalarBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Oracle matrix of the spiking kernels ({@code lifIntegrate}, {@code spikeSurrogateBackward}): {@link VectorBackend}
 * at 128/256/512 bits against {@link ScalarBackend} on odd sizes, non-zero offsets, sizes that cross the parallel
 * grain, values exactly at the threshold, NaN and huge magnitudes. Same tolerance as the main oracle test; the
 * spike/reset decision itself must agree exactly (both compare the stored float with the float threshold).
 */
class SpikingKernelsOracleTest {

    static final int[] SIZES = {0, 1, 7, 13, 33, 64, 65, 257, 40_001};
    static final Backend REF = new ScalarBackend();

    @BeforeEach
    void requireVectorModule() {
        Assumptions.assumeTrue(Backends.vectorModulePresent(),
                "the Vector API backend needs the JVM flag --add-modules jdk.incubator.vector");
    }

    static Stream<Arguments> widthsAndSizes() {
        List<Arguments> out = new ArrayList<>();
        for (int bits : VectorBackendOracleTest.WIDTHS) {
            for (int n : SIZES) {
                out.add(Arguments.of(bits, n));
            }
        }
        return out.stream();
    }

    /** Membranes around the threshold: Gaussian values, some exactly θ, its float neighbours, NaN, ±huge. */
    static HostStorage membranes(SplittableRandom rnd, int n, int pad, float theta) {
        float[] a = new float[n + pad];
        for (int i = 0; i < a.length; i++) {
            int kind = rnd.nextInt(20);
            a[i] = switch (kind) {
                case 0 -> theta;
                case 1 -> Math.nextUp(theta);
                case 2 -> Math.nextDown(theta);
                case 3 -> 1e30f * (rnd.nextBoolean() ? 1 : -1);
                case 4 -> Float.NaN;
                case 5 -> 0f;
                default -> (float) (theta + 1.5 * VectorBackendOracleTest.gauss(rnd));
            };
        }
        return HostStorage.wrap(a);
    }

    @ParameterizedTest(name = "{0} bits, n={1}")
    @MethodSource("widthsAndSizes")
    void lifIntegrate(int bits, int n) {
        Backend vec = VectorBackendOracleTest.vec(bits);
        SplittableRandom rnd = new SplittableRandom(31L * n + bits);
        float theta = 1.2f;   // not exactly representable: the threshold must be rounded the same way
        int vOff = 3;
        int cOff = 5;
        int oOff = 2;
        HostStorage v = membranes(rnd, n, vOff, theta);
        HostStorage c = VectorBackendOracleTest.gaussian(rnd, n + cOff, 0, 1);
        for (double reset : new double[] {0.0, 1.2, 0.37}) {
            HostStorage ref = VectorBackendOracleTest.sentinel(n + oOff + 2);
            HostStorage got = VectorBackendOracleTest.sentinel(n + oOff + 2);
            REF.lifIntegrate(v, vOff, c, cOff, ref, oOff, n, 0.9, 1.2, reset);
            vec.lifIntegrate(v, vOff, c, cOff, got, oOff, n, 0.9, 1.2, reset);
            VectorBackendOracleTest.assertClose("lifIntegrate reset=" + reset, got.f32(), ref.f32());
        }
        // in place: out aliases v
        HostStorage ref = VectorBackendOracleTest.copyOf(v);
        HostStorage got = VectorBackendOracleTest.copyOf(v);
        REF.lifIntegrate(ref, vOff, c, cOff, ref, vOff, n, 0.5, 1.2, 1.0);
        vec.lifIntegrate(got, vOff, c, cOff, got, vOff, n, 0.5, 1.2, 1.0);
        VectorBackendOracleTest.assertClose("lifIntegrate in place", got.f32(), ref.f32());
    }

    @ParameterizedTest(name = "{0} bits, n={1}")
    @MethodSource("widthsAndSizes")
    void spikeSurrogateBackward(int bits, int n) {
        Backend vec = VectorBackendOracleTest.vec(bits);
        SplittableRandom rnd = new SplittableRandom(17L * n + bits);
        float theta = 1.0f;
        int xOff = 1;
        int gOff = 4;
        int oOff = 3;
        HostStorage x = membranes(rnd, n, xOff, theta);
        HostStorage g = VectorBackendOracleTest.gaussian(rnd, n + gOff, 0, 1);
        double[][] baseScale = {{0.0, 1.0}, {0.9, -1.0}, {0.25, -0.5}};
        for (SpikeSurrogate s : SpikeSurrogate.values()) {
            for (double alpha : new double[] {0.5, 2.0, 25.0}) {
                for (double[] bs : baseScale) {
                    HostStorage ref = VectorBackendOracleTest.sentinel(n + oOff + 2);
                    HostStorage got = VectorBackendOracleTest.sentinel(n + oOff + 2);
                    REF.spikeSurrogateBackward(s, alpha, theta, bs[0], bs[1], x, xOff, g, gOff, ref, oOff, n);
                    vec.spikeSurrogateBackward(s, alpha, theta, bs[0], bs[1], x, xOff, g, gOff, got, oOff, n);
                    VectorBackendOracleTest.assertClose(s + " alpha=" + alpha + " base=" + bs[0] + " scale=" + bs[1],
                            got.f32(), ref.f32());
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} bits, n={1}")
    @MethodSource("widthsAndSizes")
    void f64GoesToTheScalarReferenceUnchanged(int bits, int n) {
        Backend vec = VectorBackendOracleTest.vec(bits);
        SplittableRandom rnd = new SplittableRandom(n);
        double[] v = new double[n];
        double[] c = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 1 + VectorBackendOracleTest.gauss(rnd);
            c[i] = VectorBackendOracleTest.gauss(rnd);
        }
        HostStorage ref = HostStorage.allocate(DType.F64, n);
        HostStorage got = HostStorage.allocate(DType.F64, n);
        REF.lifIntegrate(HostStorage.wrap(v), 0, HostStorage.wrap(c), 0, ref, 0, n, 0.9, 1, 1);
        vec.lifIntegrate(HostStorage.wrap(v), 0, HostStorage.wrap(c), 0, got, 0, n, 0.9, 1, 1);
        assertThat(got.f64()).containsExactly(ref.f64());
        REF.spikeSurrogateBackward(SpikeSurrogate.GAUSSIAN, 0.7, 1, 0, 1, HostStorage.wrap(v), 0, HostStorage.wrap(c), 0,
                ref, 0, n);
        vec.spikeSurrogateBackward(SpikeSurrogate.GAUSSIAN, 0.7, 1, 0, 1, HostStorage.wrap(v), 0, HostStorage.wrap(c),
                0, got, 0, n);
        assertThat(got.f64()).containsExactly(ref.f64());
    }
}
