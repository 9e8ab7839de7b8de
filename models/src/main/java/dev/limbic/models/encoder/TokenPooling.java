package dev.limbic.models.encoder;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.Tensor;
import java.util.Arrays;

/**
 * Pools token states {@code h (B, T, D)} under a padding mask {@code m (B, T)} into one vector per sequence,
 * exactly as MODELS.md §3.3 defines it (positions {@code t = 1..T}, special tokens included). Every weighted
 * pooling computes {@code e = Σ_t w_t h_t} with {@code w_t = m_t·ŵ_t / max(Σ_t m_t ŵ_t, 1e-6)}:
 *
 * <table>
 * <tr><th>name</th><th>{@code ŵ_t}</th></tr>
 * <tr><td>{@code cls}</td><td>none: {@code e = h_1}</td></tr>
 * <tr><td>{@code mean}</td><td>1 (so {@code e = Σ m_t h_t / max(Σ m_t, 1e-6)})</td></tr>
 * <tr><td>{@code attn}</td><td>{@code softmax_t((⟨h_t, h_1⟩/√D, −1e9 where m_t = 0) / τ)}, τ = 1; not learned</td></tr>
 * <tr><td>{@code wmean_pos}</td><td>{@code t}</td></tr>
 * <tr><td>{@code wmean_pos_rev}</td><td>{@code T − t + 1}, T = the padded batch length (the seed's behaviour: a
 * sentence's weights depend on its batch neighbours)</td></tr>
 * <tr><td>{@code wmean_pos_rev_seq}</td><td>{@code L − t + 1}, L = the sequence's own length (MODELS.md's
 * clean-mode proposal; batch-independent)</td></tr>
 * <tr><td>{@code wmean_exp_fast/med/slow}</td><td>{@code exp(−(t−1)/τ)}, τ = 2 / 5 / 10</td></tr>
 * <tr><td>{@code wmean_idf}</td><td>{@code 1 + idf(token_t)} from an {@link IdfTable}</td></tr>
 * </table>
 *
 * <p>All poolings are built from tensor ops, so gradients flow to {@code h} (fine-tuning through the pooling).
 * Masks must be 0/1; {@code h_1} is the first position whatever the mask says, as in the seed.
 */
public final class TokenPooling {
  /** The pooling rules. */
  public enum Kind { CLS, MEAN, ATTN, WMEAN_POS, WMEAN_POS_REV, WMEAN_POS_REV_SEQ, WMEAN_EXP, WMEAN_IDF }

  private static final double WEIGHT_FLOOR = 1e-6;
  private static final double ATTN_MASKED_SCORE = -1e9;

  private final Kind kind;
  private final String name;
  private final double tau;
  private final IdfTable idf;

  private TokenPooling(Kind kind, String name, double tau, IdfTable idf) {
    if ((kind == Kind.WMEAN_EXP || kind == Kind.ATTN) && !(tau > 0 && Double.isFinite(tau))) {
      throw new IllegalArgumentException("pooling " + name + ": τ must be positive and finite, got " + tau);
    }
    if (kind == Kind.WMEAN_IDF && idf == null) {
      throw new IllegalArgumentException("pooling wmean_idf needs an IdfTable");
    }
    this.kind = kind;
    this.name = name;
    this.tau = tau;
    this.idf = idf;
  }

  public static TokenPooling cls() {
    return new TokenPooling(Kind.CLS, "cls", 0, null);
  }

  public static TokenPooling mean() {
    return new TokenPooling(Kind.MEAN, "mean", 0, null);
  }

  /** Non-learned [CLS]-query attention with temperature 1. */
  public static TokenPooling attn() {
    return attn(1.0);
  }

  public static TokenPooling attn(double tau) {
    return new TokenPooling(Kind.ATTN, tau == 1.0 ? "attn" : "attn_tau" + tau, tau, null);
  }

  public static TokenPooling wmeanPos() {
    return new TokenPooling(Kind.WMEAN_POS, "wmean_pos", 0, null);
  }

