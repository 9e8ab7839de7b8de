package dev.limbic.app;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.GradCheck;
import dev.limbic.tensor.Storage;
import dev.limbic.tensor.Tensor;
import dev.limbic.tensor.backend.Backend;
import dev.limbic.tensor.backend.Backends;
import dev.limbic.tensor.backend.Parallel;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Proves a fresh install works: reports the selected backend, runs an F64 gradient check through the main ops,
 * checks the fast backend against the scalar reference, and measures SGEMM GFLOP/s.
 */
@Command(name = "selftest", mixinStandardHelpOptions = true,
        description = "Report the backend, run a gradient check, compare kernels with the reference and time SGEMM.")
final class SelfTestCommand implements Callable<Integer> {

    @Option(names = "--size", description = "square SGEMM size to time (default: 1024 on the vector backend, 256 on scalar)")
    Integer size;

    @Option(names = "--reps", defaultValue = "10", description = "timed SGEMM repetitions (default: ${DEFAULT-VALUE})")
    int reps;

    @Override
    public Integer call() {
        Backend host = Backends.host();
        System.out.printf("Limbic selftest on Java %s, %d cores%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors());
        System.out.printf("  backend: %s (jdk.incubator.vector %s; limbic.threads=%d)%n", host.name(),
                Backends.vectorModulePresent() ? "present" : "absent: add --add-modules jdk.incubator.vector",
                Parallel.threads());
        boolean ok = true;

        System.out.println("[1/3] gradient check (F64 central differences): x@W -> gelu -> layer_norm -> log_softmax");
        GradCheck.Report report = GradCheck.check("selftest",
                in -> in.get(0).matmul(in.get(1)).gelu().layerNorm(in.get(2), in.get(3), 1e-5).logSoftmax(-1),
                List.of(Tensor.randn(11, DType.F64, 3, 5, 7).requiresGrad(true),
                        Tensor.randn(12, DType.F64, 7, 6).requiresGrad(true),
                        Tensor.randn(13, DType.F64, 6).requiresGrad(true),
                        Tensor.randn(14, DType.F64, 6).requiresGrad(true)),
                GradCheck.Options.defaults());
        System.out.println("      " + report.describe().replace("\n", "\n      "));
        ok &= report.ok();

        System.out.println("[2/3] " + host.name() + " kernels vs the scalar reference (odd sizes)");
        double worst = compareMatmul(host, 65, 33, 47);
        worst = Math.max(worst, compareSoftmax(host, 37, 129));
        boolean kernelsOk = worst <= 1e-5;
        System.out.printf(Locale.ROOT, "      max relative difference %.2e (limit 1e-5): %s%n", worst,
                kernelsOk ? "ok" : "FAILED");
        ok &= kernelsOk;

        int n = size != null ? size : host == Backends.scalar() ? 256 : 1024;
        System.out.printf("[3/3] SGEMM %dx%dx%d fp32, %d repetitions after warm-up%n", n, n, n, reps);
        double[] gflops = timeSgemm(host, n, reps);
        Arrays.sort(gflops);
        System.out.printf(Locale.ROOT, "      %.1f GFLOP/s median, %.1f best  (for ratios against OpenBLAS measured "
                + "in the same run: ./limbic bench)%n",
                gflops[gflops.length / 2], gflops[gflops.length - 1]);
        System.out.println(ok ? "selftest passed" : "selftest FAILED");
        return ok ? 0 : 1;
    }

    private static double compareMatmul(Backend fast, int m, int k, int n) {
        Tensor a = Tensor.randn(21, DType.F32, m, k);
        Tensor b = Tensor.randn(22, DType.F32, k, n);
        Storage c1 = fast.allocate(DType.F32, m * n);
        Storage c2 = Backends.scalar().allocate(DType.F32, m * n);
        fast.matmul(1, m, n, k, a.storage(), 0, 0, k, 1, b.storage(), 0, 0, n, 1, c1, 0, 0, n, false);
        Backends.scalar().matmul(1, m, n, k, a.storage(), 0, 0, k, 1, b.storage(), 0, 0, n, 1, c2, 0, 0, n, false);
        return maxRelDiff(Tensor.fromStorage(c1, new int[] {m * n}, new int[] {1}, 0).toFloatArray(),
                Tensor.fromStorage(c2, new int[] {m * n}, new int[] {1}, 0).toFloatArray(), Math.sqrt(k));
    }

    private static double compareSoftmax(Backend fast, int rows, int cols) {
        Tensor x = Tensor.randn(23, DType.F32, rows, cols);
        Storage y1 = fast.allocate(DType.F32, rows * cols);
        Storage y2 = Backends.scalar().allocate(DType.F32, rows * cols);
        fast.softmax(false, x.storage(), 0, y1, 0, rows, cols);
        Backends.scalar().softmax(false, x.storage(), 0, y2, 0, rows, cols);
        return maxRelDiff(Tensor.fromStorage(y1, new int[] {rows * cols}, new int[] {1}, 0).toFloatArray(),
                Tensor.fromStorage(y2, new int[] {rows * cols}, new int[] {1}, 0).toFloatArray(), 1.0);
    }

    private static double maxRelDiff(float[] got, float[] ref, double scale) {
        double worst = 0;
        for (int i = 0; i < got.length; i++) {
            worst = Math.max(worst, Math.abs(got[i] - ref[i]) / Math.max(scale, Math.abs(ref[i])));
        }
        return worst;
    }

    private static double[] timeSgemm(Backend be, int n, int reps) {
        Storage a = Tensor.randn(31, DType.F32, n, n).storage();
        Storage b = Tensor.randn(32, DType.F32, n, n).storage();
        Storage c = be.allocate(DType.F32, n * n);
        double flop = 2.0 * n * n * n;
        long warmupEnd = System.nanoTime() + 2_000_000_000L;
        do {
            be.matmul(1, n, n, n, a, 0, 0, n, 1, b, 0, 0, n, 1, c, 0, 0, n, false);
        } while (System.nanoTime() < warmupEnd);
        double[] gflops = new double[Math.max(1, reps)];
        for (int r = 0; r < gflops.length; r++) {
            long t0 = System.nanoTime();
            be.matmul(1, n, n, n, a, 0, 0, n, 1, b, 0, 0, n, 1, c, 0, 0, n, false);
            gflops[r] = flop / ((System.nanoTime() - t0) * 1e-9) / 1e9;
        }
        return gflops;
    }
}
