package dev.limbic.bench;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.Storage;
import dev.limbic.tensor.Tensor;
import dev.limbic.tensor.backend.Backend;
import dev.limbic.tensor.backend.Backends;
import dev.limbic.tensor.backend.UnaryOp;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The same kernels as {@link KernelBench} called on the backend with preallocated outputs: the kernels' own speed,
 * without the cost of a fresh output array (the JVM zeroes every new array, ~1 ms per 8 MB on one core, which
 * PyTorch's caching allocator avoids by reusing freed memory).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class KernelOnlyBench {
    private static final int SM_ROWS = 4096;
    private static final int SM_COLS = 512;
    private static final int LN_ROWS = 4096;
    private static final int LN_COLS = 768;
    private static final int GELU_N = 4 * 1024 * 1024;

    private Backend be;
    private Storage smX;     // (4096, 512)
    private Storage smY;
    private Storage smGy;
    private Storage smGx;
    private Storage lnX;     // (4096, 768)
    private Storage lnW;     // (768)
    private Storage lnB;
    private Storage lnY;
    private Storage lnMean;  // (4096)
    private Storage lnRstd;
    private Storage lnGy;
    private Storage lnGx;
    private Storage lnGw;
    private Storage lnGb;
    private Storage geluX;   // (4M)
    private Storage geluY;
    private Storage geluGy;
    private Storage geluGx;

    @Setup
    public void setup() {
        be = Backends.host();
        smX = Tensor.randn(1, DType.F32, SM_ROWS, SM_COLS).storage();
        smGy = Tensor.randn(2, DType.F32, SM_ROWS, SM_COLS).storage();
        smY = be.allocate(DType.F32, SM_ROWS * SM_COLS);
        smGx = be.allocate(DType.F32, SM_ROWS * SM_COLS);
        lnX = Tensor.randn(3, DType.F32, LN_ROWS, LN_COLS).storage();
        lnW = Tensor.ones(LN_COLS).storage();
        lnB = Tensor.zeros(LN_COLS).storage();
        lnY = be.allocate(DType.F32, LN_ROWS * LN_COLS);
        lnMean = be.allocate(DType.F32, LN_ROWS);
        lnRstd = be.allocate(DType.F32, LN_ROWS);
        lnGy = Tensor.randn(4, DType.F32, LN_ROWS, LN_COLS).storage();
        lnGx = be.allocate(DType.F32, LN_ROWS * LN_COLS);
        lnGw = be.allocate(DType.F32, LN_COLS);
        lnGb = be.allocate(DType.F32, LN_COLS);
        geluX = Tensor.randn(5, DType.F32, GELU_N).storage();
        geluGy = Tensor.randn(6, DType.F32, GELU_N).storage();
        geluY = be.allocate(DType.F32, GELU_N);
        geluGx = be.allocate(DType.F32, GELU_N);
    }

    @Benchmark
    public Storage softmaxInfer() {
        be.softmax(false, smX, 0, smY, 0, SM_ROWS, SM_COLS);
        return smY;
    }

    @Benchmark
    public Storage softmaxFwdBwd() {
        be.softmax(false, smX, 0, smY, 0, SM_ROWS, SM_COLS);
        be.softmaxBackward(false, smY, 0, smGy, 0, smGx, 0, SM_ROWS, SM_COLS);
        return smGx;
    }

    @Benchmark
    public Storage layerNormInfer() {
        be.layerNorm(lnX, 0, lnW, lnB, lnY, 0, lnMean, lnRstd, LN_ROWS, LN_COLS, 1e-5);
        return lnY;
    }

    @Benchmark
    public Storage layerNormFwdBwd() {
        be.layerNorm(lnX, 0, lnW, lnB, lnY, 0, lnMean, lnRstd, LN_ROWS, LN_COLS, 1e-5);
        be.fill(lnGw, 0, LN_COLS, 0.0);
        be.fill(lnGb, 0, LN_COLS, 0.0);
        be.layerNormBackward(lnX, 0, lnW, lnMean, lnRstd, lnGy, 0, lnGx, 0, lnGw, lnGb, LN_ROWS, LN_COLS);
        return lnGx;
    }

    @Benchmark
    public Storage geluInfer() {
        be.unary(UnaryOp.GELU_ERF, geluX, 0, geluY, 0, GELU_N, 0, 0);
        return geluY;
    }

    @Benchmark
    public Storage geluFwdBwd() {
        be.unary(UnaryOp.GELU_ERF, geluX, 0, geluY, 0, GELU_N, 0, 0);
        be.unaryBackward(UnaryOp.GELU_ERF, geluX, 0, geluY, 0, geluGy, 0, geluGx, 0, GELU_N, 0, 0);
        return geluGx;
    }
}
