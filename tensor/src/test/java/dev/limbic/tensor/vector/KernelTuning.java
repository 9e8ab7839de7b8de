package dev.limbic.tensor.vector;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.HostStorage;
import dev.limbic.tensor.backend.Backend;
import dev.limbic.tensor.backend.Parallel;
import dev.limbic.tensor.backend.UnaryOp;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Timing harness for the {@link VectorBackend} row kernels while tuning (not a test; JMH benchmarks live in
 * {@code bench}). Prints the median of 9 repetitions, each looping the call for at least 100 ms, next to the
 * PyTorch CPU times measured on the same 2-core machine.
 *
 * <pre>
 *   ./mvnw -q -B -pl tensor test-compile
 *   java --add-modules jdk.incubator.vector -cp tensor/target/classes:tensor/target/test-classes \
 *        dev.limbic.tensor.vector.KernelTuning [bits]
 * </pre>
 */
public final class KernelTuning {

    private KernelTuning() {
    }

    public static void main(String[] args) {
        int bits = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        Backend be = new VectorBackend(bits);
        System.out.printf("backend %s, %d threads%n", be.name(), Parallel.threads());
        SplittableRandom rnd = new SplittableRandom(7);

        // softmax (4096, 512)
        int rows = 4096;
        int cols = 512;
        HostStorage x = random(rnd, rows * cols, 3.0);   // (rows, cols)
        HostStorage y = HostStorage.allocate(DType.F32, rows * cols);
        HostStorage gy = random(rnd, rows * cols, 1.0);
        HostStorage gx = HostStorage.allocate(DType.F32, rows * cols);
        double fwd = time(() -> be.softmax(false, x, 0, y, 0, rows, cols));
        double bwd = time(() -> {
            be.softmax(false, x, 0, y, 0, rows, cols);
            be.softmaxBackward(false, y, 0, gy, 0, gx, 0, rows, cols);
        });
        report("softmax 4096x512", fwd, bwd);

        // layer_norm (4096, 768) with affine
        int lc = 768;
        HostStorage lx = random(rnd, rows * lc, 1.0);
        HostStorage w = random(rnd, lc, 1.0);
        HostStorage b = random(rnd, lc, 1.0);
        HostStorage ly = HostStorage.allocate(DType.F32, rows * lc);
        HostStorage mean = HostStorage.allocate(DType.F32, rows);
        HostStorage rstd = HostStorage.allocate(DType.F32, rows);
        HostStorage lgy = random(rnd, rows * lc, 1.0);
        HostStorage lgx = HostStorage.allocate(DType.F32, rows * lc);
        HostStorage gw = HostStorage.allocate(DType.F32, lc);
        HostStorage gb = HostStorage.allocate(DType.F32, lc);
        fwd = time(() -> be.layerNorm(lx, 0, w, b, ly, 0, mean, rstd, rows, lc, 1e-5));
        bwd = time(() -> {
            be.layerNorm(lx, 0, w, b, ly, 0, mean, rstd, rows, lc, 1e-5);
            be.layerNormBackward(lx, 0, w, mean, rstd, lgy, 0, lgx, 0, gw, gb, rows, lc);
        });
        report("layer_norm 4096x768", fwd, bwd);

        // GELU (erf) on 4M elements
        int n = 4 << 20;
        HostStorage gxIn = random(rnd, n, 3.0);
        HostStorage gyOut = HostStorage.allocate(DType.F32, n);
        HostStorage ggy = random(rnd, n, 1.0);
        HostStorage ggx = HostStorage.allocate(DType.F32, n);
        fwd = time(() -> be.unary(UnaryOp.GELU_ERF, gxIn, 0, gyOut, 0, n, 0, 0));
        bwd = time(() -> {
            be.unary(UnaryOp.GELU_ERF, gxIn, 0, gyOut, 0, n, 0, 0);
            be.unaryBackward(UnaryOp.GELU_ERF, gxIn, 0, gyOut, 0, ggy, 0, ggx, 0, n, 0, 0);
        });
        report("gelu(erf) 4M", fwd, bwd);
    }

    private static HostStorage random(SplittableRandom rnd, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
        }
        return HostStorage.wrap(a);
    }

    /** Limbic's figures only: compare with torch measured in the same session (./limbic bench does both). */
    private static void report(String what, double fwdMs, double fwdBwdMs) {
        System.out.printf("%-22s fwd %7.3f ms   fwd+bwd %7.3f ms%n", what, fwdMs, fwdBwdMs);
    }

    /** Median milliseconds per call over 9 repetitions of at least 100 ms each, after a 1 s warm-up. */
    private static double time(Runnable call) {
        long warmEnd = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < warmEnd) {
            call.run();
        }
        double[] ms = new double[9];
        for (int r = 0; r < ms.length; r++) {
            int calls = 0;
            long t0 = System.nanoTime();
            long t;
            do {
                call.run();
                calls++;
                t = System.nanoTime();
            } while (t - t0 < 100_000_000L);
            ms[r] = (t - t0) / 1e6 / calls;
        }
        Arrays.sort(ms);
        return ms[ms.length / 2];
    }
}
