package dev.limbic.models.encoder;

import dev.limbic.nn.Dropout;
import dev.limbic.nn.Embedding;
import dev.limbic.nn.LayerNorm;
import dev.limbic.nn.Module;
import dev.limbic.tensor.DType;
import dev.limbic.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * Hugging Face {@code BertEmbeddings} / {@code RobertaEmbeddings}: {@code LayerNorm(word[ids] + token_type[types]
 * + position[positions])} then dropout, with the parameter names {@code word_embeddings}, {@code
 * position_embeddings}, {@code token_type_embeddings} and {@code LayerNorm} (relative to {@code embeddings.}).
 *
 * <p>The word table has {@code padding_idx = pad_token_id} as in Hugging Face, so its padding row never gets a
 * gradient; under {@link BertConfig.PositionScheme#ROBERTA} the position table has the same padding index (padding
 * tokens read position row {@code pad}).
 */
public final class BertEmbeddings extends Module {
  private final BertConfig config;
  private final Embedding word;
  private final Embedding position;
  private final Embedding tokenType;
  private final LayerNorm norm;
  private final Dropout dropout;

  public BertEmbeddings(BertConfig config, RandomGenerator rng) {
    this.config = config;
    boolean roberta = config.positions() == BertConfig.PositionScheme.ROBERTA;
    this.word = registerModule("word_embeddings",
        new Embedding(config.vocabSize(), config.hidden(), config.padTokenId(), rng));
    this.position = registerModule("position_embeddings",
        new Embedding(config.maxPositions(), config.hidden(), roberta ? config.padTokenId() : -1, rng));
    this.tokenType = registerModule("token_type_embeddings",
        new Embedding(config.typeVocabSize(), config.hidden(), rng));
    this.norm = registerModule("LayerNorm", new LayerNorm(config.hidden(), config.layerNormEps()));
    this.dropout = registerModule("dropout", new Dropout(config.hiddenDropout(), rng));
  }

  /**
   * @param inputIds     {@code (B, T)} token ids, row-major
   * @param tokenTypeIds {@code (B, T)} segment ids, or null for all 0
   * @return {@code (B, T, hidden)} in the parameters' dtype
   */
  public Tensor forward(int[] inputIds, int[] tokenTypeIds, int batch, int seq) {
    if (inputIds.length != batch * seq) {
      throw new IllegalArgumentException("BertEmbeddings: " + inputIds.length + " input ids for batch " + batch
          + " × length " + seq);
    }
    if (tokenTypeIds != null && tokenTypeIds.length != inputIds.length) {
      throw new IllegalArgumentException("BertEmbeddings: " + tokenTypeIds.length + " token type ids for "
          + inputIds.length + " input ids");
    }
    int[] positions = positionIds(inputIds, batch, seq);
    int[] types = tokenTypeIds != null ? tokenTypeIds : new int[inputIds.length];
    Tensor sum = word.forward(Tensor.ofInts(inputIds, batch, seq))        // (B, T, H)
        .add(tokenType.forward(Tensor.ofInts(types, batch, seq)))
        .add(position.forward(Tensor.ofInts(positions, batch, seq)));
    return dropout.forward(norm.forward(sum));
  }

  /** Position ids {@code (B, T)} under this model's {@link BertConfig.PositionScheme}. */
  public int[] positionIds(int[] inputIds, int batch, int seq) {
    int[] pos = new int[batch * seq];
    if (config.positions() == BertConfig.PositionScheme.ABSOLUTE) {
      if (seq > config.maxPositions()) {
        throw new IllegalArgumentException("BertEmbeddings: sequence length " + seq + " exceeds "
            + "max_position_embeddings " + config.maxPositions() + "; truncate the input");
      }
      for (int b = 0; b < batch; b++) {
        for (int t = 0; t < seq; t++) {
          pos[b * seq + t] = t;
        }
      }
      return pos;
    }
    int pad = config.padTokenId();
    for (int b = 0; b < batch; b++) {
      int count = 0;
      for (int t = 0; t < seq; t++) {
        int i = b * seq + t;
        if (inputIds[i] != pad) {
          count++;
          pos[i] = pad + count;
          if (pos[i] >= config.maxPositions()) {
            throw new IllegalArgumentException("BertEmbeddings: row " + b + " has " + count + " non-padding "
                + "tokens; RoBERTa positions start at " + (pad + 1) + " so at most "
                + (config.maxPositions() - pad - 1) + " fit in max_position_embeddings " + config.maxPositions());
          }
        } else {
          pos[i] = pad;
        }
      }
    }
    return pos;
  }

  public Embedding wordEmbeddings() {
    return word;
  }

  public Embedding positionEmbeddings() {
    return position;
  }

  public Embedding tokenTypeEmbeddings() {
    return tokenType;
  }

  public LayerNorm layerNorm() {
    return norm;
  }

  DType dtype() {
    return word.weight().dtype();
  }
}
