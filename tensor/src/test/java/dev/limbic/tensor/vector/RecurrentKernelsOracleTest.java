package dev.limbic.tensor.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.limbic.tensor.HostStorage;
import dev.limbic.tensor.backend.Backend;
import dev.limbic.tensor.backend.Backends;
import dev.limbic.tensor.backend.MathFunctions;
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
 * Oracle matrix for the fused LSTM/GRU cell kernels of {@link VectorBackend}: 128, 256 and 512 bits against
 * {@link ScalarBackend} for odd hidden sizes (tails only, vector body plus tail), batches that cross the parallel
 * threshold, rows that do not step (packed sequences), non-zero offsets with sentinels around every output, and
 * the in-place forms the sequence ops use. F32 results must satisfy {@code |got − ref| ≤ 1e-5·max(1, |ref|)}.
 */
class RecurrentKernelsOracleTest {

    static final int[] WIDTHS = {128, 256, 512};
    static final int[] HIDDEN = {1, 7, 13, 33, 64, 65, 128};
    static final double TOL = 1e-5;
    static final int PAD = 5;               // elements before every buffer (non-zero offsets) and after it
    static final float SENTINEL = 777f;
    static final Backend REF = new ScalarBackend();

    @BeforeEach
    void requireVectorModule() {
        Assumptions.assumeTrue(Backends.vectorModulePresent(),
                "the Vector API backend needs the JVM flag --add-modules jdk.incubator.vector");
    }

    /** The only place that names vector classes; loaded after the assumption above. */
    static final class Direct {
        static Backend backend(int bits) {
            return new VectorBackend(bits);
        }

        static void sigmoid(int bits, float[] x, float[] y) {
            RecurrentKernels.sigmoid(new VectorBackend(bits).species(), x, y, x.length);
        }

        static void tanh(int bits, float[] x, float[] y) {
            RecurrentKernels.tanh(new VectorBackend(bits).species(), x, y, x.length);
        }
    }

    static Stream<Arguments> matrix() {
        List<Arguments> out = new ArrayList<>();
        for (int bits : WIDTHS) {
            for (int h : HIDDEN) {
                for (int batch : new int[] {1, 3}) {
                    for (boolean packed : new boolean[] {false, true}) {
                        out.add(Arguments.of(bits, batch, h, packed));
                    }
                }
            }
            out.add(Arguments.of(bits, 65, 257, true));   // large enough to split rows across threads
        }
        return out.stream();
    }

    static Stream<Arguments> widths() {
        return Arrays.stream(WIDTHS).mapToObj(Arguments::of);
    }

    // ============================================================================================ helpers

