package dev.limbic.bench;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.GradMode;
import dev.limbic.tensor.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The memory-bound kernels of ../shared/peers/torch_kernels.py through the public Tensor API: inference (no grad)
 * and forward+backward with an upstream gradient, as torch's {@code fwd_infer_ms} and {@code fwd_bwd_ms}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class KernelBench {
    private Tensor softmaxIn;      // (4096, 512)
    private Tensor softmaxSeed;
    private Tensor lnIn;           // (4096, 768)
    private Tensor lnWeight;       // (768)
    private Tensor lnBias;
    private Tensor lnSeed;
    private Tensor geluIn;         // (4M)
    private Tensor geluSeed;

    @Setup
    public void setup() {
        softmaxIn = Tensor.randn(1, DType.F32, 4096, 512).requiresGrad(true);
        softmaxSeed = Tensor.randn(2, DType.F32, 4096, 512);
        lnIn = Tensor.randn(3, DType.F32, 4096, 768).requiresGrad(true);
        lnWeight = Tensor.ones(768).requiresGrad(true);
        lnBias = Tensor.zeros(768).requiresGrad(true);
        lnSeed = Tensor.randn(4, DType.F32, 4096, 768);
        geluIn = Tensor.randn(5, DType.F32, 4 * 1024 * 1024).requiresGrad(true);
        geluSeed = Tensor.randn(6, DType.F32, 4 * 1024 * 1024);
    }

    @Benchmark
    public Tensor softmaxInfer() {
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            return softmaxIn.softmax(-1);
        }
    }

    @Benchmark
    public Tensor softmaxFwdBwd() {
        softmaxIn.zeroGrad();
        softmaxIn.softmax(-1).backward(softmaxSeed);
        return softmaxIn.grad();
    }

    @Benchmark
    public Tensor layerNormInfer() {
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            return lnIn.layerNorm(lnWeight, lnBias, 1e-5);
        }
    }

    @Benchmark
    public Tensor layerNormFwdBwd() {
        lnIn.zeroGrad();
        lnWeight.zeroGrad();
        lnBias.zeroGrad();
        lnIn.layerNorm(lnWeight, lnBias, 1e-5).backward(lnSeed);
        return lnIn.grad();
    }

    @Benchmark
    public Tensor geluInfer() {
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            return geluIn.gelu();
        }
    }

    @Benchmark
    public Tensor geluFwdBwd() {
        geluIn.zeroGrad();
        geluIn.gelu().backward(geluSeed);
        return geluIn.grad();
    }
}
