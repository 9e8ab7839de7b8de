package dev.limbic.nn;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.ScaledDotProductAttention;
import dev.limbic.tensor.Tensor;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * PyTorch's {@code nn.MultiheadAttention} with {@code batch_first=True}: inputs and output are
 * {@code (B, T, E)}. Parameters as in PyTorch: {@code in_proj_weight (3E, E)} (rows {@code 0:E} = W_q,
 * {@code E:2E} = W_k, {@code 2E:3E} = W_v), {@code in_proj_bias (3E)}, {@code out_proj.weight (E, E)},
 * {@code out_proj.bias (E)}. Head {@code h} uses features {@code h·E/H:(h+1)·E/H}; scores are divided by
 * {@code √(E/H)}. Initialisation as PyTorch's: xavier-uniform {@code in_proj_weight}, zero biases, Linear
 * default for {@code out_proj.weight}. Separate key/value sizes ({@code kdim}/{@code vdim}) are not supported.
 *
 * <p>Self-attention (query, key and value the same tensor) runs one fused {@code (B·T, E) × (E, 3E)} projection.
 *
 * <p>Masks: {@code keyPaddingMask (B, S)} of any dtype, <b>non-zero = padded key, ignored</b> (PyTorch's
 * boolean {@code True}; unlike PyTorch a floating mask is read as boolean too, not added); {@code causal} masks
 * the upper triangle (query {@code i} sees keys {@code j <= i}), as {@code attn_mask = triu(ones, 1)}.
 * <b>A query row that sees no key</b> (all its keys padded) gets all-zero attention weights and a zero context,
 * so its output is {@code out_proj.bias}, and no gradient flows through it; PyTorch returns NaN for such a row.
 *
 * <p>Attention dropout ({@code p}, drawn from the generator given at construction) applies only in training
 * mode; the returned weights are the ones after dropout, as in PyTorch.
 */
public final class MultiheadAttention extends Module implements Layer {
    private final int embedDim;
    private final int numHeads;
    private final int headDim;
    private final double dropout;
    private final RandomGenerator rng;
    private final Parameter inProjWeight;
    private final Parameter inProjBias;
    private final Linear outProj;

    /**
     * @param output         {@code (B, T, E)}
     * @param weights        head-averaged attention weights {@code (B, T, S)}, or null unless asked for
     * @param weightsPerHead attention weights {@code (B, H, T, S)}, or null unless asked for
     */
    public record Output(Tensor output, Tensor weights, Tensor weightsPerHead) {
    }

    /**
     * @param dropout attention dropout probability (training mode only)
     * @param bias    whether the input and output projections have biases
     * @param rng     draws the initial weights, then the dropout masks: same seed, same model and masks
     */
    public MultiheadAttention(int embedDim, int numHeads, double dropout, boolean bias, RandomGenerator rng) {
        if (embedDim <= 0 || numHeads <= 0) {
            throw new IllegalArgumentException("MultiheadAttention needs positive sizes, got embed_dim=" + embedDim
                    + " num_heads=" + numHeads);
        }
        if (embedDim % numHeads != 0) {
            throw new IllegalArgumentException("MultiheadAttention: num_heads " + numHeads
                    + " must divide embed_dim " + embedDim);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("MultiheadAttention: dropout must be in [0, 1), got " + dropout);
        }
        this.embedDim = embedDim;
        this.numHeads = numHeads;
        this.headDim = embedDim / numHeads;
        this.dropout = dropout;
        this.rng = rng;
        // xavier_uniform_ on the (3E, E) matrix: fan_in = E, fan_out = 3E
        this.inProjWeight = registerParameter("in_proj_weight",
                Init.xavierUniform(rng, embedDim, 3 * embedDim, 1.0, DType.F32, 3 * embedDim, embedDim));
        this.inProjBias = bias ? registerParameter("in_proj_bias", Tensor.zeros(3 * embedDim)) : null;
        this.outProj = registerModule("out_proj", new Linear(embedDim, embedDim, bias, rng));
        if (bias) {
            outProj.bias().set(Tensor.zeros(embedDim));   // PyTorch's _reset_parameters zeroes it
        }
    }

