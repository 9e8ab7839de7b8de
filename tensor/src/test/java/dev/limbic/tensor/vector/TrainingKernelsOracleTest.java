package dev.limbic.tensor.vector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limbic.tensor.HostStorage;
import dev.limbic.tensor.backend.Backend;
import dev.limbic.tensor.backend.Backends;
import dev.limbic.tensor.backend.ScalarBackend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Oracle matrix for the training kernels of {@link VectorBackend} (fused cross-entropy forward/backward, Adam /
 * AdamW and SGD steps) against {@link ScalarBackend}: widths 128/256/512, odd sizes, 0 and 1, non-zero offsets,
 * and sizes past the parallel threshold. Tolerance {@code 1e-5·max(1, |ref|)} as in
 * {@link VectorBackendOracleTest}.
 */
class TrainingKernelsOracleTest {

    static final Backend REF = new ScalarBackend();
    static final int[] SIZES = {0, 1, 7, 13, 33, 64, 65, 257, 40_001};
    static final int[] CLASSES = {1, 4, 5, 13, 64, 65, 300};

    @BeforeEach
    void requireVectorModule() {
        Assumptions.assumeTrue(Backends.vectorModulePresent(),
                "the Vector API backend needs the JVM flag --add-modules jdk.incubator.vector");
    }

