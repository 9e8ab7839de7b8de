package dev.limbic.nn;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.ScaledDotProductAttention;
import dev.limbic.tensor.Tensor;
import java.util.Arrays;

/**
 * Builds the additive score masks the attention layers pass to {@link ScaledDotProductAttention}, from a
 * key-padding mask and a causal flag (PyTorch's {@code key_padding_mask} and the upper-triangular
 * {@code attn_mask}), or from a Hugging Face attention mask.
 *
 * <p>Masked scores get −∞, so their probabilities are exactly 0 as in PyTorch. A query row that sees no key at
 * all (every key padded, or causal with its visible prefix padded) is all −∞: PyTorch returns NaN there, the
 * attention op returns zero weights and a zero context row (see {@link ScaledDotProductAttention}).
 */
final class AttentionMask {
    private AttentionMask() {
    }

    /** Query {@code (B, T, dim)}, key and value {@code (B, S, dim)} (batch first), or an error naming the shapes. */
    static void checkQueryKeyValue(String who, int dim, Tensor query, Tensor key, Tensor value) {
        String[] names = {"query", "key", "value"};
        Tensor[] xs = {query, key, value};
        for (int i = 0; i < 3; i++) {
            if (xs[i].dim() != 3 || xs[i].size(2) != dim) {
                throw new IllegalArgumentException(who + ": " + names[i] + " shape "
                        + java.util.Arrays.toString(xs[i].shape()) + " must be (batch, seq, " + dim + ") (batch first)");
            }
        }
        int b = query.size(0);
        int s = key.size(1);
        if (key.size(0) != b || value.size(0) != b || value.size(1) != s) {
            throw new IllegalArgumentException(who + ": query " + java.util.Arrays.toString(query.shape()) + ", key "
                    + java.util.Arrays.toString(key.shape()) + " and value " + java.util.Arrays.toString(value.shape())
                    + " need one batch size, and key and value one length");
        }
    }

    /**
     * The additive mask {@code (B|1, 1, T|1, S)} of 0 and −∞, or null when nothing is masked.
     *
     * @param keyPaddingMask {@code (B, S)} of any dtype, non-zero = padded key (ignored); null for none. Boolean
     *                       semantics for every dtype (PyTorch treats a float mask as additive; this does not)
     * @param causal         query {@code i} sees keys {@code j <= i} only (upper triangle masked)
     */
    static Tensor of(String who, Tensor keyPaddingMask, boolean causal, int batch, int tq, int tk, DType dtype) {
        if (keyPaddingMask == null && !causal) {
            return null;
        }
        boolean[] padded = null;   // (B, S)
        if (keyPaddingMask != null) {
            int[] s = keyPaddingMask.shape();
            if (s.length != 2 || s[0] != batch || s[1] != tk) {
                throw new IllegalArgumentException(who + ": key_padding_mask shape " + Arrays.toString(s)
                        + " must be (batch, keys) = [" + batch + ", " + tk + "]");
            }
            double[] v = keyPaddingMask.toDoubleArray();
            padded = new boolean[v.length];
            for (int i = 0; i < v.length; i++) {
                if (Double.isNaN(v[i])) {
                    throw new IllegalArgumentException(who + ": key_padding_mask holds NaN at flat index " + i);
                }
                padded[i] = v[i] != 0;
            }
        }
        int mb = padded != null ? batch : 1;   // the mask differs between batch elements
        int mt = causal ? tq : 1;              // the mask differs between query rows
        double[] add = new double[mb * mt * tk];   // (mb, 1, mt, S)
        for (int b = 0; b < mb; b++) {
            for (int t = 0; t < mt; t++) {
                for (int j = 0; j < tk; j++) {
                    boolean masked = (padded != null && padded[b * tk + j]) || (causal && j > t);
                    add[(b * mt + t) * tk + j] = masked ? Double.NEGATIVE_INFINITY : 0.0;
                }
            }
        }
        return tensor(add, dtype, mb, 1, mt, tk);
    }

    /**
     * The Hugging Face extended attention mask {@code (1 − mask)·maskValue} of shape {@code (B, 1, 1, S)} from an
     * attention mask {@code (B, S)} with 1 = real token, 0 = padding. HF applies no special case to a fully padded
     * sequence (its rows attend uniformly), and neither does this.
     */
    static Tensor extended(String who, Tensor attentionMask, int batch, int tk, double maskValue, DType dtype) {
        int[] s = attentionMask.shape();
        if (s.length != 2 || s[0] != batch || s[1] != tk) {
            throw new IllegalArgumentException(who + ": attention_mask shape " + Arrays.toString(s)
                    + " must be (batch, seq) = [" + batch + ", " + tk + "]");
        }
        double[] m = attentionMask.toDoubleArray();
        double[] add = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            if (Double.isNaN(m[i])) {
                throw new IllegalArgumentException(who + ": attention_mask holds NaN at flat index " + i);
            }
            add[i] = m[i] == 1.0 ? 0.0 : (1.0 - m[i]) * maskValue;
        }
        return tensor(add, dtype, batch, 1, 1, tk);
    }

    private static Tensor tensor(double[] values, DType dtype, int... shape) {
        if (dtype == DType.F64) {
            return Tensor.of(values, shape);
        }
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return Tensor.of(f, shape);
    }
}
