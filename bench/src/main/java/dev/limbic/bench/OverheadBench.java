package dev.limbic.bench;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Per-op framework overhead on 4×4 F32 tensors, as ../shared/peers/torch_overhead.py measures torch. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class OverheadBench {
    private Tensor a;
    private Tensor b;
    private Tensor ag;
    private Tensor bg;

    @Setup
    public void setup() {
        a = Tensor.rand(1, DType.F32, 4, 4);
        b = Tensor.rand(2, DType.F32, 4, 4);
        ag = Tensor.rand(3, DType.F32, 4, 4).requiresGrad(true);
        bg = Tensor.rand(4, DType.F32, 4, 4).requiresGrad(true);
    }

    /** torch: a + b (no grad tensors). */
    @Benchmark
    public Tensor addNoGrad() {
        return a.add(b);
    }

    /** torch: a + b, requires_grad (records graph). */
    @Benchmark
    public Tensor addRecorded() {
        return ag.add(bg);
    }

    /** torch: (a + b).sum().backward(). */
    @Benchmark
    public Tensor addSumBackward() {
        ag.zeroGrad();
        bg.zeroGrad();
        ag.add(bg).sum().backward();
        return ag.grad();
    }
}