    public MultiheadAttention(int embedDim, int numHeads, RandomGenerator rng) {
        this(embedDim, numHeads, 0.0, true, rng);
    }

    /** Self-attention without masks; returns the output only. */
    @Override
    public Tensor forward(Tensor x) {
        return selfAttention(x, null, false, false).output();
    }

    /** Self-attention on {@code x (B, T, E)}: query, key and value are all {@code x}. */
    public Output selfAttention(Tensor x, Tensor keyPaddingMask, boolean causal, boolean needWeights) {
        return forward(x, x, x, keyPaddingMask, causal, needWeights);
    }

    /**
     * PyTorch's {@code forward(query, key, value, key_padding_mask, need_weights, attn_mask=causal)}.
     *
     * @param query          {@code (B, T, E)}
     * @param key            {@code (B, S, E)}
     * @param value          {@code (B, S, E)}
     * @param keyPaddingMask {@code (B, S)}, non-zero = padded key; or null
     * @param causal         mask the upper triangle (query {@code i} sees keys {@code j <= i})
     * @param needWeights    also return the attention weights (head-averaged and per head)
     */
    public Output forward(Tensor query, Tensor key, Tensor value, Tensor keyPaddingMask, boolean causal,
            boolean needWeights) {
        String who = "MultiheadAttention(E=" + embedDim + ", heads=" + numHeads + ")";
        AttentionMask.checkQueryKeyValue(who, embedDim, query, key, value);
        int b = query.size(0);
        int t = query.size(1);
        int s = key.size(1);
        if (query.dtype() != inProjWeight.dtype() || key.dtype() != query.dtype()
                || value.dtype() != query.dtype()) {
            throw new IllegalArgumentException(who + ": inputs are " + query.dtype() + "/" + key.dtype() + "/"
                    + value.dtype() + " but the parameters are " + inProjWeight.dtype()
                    + "; convert the inputs or call to(DType) on the module");
        }
        Tensor mask = AttentionMask.of(who, keyPaddingMask, causal, b, t, s, query.dtype());
        double p = isTraining() ? dropout : 0.0;
        double scale = 1.0 / Math.sqrt(headDim);
        Tensor w = inProjWeight.get();   // (3E, E)
        Tensor bias = inProjBias == null ? null : inProjBias.get();
        ScaledDotProductAttention.Result r;
        if (query == key && key == value) {
            Tensor qkv = project(query, w, bias);   // (B, T, 3E)
            r = ScaledDotProductAttention.attendPacked(qkv, numHeads, scale, mask, p, rng, needWeights);
        } else {
            int e = embedDim;
            Tensor q = project(query, w.narrow(0, 0, e), bias == null ? null : bias.narrow(0, 0, e));
            Tensor k = project(key, w.narrow(0, e, e), bias == null ? null : bias.narrow(0, e, e));
            Tensor v = project(value, w.narrow(0, 2 * e, e), bias == null ? null : bias.narrow(0, 2 * e, e));
            r = ScaledDotProductAttention.attend(q, k, v, numHeads, scale, mask, p, rng, needWeights);
        }
        Tensor out = outProj.forward(r.output());
        if (!needWeights) {
            return new Output(out, null, null);
        }
        Tensor perHead = r.probs();   // (B, H, T, S), detached
        return new Output(out, perHead.mean(1, false), perHead);
    }

    private static Tensor project(Tensor x, Tensor w, Tensor bias) {
        return x.linear(w, bias);
    }

    public Parameter inProjWeight() {
        return inProjWeight;
    }

    /** The input projection bias, or null when built without biases. */
    public Parameter inProjBias() {
        return inProjBias;
    }

    public Linear outProj() {
        return outProj;
    }

    public int embedDim() {
        return embedDim;
    }

    public int numHeads() {
        return numHeads;
    }

    public int headDim() {
        return headDim;
    }

    public double dropout() {
        return dropout;
    }
}
