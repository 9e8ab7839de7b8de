package dev.limbic.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.GradCheck;
import dev.limbic.tensor.GradMode;
import dev.limbic.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * The attention layers beyond PyTorch parity: F64 gradient checks of inputs and every parameter (with masks and
 * causal attention), parameter names and initialisation, masking semantics (rows with no visible key), dropout
 * determinism and eval mode, and bad input.
 */
class AttentionLayersTest {

    // ------------------------------------------------------------------ gradient checks

    /** Gradient check of {@code forward} with respect to the inputs and every parameter of {@code m} (F64). */
    private static void gradcheckModule(String label, Module m, Function<List<Tensor>, Tensor> forward,
            Tensor... inputs) {
        Tensor[] marked = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            marked[i] = inputs[i].requiresGrad(true);
        }
        GradCheck.Report r = ModuleGradCheck.assertGradients(label, m, forward, marked);
        assertThat(r.checked()).isGreaterThan(0);
    }

    private static Tensor randn(long seed, int... shape) {
        return Tensor.randn(seed, DType.F64, shape);
    }

    @Test
    void gradcheckSingleHeadWithPaddingAndCausal() {
        SingleHeadAttention att = new SingleHeadAttention(5, 3, Init.rng(1));
        Tensor pad = Tensor.ofLongs(new long[] {0, 0, 0, 1, 0, 0, 0, 0}, 2, 4);
        gradcheckModule("single head", att, in -> att.forward(in.get(0), pad, true, false).output(),
                randn(2, 2, 4, 5));
    }

    @Test
    void gradcheckSingleHeadCross() {
        SingleHeadAttention att = new SingleHeadAttention(4, 3, Init.rng(3));
        gradcheckModule("single head cross", att,
                in -> att.forward(in.get(0), in.get(1), in.get(2), null, false, false).output(),
                randn(4, 2, 3, 4), randn(5, 2, 5, 4), randn(6, 2, 5, 4));
    }

    @Test
    void gradcheckMultiheadSelfWithPaddingAndCausal() {
        MultiheadAttention mha = new MultiheadAttention(6, 2, Init.rng(7));
        // batch 1 pads its first key: with causal attention its query 0 sees no key (zero row)
        Tensor pad = Tensor.ofLongs(new long[] {0, 0, 0, 1, 1, 0, 0, 0}, 2, 4);
        gradcheckModule("mha self", mha, in -> mha.selfAttention(in.get(0), pad, true, false).output(),
                randn(8, 2, 4, 6));
    }

    @Test
    void gradcheckMultiheadGeneralForm() {
        MultiheadAttention mha = new MultiheadAttention(4, 2, Init.rng(9));
        Tensor pad = Tensor.ofLongs(new long[] {0, 0, 1, 0, 0, 0}, 2, 3);
        gradcheckModule("mha cross", mha,
                in -> mha.forward(in.get(0), in.get(1), in.get(2), pad, false, false).output(),
                randn(10, 2, 2, 4), randn(11, 2, 3, 4), randn(12, 2, 3, 4));
    }

    @Test
    void gradcheckEncoderLayerWithMask() {
        TransformerEncoderConfig cfg = TransformerEncoderConfig.bert(4, 2, 6).withDropout(0, 0);
        TransformerEncoderLayer layer = new TransformerEncoderLayer(cfg, 13);
        Tensor mask = Tensor.ofLongs(new long[] {1, 1, 1, 1, 1, 0}, 2, 3);
        // LayerNorm with eps 1e-12 on 4 features is well conditioned for N(0,1) rows
        gradcheckModule("encoder layer", layer, in -> layer.forward(in.get(0), mask), randn(14, 2, 3, 4));
    }

    @Test
    void gradcheckEncoderStack() {
        TransformerEncoder enc = new TransformerEncoder(TransformerEncoderConfig.bert(4, 2, 5).withDropout(0, 0)
                .withMaskValue(TransformerEncoderConfig.MASK_BERT_LEGACY), 2, 15);
        Tensor mask = Tensor.ofLongs(new long[] {1, 1, 0, 1, 1, 1}, 2, 3);
        gradcheckModule("encoder", enc, in -> enc.forward(in.get(0), mask, false).lastHiddenState(),
                randn(16, 2, 3, 4));
    }

    // ------------------------------------------------------------------ names and initialisation

    @Test
    void multiheadParameterNamesAndPyTorchInit() {
        MultiheadAttention mha = new MultiheadAttention(384, 6, Init.rng(1));
        assertThat(mha.namedParameters().keySet()).containsExactly("in_proj_weight", "in_proj_bias",
                "out_proj.weight", "out_proj.bias");
        assertThat(mha.inProjWeight().shape()).containsExactly(1152, 384);
        assertThat(mha.inProjBias().get().toDoubleArray()).containsOnly(0.0);
        assertThat(mha.outProj().bias().get().toDoubleArray()).containsOnly(0.0);
        double xavier = Math.sqrt(6.0 / (384 + 1152));
        double[] w = mha.inProjWeight().get().toDoubleArray();
        double max = 0;
        for (double v : w) {
            max = Math.max(max, Math.abs(v));
        }
        assertThat(max).isLessThanOrEqualTo(xavier).isGreaterThan(0.99 * xavier);
        double kaiming = 1 / Math.sqrt(384);
        double maxOut = 0;
        for (double v : mha.outProj().weight().get().toDoubleArray()) {
            maxOut = Math.max(maxOut, Math.abs(v));
        }
        assertThat(maxOut).isLessThanOrEqualTo(kaiming).isGreaterThan(0.99 * kaiming);
        MultiheadAttention noBias = new MultiheadAttention(8, 2, 0.0, false, Init.rng(1));
        assertThat(noBias.namedParameters().keySet()).containsExactly("in_proj_weight", "out_proj.weight");
    }

    @Test
    void encoderUsesHuggingFaceNames() {
        TransformerEncoder enc = new TransformerEncoder(TransformerEncoderConfig.bert(8, 2, 16), 2, 1);
        List<String> names = new ArrayList<>(enc.namedParameters().keySet());
        assertThat(names).hasSize(32).startsWith(
                "layer.0.attention.self.query.weight", "layer.0.attention.self.query.bias",
                "layer.0.attention.self.key.weight", "layer.0.attention.self.key.bias",
                "layer.0.attention.self.value.weight", "layer.0.attention.self.value.bias",
                "layer.0.attention.output.dense.weight", "layer.0.attention.output.dense.bias",
                "layer.0.attention.output.LayerNorm.weight", "layer.0.attention.output.LayerNorm.bias",
                "layer.0.intermediate.dense.weight", "layer.0.intermediate.dense.bias",
                "layer.0.output.dense.weight", "layer.0.output.dense.bias",
                "layer.0.output.LayerNorm.weight", "layer.0.output.LayerNorm.bias");
        assertThat(names).contains("layer.1.output.LayerNorm.bias");
        assertThat(enc.namedParameters().get("layer.1.intermediate.dense.weight").shape()).containsExactly(16, 8);
        // a state dict round trip through the names restores the outputs
        TransformerEncoder other = new TransformerEncoder(TransformerEncoderConfig.bert(8, 2, 16), 2, 2);
        other.loadStateDict(enc.stateDict(), true);
        enc.eval();
        other.eval();
        Tensor x = Tensor.randn(3, DType.F32, 2, 5, 8);
        assertThat(other.forward(x).toFloatArray()).containsExactly(enc.forward(x).toFloatArray());
    }

    @Test
    void singleHeadNames() {
        SingleHeadAttention att = new SingleHeadAttention(13, 7, Init.rng(1));
        assertThat(att.namedParameters().keySet()).containsExactly("q.weight", "q.bias", "k.weight", "k.bias",
                "v.weight", "v.bias", "o.weight", "o.bias");
        assertThat(att.o().weight().shape()).containsExactly(13, 7);
    }

    // ------------------------------------------------------------------ masks

    @Test
    void fullyPaddedSequenceGivesZeroWeightsAndBiasOutputNotNaN() {
        MultiheadAttention mha = new MultiheadAttention(8, 2, Init.rng(3));
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            mha.outProj().bias().get().copy_(Tensor.randn(4, DType.F32, 8));
        }
        Tensor x = Tensor.randn(5, DType.F32, 2, 3, 8).requiresGrad(true);
        Tensor pad = Tensor.ofLongs(new long[] {0, 0, 1, 1, 1, 1}, 2, 3);   // batch 1: every key padded
        MultiheadAttention.Output out = mha.selfAttention(x, pad, false, true);
        out.output().sum().backward();
        assertThat(x.grad().toFloatArray()).doesNotContain(Float.NaN);
        float[] bias = mha.outProj().bias().get().toFloatArray();
        for (int t = 0; t < 3; t++) {
            assertThat(out.output().select(0, 1).select(0, t).toFloatArray()).containsExactly(bias);
        }
        assertThat(out.weights().select(0, 1).toFloatArray()).containsOnly(0f);
        assertThat(out.weights().select(0, 0).select(1, 2).toFloatArray()).containsOnly(0f);   // padded key
        assertThat(x.grad().select(0, 1).toFloatArray()).containsOnly(0f);   // nothing flows to batch 1
    }

    @Test
    void causalOutputIgnoresLaterTokens() {
        MultiheadAttention mha = new MultiheadAttention(8, 2, Init.rng(4));
        Tensor x = Tensor.randn(6, DType.F32, 1, 5, 8);
        Tensor changed = Tensor.cat(List.of(x.narrow(1, 0, 3), Tensor.randn(7, DType.F32, 1, 2, 8)), 1);
        Tensor a = mha.selfAttention(x, null, true, false).output().narrow(1, 0, 3);
        Tensor b = mha.selfAttention(changed, null, true, false).output().narrow(1, 0, 3);
        assertThat(b.toFloatArray()).containsExactly(a.toFloatArray());
        Tensor w = mha.selfAttention(x, null, true, true).weightsPerHead();
        for (int i = 0; i < 5; i++) {
            for (int j = i + 1; j < 5; j++) {
                assertThat(w.get(0, 0, i, j)).isZero();
                assertThat(w.get(0, 1, i, j)).isZero();
            }
        }
        // head average = mean of the per-head weights
        Tensor avg = mha.selfAttention(x, null, true, true).weights();
        assertThat(avg.get(0, 3, 1)).isCloseTo((w.get(0, 0, 3, 1) + w.get(0, 1, 3, 1)) / 2, Offset.offset(1e-7));
    }

    @Test
    void keyPaddingMaskAcceptsIntAndFloatBooleans() {
        MultiheadAttention mha = new MultiheadAttention(8, 2, Init.rng(5));
        Tensor x = Tensor.randn(8, DType.F32, 2, 4, 8);
        Tensor longs = Tensor.ofLongs(new long[] {0, 0, 1, 1, 0, 0, 0, 1}, 2, 4);
        Tensor ints = Tensor.ofInts(new int[] {0, 0, 1, 1, 0, 0, 0, 1}, 2, 4);
        Tensor floats = Tensor.of(new float[] {0, 0, 1, 1, 0, 0, 0, 1}, 2, 4);
        float[] a = mha.selfAttention(x, longs, false, false).output().toFloatArray();
        assertThat(mha.selfAttention(x, ints, false, false).output().toFloatArray()).containsExactly(a);
        assertThat(mha.selfAttention(x, floats, false, false).output().toFloatArray()).containsExactly(a);
    }

    @Test
    void encoderMaskValuesAndPaddingInvariance() {
        TransformerEncoderConfig cfg = TransformerEncoderConfig.bert(8, 2, 12);
        assertThat(cfg.maskValueFor(DType.F32)).isEqualTo(-Float.MAX_VALUE);
        assertThat(cfg.maskValueFor(DType.F64)).isEqualTo(-Double.MAX_VALUE);
        assertThat(cfg.withMaskValue(-10000).maskValueFor(DType.F32)).isEqualTo(-10000);
        TransformerEncoderLayer layer = new TransformerEncoderLayer(cfg, 3);
        layer.eval();
        // the real tokens' outputs do not depend on what the padded positions hold
        Tensor x = Tensor.randn(9, DType.F32, 1, 4, 8);
        Tensor y = Tensor.cat(List.of(x.narrow(1, 0, 3), Tensor.randn(10, DType.F32, 1, 1, 8)), 1);
        Tensor mask = Tensor.ofLongs(new long[] {1, 1, 1, 0}, 1, 4);
        float[] a = layer.forward(x, mask).narrow(1, 0, 3).toFloatArray();
        float[] b = layer.forward(y, mask).narrow(1, 0, 3).toFloatArray();
        assertThat(b).containsExactly(a);
        // a fully padded sequence stays finite: with the dtype's minimum every score rounds to that minimum, so
        // (as in Hugging Face) each query attends uniformly
        Tensor none = Tensor.ofLongs(new long[] {0, 0, 0, 0}, 1, 4);
        TransformerEncoderLayer.Output out = layer.forward(x, none, true);
        assertThat(out.hiddenStates().toFloatArray()).doesNotContain(Float.NaN);
        assertThat(out.attentionProbs().toFloatArray()).containsOnly(0.25f);
    }

    @Test
    void encoderInferencePathMatchesTheRecordedForward() {
        // eval under no-grad takes the fused paths (packed weights, epilogue bias+GELU and residual, one task per
        // attention head); with grad recorded the same layer runs the plain ops: both must agree
        TransformerEncoder enc = new TransformerEncoder(TransformerEncoderConfig.miniLm(), 2, 21);
        enc.eval();
        Tensor x = Tensor.randn(22, DType.F32, 2, 19, 384);
        Tensor mask = Tensor.ofLongs(new long[] {
            1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
            1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0}, 2, 19);
        float[] recorded = enc.forward(x.detach().requiresGrad(true), mask, false).lastHiddenState().toFloatArray();
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            for (int call = 0; call < 3; call++) {   // later calls read the packed weights
                float[] fast = enc.forward(x, mask, false).lastHiddenState().toFloatArray();
                for (int i = 0; i < fast.length; i++) {
                    assertThat((double) fast[i]).as("call %d element %d", call, i)
                            .isCloseTo(recorded[i], org.assertj.core.data.Offset.offset(1e-4));
                }
            }
        }
    }

    @Test
    void encoderReturnsEveryHiddenStateAndAttention() {
        TransformerEncoder enc = new TransformerEncoder(TransformerEncoderConfig.bert(8, 2, 12), 3, 4);
        enc.eval();
        Tensor x = Tensor.randn(11, DType.F32, 2, 5, 8);
        TransformerEncoder.Output out = enc.forward(x, Tensor.ones(DType.F32, 2, 5), true);
        assertThat(out.hiddenStates()).hasSize(4);
        assertThat(out.hiddenStates().get(0)).isSameAs(x);
        assertThat(out.attentions()).hasSize(3);
        assertThat(out.attentions().get(2).shape()).containsExactly(2, 2, 5, 5);
        Tensor h = x;
        for (int i = 0; i < 3; i++) {
            h = enc.layer(i).forward(h);
            assertThat(out.hiddenStates().get(i + 1).toFloatArray()).containsExactly(h.toFloatArray());
        }
        assertThat(enc.forward(x, null, false).attentions()).isEmpty();
    }

    // ------------------------------------------------------------------ dropout

    @Test
    void attentionDropoutIsSeededAndOffInEval() {
        Tensor x = Tensor.randn(12, DType.F32, 2, 6, 8);
        MultiheadAttention a = new MultiheadAttention(8, 2, 0.3, true, Init.rng(42));
        MultiheadAttention b = new MultiheadAttention(8, 2, 0.3, true, Init.rng(42));
        float[] first = a.forward(x).toFloatArray();
        assertThat(b.forward(x).toFloatArray()).containsExactly(first);
        float[] second = a.forward(x).toFloatArray();
        assertThat(second).isNotEqualTo(first);   // the generator moved on
        assertThat(b.forward(x).toFloatArray()).containsExactly(second);
        MultiheadAttention.Output w = a.selfAttention(x, null, false, true);
        assertThat(w.weightsPerHead().toFloatArray()).contains(0f);   // dropped weights are returned
        a.eval();
        b.eval();
        assertThat(a.forward(x).toFloatArray()).containsExactly(b.forward(x).toFloatArray());
        MultiheadAttention plain = new MultiheadAttention(8, 2, Init.rng(42));
        assertThat(a.forward(x).toFloatArray()).containsExactly(plain.forward(x).toFloatArray());
    }

    @Test
    void encoderDropoutIsSeededAndOffInEval() {
        TransformerEncoderConfig cfg = TransformerEncoderConfig.bert(8, 2, 12).withDropout(0.2, 0.2);
        TransformerEncoder a = new TransformerEncoder(cfg, 2, 7);
        TransformerEncoder b = new TransformerEncoder(cfg, 2, 7);
        Tensor x = Tensor.randn(13, DType.F32, 2, 4, 8);
        float[] ta = a.forward(x).toFloatArray();
        assertThat(b.forward(x).toFloatArray()).containsExactly(ta);
        a.eval();
        float[] ea = a.forward(x).toFloatArray();
        assertThat(ea).isNotEqualTo(ta);
        TransformerEncoder noDrop = new TransformerEncoder(cfg.withDropout(0, 0), 2, 7);
        assertThat(noDrop.forward(x).toFloatArray()).containsExactly(ea);
    }

    @Test
    void singleHeadMatchesOneHeadMultihead() {
        // with d_k = d_model, single-head attention is MHA with one head and the same weights
        SingleHeadAttention s = new SingleHeadAttention(6, 6, Init.rng(1));
        MultiheadAttention m = new MultiheadAttention(6, 1, Init.rng(2));
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            m.inProjWeight().get().copy_(Tensor.cat(List.of(s.q().weight().get(), s.k().weight().get(),
                    s.v().weight().get()), 0));
            m.inProjBias().get().copy_(Tensor.cat(List.of(s.q().bias().get(), s.k().bias().get(),
                    s.v().bias().get()), 0));
            m.outProj().weight().get().copy_(s.o().weight().get());
            m.outProj().bias().get().copy_(s.o().bias().get());
        }
        Tensor x = Tensor.randn(3, DType.F32, 2, 5, 6);
        Tensor pad = Tensor.ofLongs(new long[] {0, 0, 0, 1, 1, 0, 0, 0, 0, 0}, 2, 5);
        SingleHeadAttention.Output so = s.forward(x, pad, true, true);
        MultiheadAttention.Output mo = m.selfAttention(x, pad, true, true);
        float[] a = so.output().toFloatArray();
        float[] b = mo.output().toFloatArray();
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).isCloseTo(b[i], Offset.offset(1e-5f));
        }
        float[] pa = so.probs().toFloatArray();
        float[] pb = mo.weights().toFloatArray();
        for (int i = 0; i < pa.length; i++) {
            assertThat(pa[i]).isCloseTo(pb[i], Offset.offset(1e-6f));
        }
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void badInputNamesTheFieldAndShapes() {
        assertThatThrownBy(() -> new MultiheadAttention(10, 4, Init.rng(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("num_heads 4 must divide embed_dim 10");
        assertThatThrownBy(() -> new MultiheadAttention(8, 2, 1.0, true, Init.rng(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dropout");
        assertThatThrownBy(() -> TransformerEncoderConfig.bert(10, 4, 20))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("heads 4 must divide hidden 10");
        assertThatThrownBy(() -> TransformerEncoderConfig.bert(8, 2, 16).withMaskValue(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maskValue");
        assertThatThrownBy(() -> new SingleHeadAttention(0, 3, Init.rng(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("d_model=0");

        MultiheadAttention mha = new MultiheadAttention(8, 2, Init.rng(1));
        Tensor x = Tensor.randn(1, DType.F32, 2, 3, 8);
        assertThatThrownBy(() -> mha.forward(Tensor.randn(1, DType.F32, 2, 3, 6)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("query shape [2, 3, 6]")
                .hasMessageContaining("(batch, seq, 8)");
        assertThatThrownBy(() -> mha.selfAttention(x, Tensor.ofLongs(new long[4], 2, 2), false, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key_padding_mask shape [2, 2]")
                .hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> mha.forward(x, Tensor.randn(2, DType.F32, 2, 4, 8), Tensor.randn(3, DType.F32,
                2, 5, 8), null, false, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key and value one length");
        assertThatThrownBy(() -> mha.forward(x.to(DType.F64)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("F64");
        assertThatThrownBy(() -> mha.selfAttention(x, Tensor.of(new float[] {0, Float.NaN, 0, 0, 0, 0}, 2, 3),
                false, false)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");

        TransformerEncoderLayer layer = new TransformerEncoderLayer(TransformerEncoderConfig.bert(8, 2, 16), 1);
        assertThatThrownBy(() -> layer.forward(Tensor.randn(1, DType.F32, 2, 3, 6)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hidden_states shape [2, 3, 6]");
        assertThatThrownBy(() -> layer.forward(x, Tensor.ones(DType.F32, 2, 4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attention_mask shape [2, 4]")
                .hasMessageContaining("[2, 3]");

        SingleHeadAttention att = new SingleHeadAttention(8, 4, Init.rng(1));
        assertThatThrownBy(() -> att.forward(Tensor.randn(1, DType.F32, 3, 8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("query shape [3, 8]");
        assertThatThrownBy(() -> att.forward(x, Tensor.ofLongs(new long[6], 3, 2), false, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key_padding_mask shape [3, 2]");
    }
}
