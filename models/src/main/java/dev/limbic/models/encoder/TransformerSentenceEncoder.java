package dev.limbic.models.encoder;

import dev.limbic.data.tokenize.BatchEncoding;
import dev.limbic.data.tokenize.Encoding;
import dev.limbic.data.tokenize.Tokenizer;
import dev.limbic.tensor.DType;
import dev.limbic.tensor.GradMode;
import dev.limbic.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A {@link SentenceEncoder} over a {@link BertModel}: tokenise (truncate to {@code maxLength}), pad each batch of
 * {@code batchSize} consecutive texts, run the encoder without gradients in eval mode, combine layers
 * ({@link LayerCombination}), pool tokens ({@link TokenPooling}) and optionally L2-normalise.
 *
 * <p>With a batch-independent pooling, texts are grouped by token count before batching (less padding) and the rows
 * are returned in input order. A batch-dependent pooling ({@code wmean_pos_rev}) keeps consecutive slices of the
 * input, so it sees the same neighbours as the seed's generators given the same batch size.
 */
public final class TransformerSentenceEncoder implements SentenceEncoder {
  private final String name;
  private final BertModel model;
  private final Tokenizer tokenizer;
  private final LayerCombination layers;
  private final TokenPooling pooling;
  private final boolean normalize;
  private final int maxLength;
  private final int batchSize;
  private String fingerprint;

