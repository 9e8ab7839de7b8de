package dev.limbic.nn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limbic.tensor.Tensor;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * PyTorch parity of {@link SingleHeadAttention}, {@link MultiheadAttention} and {@link TransformerEncoderLayer} on
 * every golden fixture with their {@code op}: all forward outputs, the input gradient and every parameter
 * gradient. Sizes, masks and constants come from each file.
 */
class AttentionGoldenTest {

    @TestFactory
    Stream<DynamicTest> singleHead() {
        return GoldenCase.cases("single_head_attention cases", GoldenCase.op("single_head_attention"), c -> {
            SingleHeadAttention att = new SingleHeadAttention(c.metaInt("d_model"), c.metaInt("d_k"), Init.rng(0));
            att.to(c.dtype());
            att.loadStateDict(CoreLayersGoldenTest.paramsOf(c), true);
            Tensor x = c.leaf("input.x");
            Tensor mask = c.has("input.key_padding_mask") ? c.tensor("input.key_padding_mask") : null;
            SingleHeadAttention.Output out = att.forward(x, mask, causal(c), true);
            c.assertClose("out.y", out.output());
            c.assertClose("out.attn_probs", out.probs());
            out.output().backward(c.tensor("grad_out.y"));
            c.assertClose("grad.x", x.grad());
            assertParameterGradients(c, att);
        });
    }

    @TestFactory
    Stream<DynamicTest> multihead() {
        return GoldenCase.cases("nn.MultiheadAttention cases", GoldenCase.op("nn.MultiheadAttention"), c -> {
            assertThat(c.meta("batch_first")).isEqualTo("True");
            MultiheadAttention mha = new MultiheadAttention(c.metaInt("embed_dim"), c.metaInt("num_heads"),
                    c.metaDouble("dropout"), c.has("param.in_proj_bias"), Init.rng(0));
            mha.to(c.dtype());
            mha.loadStateDict(CoreLayersGoldenTest.paramsOf(c), true);
            mha.eval();
            Tensor x = c.leaf("input.x");
            Tensor mask = c.has("input.key_padding_mask") ? c.tensor("input.key_padding_mask") : null;
            MultiheadAttention.Output out = mha.selfAttention(x, mask, causal(c), true);
            c.assertClose("out.attn_output", out.output());
            c.assertClose("out.attn_weights", out.weights());
            c.assertClose("out.attn_weights_per_head", out.weightsPerHead());
            out.output().backward(c.tensor("grad_out.attn_output"));
            c.assertClose("grad.x", x.grad());
            assertParameterGradients(c, mha);
        });
    }

    @TestFactory
    Stream<DynamicTest> bertLayer() {
        return GoldenCase.cases("bert_layer_post_ln cases", GoldenCase.op("bert_layer_post_ln"), c -> {
            assertThat(c.meta("activation")).startsWith("gelu (erf)");
            assertThat(c.meta("dropout")).isEqualTo("none");
            String mv = c.meta("mask_value");
            double maskValue = mv.startsWith("torch.finfo") ? TransformerEncoderConfig.MASK_DTYPE_MIN
                    : Double.parseDouble(mv);
            TransformerEncoderConfig cfg = new TransformerEncoderConfig(c.metaInt("hidden"), c.metaInt("heads"),
                    c.metaInt("intermediate"), c.metaDouble("layer_norm_eps"), Activation.Kind.GELU, 0.0, 0.0,
                    maskValue);
            TransformerEncoderLayer layer = new TransformerEncoderLayer(cfg, 0);
            layer.to(c.dtype());
            layer.loadStateDict(CoreLayersGoldenTest.paramsOf(c), true);
            layer.eval();
            Tensor x = c.leaf("input.hidden_states");
            TransformerEncoderLayer.Output out = layer.forward(x, c.tensor("input.attention_mask"), true);
            c.assertClose("out.hidden_states", out.hiddenStates());
            c.assertClose("out.attention_probs", out.attentionProbs());
            c.assertClose("out.attention_output", out.attentionOutput());
            c.assertClose("out.intermediate", out.intermediate());
            out.hiddenStates().backward(c.tensor("grad_out.hidden_states"));
            c.assertClose("grad.hidden_states", x.grad());
            assertParameterGradients(c, layer);
        });
    }

    /** The {@code causal} metadata flag (a causal attn_mask: query i sees keys j <= i); absent means no mask. */
    private static boolean causal(GoldenCase c) {
        return Boolean.parseBoolean(c.metaOr("causal", "False").trim().toLowerCase(java.util.Locale.ROOT));
    }

    /** Every {@code grad.param.<name>} of the file against the module's parameter of that name, and no more. */
    private static void assertParameterGradients(GoldenCase c, Module m) {
        Map<String, Parameter> params = m.namedParameters();
        int checked = 0;
        for (String n : c.names("grad.param.")) {
            String name = n.substring("grad.param.".length());
            assertThat(params).as(c + ": module parameter " + name).containsKey(name);
            c.assertClose(n, params.get(name).grad());
            checked++;
        }
        assertThat(checked).as(c + ": parameter gradients checked").isEqualTo(params.size());
    }

    @AfterAll
    static void printWorst() {
        GoldenCase.WORST.entrySet().stream()
                .filter(e -> e.getKey().startsWith("mha") || e.getKey().startsWith("attention")
                        || e.getKey().startsWith("bert"))
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> System.out.printf("golden worst |err|/tol %-34s %.4f%n", e.getKey(), e.getValue()));
    }
}
