package dev.limbic.nn;

import dev.limbic.tensor.DType;

/**
 * Sizes and constants of a BERT-style post-LayerNorm encoder layer ({@link TransformerEncoderLayer}).
 *
 * @param hidden           model width (BERT's {@code hidden_size})
 * @param heads            attention heads; must divide {@code hidden}
 * @param intermediate     feed-forward width ({@code intermediate_size})
 * @param layerNormEps     LayerNorm epsilon ({@code layer_norm_eps}, BERT 1e-12)
 * @param activation       feed-forward activation ({@code hidden_act}; BERT's "gelu" is the erf form)
 * @param hiddenDropout    dropout after each output projection ({@code hidden_dropout_prob}), training only
 * @param attentionDropout dropout on the attention probabilities ({@code attention_probs_dropout_prob})
 * @param maskValue        the additive score for padded keys: {@code (1 − attention_mask)·maskValue}. Finite and
 *                         negative (classic BERT: {@link #MASK_BERT_LEGACY} = −10000), or
 *                         {@link #MASK_DTYPE_MIN} for the compute dtype's most negative finite value (current
 *                         Hugging Face, {@code torch.finfo(dtype).min}: −Float.MAX_VALUE / −Double.MAX_VALUE)
 */
public record TransformerEncoderConfig(int hidden, int heads, int intermediate, double layerNormEps,
        Activation.Kind activation, double hiddenDropout, double attentionDropout, double maskValue) {

    /** Classic BERT mask constant. */
    public static final double MASK_BERT_LEGACY = -10000.0;

    /**
     * Stands for the compute dtype's most negative finite value ({@link #maskValueFor} resolves it). Infinity
     * itself is never added: a fully padded sequence would turn into NaN.
     */
    public static final double MASK_DTYPE_MIN = Double.NEGATIVE_INFINITY;

    public TransformerEncoderConfig {
        if (hidden <= 0 || heads <= 0 || intermediate <= 0) {
            throw new IllegalArgumentException("TransformerEncoderConfig needs positive sizes, got hidden=" + hidden
                    + " heads=" + heads + " intermediate=" + intermediate);
        }
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("TransformerEncoderConfig: heads " + heads + " must divide hidden "
                    + hidden);
        }
        if (!(layerNormEps > 0)) {
            throw new IllegalArgumentException("TransformerEncoderConfig: layerNormEps must be positive, got "
                    + layerNormEps);
        }
        if (activation == null) {
            throw new IllegalArgumentException("TransformerEncoderConfig: activation is null");
        }
        if (!(hiddenDropout >= 0 && hiddenDropout < 1) || !(attentionDropout >= 0 && attentionDropout < 1)) {
            throw new IllegalArgumentException("TransformerEncoderConfig: dropout probabilities must be in [0, 1), "
                    + "got hidden " + hiddenDropout + ", attention " + attentionDropout);
        }
        if (!(maskValue <= 0) || maskValue == 0) {
            throw new IllegalArgumentException("TransformerEncoderConfig: maskValue must be negative (−10000 or "
                    + "MASK_DTYPE_MIN), got " + maskValue);
        }
    }

    /**
     * BERT defaults for the given sizes: eps 1e-12, GELU (erf), dropout 0.1 on hidden states and attention
     * probabilities, mask value {@link #MASK_DTYPE_MIN}.
     */
    public static TransformerEncoderConfig bert(int hidden, int heads, int intermediate) {
        return new TransformerEncoderConfig(hidden, heads, intermediate, 1e-12, Activation.Kind.GELU, 0.1, 0.1,
                MASK_DTYPE_MIN);
    }

    /** all-MiniLM-L6-v2's layer: hidden 384, 12 heads, feed-forward 1536. */
    public static TransformerEncoderConfig miniLm() {
        return bert(384, 12, 1536);
    }

    public TransformerEncoderConfig withDropout(double hiddenP, double attentionP) {
        return new TransformerEncoderConfig(hidden, heads, intermediate, layerNormEps, activation, hiddenP,
                attentionP, maskValue);
    }

    public TransformerEncoderConfig withMaskValue(double value) {
        return new TransformerEncoderConfig(hidden, heads, intermediate, layerNormEps, activation, hiddenDropout,
                attentionDropout, value);
    }

    public TransformerEncoderConfig withLayerNormEps(double eps) {
        return new TransformerEncoderConfig(hidden, heads, intermediate, eps, activation, hiddenDropout,
                attentionDropout, maskValue);
    }

    public TransformerEncoderConfig withActivation(Activation.Kind kind) {
        return new TransformerEncoderConfig(hidden, heads, intermediate, layerNormEps, kind, hiddenDropout,
                attentionDropout, maskValue);
    }

    public int headDim() {
        return hidden / heads;
    }

    /** The additive mask value in {@code dtype}: {@link #maskValue}, or that dtype's most negative finite value. */
    public double maskValueFor(DType dtype) {
        if (maskValue != MASK_DTYPE_MIN) {
            return maskValue;
        }
        return dtype == DType.F64 ? -Double.MAX_VALUE : -Float.MAX_VALUE;
    }
}