    static Backend vec(int bits) {
        return VectorBackendOracleTest.vec(bits);
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

    static Stream<Arguments> widthsAndClasses() {
        List<Arguments> out = new ArrayList<>();
        for (int bits : VectorBackendOracleTest.WIDTHS) {
            for (int c : CLASSES) {
                out.add(Arguments.of(bits, c));
            }
        }
        return out.stream();
    }

    static float[] gaussian(SplittableRandom rnd, int n, double std) {
        return VectorBackendOracleTest.gaussian(rnd, n, 0, std).f32();
    }

    static float[] withOffset(int off, float[] data) {
        float[] a = new float[off + data.length + 3];
        Arrays.fill(a, 777f);
        System.arraycopy(data, 0, a, off, data.length);
        return a;
    }

    // ============================================================================================ cross-entropy

    @ParameterizedTest(name = "cross_entropy vector-{0} classes={1}")
    @MethodSource("widthsAndClasses")
    void crossEntropyMatchesScalar(int bits, int classes) {
        SplittableRandom rnd = new SplittableRandom(31L * classes + bits);
        int rows = 9;
        int off = 5;
        Backend be = vec(bits);
        for (boolean weighted : new boolean[] {false, true}) {
            for (double smoothing : new double[] {0.0, 0.1, 1.0}) {
                float[] logits = withOffset(off, gaussian(rnd, rows * classes, 3.0));
                long[] target = new long[rows + 2];
                for (int r = 0; r < rows; r++) {
                    target[r + 2] = r == 3 ? -100 : rnd.nextInt(classes);
                }
                float[] weight = null;
                if (weighted) {
                    weight = new float[classes];
                    for (int c = 0; c < classes; c++) {
                        weight[c] = (float) (0.2 + 2 * rnd.nextDouble());
                    }
                }
                String what = "cross_entropy vector-" + bits + " C=" + classes + " weighted=" + weighted + " ε="
                        + smoothing;
                float[][] ref = ceForward(REF, logits, off, rows, classes, target, weight, smoothing);
                float[][] got = ceForward(be, logits, off, rows, classes, target, weight, smoothing);
                VectorBackendOracleTest.assertClose(what + " loss", got[0], ref[0]);
                VectorBackendOracleTest.assertClose(what + " lse", got[1], ref[1]);
                assertThat(got[0][3]).as(what + " ignored row").isZero();

                // backward: per-row upstream (stride 1) and reduced (stride 0, scaled)
                float[] g = withOffset(2, gaussian(rnd, rows, 1.0));
                for (int stride : new int[] {0, 1}) {
                    double scale = stride == 0 ? 1.0 / 7 : 1.0;
                    float[] gxRef = ceBackward(REF, logits, off, rows, classes, target, weight, smoothing, ref[1],
                            g, stride, scale);
                    float[] gxGot = ceBackward(be, logits, off, rows, classes, target, weight, smoothing, ref[1],
                            g, stride, scale);
                    VectorBackendOracleTest.assertClose(what + " grad stride " + stride, gxGot, gxRef);
                }
            }
        }
    }

    static float[][] ceForward(Backend be, float[] logits, int off, int rows, int classes, long[] target,
                               float[] weight, double smoothing) {
        float[] loss = new float[rows + 1];
        float[] lse = new float[rows + 4];
        Arrays.fill(loss, 777f);
        Arrays.fill(lse, 777f);
        be.crossEntropy(HostStorage.wrap(logits), off, rows, classes, HostStorage.wrap(target), 2,
                weight == null ? null : HostStorage.wrap(weight), -100, smoothing, HostStorage.wrap(loss), 1,
                HostStorage.wrap(lse), 4);
        assertThat(loss[0]).isEqualTo(777f);
        return new float[][] {Arrays.copyOfRange(loss, 1, rows + 1), Arrays.copyOfRange(lse, 4, rows + 4)};
    }

    static float[] ceBackward(Backend be, float[] logits, int off, int rows, int classes, long[] target,
                              float[] weight, double smoothing, float[] lse, float[] g, int stride, double scale) {
        float[] gx = new float[rows * classes + 3];
        Arrays.fill(gx, 777f);
        be.crossEntropyBackward(HostStorage.wrap(logits), off, rows, classes, HostStorage.wrap(target), 2,
                weight == null ? null : HostStorage.wrap(weight), -100, smoothing, HostStorage.wrap(lse), 0,
                HostStorage.wrap(g), 2, stride, scale, HostStorage.wrap(gx), 3);
        assertThat(gx[2]).isEqualTo(777f);
        return Arrays.copyOfRange(gx, 3, 3 + rows * classes);
    }

    // ============================================================================================ optimisers

    @ParameterizedTest(name = "adam vector-{0} n={1}")
    @MethodSource("widthsAndSizes")
    void adamMatchesScalar(int bits, int n) {
        Backend be = vec(bits);
        for (boolean decoupled : new boolean[] {false, true}) {
            for (double wd : new double[] {0.0, 0.01}) {
                SplittableRandom rnd = new SplittableRandom(n + bits);
                int off = 3;
                float[] p = withOffset(off, gaussian(rnd, n, 1.0));
                float[] g = withOffset(off + 1, gaussian(rnd, n, 1.0));
                float[] m = withOffset(off + 2, gaussian(rnd, n, 0.1));
                float[] v = withOffset(off + 3, absOf(gaussian(rnd, n, 0.01)));
                float[] pr = p.clone();
                float[] mr = m.clone();
                float[] vr = v.clone();
                for (long step : new long[] {1, 2, 7}) {
                    REF.adamStep(HostStorage.wrap(pr), off, HostStorage.wrap(g), off + 1, HostStorage.wrap(mr),
                            off + 2, HostStorage.wrap(vr), off + 3, n, step, 3e-3, 0.9, 0.999, 1e-8, wd, decoupled);
                    be.adamStep(HostStorage.wrap(p), off, HostStorage.wrap(g), off + 1, HostStorage.wrap(m),
                            off + 2, HostStorage.wrap(v), off + 3, n, step, 3e-3, 0.9, 0.999, 1e-8, wd, decoupled);
                    String what = "adam vector-" + bits + " n=" + n + " decoupled=" + decoupled + " wd=" + wd
                            + " step " + step;
                    VectorBackendOracleTest.assertClose(what + " param", p, pr);
                    VectorBackendOracleTest.assertClose(what + " exp_avg", m, mr);
                    VectorBackendOracleTest.assertClose(what + " exp_avg_sq", v, vr);
                }
                assertThat(p[off - 1]).isEqualTo(777f);
                assertThat(p[off + n]).isEqualTo(777f);
            }
        }
    }

    @ParameterizedTest(name = "sgd vector-{0} n={1}")
    @MethodSource("widthsAndSizes")
    void sgdMatchesScalar(int bits, int n) {
        Backend be = vec(bits);
        double[][] configs = {   // momentum, dampening, weight decay, nesterov (1/0)
            {0.0, 0.0, 0.0, 0}, {0.0, 0.0, 1e-2, 0}, {0.9, 0.0, 0.0, 0}, {0.9, 0.1, 1e-4, 0}, {0.9, 0.0, 1e-4, 1}};
        for (double[] cfg : configs) {
            SplittableRandom rnd = new SplittableRandom(7L * n + bits);
            int off = 2;
            float[] p = withOffset(off, gaussian(rnd, n, 1.0));
            float[] buf = withOffset(off + 4, new float[n]);
            float[] pr = p.clone();
            float[] br = buf.clone();
            for (int step = 1; step <= 3; step++) {
                float[] g = withOffset(off + 1, gaussian(rnd, n, 1.0));
                boolean first = step == 1;
                REF.sgdStep(HostStorage.wrap(pr), off, HostStorage.wrap(g), off + 1, HostStorage.wrap(br), off + 4,
                        n, 1e-2, cfg[0], cfg[1], cfg[2], cfg[3] == 1, first);
                be.sgdStep(HostStorage.wrap(p), off, HostStorage.wrap(g), off + 1, HostStorage.wrap(buf), off + 4,
                        n, 1e-2, cfg[0], cfg[1], cfg[2], cfg[3] == 1, first);
                String what = "sgd vector-" + bits + " n=" + n + " cfg=" + Arrays.toString(cfg) + " step " + step;
                VectorBackendOracleTest.assertClose(what + " param", p, pr);
                VectorBackendOracleTest.assertClose(what + " buffer", buf, br);
            }
        }
    }

    @ParameterizedTest(name = "sum_of_squares/scale vector-{0} n={1}")
    @MethodSource("widthsAndSizes")
    void normKernelsMatchScalar(int bits, int n) {
        Backend be = vec(bits);
        for (int size : new int[] {n, n * 7 + 65_536}) {   // the second crosses the norm's block size
            SplittableRandom rnd = new SplittableRandom(size + bits);
            float[] x = withOffset(3, gaussian(rnd, size, 2.0));
            double ref = REF.sumOfSquares(HostStorage.wrap(x), 3, size);
            double got = be.sumOfSquares(HostStorage.wrap(x), 3, size);
            assertThat(Math.abs(got - ref)).as("sum_of_squares vector-" + bits + " n=" + size)
                    .isLessThanOrEqualTo(1e-5 * Math.max(1, ref));
            assertThat(be.sumOfSquares(HostStorage.wrap(x), 3, size)).as("deterministic").isEqualTo(got);
            float[] a = x.clone();
            float[] b = x.clone();
            REF.scale(HostStorage.wrap(a), 3, size, 0.37);
            be.scale(HostStorage.wrap(b), 3, size, 0.37);
            VectorBackendOracleTest.assertClose("scale vector-" + bits + " n=" + size, b, a);
            assertThat(b[2]).isEqualTo(777f);
            assertThat(b[size + 3]).isEqualTo(777f);
        }
    }

    static float[] absOf(float[] a) {
        for (int i = 0; i < a.length; i++) {
            a[i] = Math.abs(a[i]);
        }
        return a;
    }
}
