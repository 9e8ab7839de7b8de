package dev.limbic.nn;

import dev.limbic.tensor.ScaledDotProductAttention;
import dev.limbic.tensor.Tensor;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * One BERT encoder layer in post-LayerNorm form, with Hugging Face {@code BertLayer} parameter names (relative to
 * {@code encoder.layer.N.}), so a Hugging Face checkpoint loads through {@link #loadStateDict}:
 * <pre>
 * attention.self.{query,key,value}   Linear(hidden → hidden)
 * attention.output.dense             Linear(hidden → hidden)
 * attention.output.LayerNorm         LayerNorm(hidden, eps)
 * intermediate.dense                 Linear(hidden → intermediate)
 * output.dense                       Linear(intermediate → hidden)
 * output.LayerNorm                   LayerNorm(hidden, eps)
 * </pre>
 * Forward: {@code a = LN(dropout(dense(attn(x))) + x)}, {@code i = act(intermediate.dense(a))},
 * {@code y = LN(dropout(output.dense(i)) + a)}; attention scores are {@code q kᵀ/√d_head} plus the additive mask
 * {@code (1 − attention_mask)·maskValue} built from a Hugging Face attention mask (1 = real token, 0 = padding).
 * Dropouts act in training mode only. The attention core is {@link ScaledDotProductAttention}, which reads the
 * heads of the query/key/value projections in place and writes the context with its heads merged.
 *
 * <p>Initialised with the PyTorch Linear defaults and LayerNorm ones/zeros; pretrained weights replace them
 * (Hugging Face's from-scratch init is N(0, 0.02) weights and zero biases).
 */
public final class TransformerEncoderLayer extends Module implements Layer {
    private final TransformerEncoderConfig config;
    private final RandomGenerator rng;
    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final Linear attentionDense;
    private final LayerNorm attentionNorm;
    private final Dropout attentionOutputDropout;
    private final Linear intermediateDense;
    private final Linear outputDense;
    private final LayerNorm outputNorm;
    private final Dropout outputDropout;

    /**
     * The layer's result and the intermediate tensors Hugging Face exposes for inspection.
     *
     * @param hiddenStates    the layer output {@code (B, T, hidden)}
     * @param attentionProbs  {@code (B, heads, T, T)} after dropout, detached; null unless asked for
     * @param attentionOutput after the first LayerNorm {@code (B, T, hidden)}
     * @param intermediate    after the activation {@code (B, T, intermediate)}
     */
    public record Output(Tensor hiddenStates, Tensor attentionProbs, Tensor attentionOutput, Tensor intermediate) {
    }

    /** A named group of child modules (Hugging Face's BertAttention, BertSelfAttention, ... containers). */
    private static final class Group extends Module {
        <M extends Module> M add(String name, M module) {
            return registerModule(name, module);
        }
    }

    /** @param rng draws the initial weights, then the dropout masks */
    public TransformerEncoderLayer(TransformerEncoderConfig config, RandomGenerator rng) {
        this.config = config;
        this.rng = rng;
        int h = config.hidden();
        Group attention = registerModule("attention", new Group());
        Group self = attention.add("self", new Group());
        this.query = self.add("query", new Linear(h, h, rng));
        this.key = self.add("key", new Linear(h, h, rng));
        this.value = self.add("value", new Linear(h, h, rng));
        Group attentionOut = attention.add("output", new Group());
        this.attentionDense = attentionOut.add("dense", new Linear(h, h, rng));
        this.attentionNorm = attentionOut.add("LayerNorm", new LayerNorm(h, config.layerNormEps()));
        this.attentionOutputDropout = attentionOut.add("dropout", new Dropout(config.hiddenDropout(), rng));
        Group intermediate = registerModule("intermediate", new Group());
        this.intermediateDense = intermediate.add("dense", new Linear(h, config.intermediate(), rng));
        Group output = registerModule("output", new Group());
        this.outputDense = output.add("dense", new Linear(config.intermediate(), h, rng));
        this.outputNorm = output.add("LayerNorm", new LayerNorm(h, config.layerNormEps()));
        this.outputDropout = output.add("dropout", new Dropout(config.hiddenDropout(), rng));
    }

    public TransformerEncoderLayer(TransformerEncoderConfig config, long seed) {
        this(config, Init.rng(seed));
    }

    /** No padding: every token attends to every token. */
    @Override
    public Tensor forward(Tensor hiddenStates) {
        return forward(hiddenStates, null);
    }

    /**
     * @param hiddenStates  {@code (B, T, hidden)}
     * @param attentionMask {@code (B, T)} with 1 = real token, 0 = padding (Hugging Face); null for none
     */
    public Tensor forward(Tensor hiddenStates, Tensor attentionMask) {
        return forward(hiddenStates, attentionMask, false).hiddenStates();
    }

    /** As {@link #forward(Tensor, Tensor)}, returning the intermediates; attention probabilities when asked for. */
    public Output forward(Tensor hiddenStates, Tensor attentionMask, boolean outputAttentions) {
        checkInput(hiddenStates);
        Tensor ext = attentionMask == null ? null
                : extendedMask(attentionMask, hiddenStates.size(0), hiddenStates.size(1), hiddenStates);
        return forwardExtended(hiddenStates, ext, outputAttentions);
    }

    /** The additive mask {@code (B, 1, 1, T)} this layer adds to its scores for an HF attention mask. */
    Tensor extendedMask(Tensor attentionMask, int batch, int seq, Tensor like) {
        return AttentionMask.extended(who(), attentionMask, batch, seq, config.maskValueFor(like.dtype()),
                like.dtype());
    }

    /** The layer on an already extended additive mask (the encoder builds it once for all layers). */
    Output forwardExtended(Tensor x, Tensor extendedMask, boolean outputAttentions) {
        checkInput(x);
        boolean training = isTraining();
        // three products rather than one against the concatenated weights: concatenating copies the weights
        // every call (and their gradients back), which costs more than it saves at small batch (B1 T32: ~0.3 ms of
        // ~1.5) and gains nothing measurable at B8 T128; q, k and v are read in place by the attention op
        Tensor q = query.forward(x);   // (B, T, H)
        Tensor k = key.forward(x);
        Tensor v = value.forward(x);
        ScaledDotProductAttention.Result r = ScaledDotProductAttention.attend(q, k, v, config.heads(),
                1.0 / Math.sqrt(config.headDim()), extendedMask, training ? config.attentionDropout() : 0.0, rng,
                outputAttentions);
        Tensor attnOut = attentionNorm.forward(denseAddResidual(attentionDense, attentionOutputDropout, r.output(), x));
        Tensor inter = intermediate(attnOut);
        Tensor y = outputNorm.forward(denseAddResidual(outputDense, outputDropout, inter, attnOut));
        return new Output(y, r.probs(), attnOut, inter);
    }

    /**
     * {@code dropout(dense(in)) + residual}; where the dropout is the identity (eval mode, or p = 0) this is one
     * {@link Tensor#linearAdd}, which adds the residual in the GEMM epilogue when no graph is recorded.
     */
    private Tensor denseAddResidual(Linear dense, Dropout dropout, Tensor in, Tensor residual) {
        if (isTraining() && config.hiddenDropout() > 0) {
            return dropout.forward(dense.forward(in)).add(residual);
        }
        return dense.checkedInput(in).linearAdd(dense.weight().get(), dense.bias() == null ? null
                : dense.bias().get(), residual);
    }

    /** {@code act(intermediate.dense(a))}; GELU and ReLU run in the GEMM epilogue when no graph is recorded. */
    private Tensor intermediate(Tensor a) {
        Linear d = intermediateDense;
        Tensor w = d.weight().get();
        Tensor b = d.bias() == null ? null : d.bias().get();
        return switch (config.activation()) {
            case GELU -> d.checkedInput(a).linearGelu(w, b);
            case RELU -> d.checkedInput(a).linearRelu(w, b);
            default -> Activation.apply(config.activation(), d.forward(a));
        };
    }

    private void checkInput(Tensor x) {
        if (x.dim() != 3 || x.size(2) != config.hidden()) {
            throw new IllegalArgumentException(who() + ": hidden_states shape " + Arrays.toString(x.shape())
                    + " must be (batch, seq, " + config.hidden() + ")");
        }
        if (x.dtype() != query.weight().dtype()) {
            throw new IllegalArgumentException(who() + ": hidden_states are " + x.dtype() + " but the parameters are "
                    + query.weight().dtype() + "; convert the input or call to(DType) on the module");
        }
    }

    private String who() {
        return "TransformerEncoderLayer(hidden=" + config.hidden() + ", heads=" + config.heads() + ")";
    }

    public TransformerEncoderConfig config() {
        return config;
    }

    public Linear query() {
        return query;
    }

    public Linear key() {
        return key;
    }

    public Linear value() {
        return value;
    }

    public Linear attentionDense() {
        return attentionDense;
    }

    public LayerNorm attentionLayerNorm() {
        return attentionNorm;
    }

    public Linear intermediateDense() {
        return intermediateDense;
    }

    public Linear outputDense() {
        return outputDense;
    }

    public LayerNorm outputLayerNorm() {
        return outputNorm;
    }
}
