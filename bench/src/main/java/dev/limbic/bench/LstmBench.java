package dev.limbic.bench;

import dev.limbic.nn.Init;
import dev.limbic.nn.LSTM;
import dev.limbic.nn.RecurrentConfig;
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
 * The LSTM cases of ../shared/peers/torch_kernels.py ({@code lstm_case}): one layer, batch first, input
 * {@code (B, T, in)}; timed is the output tensor {@code m(x)[0]}. Inference runs without grad; forward+backward
 * clears the gradients of x and the parameters, runs the forward with x requiring grad and calls backward on the
 * output with a fixed random upstream gradient of its shape (torch's {@code y.backward(g)}), so the final states
 * get no gradient. Cases: "LSTM" in384 h128 T32 B32, "LSTM bidirectional" the same bidirectional, "LSTM tiny"
 * in128 h128 T16 B16.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class LstmBench {

    /** One peer case: the module, its input and the upstream gradient of its output. */
    static final class Case {
        final LSTM lstm;
        final Tensor x;      // (B, T, in), requires grad
        final Tensor seed;   // (B, T, D·H)

        Case(int in, int hidden, int steps, int batch, boolean bidirectional) {
            this.lstm = new LSTM(RecurrentConfig.of(in, hidden).withBidirectional(bidirectional), Init.rng(0));
            this.x = Tensor.randn(1, DType.F32, batch, steps, in).requiresGrad(true);
            this.seed = Tensor.randn(2, DType.F32, batch, steps, (bidirectional ? 2 : 1) * hidden);
        }

        Tensor infer() {
            try (GradMode.Scope ignored = GradMode.noGrad()) {
                return lstm.forward(x).output();
            }
        }

        Tensor fwdBwd() {
            x.zeroGrad();
            lstm.zeroGrad();
            lstm.forward(x).output().backward(seed);
            return x.grad();
        }
    }

    private Case lstm;
    private Case bidirectional;
    private Case tiny;

    @Setup
    public void setup() {
        lstm = new Case(384, 128, 32, 32, false);
        bidirectional = new Case(384, 128, 32, 32, true);
        tiny = new Case(128, 128, 16, 16, false);
    }

    @Benchmark
    public Tensor lstmInfer() {
        return lstm.infer();
    }

    @Benchmark
    public Tensor lstmFwdBwd() {
        return lstm.fwdBwd();
    }

    @Benchmark
    public Tensor lstmBidirectionalInfer() {
        return bidirectional.infer();
    }

    @Benchmark
    public Tensor lstmBidirectionalFwdBwd() {
        return bidirectional.fwdBwd();
    }

    @Benchmark
    public Tensor lstmTinyInfer() {
        return tiny.infer();
    }

    @Benchmark
    public Tensor lstmTinyFwdBwd() {
        return tiny.fwdBwd();
    }
}
