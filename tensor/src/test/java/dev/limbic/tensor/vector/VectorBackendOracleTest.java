package dev.limbic.tensor.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.HostStorage;
import dev.limbic.tensor.Storage;
import dev.limbic.tensor.backend.Backend;
import dev.limbic.tensor.backend.Backends;
import dev.limbic.tensor.backend.BinaryOp;
import dev.limbic.tensor.backend.MathFunctions;
import dev.limbic.tensor.backend.ReduceOp;
import dev.limbic.tensor.backend.ScalarBackend;
import dev.limbic.tensor.backend.UnaryOp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The op oracle matrix for {@link VectorBackend}: every overridden kernel at 128, 256 and 512 bits against
 * {@link ScalarBackend} on odd sizes, zero and one, non-zero offsets and strided/broadcast views, plus sizes large
 * enough to cross the parallel threshold. F32 results must match within
 * {@code |got − ref| ≤ 1e-5·max(1, |ref|)} (sums: {@code 1e-5·max(1, Σ|terms|)}); delegated paths must match
 * exactly.
 *
 * <p>Nothing here touches a class that links to {@code jdk.incubator.vector} before {@link #requireVectorModule}
 * has passed: vector objects are made only inside the nested {@link Direct} class.
 */
class VectorBackendOracleTest {

    static final int[] WIDTHS = {128, 256, 512};
    static final int[] SIZES = {0, 1, 7, 13, 33, 64, 65, 257};
    static final double TOL = 1e-5;

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

        static void erf(int bits, float[] x, float[] y) {
            VectorBackend be = new VectorBackend(bits);
            VectorKernels.erf(be.species(), x, 0, y, 0, x.length);
        }
    }

    static Backend vec(int bits) {
        return Direct.backend(bits);
    }

    // ============================================================================================ helpers

    static HostStorage uniform(SplittableRandom rnd, int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        }
        return HostStorage.wrap(a);
    }

    static HostStorage gaussian(SplittableRandom rnd, int n, double mean, double std) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (mean + std * gauss(rnd));
        }
        return HostStorage.wrap(a);
    }

    static double gauss(SplittableRandom rnd) {
        double u = Math.max(1e-300, rnd.nextDouble());
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }

    /** An F32 output buffer of n elements at offset {@code off} with sentinels around it. */
    static HostStorage sentinel(int size) {
        float[] a = new float[size];
        Arrays.fill(a, 777f);
        return HostStorage.wrap(a);
    }

    static HostStorage copyOf(HostStorage s) {
        return HostStorage.wrap(s.f32().clone());
    }

    static void assertClose(String what, float[] got, float[] ref) {
        assertClose(what, got, ref, null);
    }

    /** Elementwise {@code |got − ref| ≤ 1e-5·max(1, scale)}, scale = |ref| or the given per-element scale. */
    static void assertClose(String what, float[] got, float[] ref, double[] scale) {
        assertThat(got.length).as(what + " length").isEqualTo(ref.length);
        for (int i = 0; i < ref.length; i++) {
            float g = got[i];
            float r = ref[i];
            if (Float.isNaN(r) || Float.isInfinite(r)) {
                if (Float.compare(g, r) != 0 && !(Float.isNaN(g) && Float.isNaN(r))) {
                    fail(what + ": element " + i + " got " + g + ", reference " + r);
                }
                continue;
            }
            double sc = scale == null ? Math.abs(r) : scale[i];
            double tol = TOL * Math.max(1.0, sc);
            if (!(Math.abs((double) g - r) <= tol)) {
                fail(what + ": element " + i + " got " + g + ", reference " + r + " (|diff| "
                        + Math.abs((double) g - r) + " > " + tol + ")");
            }
        }
    }

    static Stream<Arguments> widthsAndSizes() {
        List<Arguments> out = new ArrayList<>();
        for (int bits : WIDTHS) {
            for (int n : SIZES) {
                out.add(Arguments.of(bits, n));
            }
        }
        return out.stream();
    }

    static Stream<Arguments> widthsAndRowsCols() {
        List<Arguments> out = new ArrayList<>();
        int[] rows = {0, 1, 7, 33, 65};
        for (int bits : WIDTHS) {
            for (int r : rows) {
                for (int c : SIZES) {
                    out.add(Arguments.of(bits, r, c));
                }
            }
        }
        return out.stream();
    }

    static Stream<Arguments> widths() {
        return Arrays.stream(WIDTHS).mapToObj(Arguments::of);
    }

    // ============================================================================================ erf

    @ParameterizedTest(name = "{0} bits")
    @MethodSource("widths")
    void erfMatchesDoubleReferenceOnDenseGrid(int bits) {
        int n = 200_001;   // [-10, 10] step 1e-4
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (-10.0 + i * 1e-4);
        }
        float[] y = new float[n];
        Direct.erf(bits, x, y);
        double maxErr = 0;
        for (int i = 0; i < n; i++) {
            maxErr = Math.max(maxErr, Math.abs(y[i] - MathFunctions.erf(x[i])));
        }
        assertThat(maxErr).as("max |erf_float − erf|").isLessThanOrEqualTo(2e-7);
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 1e-30f, -1e-30f,
            Float.MIN_VALUE, 3.9999998f, 4f, 4.0000005f, 100f, -100f, 0.5f, -0.5f, 1f};
        float[] ys = new float[special.length];
        Direct.erf(bits, special, ys);
        for (int i = 0; i < special.length; i++) {
            double ref = MathFunctions.erf(special[i]);
            if (Double.isNaN(ref)) {
                assertThat(ys[i]).as("erf(NaN)").isNaN();
            } else {
                assertThat((double) ys[i]).as("erf(" + special[i] + ")").isCloseTo(ref, org.assertj.core.data.Offset.offset(2e-7));
            }
        }
    }

    // ============================================================================================ unary

    record UnaryCase(UnaryOp op, double alpha, double beta, double lo, double hi) {
        @Override
        public String toString() {
            return op + (op == UnaryOp.POW || op == UnaryOp.CLAMP || op == UnaryOp.AFFINE ? "(" + alpha + "," + beta + ")" : "");
        }
    }

    static final List<UnaryCase> UNARY_CASES = List.of(
            new UnaryCase(UnaryOp.NEG, 0, 0, -5, 5),
            new UnaryCase(UnaryOp.ABS, 0, 0, -5, 5),
            new UnaryCase(UnaryOp.SIGN, 0, 0, -5, 5),
            new UnaryCase(UnaryOp.EXP, 0, 0, -20, 20),
            new UnaryCase(UnaryOp.LOG, 0, 0, 0.01, 100),
            new UnaryCase(UnaryOp.SQRT, 0, 0, 0.01, 100),
            new UnaryCase(UnaryOp.RSQRT, 0, 0, 0.01, 100),
            new UnaryCase(UnaryOp.POW, 2, 0, -5, 5),
            new UnaryCase(UnaryOp.POW, 3, 0, -5, 5),
            new UnaryCase(UnaryOp.POW, 4, 0, -3, 3),
            new UnaryCase(UnaryOp.POW, 0.5, 0, 0.01, 100),
            new UnaryCase(UnaryOp.POW, -1.5, 0, 0.05, 20),
            new UnaryCase(UnaryOp.POW, 1, 0, -5, 5),
            new UnaryCase(UnaryOp.POW, 0, 0, -5, 5),
            new UnaryCase(UnaryOp.TANH, 0, 0, -12, 12),
            new UnaryCase(UnaryOp.SIGMOID, 0, 0, -120, 120),
            new UnaryCase(UnaryOp.SIGMOID, 0, 0, -8, 8),
            new UnaryCase(UnaryOp.RELU, 0, 0, -5, 5),
            new UnaryCase(UnaryOp.GELU_ERF, 0, 0, -10, 10),
            new UnaryCase(UnaryOp.GELU_TANH, 0, 0, -10, 10),
            new UnaryCase(UnaryOp.CLAMP, -1, 0.5, -3, 3),
            new UnaryCase(UnaryOp.CLAMP, Double.NEGATIVE_INFINITY, 0.1, -3, 3),
            new UnaryCase(UnaryOp.CLAMP, 0.1, Double.POSITIVE_INFINITY, -3, 3),
            new UnaryCase(UnaryOp.AFFINE, 0.3, -1.7, -5, 5));

    static Stream<Arguments> unaryMatrix() {
        List<Arguments> out = new ArrayList<>();
        for (int bits : WIDTHS) {
            for (UnaryCase c : UNARY_CASES) {
                for (int n : SIZES) {
                    out.add(Arguments.of(bits, c, n));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} bits {1} n={2}")
    @MethodSource("unaryMatrix")
    void unaryForwardAndBackwardMatchScalar(int bits, UnaryCase c, int n) {
        checkUnary(vec(bits), c, n, 3, 5, 11L * n + c.op().ordinal());
    }

    @ParameterizedTest(name = "{0} bits")
    @MethodSource("widths")
    void unaryOnLargeArraysCrossesParallelThreshold(int bits) {
        for (UnaryCase c : UNARY_CASES) {
            checkUnary(vec(bits), c, 300 * 700 + 3, 1, 2, 99);
        }
    }

    @ParameterizedTest(name = "{0} bits")
    @MethodSource("widths")
    void unaryPropagatesNaNAndInfinities(int bits) {
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 1f, -1f, 2f};
        float[] data = new float[64];
        for (int i = 0; i < data.length; i++) {
            data[i] = special[i % special.length];
        }
        for (UnaryCase c : UNARY_CASES) {
            if (c.op() == UnaryOp.POW && c.alpha() != 2 && c.alpha() != 3) {
                continue;   // pow's special cases (e.g. pow(-inf, 4)) are the JDK's; not part of this kernel's contract
            }
            HostStorage x = HostStorage.wrap(data.clone());
            HostStorage yRef = sentinel(64);
            HostStorage yGot = sentinel(64);
            REF.unary(c.op(), x, 0, yRef, 0, 64, c.alpha(), c.beta());
            vec(bits).unary(c.op(), x, 0, yGot, 0, 64, c.alpha(), c.beta());
            assertClose(c + " special values", yGot.f32(), yRef.f32());
        }
    }

    private static void checkUnary(Backend be, UnaryCase c, int n, int xOff, int yOff, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        HostStorage x = uniform(rnd, xOff + n + 2, c.lo(), c.hi());
        HostStorage yRef = sentinel(yOff + n + 4);
        HostStorage yGot = sentinel(yOff + n + 4);
        REF.unary(c.op(), x, xOff, yRef, yOff, n, c.alpha(), c.beta());
        be.unary(c.op(), x, xOff, yGot, yOff, n, c.alpha(), c.beta());
        assertClose(be.name() + " " + c + " forward n=" + n, yGot.f32(), yRef.f32());

        // backward from the reference forward output, so both sides see the same y
        int gOff = 2;
        HostStorage gy = uniform(rnd, gOff + n, -2, 2);
        HostStorage gxRef = sentinel(7 + n);
        HostStorage gxGot = sentinel(7 + n);
        REF.unaryBackward(c.op(), x, xOff, yRef, yOff, gy, gOff, gxRef, 7, n, c.alpha(), c.beta());
        be.unaryBackward(c.op(), x, xOff, yRef, yOff, gy, gOff, gxGot, 7, n, c.alpha(), c.beta());
        assertClose(be.name() + " " + c + " backward n=" + n, gxGot.f32(), gxRef.f32());
    }

    // ============================================================================================ binary

    /** A broadcast layout: the output shape, each operand's storage size and strides. */
    record BinaryLayout(String name, int[] shape, int aSize, int[] aStrides, int bSize, int[] bStrides) {
        @Override
        public String toString() {
            return name + Arrays.toString(shape);
        }
    }

    static int[] contiguous(int... shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = acc;
            acc *= shape[d];
        }
        return s;
    }

    static List<BinaryLayout> layouts(int n) {
        int r = Math.max(1, n / 5 + 1);
        int c = n;
        List<BinaryLayout> out = new ArrayList<>();
        out.add(new BinaryLayout("contiguous", new int[] {n}, n, new int[] {1}, n, new int[] {1}));
        out.add(new BinaryLayout("contiguous2d", new int[] {r, c}, r * c, contiguous(r, c), r * c, contiguous(r, c)));
        out.add(new BinaryLayout("scalarB", new int[] {r, c}, r * c, contiguous(r, c), 1, new int[] {0, 0}));
        out.add(new BinaryLayout("scalarA", new int[] {c}, 1, new int[] {0}, c, new int[] {1}));
        out.add(new BinaryLayout("rank0", new int[] {}, 1, new int[] {}, 1, new int[] {}));
        out.add(new BinaryLayout("rowBiasB", new int[] {r, c}, r * c, contiguous(r, c), c, new int[] {0, 1}));
        out.add(new BinaryLayout("rowBiasA", new int[] {r, c}, c, new int[] {0, 1}, r * c, contiguous(r, c)));
        out.add(new BinaryLayout("bias3d", new int[] {2, r, c}, 2 * r * c, contiguous(2, r, c), c, new int[] {0, 0, 1}));
        out.add(new BinaryLayout("perRowScalarB", new int[] {r, c}, r * c, contiguous(r, c), r, new int[] {1, 0}));
        out.add(new BinaryLayout("middleBroadcast", new int[] {3, r, c}, 3 * r * c, contiguous(3, r, c), 3 * c,
                new int[] {c, 0, 1}));
        out.add(new BinaryLayout("unitDims", new int[] {1, r, 1, c}, r * c, new int[] {99, c, 7, 1}, c,
                new int[] {5, 0, 3, 1}));
        // layouts the backend hands to the scalar path
        out.add(new BinaryLayout("transposedA", new int[] {r, c}, r * c, new int[] {1, r}, r * c, contiguous(r, c)));
        out.add(new BinaryLayout("columnBroadcastBothStrided", new int[] {c, r}, r * c, new int[] {1, c}, r,
                new int[] {0, 1}));
        out.add(new BinaryLayout("permuted3d", new int[] {r, 2, c}, 2 * r * c, new int[] {c, r * c, 1}, 2 * r * c,
                new int[] {1, r, 2 * r})); 
        return out;
    }

    static Stream<Arguments> binaryMatrix() {
        List<Arguments> out = new ArrayList<>();
        for (int bits : WIDTHS) {
            for (int n : SIZES) {
                for (BinaryLayout l : layouts(n)) {
                    out.add(Arguments.of(bits, l));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} bits {1}")
    @MethodSource("binaryMatrix")
    void binaryMatchesScalarOnEveryLayout(int bits, BinaryLayout l) {
        for (BinaryOp op : BinaryOp.values()) {
            checkBinary(vec(bits), op, l, false, 3 + op.ordinal());
            checkBinary(vec(bits), op, l, true, 5 + op.ordinal());
        }
    }

    @ParameterizedTest(name = "{0} bits")
    @MethodSource("widths")
    void binaryOnLargeLayoutsCrossesParallelThreshold(int bits) {
        int r = 300;
        int c = 700;
        List<BinaryLayout> big = List.of(
                new BinaryLayout("contiguous", new int[] {r * c}, r * c, new int[] {1}, r * c, new int[] {1}),
                new BinaryLayout("rowBiasB", new int[] {r, c}, r * c, contiguous(r, c), c, new int[] {0, 1}),
                new BinaryLayout("scalarB", new int[] {r, c}, r * c, contiguous(r, c), 1, new int[] {0, 0}),
                new BinaryLayout("perRowScalarB", new int[] {r, c}, r * c, contiguous(r, c), r, new int[] {1, 0}));
        for (BinaryLayout l : big) {
            for (BinaryOp op : new BinaryOp[] {BinaryOp.ADD, BinaryOp.MUL, BinaryOp.DIV, BinaryOp.MAX, BinaryOp.LT}) {
                checkBinary(vec(bits), op, l, false, 17);
            }
        }
    }

    /**
     * {@code discrete}: small integers with NaNs, so comparisons see ties and NaN, MAX/MIN see NaN and DIV sees 0/0.
     */
    private static void checkBinary(Backend be, BinaryOp op, BinaryLayout l, boolean discrete, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int aOff = 2;
        int bOff = 5;
        HostStorage a = operand(rnd, aOff + l.aSize(), discrete);
        HostStorage b = operand(rnd, bOff + l.bSize(), discrete);
        if (op == BinaryOp.DIV && !discrete) {
            float[] bf = b.f32();
            for (int i = 0; i < bf.length; i++) {
                bf[i] = Math.copySign(Math.abs(bf[i]) + 0.1f, bf[i]);
            }
        }
        int numel = 1;
        for (int d : l.shape()) {
            numel *= d;
        }
        int outOff = 3;
        HostStorage ref = sentinel(outOff + numel + 2);
        HostStorage got = sentinel(outOff + numel + 2);
        REF.binary(op, l.shape(), a, aOff, l.aStrides(), b, bOff, l.bStrides(), ref, outOff);
        be.binary(op, l.shape(), a, aOff, l.aStrides(), b, bOff, l.bStrides(), got, outOff);
        assertClose(be.name() + " " + op + " " + l + (discrete ? " discrete" : ""), got.f32(), ref.f32());
    }

    private static HostStorage operand(SplittableRandom rnd, int size, boolean discrete) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            if (discrete) {
                int k = rnd.nextInt(7);
                v[i] = k == 6 ? Float.NaN : k - 2.5f > 0 ? k - 3 : -(k % 3);
            } else {
                v[i] = (float) (rnd.nextDouble() * 10 - 5);
            }
        }
        return HostStorage.wrap(v);
    }

    // ============================================================================================ reduce

    static Stream<Arguments> reduceMatrix() {
        List<Arguments> out = new ArrayList<>();
        for (int bits : WIDTHS) {
            for (ReduceOp op : ReduceOp.values()) {
                for (int outer : new int[] {0, 1, 3}) {
                    for (int len : SIZES) {
                        for (int inner : new int[] {1, 7, 65}) {
                            if (len == 0 && op != ReduceOp.SUM) {
                                continue;
                            }
                            out.add(Arguments.of(bits, op, outer, len, inner));
                        }
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} bits {1} outer={2} len={3} inner={4}")
    @MethodSource("reduceMatrix")
    void reduceMatchesScalar(int bits, ReduceOp op, int outer, int len, int inner) {
        checkReduce(vec(bits), op, outer, len, inner, false, outer * 1000L + len * 10L + inner);
    }

    @ParameterizedTest(name = "{0} bits")
    @MethodSource("widths")
    void reducePropagatesNaNAndCrossesParallelThreshold(int bits) {
        int[][] shapes = {{300, 700, 1}, {1, 300 * 700, 1}, {2, 300, 700}, {300, 7, 100}, {1, 700, 300}, {5, 33, 1},
            {2, 33, 17}};
        for (int[] s : shapes) {
            for (ReduceOp op : ReduceOp.values()) {
                checkReduce(vec(bits), op, s[0], s[1], s[2], false, 5);
                checkReduce(vec(bits), op, s[0], s[1], s[2], true, 6);
            }
        }
    }

    private static void checkReduce(Backend be, ReduceOp op, int outer, int len, int inner, boolean nans, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int xOff = 4;
        int n = outer * len * inner;
        HostStorage x = uniform(rnd, xOff + n + 1, -3, 3);
        if (nans) {
            float[] xf = x.f32();
            for (int k = 0; k < Math.max(1, n / 50); k++) {
                xf[xOff + rnd.nextInt(Math.max(1, n))] = Float.NaN;
            }
        }
        int outOff = 2;
        HostStorage ref = sentinel(outOff + outer * inner + 1);
        HostStorage got = sentinel(outOff + outer * inner + 1);
        REF.reduce(op, x, xOff, outer, len, inner, ref, outOff);
        be.reduce(op, x, xOff, outer, len, inner, got, outOff);
        double[] scale = new double[ref.size()];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double s = 0;
                for (int p = 0; p < len; p++) {
                    s += Math.abs(x.f32()[xOff + (o * len + p) * inner + i]);
                }
                scale[outOff + o * inner + i] = op == ReduceOp.SUM ? s : Math.abs(ref.f32()[outOff + o * inner + i]);
            }
        }
        assertClose(be.name() + " " + op + " (" + outer + "," + len + "," + inner + ")" + (nans ? " with NaN" : ""),
                got.f32(), ref.f32(), scale);
    }

    // ============================================================================================ softmax

    @ParameterizedTest(name = "{0} bits rows={1} cols={2}")
    @MethodSource("widthsAndRowsCols")
    void softmaxAndBackwardMatchScalar(int bits, int rows, int cols) {
        for (boolean log : new boolean[] {false, true}) {
            checkSoftmax(vec(bits), log, rows, cols, rows * 31L + cols);
        }
    }

    @ParameterizedTest(name = "{0} bits")
    @MethodSource("widths")
    void softmaxOnLargeBlockCrossesParallelThreshold(int bits) {
        for (boolean log : new boolean[] {false, true}) {
            checkSoftmax(vec(bits), log, 300, 700, 3);
        }
    }

    private static void checkSoftmax(Backend be, boolean log, int rows, int cols, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = rows * cols;
        int xOff = 3;
        HostStorage x = gaussian(rnd, xOff + n, 50, 30);   // large magnitudes: the max shift matters
        HostStorage yRef = sentinel(1 + n + 1);
        HostStorage yGot = sentinel(1 + n + 1);
        REF.softmax(log, x, xOff, yRef, 1, rows, cols);
        be.softmax(log, x, xOff, yGot, 1, rows, cols);
        String what = be.name() + (log ? " log_softmax" : " softmax") + " (" + rows + "," + cols + ")";
        assertClose(what, yGot.f32(), yRef.f32());

        HostStorage gy = uniform(rnd, 2 + n, -1, 1);
        HostStorage gxRef = sentinel(4 + n);
        HostStorage gxGot = sentinel(4 + n);
        REF.softmaxBackward(log, yRef, 1, gy, 2, gxRef, 4, rows, cols);
        be.softmaxBackward(log, yRef, 1, gy, 2, gxGot, 4, rows, cols);
        // gx mixes each element with a row sum: scale by the terms of that sum
        double[] scale = new double[gxRef.size()];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int j = 0; j < cols; j++) {
                double g = gy.f32()[2 + r * cols + j];
                double y = yRef.f32()[1 + r * cols + j];
                s += log ? Math.abs(g) : Math.abs(g * y);
            }
            for (int j = 0; j < cols; j++) {
                double y = yRef.f32()[1 + r * cols + j];
                double yy = log ? Math.exp(y) : Math.abs(y);
                scale[4 + r * cols + j] = Math.max(Math.abs(gxRef.f32()[4 + r * cols + j]), yy * s);
            }
        }
        assertClose(what + " backward", gxGot.f32(), gxRef.f32(), scale);
    }

    // ============================================================================================ layer norm

    @ParameterizedTest(name = "{0} bits rows={1} cols={2}")
    @MethodSource("widthsAndRowsCols")
    void layerNormAndBackwardMatchScalar(int bits, int rows, int cols) {
        for (int affine = 0; affine < 3; affine++) {
            checkLayerNorm(vec(bits), rows, cols, affine, rows * 17L + cols + affine);
        }
    }

    @ParameterizedTest(name = "{0} bits")
    @MethodSource("widths")
    void layerNormOnLargeBlockCrossesParallelThreshold(int bits) {
        for (int affine = 0; affine < 3; affine++) {
            checkLayerNorm(vec(bits), 300, 700, affine, 9);
        }
    }

    /** affine: 0 = none, 1 = weight and bias, 2 = weight only. */
    private static void checkLayerNorm(Backend be, int rows, int cols, int affine, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = rows * cols;
        int xOff = 5;
        // rows alternate between unit-scale data and small-variance rows sitting on a large mean
        float[] xf = new float[xOff + n];
        for (int r = 0; r < rows; r++) {
            boolean narrow = r % 2 == 1;
            for (int j = 0; j < cols; j++) {
                xf[xOff + r * cols + j] = (float) (narrow ? 4 + 0.05 * gauss(rnd) : gauss(rnd));
            }
        }
        HostStorage x = HostStorage.wrap(xf);
        HostStorage w = affine >= 1 ? uniform(rnd, cols, 0.5, 1.5) : null;
        HostStorage b = affine == 1 ? uniform(rnd, cols, -1, 1) : null;
        HostStorage yRef = sentinel(2 + n);
        HostStorage yGot = sentinel(2 + n);
        HostStorage meanRef = sentinel(rows);
        HostStorage meanGot = sentinel(rows);
        HostStorage rstdRef = sentinel(rows);
        HostStorage rstdGot = sentinel(rows);
        REF.layerNorm(x, xOff, w, b, yRef, 2, meanRef, rstdRef, rows, cols, 1e-5);
        be.layerNorm(x, xOff, w, b, yGot, 2, meanGot, rstdGot, rows, cols, 1e-5);
        String what = be.name() + " layer_norm (" + rows + "," + cols + ") affine=" + affine;
        assertClose(what + " y", yGot.f32(), yRef.f32());
        assertClose(what + " mean", meanGot.f32(), meanRef.f32());
        double[] rstdScale = new double[rows];
        for (int r = 0; r < rows; r++) {
            rstdScale[r] = Math.abs(rstdRef.f32()[r]);
        }
        assertClose(what + " rstd", rstdGot.f32(), rstdRef.f32(), rstdScale);

        // backward from the reference statistics; gw/gb start non-zero to check that they are added into
        HostStorage gy = uniform(rnd, 3 + n, -1, 1);
        HostStorage gxRef = sentinel(1 + n);
        HostStorage gxGot = sentinel(1 + n);
        HostStorage gwRef = w == null ? null : uniform(rnd, cols, -1, 1);
        HostStorage gwGot = gwRef == null ? null : copyOf(gwRef);
        HostStorage gbRef = affine == 0 ? null : uniform(rnd, cols, -1, 1);   // gb without b: still a valid request
        HostStorage gbGot = gbRef == null ? null : copyOf(gbRef);
        REF.layerNormBackward(x, xOff, w, meanRef, rstdRef, gy, 3, gxRef, 1, gwRef, gbRef, rows, cols);
        be.layerNormBackward(x, xOff, w, meanRef, rstdRef, gy, 3, gxGot, 1, gwGot, gbGot, rows, cols);
        // gx = rstd·(d − mean(d) − xhat·mean(d·xhat)): scale by rstd times the magnitude of the terms
        double[] gxScale = new double[gxRef.size()];
        double[] gwScale = new double[cols];
        double[] gbScale = new double[cols];
        for (int r = 0; r < rows; r++) {
            double mu = meanRef.f32()[r];
            double inv = rstdRef.f32()[r];
            double sumAbsD = 0;
            double sumAbsDX = 0;
            for (int j = 0; j < cols; j++) {
                double xhat = (xf[xOff + r * cols + j] - mu) * inv;
                double g = gy.f32()[3 + r * cols + j];
                double d = w == null ? g : g * w.f32()[j];
                sumAbsD += Math.abs(d);
                sumAbsDX += Math.abs(d * xhat);
                gwScale[j] += Math.abs(g * xhat);
                gbScale[j] += Math.abs(g);
            }
            for (int j = 0; j < cols; j++) {
                double xhat = (xf[xOff + r * cols + j] - mu) * inv;
                double g = gy.f32()[3 + r * cols + j];
                double d = w == null ? g : g * w.f32()[j];
                gxScale[1 + r * cols + j] = inv * (Math.abs(d) + (sumAbsD + Math.abs(xhat) * sumAbsDX) / cols);
            }
        }
        assertClose(what + " gx", gxGot.f32(), gxRef.f32(), gxScale);
        if (gwRef != null) {
            for (int j = 0; j < cols; j++) {
                gwScale[j] += Math.abs(gwRef.f32()[j]);
            }
            assertClose(what + " gw", gwGot.f32(), gwRef.f32(), gwScale);
        }
        if (gbRef != null) {
            for (int j = 0; j < cols; j++) {
                gbScale[j] += Math.abs(gbRef.f32()[j]);
            }
            assertClose(what + " gb", gbGot.f32(), gbRef.f32(), gbScale);
        }
    }

    // ============================================================================================ matmul

    static Stream<Arguments> matmulMatrix() {
        List<Arguments> out = new ArrayList<>();
        int[][] mnk = {{0, 7, 5}, {7, 0, 5}, {5, 7, 0}, {1, 1, 1}, {1, 65, 33}, {13, 1, 64}, {33, 65, 13},
            {64, 64, 64}, {65, 33, 257}, {7, 257, 13}};
        for (int bits : WIDTHS) {
            for (int[] s : mnk) {
                out.add(Arguments.of(bits, s[0], s[1], s[2]));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} bits m={1} n={2} k={3}")
    @MethodSource("matmulMatrix")
    void matmulMatchesScalarWithTransposesBatchesAndAccumulate(int bits, int m, int n, int k) {
        for (int batch : new int[] {1, 3}) {
            for (int trans = 0; trans < 4; trans++) {
                for (boolean acc : new boolean[] {false, true}) {
                    checkMatmul(vec(bits), batch, m, n, k, (trans & 1) != 0, (trans & 2) != 0, acc, trans + 7L * m);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} bits")
    @MethodSource("widths")
    void matmulLargeAndManySmallBatches(int bits) {
        checkMatmul(vec(bits), 1, 300, 64, 700, false, true, false, 1);
        checkMatmul(vec(bits), 300, 16, 16, 16, true, false, true, 2);   // parallel over the batch
        checkMatmul(vec(bits), 4, 65, 130, 70, false, false, false, 3);
    }

    private static void checkMatmul(Backend be, int batch, int m, int n, int k, boolean ta, boolean tb,
                                    boolean accumulate, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int aOff = 3;
        int bOff = 1;
        int cOff = 2;
        int ldc = n + 3;
        int aBatch = m * k + 1;
        int bBatch = k * n + 2;
        int cBatch = m * ldc + 5;
        HostStorage a = uniform(rnd, aOff + batch * aBatch, -1, 1);
        HostStorage b = uniform(rnd, bOff + batch * bBatch, -1, 1);
        // A(i,p): row-major (m,k) or stored transposed (k,m); same for B(p,j)
        int aRs = ta ? 1 : k;
        int aCs = ta ? m : 1;
        int bRs = tb ? 1 : n;
        int bCs = tb ? k : 1;
        HostStorage cRef = uniform(rnd, cOff + batch * cBatch, -1, 1);
        HostStorage cGot = copyOf(cRef);
        REF.matmul(batch, m, n, k, a, aOff, aBatch, aRs, aCs, b, bOff, bBatch, bRs, bCs, cRef, cOff, cBatch, ldc,
                accumulate);
        be.matmul(batch, m, n, k, a, aOff, aBatch, aRs, aCs, b, bOff, bBatch, bRs, bCs, cGot, cOff, cBatch, ldc,
                accumulate);
        double[] scale = new double[cRef.size()];
        Arrays.fill(scale, 1.0);
        for (int bi = 0; bi < batch; bi++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = accumulate ? Math.abs(cGot.f32()[cOff + bi * cBatch + i * ldc + j]) : 0;
                    for (int p = 0; p < k; p++) {
                        s += Math.abs(a.f32()[aOff + bi * aBatch + i * aRs + p * aCs]
                                * b.f32()[bOff + bi * bBatch + p * bRs + j * bCs]);
                    }
                    scale[cOff + bi * cBatch + i * ldc + j] = s;
                }
            }
        }
        assertClose(be.name() + " matmul b=" + batch + " (" + m + "," + n + "," + k + ") ta=" + ta + " tb=" + tb
                + " acc=" + accumulate, cGot.f32(), cRef.f32(), scale);
    }

    // ============================================================================================ copy, fill

    @ParameterizedTest(name = "{0} bits n={1}")
    @MethodSource("widthsAndSizes")
    void copyMatchesScalarExactlyOnViews(int bits, int n) {
        int r = Math.max(1, n / 4);
        int c = n;
        int[][][] cases = {
            // {shape}, {srcStrides}, {dstStrides}
            {{r, c}, contiguous(r, c), contiguous(r, c)},                 // contiguous: one arraycopy
            {{r, c}, {c + 3, 1}, contiguous(r, c)},                       // narrowed rows: arraycopy per row
            {{r, c}, {0, 1}, contiguous(r, c)},                           // broadcast rows
            {{r, c}, {1, 0}, contiguous(r, c)},                           // broadcast columns: fill per row
            {{c, r}, {1, c}, contiguous(c, r)},                           // transpose: scalar path
            {{2, r, c}, {r * c, 1, r}, contiguous(2, r, c)},              // permuted: scalar path
            {{r, c}, contiguous(r, c), {1, r}},                           // strided destination: scalar path
            {{}, {}, {}},                                                 // rank 0
        };
        for (int[][] cs : cases) {
            int[] shape = cs[0];
            int srcSize = 4 + extent(shape, cs[1]);
            int dstSize = 2 + extent(shape, cs[2]) + 3;
            SplittableRandom rnd = new SplittableRandom(n);
            HostStorage src = uniform(rnd, srcSize, -5, 5);
            HostStorage ref = sentinel(dstSize);
            HostStorage got = sentinel(dstSize);
            REF.copy(shape, src, 4, cs[1], ref, 2, cs[2]);
            vec(bits).copy(shape, src, 4, cs[1], got, 2, cs[2]);
            assertThat(got.f32()).as("copy " + Arrays.toString(shape) + " src " + Arrays.toString(cs[1]) + " dst "
                    + Arrays.toString(cs[2])).containsExactly(ref.f32());
        }
    }

    static int extent(int[] shape, int[] strides) {
        int e = 1;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 0) {
                return 0;
            }
            e += (shape[d] - 1) * strides[d];
        }
        return e;
    }

    @ParameterizedTest(name = "{0} bits n={1}")
    @MethodSource("widthsAndSizes")
    void fillMatchesScalar(int bits, int n) {
        HostStorage ref = sentinel(n + 5);
        HostStorage got = sentinel(n + 5);
        REF.fill(ref, 2, n, 0.1);
        vec(bits).fill(got, 2, n, 0.1);
        assertThat(got.f32()).containsExactly(ref.f32());
    }

    // ============================================================================================ delegation

    /** F64, integer and strided inputs take the scalar code path, so they agree with it bit for bit. */
    @ParameterizedTest(name = "{0} bits")
    @MethodSource("widths")
    void unsupportedPathsDelegateToScalarAndAgreeExactly(int bits) {
        Backend be = vec(bits);
        SplittableRandom rnd = new SplittableRandom(42);
        int rows = 9;
        int cols = 37;
        int n = rows * cols;
        double[] xd = new double[n];
        for (int i = 0; i < n; i++) {
            xd[i] = rnd.nextDouble() * 4 - 2;
        }
        HostStorage x = HostStorage.wrap(xd);
        for (UnaryOp op : new UnaryOp[] {UnaryOp.EXP, UnaryOp.GELU_ERF, UnaryOp.TANH, UnaryOp.SIGMOID}) {
            Storage[] outs = new Storage[2];
            Storage[] grads = new Storage[2];
            Backend[] bes = {REF, be};
            for (int t = 0; t < 2; t++) {
                outs[t] = HostStorage.allocate(DType.F64, n);
                grads[t] = HostStorage.allocate(DType.F64, n);
                bes[t].unary(op, x, 0, outs[t], 0, n, 0, 0);
                bes[t].unaryBackward(op, x, 0, outs[t], 0, x, 0, grads[t], 0, n, 0, 0);
            }
            assertThat(((HostStorage) outs[1]).f64()).as("F64 " + op).containsExactly(((HostStorage) outs[0]).f64());
            assertThat(((HostStorage) grads[1]).f64()).as("F64 " + op + " grad")
                    .containsExactly(((HostStorage) grads[0]).f64());
        }
        // F64 softmax, layer norm, reduce, matmul, binary
        HostStorage[] y = {HostStorage.allocate(DType.F64, n), HostStorage.allocate(DType.F64, n)};
        HostStorage[] stats = {HostStorage.allocate(DType.F64, 2 * rows), HostStorage.allocate(DType.F64, 2 * rows)};
        HostStorage[] sums = {HostStorage.allocate(DType.F64, cols), HostStorage.allocate(DType.F64, cols)};
        HostStorage[] prod = {HostStorage.allocate(DType.F64, rows * rows), HostStorage.allocate(DType.F64, rows * rows)};
        HostStorage[] bin = {HostStorage.allocate(DType.F64, n), HostStorage.allocate(DType.F64, n)};
        HostStorage[] ln = {HostStorage.allocate(DType.F64, n), HostStorage.allocate(DType.F64, n)};
        HostStorage[] mean = {HostStorage.allocate(DType.F64, rows), HostStorage.allocate(DType.F64, rows)};
        HostStorage[] rstd = {HostStorage.allocate(DType.F64, rows), HostStorage.allocate(DType.F64, rows)};
        Backend[] bes = {REF, be};
        for (int t = 0; t < 2; t++) {
            bes[t].softmax(true, x, 0, y[t], 0, rows, cols);
            bes[t].reduce(ReduceOp.SUM, x, 0, 1, rows, cols, sums[t], 0);
            bes[t].reduce(ReduceOp.MAX, x, 0, rows, cols, 1, stats[t], 0);
            bes[t].matmul(1, rows, rows, cols, x, 0, 0, cols, 1, x, 0, 0, 1, cols, prod[t], 0, 0, rows, false);
            bes[t].binary(BinaryOp.MUL, new int[] {rows, cols}, x, 0, new int[] {cols, 1}, x, 0, new int[] {0, 1},
                    bin[t], 0);
            bes[t].layerNorm(x, 0, null, null, ln[t], 0, mean[t], rstd[t], rows, cols, 1e-5);
        }
        assertThat(y[1].f64()).as("F64 log_softmax").containsExactly(y[0].f64());
        assertThat(sums[1].f64()).as("F64 sum").containsExactly(sums[0].f64());
        assertThat(stats[1].f64()).as("F64 max").containsExactly(stats[0].f64());
        assertThat(prod[1].f64()).as("F64 matmul").containsExactly(prod[0].f64());
        assertThat(bin[1].f64()).as("F64 binary").containsExactly(bin[0].f64());
        assertThat(ln[1].f64()).as("F64 layer_norm").containsExactly(ln[0].f64());

        // I32 binary and F32 binary on a transposed view (strided: scalar path)
        int[] ia = new int[n];
        for (int i = 0; i < n; i++) {
            ia[i] = rnd.nextInt(-50, 50);
        }
        HostStorage iStore = HostStorage.wrap(ia);
        HostStorage[] iOut = {HostStorage.allocate(DType.I32, n), HostStorage.allocate(DType.I32, n)};
        HostStorage f = uniform(rnd, n, -3, 3);
        HostStorage[] fOut = {HostStorage.allocate(DType.F32, n), HostStorage.allocate(DType.F32, n)};
        for (int t = 0; t < 2; t++) {
            bes[t].binary(BinaryOp.DIV, new int[] {rows, cols}, iStore, 0, new int[] {cols, 1}, iStore, 0,
                    new int[] {0, 1}, iOut[t], 0);
            bes[t].binary(BinaryOp.SUB, new int[] {cols, rows}, f, 0, new int[] {1, cols}, f, 0,
                    new int[] {rows, 1}, fOut[t], 0);
        }
        assertThat(iOut[1].i32()).as("I32 div").containsExactly(iOut[0].i32());
        assertThat(fOut[1].f32()).as("F32 transposed binary").containsExactly(fOut[0].f32());
    }

    @Test
    void backendNamesItsWidth() {
        assertThat(vec(128).name()).isEqualTo("vector-128");
        assertThat(vec(256).name()).isEqualTo("vector-256");
        assertThat(vec(512).name()).isEqualTo("vector-512");
        assertThat(vec(0).name()).startsWith("vector-");
    }
}
