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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A {@link SentenceEncoder} over a {@link BertModel}: tokenise (truncate to {@code maxLength}), pad each batch of
 * {@code batchSize} consecutive texts, run the encoder without gradients in eval mode, combine layers
 * ({@link LayerCombination}), pool tokens ({@link TokenPooling}) and optionally L2-normalise.
 *
 * <p>Batches are consecutive slices of the input in order, so a batch-dependent pooling ({@code wmean_pos_rev})
 * sees the same neighbours as the seed's generators given the same batch size.
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
    List<Tensor> parts = new ArrayList<>();
    for (int start = 0; start < texts.size(); start += batchSize) {
      List<String> slice = texts.subList(start, Math.min(texts.size(), start + batchSize));
      parts.add(embedBatch(tokenizer.encodeBatch(slice, maxLength)));
    }
    if (parts.isEmpty()) {
      return Tensor.zeros(0, dimension());
    }
    return parts.size() == 1 ? parts.get(0) : Tensor.cat(parts, 0);
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
      Tensor states = layers.combine(out.hiddenStates());   // (B, T, H)
      Tensor pooled = pooling.pool(states, mask, tokens);   // (B, H)
      Tensor result = normalize ? TokenPooling.l2Normalize(pooled) : pooled;
      return result.dtype() == DType.F32 ? result.contiguous() : result.to(DType.F32);
    }
  }

  @Override
  public int dimension() {
    return model.config().hidden();
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
}