    /** A padded buffer: n random values N(0, std²) at offset PAD; some lanes large to reach the saturated tails. */
    static float[] data(SplittableRandom rnd, int n, double std) {
        float[] a = new float[n + 2 * PAD];
        for (int i = 0; i < a.length; i++) {
            double u = Math.max(1e-300, rnd.nextDouble());
            double g = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd.nextDouble());
            a[i] = (float) (rnd.nextInt(16) == 0 ? g * 30 : g * std);
        }
        return a;
    }

    static float[] sentinel(int n) {
        float[] a = new float[n + 2 * PAD];
        Arrays.fill(a, SENTINEL);
        return a;
    }

    /** The lengths storage of a packed batch at step 2: rows alternate between stepping and not; or null. */
    static HostStorage lengths(boolean packed, int batch) {
        if (!packed) {
            return null;
        }
        long[] lens = new long[batch + 1];   // one leading element: offset 1
        for (int b = 0; b < batch; b++) {
            lens[b + 1] = b % 2 == 0 ? 5 : 2;
        }
        return HostStorage.wrap(lens);
    }

    static HostStorage w(float[] a) {
        return HostStorage.wrap(a);
    }

    static void assertClose(String what, float[] got, float[] ref) {
        assertThat(got.length).as(what + " length").isEqualTo(ref.length);
        for (int i = 0; i < ref.length; i++) {
            float g = got[i];
            float r = ref[i];
            if (i < PAD || i >= ref.length - PAD) {
                if (Float.compare(g, r) != 0) {
                    fail(what + ": padding element " + i + " was overwritten (" + g + ", reference " + r + ")");
                }
                continue;
            }
            double tol = TOL * Math.max(1.0, Math.abs(r));
            if (!(Math.abs((double) g - r) <= tol)) {
                fail(what + ": element " + (i - PAD) + " got " + g + ", reference " + r + " (|diff| "
                        + Math.abs((double) g - r) + " > " + tol + ")");
            }
        }
    }

    // ============================================================================================ σ and tanh

    @ParameterizedTest(name = "{0} bits")
    @MethodSource("widths")
    void sigmoidAndTanhMatchTheDoubleReferenceOnADenseGrid(int bits) {
        int n = 400_001;   // [-100, 100] step 5e-4, plus a fine grid near 0 below
        float[] x = new float[n + 20_001];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (-100.0 + i * 5e-4);
        }
        for (int i = 0; i <= 20_000; i++) {
            x[n + i] = (float) (-0.5 + i * 5e-5);
        }
        float[] sig = new float[x.length];
        float[] th = new float[x.length];
        Direct.sigmoid(bits, x, sig);
        Direct.tanh(bits, x, th);
        double sigRel = 0;
        double tanhRel = 0;
        for (int i = 0; i < x.length; i++) {
            double rs = MathFunctions.sigmoid(x[i]);
            double rt = Math.tanh(x[i]);
            if (rs > 1e-37) {   // below, the kernel flushes like float does: absolute error < 1e-37
                sigRel = Math.max(sigRel, Math.abs(sig[i] - rs) / rs);
            } else {
                assertThat(Math.abs(sig[i] - rs)).as("σ(" + x[i] + ")").isLessThan(1e-37);
            }
            if (rt != 0) {
                tanhRel = Math.max(tanhRel, Math.abs(th[i] - rt) / Math.abs(rt));
            }
        }
        assertThat(sigRel).as("max relative error of σ").isLessThan(5e-7);
        assertThat(tanhRel).as("max relative error of tanh").isLessThan(5e-7);
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 1e-30f, -1e-30f,
            Float.MIN_VALUE, 0.25f, -0.25f, 0.24999999f, 87f, 88f, -88f, 1e4f, -1e4f};
        float[] s2 = new float[special.length];
        float[] t2 = new float[special.length];
        Direct.sigmoid(bits, special, s2);
        Direct.tanh(bits, special, t2);
        for (int i = 0; i < special.length; i++) {
            double rs = MathFunctions.sigmoid(special[i]);
            double rt = Math.tanh(special[i]);
            if (Double.isNaN(rs)) {
                assertThat(s2[i]).as("σ(NaN)").isNaN();
                assertThat(t2[i]).as("tanh(NaN)").isNaN();
                continue;
            }
            assertThat((double) s2[i]).as("σ(" + special[i] + ")")
                    .isCloseTo(rs, org.assertj.core.data.Offset.offset(1e-7 * Math.max(1e-30, rs) + 1e-37));
            assertThat((double) t2[i]).as("tanh(" + special[i] + ")")
                    .isCloseTo(rt, org.assertj.core.data.Offset.offset(1e-7 * Math.abs(rt) + 1e-45));
        }
    }

    // ============================================================================================ LSTM

    @ParameterizedTest(name = "{0} bits, B={1} H={2} packed={3}")
    @MethodSource("matrix")
    void lstmForwardMatchesScalar(int bits, int batch, int hidden, boolean packed) {
        SplittableRandom rnd = new SplittableRandom(31L * hidden + batch);
        int g = batch * 4 * hidden;
        int n = batch * hidden;
        float[] gates = data(rnd, g, 2.0);
        float[] cPrev = data(rnd, n, 1.0);
        float[] hPrev = data(rnd, n, 1.0);
        HostStorage lens = lengths(packed, batch);
        Backend vec = Direct.backend(bits);
        float[][] ref = {sentinel(g), sentinel(n), sentinel(n), sentinel(n)};   // act, h, c, tanhC
        float[][] got = {sentinel(g), sentinel(n), sentinel(n), sentinel(n)};
        REF.lstmCellForward(batch, hidden, w(gates), PAD, w(cPrev), PAD, w(hPrev), PAD, w(ref[0]), PAD, w(ref[1]),
                PAD, w(ref[2]), PAD, w(ref[3]), PAD, lens, 1, 2);
        vec.lstmCellForward(batch, hidden, w(gates), PAD, w(cPrev), PAD, w(hPrev), PAD, w(got[0]), PAD, w(got[1]),
                PAD, w(got[2]), PAD, w(got[3]), PAD, lens, 1, 2);
        String[] names = {"act", "h", "c", "tanh(c)"};
        for (int k = 0; k < 4; k++) {
            assertClose("lstm forward " + names[k], got[k], ref[k]);
        }
        // in place: the activated gates overwrite the pre-activations, as in the sequence op
        float[] inPlace = gates.clone();
        float[][] got2 = {sentinel(n), sentinel(n), sentinel(n)};
        vec.lstmCellForward(batch, hidden, w(inPlace), PAD, w(cPrev), PAD, w(hPrev), PAD, w(inPlace), PAD,
                w(got2[0]), PAD, w(got2[1]), PAD, w(got2[2]), PAD, lens, 1, 2);
        float[] refAct = ref[0].clone();
        System.arraycopy(gates, 0, refAct, 0, PAD);
        System.arraycopy(gates, PAD + g, refAct, PAD + g, PAD);
        assertClose("lstm forward in place: act", inPlace, refAct);
        assertClose("lstm forward in place: h", got2[0], ref[1]);
    }

    @ParameterizedTest(name = "{0} bits, B={1} H={2} packed={3}")
    @MethodSource("matrix")
    void lstmBackwardMatchesScalar(int bits, int batch, int hidden, boolean packed) {
        SplittableRandom rnd = new SplittableRandom(37L * hidden + batch);
        int g = batch * 4 * hidden;
        int n = batch * hidden;
        float[] gates = data(rnd, g, 2.0);
        float[] cPrev = data(rnd, n, 1.0);
        float[] hPrev = data(rnd, n, 1.0);
        float[] act = sentinel(g);
        float[] tanhC = sentinel(n);
        HostStorage lens = lengths(packed, batch);
        REF.lstmCellForward(batch, hidden, w(gates), PAD, w(cPrev), PAD, w(hPrev), PAD, w(act), PAD, w(sentinel(n)),
                PAD, w(sentinel(n)), PAD, w(tanhC), PAD, lens, 1, 2);
        float[] dh = data(rnd, n, 1.0);
        float[] dc = data(rnd, n, 1.0);
        Backend vec = Direct.backend(bits);
        float[][] ref = {sentinel(g), sentinel(n), sentinel(n)};   // dGates, dcPrev, dhPrev
        float[][] got = {sentinel(g), sentinel(n), sentinel(n)};
        REF.lstmCellBackward(batch, hidden, w(act), PAD, w(cPrev), PAD, w(tanhC), PAD, w(dh), PAD, w(dc), PAD,
                w(ref[0]), PAD, w(ref[1]), PAD, w(ref[2]), PAD, lens, 1, 2);
        vec.lstmCellBackward(batch, hidden, w(act), PAD, w(cPrev), PAD, w(tanhC), PAD, w(dh), PAD, w(dc), PAD,
                w(got[0]), PAD, w(got[1]), PAD, w(got[2]), PAD, lens, 1, 2);
        String[] names = {"dGates", "dcPrev", "dhPrev"};
        for (int k = 0; k < 3; k++) {
            assertClose("lstm backward " + names[k], got[k], ref[k]);
        }
        // in place (dcPrev over dc, dhPrev over dh), and without dhPrev when every row steps
        float[] dc2 = dc.clone();
        float[] dh2 = dh.clone();
        float[] dg2 = sentinel(g);
        vec.lstmCellBackward(batch, hidden, w(act), PAD, w(cPrev), PAD, w(tanhC), PAD, w(dh2), PAD, w(dc2), PAD,
                w(dg2), PAD, w(dc2), PAD, w(dh2), PAD, lens, 1, 2);
        float[] refDc = ref[1].clone();
        float[] refDh = ref[2].clone();
        for (int i = 0; i < PAD; i++) {
            refDc[i] = dc[i];
            refDc[refDc.length - 1 - i] = dc[dc.length - 1 - i];
            refDh[i] = dh[i];
            refDh[refDh.length - 1 - i] = dh[dh.length - 1 - i];
        }
        assertClose("lstm backward in place: dGates", dg2, ref[0]);
        assertClose("lstm backward in place: dcPrev", dc2, refDc);
        assertClose("lstm backward in place: dhPrev", dh2, refDh);
        if (!packed) {
            float[] dg3 = sentinel(g);
            float[] dc3 = sentinel(n);
            vec.lstmCellBackward(batch, hidden, w(act), PAD, w(cPrev), PAD, w(tanhC), PAD, w(dh), PAD, w(dc), PAD,
                    w(dg3), PAD, w(dc3), PAD, null, 0, null, 0, 0);
            assertClose("lstm backward without dhPrev: dGates", dg3, ref[0]);
            assertClose("lstm backward without dhPrev: dcPrev", dc3, ref[1]);
        }
    }

    // ============================================================================================ GRU

    @ParameterizedTest(name = "{0} bits, B={1} H={2} packed={3}")
    @MethodSource("matrix")
    void gruForwardMatchesScalar(int bits, int batch, int hidden, boolean packed) {
        SplittableRandom rnd = new SplittableRandom(41L * hidden + batch);
        int g = batch * 3 * hidden;
        int n = batch * hidden;
        float[] gi = data(rnd, g, 1.5);
        float[] gh = data(rnd, g, 1.5);
        float[] hPrev = data(rnd, n, 1.0);
        HostStorage lens = lengths(packed, batch);
        Backend vec = Direct.backend(bits);
        float[][] ref = {sentinel(g), sentinel(n)};
        float[][] got = {sentinel(g), sentinel(n)};
        REF.gruCellForward(batch, hidden, w(gi), PAD, w(gh), PAD, w(hPrev), PAD, w(ref[0]), PAD, w(ref[1]), PAD, lens,
                1, 2);
        vec.gruCellForward(batch, hidden, w(gi), PAD, w(gh), PAD, w(hPrev), PAD, w(got[0]), PAD, w(got[1]), PAD, lens,
                1, 2);
        assertClose("gru forward act", got[0], ref[0]);
        assertClose("gru forward h", got[1], ref[1]);
    }

    @ParameterizedTest(name = "{0} bits, B={1} H={2} packed={3}")
    @MethodSource("matrix")
    void gruBackwardMatchesScalar(int bits, int batch, int hidden, boolean packed) {
        SplittableRandom rnd = new SplittableRandom(43L * hidden + batch);
        int g = batch * 3 * hidden;
        int n = batch * hidden;
        float[] gi = data(rnd, g, 1.5);
        float[] gh = data(rnd, g, 1.5);
        float[] hPrev = data(rnd, n, 1.0);
        HostStorage lens = lengths(packed, batch);
        float[] act = sentinel(g);
        REF.gruCellForward(batch, hidden, w(gi), PAD, w(gh), PAD, w(hPrev), PAD, w(act), PAD, w(sentinel(n)), PAD,
                lens, 1, 2);
        float[] dh = data(rnd, n, 1.0);
        Backend vec = Direct.backend(bits);
        float[][] ref = {sentinel(g), sentinel(g), sentinel(n)};   // dGi, dGh, dhPrev
        float[][] got = {sentinel(g), sentinel(g), sentinel(n)};
        REF.gruCellBackward(batch, hidden, w(act), PAD, w(gh), PAD, w(hPrev), PAD, w(dh), PAD, w(ref[0]), PAD,
                w(ref[1]), PAD, w(ref[2]), PAD, lens, 1, 2);
        vec.gruCellBackward(batch, hidden, w(act), PAD, w(gh), PAD, w(hPrev), PAD, w(dh), PAD, w(got[0]), PAD,
                w(got[1]), PAD, w(got[2]), PAD, lens, 1, 2);
        String[] names = {"dGi", "dGh", "dhPrev"};
        for (int k = 0; k < 3; k++) {
            assertClose("gru backward " + names[k], got[k], ref[k]);
        }
        float[] dh2 = dh.clone();   // dhPrev over dh, as the sequence op does
        vec.gruCellBackward(batch, hidden, w(act), PAD, w(gh), PAD, w(hPrev), PAD, w(dh2), PAD, w(sentinel(g)), PAD,
                w(sentinel(g)), PAD, w(dh2), PAD, lens, 1, 2);
        float[] refDh = ref[2].clone();
        for (int i = 0; i < PAD; i++) {
            refDh[i] = dh[i];
            refDh[refDh.length - 1 - i] = dh[dh.length - 1 - i];
        }
        assertClose("gru backward in place: dhPrev", dh2, refDh);
    }
}