  /**
   * @param name      model name for {@link #modelId()} ("all-MiniLM-L6-v2")
   * @param maxLength tokens per text including specials (truncation); at most the model's position table
   * @param batchSize texts per forward pass
   * @param tokenizer the model's tokenizer; null for an encoder that is only fed token ids ({@link #embedIds})
   */
  public TransformerSentenceEncoder(String name, BertModel model, Tokenizer tokenizer, LayerCombination layers,
      TokenPooling pooling, boolean normalize, int maxLength, int batchSize) {
    if (maxLength < 2) {
      throw new IllegalArgumentException("maxLength " + maxLength + " leaves no room for the special tokens");
    }
    int positions = model.config().maxPositions()
        - (model.config().positions() == BertConfig.PositionScheme.ROBERTA ? model.config().padTokenId() + 1 : 0);
    if (maxLength > positions) {
      throw new IllegalArgumentException("maxLength " + maxLength + " exceeds the " + positions
          + " positions the model has");
    }
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
    }
    this.name = name;
    this.model = model;
    this.tokenizer = tokenizer;
    this.layers = layers;
    this.pooling = pooling;
    this.normalize = normalize;
    this.maxLength = maxLength;
    this.batchSize = batchSize;
    layers.blocks(model.config().numLayers());   // a concatenation of layers the model lacks fails here, not later
    model.eval();
  }

  /** A copy with other layer/pooling/normalisation settings, sharing the model and tokenizer. */
  public TransformerSentenceEncoder with(LayerCombination newLayers, TokenPooling newPooling, boolean l2) {
    return new TransformerSentenceEncoder(name, model, tokenizer, newLayers, newPooling, l2, maxLength, batchSize);
  }

  @Override
  public Tensor embed(List<String> texts) {
    if (tokenizer == null) {
      throw new IllegalStateException(modelId() + " was built without a tokenizer; it embeds token ids only "
          + "(embedIds / embedBatch)");
    }
    int n = texts.size();
    if (n == 0) {
      return Tensor.zeros(0, dimension());
    }
    Encoding[] encodings = new Encoding[n];
    for (int i = 0; i < n; i++) {
      encodings[i] = tokenizer.encode(texts.get(i), maxLength);
    }
    // batch-independent poolings: batch texts of similar length together, so little compute goes to padding;
    // wmean_pos_rev keeps the input order, since its vectors depend on the batch (the seed's batches)
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    if (batchIndependent()) {
      java.util.Arrays.sort(order, java.util.Comparator.comparingInt(i -> encodings[i].length()));
    }
    float[] out = new float[n * dimension()];   // (N, D)
    int d = dimension();
    for (int start = 0; start < n; start += batchSize) {
      int size = Math.min(batchSize, n - start);
      Encoding[] slice = new Encoding[size];
      for (int j = 0; j < size; j++) {
        slice[j] = encodings[order[start + j]];
      }
      float[] rows = embedBatch(BatchEncoding.pad(slice, tokenizer.padId())).toFloatArray();   // (size, D)
      for (int j = 0; j < size; j++) {
        System.arraycopy(rows, j * d, out, order[start + j] * d, d);
      }
    }
    return Tensor.of(out, n, d);
  }

  /** Embeds one already tokenised, padded batch: {@code (B, D)}. */
  public Tensor embedBatch(BatchEncoding batch) {
    String[][] tokens = new String[batch.batch()][];
    for (int b = 0; b < tokens.length; b++) {
      Encoding e = batch.encodings()[b];
      tokens[b] = e == null ? null : e.tokens();
    }
    return embedIds(batch.ids(), batch.typeIds(), batch.attentionMask(), tokens, batch.batch(), batch.maxLen());
  }

  /**
   * Embeds a padded batch of ids (the parity tests feed reference ids here).
   *
   * @param ids    {@code (B, T)}
   * @param types  {@code (B, T)} or null for 0
   * @param mask   {@code (B, T)}, 1 = token
   * @param tokens per-row token strings (for {@code wmean_idf}), or null
   */
  public Tensor embedIds(int[] ids, int[] types, int[] mask, String[][] tokens, int batch, int seq) {
    try (GradMode.Scope ignored = GradMode.noGrad()) {
      BertModel.Output out = model.forward(ids, types, mask, batch, seq);
      Tensor states = layers.combine(out.hiddenStates());   // (B, T, D)
      Tensor pooled = pooling.pool(states, mask, tokens);   // (B, D)
      Tensor result = normalize ? normalized(pooled) : pooled;
      return result.dtype() == DType.F32 ? result.contiguous() : result.to(DType.F32);
    }
  }

  @Override
  public int dimension() {
    return model.config().hidden() * layers.blocks(model.config().numLayers());
  }

  @Override
  public String modelId() {
    return name + "/" + layers.describe() + "/" + pooling.name() + (normalize ? "/l2" : "") + "/max" + maxLength;
  }

  @Override
  public boolean batchIndependent() {
    return !pooling.dependsOnBatch();
  }

  @Override
  public synchronized String fingerprint() {
    if (fingerprint == null) {
      MessageDigest md = sha256();
      String tok = tokenizer == null ? "ids-only"
          : tokenizer.getClass().getName() + "|vocab" + tokenizer.vocabSize() + "|pad" + tokenizer.padId();
      String batching = batchIndependent() ? "-" : Integer.toString(batchSize);
      md.update((modelId() + "|" + model.config() + "|" + tok + "|batch" + batching).getBytes(StandardCharsets.UTF_8));
      for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) {
        md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
        float[] v = e.getValue().to(DType.F32).toFloatArray();
        ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(v);
        md.update(buf);
      }
      fingerprint = HexFormat.of().formatHex(md.digest());
    }
    return fingerprint;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  public BertModel model() {
    return model;
  }

  public Tokenizer tokenizer() {
    return tokenizer;
  }

  public LayerCombination layers() {
    return layers;
  }

  public TokenPooling pooling() {
    return pooling;
  }

  public int maxLength() {
    return maxLength;
  }

  /** Whether the vectors are L2-normalised. */
  public boolean normalize() {
    return normalize;
  }

  /**
   * Embeds texts with autograd on (for fine-tuning the encoder): one padded batch in input order, the graph kept, so
   * a loss on the result back-propagates into {@link #model()}'s parameters. The model stays in its current mode
   * (eval by default: no dropout, deterministic). {@code (N, D)}.
   */
  public Tensor embedTrainable(List<String> texts) {
    if (tokenizer == null) {
      throw new IllegalStateException(modelId() + " was built without a tokenizer; it cannot embed text");
    }
    Encoding[] encodings = new Encoding[texts.size()];
    String[][] tokens = new String[texts.size()][];
    for (int i = 0; i < encodings.length; i++) {
      encodings[i] = tokenizer.encode(texts.get(i), maxLength);
      tokens[i] = encodings[i].tokens();
    }
    BatchEncoding batch = BatchEncoding.pad(encodings, tokenizer.padId());
    BertModel.Output out = model.forward(batch.ids(), batch.typeIds(), batch.attentionMask(), batch.batch(),
        batch.maxLen());
    Tensor states = layers.combine(out.hiddenStates());   // (B, T, D)
    Tensor pooled = pooling.pool(states, batch.attentionMask(), tokens);   // (B, D)
    return normalize ? normalized(pooled) : pooled;
  }

  /** L2-normalises each row, or each layer's block of a row when layers are concatenated. {@code (B, D)}. */
  private Tensor normalized(Tensor pooled) {
    int blocks = layers.blocks(model.config().numLayers());
    if (blocks == 1) {
      return TokenPooling.l2Normalize(pooled);
    }
    int b = pooled.shape()[0];
    int h = model.config().hidden();
    return TokenPooling.l2Normalize(pooled.reshape(b, blocks, h)).reshape(b, blocks * h);   // (B, blocks, H)
  }
}