  /** Reverse positions with T = the padded batch length (fidelity to the seed). */
  public static TokenPooling wmeanPosRev() {
    return new TokenPooling(Kind.WMEAN_POS_REV, "wmean_pos_rev", 0, null);
  }

  /** Reverse positions with each sequence's own length (batch-independent variant). */
  public static TokenPooling wmeanPosRevPerSequence() {
    return new TokenPooling(Kind.WMEAN_POS_REV_SEQ, "wmean_pos_rev_seq", 0, null);
  }

  public static TokenPooling wmeanExp(double tau) {
    String n = tau == 2 ? "wmean_exp_fast" : tau == 5 ? "wmean_exp_med" : tau == 10 ? "wmean_exp_slow"
        : "wmean_exp_tau" + tau;
    return new TokenPooling(Kind.WMEAN_EXP, n, tau, null);
  }

  public static TokenPooling wmeanExpFast() {
    return wmeanExp(2);
  }

  public static TokenPooling wmeanExpMed() {
    return wmeanExp(5);
  }

  public static TokenPooling wmeanExpSlow() {
    return wmeanExp(10);
  }

  public static TokenPooling wmeanIdf(IdfTable table) {
    return new TokenPooling(Kind.WMEAN_IDF, "wmean_idf", 0, table);
  }

  /** By the seed's {@code --pool} name; {@code idf} is needed for {@code wmean_idf} only (else may be null). */
  public static TokenPooling byName(String name, IdfTable idf) {
    return switch (name) {
      case "cls" -> cls();
      case "mean" -> mean();
      case "attn" -> attn();
      case "wmean_pos" -> wmeanPos();
      case "wmean_pos_rev" -> wmeanPosRev();
      case "wmean_pos_rev_seq" -> wmeanPosRevPerSequence();
      case "wmean_exp_fast" -> wmeanExpFast();
      case "wmean_exp_med" -> wmeanExpMed();
      case "wmean_exp_slow" -> wmeanExpSlow();
      case "wmean_idf" -> wmeanIdf(idf);
      default -> throw new IllegalArgumentException("unknown pooling '" + name + "' (cls, mean, attn, wmean_pos, "
          + "wmean_pos_rev, wmean_pos_rev_seq, wmean_exp_fast, wmean_exp_med, wmean_exp_slow, wmean_idf)");
    };
  }

  public Kind kind() {
    return kind;
  }

  public String name() {
    return name;
  }

  /** True when a sequence's vector depends on the other sequences of its batch ({@code wmean_pos_rev}). */
  public boolean dependsOnBatch() {
    return kind == Kind.WMEAN_POS_REV;
  }

  /**
   * Pools a batch.
   *
   * @param hidden {@code (B, T, D)} token states (F32 or F64; gradients flow back to it)
   * @param mask   {@code (B, T)} row-major, 1 = token, 0 = padding
   * @param tokens {@code tokens[b][t]} token strings; read by {@code wmean_idf} only (else may be null)
   * @return {@code (B, D)}
   */
  public Tensor pool(Tensor hidden, int[] mask, String[][] tokens) {
    if (hidden.dim() != 3) {
      throw new IllegalArgumentException("pooling " + name + ": hidden states shape " + Arrays.toString(hidden.shape())
          + " must be (batch, seq, dim)");
    }
    int b = hidden.size(0);
    int t = hidden.size(1);
    if (mask.length != b * t) {
      throw new IllegalArgumentException("pooling " + name + ": mask has " + mask.length + " entries for batch " + b
          + " × length " + t);
    }
    for (int i = 0; i < mask.length; i++) {
      if (mask[i] != 0 && mask[i] != 1) {
        throw new IllegalArgumentException("pooling " + name + ": mask holds " + mask[i] + " at flat index " + i
            + "; use 1 = token, 0 = padding");
      }
    }
    if (t == 0) {
      throw new IllegalArgumentException("pooling " + name + ": sequence length is 0");
    }
    return switch (kind) {
      case CLS -> hidden.select(1, 0);
      case ATTN -> attention(hidden, mask, b, t);
      default -> weighted(hidden, fixedWeights(mask, tokens, b, t), b, t);
    };
  }

