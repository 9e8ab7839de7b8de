package dev.limbic.nn;

import dev.limbic.tensor.ScaledDotProductAttention;
import dev.limbic.tensor.Tensor;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Single-head attention with four separate Linear maps ({@code q}, {@code k}, {@code v}: {@code d_model → d_k};
 * {@code o}: {@code d_k → d_model}, all with bias):
 * {@code y = o(softmax(q(x) k(x)ᵀ / √d_k + mask) v(x))}. Parameter names {@code q.weight}, {@code q.bias}, …,
 * {@code o.bias}; initialised with the PyTorch Linear defaults.
 *
 * <p>Masking as in {@link MultiheadAttention}: a key-padding mask {@code (B, S)} (non-zero = padded key, ignored)
 * and/or a causal flag; a query row that sees no key gets zero weights and a zero context (its output is
 * {@code o}'s bias) instead of PyTorch's NaN. Attention dropout applies only in training mode.
 */
public final class SingleHeadAttention extends Module implements Layer {
    private final int dModel;
    private final int dK;
    private final double dropout;
    private final RandomGenerator rng;
    private final Linear q;
    private final Linear k;
    private final Linear v;
    private final Linear o;

    /** The output {@code (B, T, d_model)} and, when asked for, the attention probabilities {@code (B, T, S)}. */
    public record Output(Tensor output, Tensor probs) {
    }

    /**
     * @param dropout attention dropout probability (training mode only)
     * @param rng     draws the initial weights, then the dropout masks: same seed, same model and masks
     */
    public SingleHeadAttention(int dModel, int dK, double dropout, RandomGenerator rng) {
        if (dModel <= 0 || dK <= 0) {
            throw new IllegalArgumentException("SingleHeadAttention needs positive sizes, got d_model=" + dModel
                    + " d_k=" + dK);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("SingleHeadAttention: dropout must be in [0, 1), got " + dropout);
        }
        this.dModel = dModel;
        this.dK = dK;
        this.dropout = dropout;
        this.rng = rng;
        this.q = registerModule("q", new Linear(dModel, dK, rng));
        this.k = registerModule("k", new Linear(dModel, dK, rng));
        this.v = registerModule("v", new Linear(dModel, dK, rng));
        this.o = registerModule("o", new Linear(dK, dModel, rng));
    }

    public SingleHeadAttention(int dModel, int dK, RandomGenerator rng) {
        this(dModel, dK, 0.0, rng);
    }

    /** Self-attention without a mask. */
    @Override
    public Tensor forward(Tensor x) {
        return forward(x, x, x, null, false, false).output();
    }

    /** Self-attention {@code x (B, T, d_model)}, optionally masked; probabilities returned when asked for. */
    public Output forward(Tensor x, Tensor keyPaddingMask, boolean causal, boolean needProbs) {
        return forward(x, x, x, keyPaddingMask, causal, needProbs);
    }

    /**
     * @param query          {@code (B, T, d_model)}
     * @param key            {@code (B, S, d_model)}
     * @param value          {@code (B, S, d_model)}
     * @param keyPaddingMask {@code (B, S)}, non-zero = padded key; or null
     * @param causal         query {@code i} sees keys {@code j <= i} only
     */
    public Output forward(Tensor query, Tensor key, Tensor value, Tensor keyPaddingMask, boolean causal,
            boolean needProbs) {
        String who = "SingleHeadAttention(" + dModel + "→" + dK + ")";
        AttentionMask.checkQueryKeyValue(who, dModel, query, key, value);
        int b = query.size(0);
        int t = query.size(1);
        int s = key.size(1);
        Tensor mask = AttentionMask.of(who, keyPaddingMask, causal, b, t, s, query.dtype());
        Tensor qp = q.forward(query);
        Tensor kp = k.forward(key);
        Tensor vp = v.forward(value);
        double p = isTraining() ? dropout : 0.0;
        ScaledDotProductAttention.Result r = ScaledDotProductAttention.attend(qp, kp, vp, 1, 1.0 / Math.sqrt(dK),
                mask, p, rng, needProbs);
        Tensor probs = r.probs() == null ? null : r.probs().reshape(b, t, s);   // (B, 1, T, S) → (B, T, S)
        return new Output(o.forward(r.output()), probs);
    }

    public Linear q() {
        return q;
    }

    public Linear k() {
        return k;
    }

    public Linear v() {
        return v;
    }

    public Linear o() {
        return o;
    }

    public int dModel() {
        return dModel;
    }

    public int dK() {
        return dK;
    }
}
