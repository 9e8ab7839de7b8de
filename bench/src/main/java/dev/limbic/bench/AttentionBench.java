package dev.limbic.bench;

import dev.limbic.nn.Activation;
import dev.limbic.nn.Init;
import dev.limbic.nn.Module;
import dev.limbic.nn.MultiheadAttention;
import dev.limbic.nn.Parameter;
import dev.limbic.nn.TransformerEncoderConfig;
import dev.limbic.nn.TransformerEncoderLayer;
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
 * The attention rows of ../shared/peers/torch_kernels.py, mirrored:
 * <ul>
 * <li>{@code mha_case}: {@code nn.MultiheadAttention(384, 6, dropout=0, batch_first=True)} on {@code x (8, 128,
 * 384)}, self-attention {@code m(x, x, x, need_weights=False)[0]};</li>
 * <li>{@code encoder_case}: {@code nn.TransformerEncoderLayer(384, 12, 1536, dropout=0, activation='gelu',
 * batch_first=True)} (post-LN, LayerNorm eps 1e-5, no mask) on {@code (8, 128, 384)} and on {@code (1, 32, 384)};
 * here the BERT-named {@link TransformerEncoderLayer} with the same sizes, eps and activation.</li>
 * </ul>
 * As in the script: {@code infer} = eval mode under no-grad; {@code train fwd} = training mode, input requiring
 * grad, the graph recorded; {@code fwd+bwd} = input and parameter gradients cleared, forward, then
 * {@code backward(g)} with a fixed N(0,1) upstream gradient of the output's shape.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class AttentionBench {

    /** One module with its input (requiring grad) and upstream gradient. */
    private static final class Case<M extends Module> {
        final M module;
        final Tensor x;      // (B, T, d), requires grad
        final Tensor seed;   // (B, T, d) N(0,1)

        Case(M module, Tensor x, Tensor seed) {
            this.module = module;
            this.x = x;
            this.seed = seed;
        }

        void zeroGrad() {
            x.zeroGrad();
            for (Parameter p : module.parameters()) {
                p.zeroGrad();
            }
        }
    }

    private Case<MultiheadAttention> mha;               // B8 T128 d384 h6
    private Case<TransformerEncoderLayer> encoder;      // B8 T128 d384 h12 ffn1536
    private Case<TransformerEncoderLayer> encoderSmall; // B1 T32 d384 h12 ffn1536

    /** nn.TransformerEncoderLayer(d, h, ffn, dropout=0, activation='gelu'): LayerNorm eps 1e-5, GELU (erf). */
    static TransformerEncoderConfig torchEncoderLayer(int d, int h, int ffn) {
        return new TransformerEncoderConfig(d, h, ffn, 1e-5, Activation.Kind.GELU, 0.0, 0.0,
                TransformerEncoderConfig.MASK_DTYPE_MIN);
    }

    @Setup
    public void setup() {
        mha = new Case<>(new MultiheadAttention(384, 6, 0.0, true, Init.rng(1)),
                Tensor.randn(2, DType.F32, 8, 128, 384).requiresGrad(true), Tensor.randn(3, DType.F32, 8, 128, 384));
        encoder = new Case<>(new TransformerEncoderLayer(torchEncoderLayer(384, 12, 1536), 4),
                Tensor.randn(5, DType.F32, 8, 128, 384).requiresGrad(true), Tensor.randn(6, DType.F32, 8, 128, 384));
        encoderSmall = new Case<>(new TransformerEncoderLayer(torchEncoderLayer(384, 12, 1536), 7),
                Tensor.randn(8, DType.F32, 1, 32, 384).requiresGrad(true), Tensor.randn(9, DType.F32, 1, 32, 384));
    }

    // ------------------------------------------------------------------ MHA self-attention B8 T128 d384 h6

    @Benchmark
    public Tensor mhaInfer() {
        mha.module.eval();
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            return mha.module.selfAttention(mha.x, null, false, false).output();
        }
    }

    @Benchmark
    public Tensor mhaTrainFwd() {
        mha.module.train();
        return mha.module.selfAttention(mha.x, null, false, false).output();
    }

    @Benchmark
    public Tensor mhaFwdBwd() {
        mha.module.train();
        mha.zeroGrad();
        mha.module.selfAttention(mha.x, null, false, false).output().backward(mha.seed);
        return mha.x.grad();
    }

    // ------------------------------------------------------------------ encoder layer (MiniLM) B8 T128

    @Benchmark
    public Tensor encoderInfer() {
        return infer(encoder);
    }

    @Benchmark
    public Tensor encoderTrainFwd() {
        encoder.module.train();
        return encoder.module.forward(encoder.x);
    }

    @Benchmark
    public Tensor encoderFwdBwd() {
        return fwdBwd(encoder);
    }

    // ------------------------------------------------------------------ encoder layer (MiniLM) B1 T32

    @Benchmark
    public Tensor encoderSmallInfer() {
        return infer(encoderSmall);
    }

    @Benchmark
    public Tensor encoderSmallTrainFwd() {
        encoderSmall.module.train();
        return encoderSmall.module.forward(encoderSmall.x);
    }

    @Benchmark
    public Tensor encoderSmallFwdBwd() {
        return fwdBwd(encoderSmall);
    }

    private static Tensor infer(Case<TransformerEncoderLayer> c) {
        c.module.eval();
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            return c.module.forward(c.x);
        }
    }

    private static Tensor fwdBwd(Case<TransformerEncoderLayer> c) {
        c.module.train();
        c.zeroGrad();
        c.module.forward(c.x).backward(c.seed);
        return c.x.grad();
    }
}