  /** {@code Σ_t w_t h_t} for weights already normalised: {@code (B, T, D)} × {@code (B, T)} → {@code (B, D)}. */
  private static Tensor weighted(Tensor hidden, double[] w, int b, int t) {
    Tensor weights = tensor(w, hidden.dtype(), b, t, 1);   // (B, T, 1)
    return hidden.mul(weights).sum(1, false);
  }

  /** {@code w_t = m_t ŵ_t / max(Σ m ŵ, 1e-6)} for the weight rules that do not depend on the states. */
  private double[] fixedWeights(int[] mask, String[][] tokens, int b, int t) {
    double[] w = new double[b * t];   // (B, T)
    for (int row = 0; row < b; row++) {
      int length = 0;
      for (int j = 0; j < t; j++) {
        length += mask[row * t + j];
      }
      double total = 0;
      for (int j = 0; j < t; j++) {
        int i = row * t + j;
        int pos = j + 1;   // t = 1..T
        double raw = switch (kind) {
          case MEAN -> 1.0;
          case WMEAN_POS -> pos;
          case WMEAN_POS_REV -> t - pos + 1;
          case WMEAN_POS_REV_SEQ -> length - pos + 1;
          case WMEAN_EXP -> Math.exp(-(pos - 1) / tau);
          case WMEAN_IDF -> mask[i] == 0 ? 0.0 : 1.0 + idf.idf(token(tokens, row, j));
          default -> throw new IllegalStateException(kind.toString());
        };
        w[i] = mask[i] * raw;
        total += w[i];
      }
      double denom = Math.max(total, WEIGHT_FLOOR);
      for (int j = 0; j < t; j++) {
        w[row * t + j] /= denom;
      }
    }
    return w;
  }

  private String token(String[][] tokens, int row, int j) {
    if (tokens == null || row >= tokens.length || tokens[row] == null || j >= tokens[row].length) {
      throw new IllegalArgumentException("pooling " + name + ": no token string for row " + row + " position " + j
          + " (wmean_idf needs the tokens of every unpadded position)");
    }
    return tokens[row][j];
  }

  /** [CLS]-query attention: differentiable in {@code h}, the query {@code h_1} included. */
  private Tensor attention(Tensor hidden, int[] mask, int b, int t) {
    int d = hidden.size(2);
    Tensor query = hidden.select(1, 0).unsqueeze(2);                            // (B, D, 1)
    Tensor scores = hidden.matmul(query).squeeze(2).div(Math.sqrt(d));          // (B, T)
    double[] m = new double[b * t];
    for (int i = 0; i < m.length; i++) {
      m[i] = mask[i];
    }
    Tensor maskT = tensor(m, hidden.dtype(), b, t);                              // (B, T)
    Tensor masked = Tensor.where(maskT, scores, Tensor.full(ATTN_MASKED_SCORE, hidden.dtype(), b, t));
    Tensor probs = masked.div(tau).softmax(1);                                   // ŵ (B, T)
    Tensor num = probs.mul(maskT);
    Tensor w = num.div(num.sum(1, true).clamp(WEIGHT_FLOOR, Double.POSITIVE_INFINITY));
    return hidden.mul(w.unsqueeze(2)).sum(1, false);                             // (B, D)
  }

  private static Tensor tensor(double[] v, DType dtype, int... shape) {
    if (dtype == DType.F64) {
      return Tensor.of(v, shape);
    }
    float[] f = new float[v.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) v[i];
    }
    return Tensor.of(f, shape);
  }

  /** {@code x / max(‖x‖₂, 1e-12)} per row of {@code (N, D)} (PyTorch's {@code F.normalize}); differentiable. */
  public static Tensor l2Normalize(Tensor x) {
    Tensor norm = x.mul(x).sum(x.dim() - 1, true).sqrt().clamp(1e-12, Double.POSITIVE_INFINITY);
    return x.div(norm);
  }

  @Override
  public String toString() {
    return name;
  }
}
