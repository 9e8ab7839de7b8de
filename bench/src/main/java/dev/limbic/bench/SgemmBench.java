package dev.limbic.bench;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.Storage;
import dev.limbic.tensor.Tensor;
import dev.limbic.tensor.backend.Backend;
import dev.limbic.tensor.backend.Backends;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * fp32 GEMM through the selected host backend with a preallocated output, the same contract as the peer's
 * {@code np.matmul(a, b, out=c)}. Shapes are {@code MxKxN}: {@code (M×K) @ (K×N)}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SgemmBench {

    /** The shapes of ../shared/peers/sgemm_bench.py: squares, then the model-shaped skinny products. */
    public static final String[] SHAPES = {"64x64x64", "128x128x128", "256x256x256", "512x512x512",
        "1024x1024x1024", "2048x2048x2048", "32x384x384", "32x768x3072", "4096x384x1536", "128x64x128"};

    @Param({"64x64x64", "128x128x128", "256x256x256", "512x512x512", "1024x1024x1024", "2048x2048x2048",
        "32x384x384", "32x768x3072", "4096x384x1536", "128x64x128"})
    public String mkn;

    private Backend backend;
    private Storage a;   // (M, K) row-major
    private Storage b;   // (K, N) row-major
    private Storage c;   // (M, N) row-major
    private int m;
    private int k;
    private int n;

    @Setup
    public void setup() {
        String[] parts = mkn.split("x");
        m = Integer.parseInt(parts[0]);
        k = Integer.parseInt(parts[1]);
        n = Integer.parseInt(parts[2]);
        backend = Backends.host();
        a = Tensor.randn(1, DType.F32, m, k).storage();
        b = Tensor.randn(2, DType.F32, k, n).storage();
        c = backend.allocate(DType.F32, m * n);
    }

    @Benchmark
    public Storage sgemm() {
        backend.matmul(1, m, n, k, a, 0, 0, k, 1, b, 0, 0, n, 1, c, 0, 0, n, false);
        return c;
    }

    public static double flops(String mkn) {
        String[] p = mkn.split("x");
        return 2.0 * Long.parseLong(p[0]) * Long.parseLong(p[1]) * Long.parseLong(p[2]);
    }
}
