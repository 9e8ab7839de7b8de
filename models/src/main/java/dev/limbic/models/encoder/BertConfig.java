package dev.limbic.models.encoder;

import dev.limbic.data.json.Json;
import dev.limbic.data.json.JsonException;
import dev.limbic.nn.Activation;
import dev.limbic.nn.TransformerEncoderConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Hyper-parameters of a BERT-family encoder (BERT, RoBERTa, MiniLM), as in a Hugging Face {@code config.json}.
 *
 * @param modelType      {@code model_type}: "bert", "roberta", ...
 * @param vocabSize      rows of the word embedding table
 * @param hidden         model width
 * @param numLayers      encoder layers
 * @param heads          attention heads
 * @param intermediate   feed-forward width
 * @param maxPositions   rows of the position embedding table
 * @param typeVocabSize  rows of the token-type table (BERT 2, RoBERTa 1)
 * @param layerNormEps   LayerNorm epsilon (BERT 1e-12, RoBERTa 1e-5)
 * @param activation     feed-forward activation ("gelu" = erf form)
 * @param hiddenDropout  dropout on embeddings and layer outputs (training only)
 * @param attentionDropout dropout on attention probabilities (training only)
 * @param padTokenId     padding id: the padding row of the word table, and for RoBERTa of the position table
 * @param positions      how position ids are derived from the input ids
 */
public record BertConfig(String modelType, int vocabSize, int hidden, int numLayers, int heads, int intermediate,
    int maxPositions, int typeVocabSize, double layerNormEps, Activation.Kind activation, double hiddenDropout,
    double attentionDropout, int padTokenId, PositionScheme positions) {

  /** How position ids are numbered. */
  public enum PositionScheme {
    /** BERT: {@code 0, 1, …, T−1} for every row, padding included. */
    ABSOLUTE,
    /**
     * RoBERTa: {@code m = (id != pad)}, {@code position = cumsum(m)·m + pad}: real tokens get {@code pad+1,
     * pad+2, …}, padding tokens get {@code pad} (the table's padding row).
     */
    ROBERTA
  }

  public BertConfig {
    if (vocabSize <= 0 || numLayers <= 0 || maxPositions <= 0 || typeVocabSize <= 0) {
      throw new IllegalArgumentException("BertConfig needs positive sizes, got vocab " + vocabSize + ", layers "
          + numLayers + ", max positions " + maxPositions + ", type vocab " + typeVocabSize);
    }
    if (padTokenId < 0 || padTokenId >= vocabSize) {
      throw new IllegalArgumentException("BertConfig: pad_token_id " + padTokenId + " outside the vocabulary of "
          + vocabSize);
    }
    if (positions == PositionScheme.ROBERTA && padTokenId >= maxPositions) {
      throw new IllegalArgumentException("BertConfig: RoBERTa positions need pad_token_id " + padTokenId
          + " < max_position_embeddings " + maxPositions);
    }
    layerConfigOf(hidden, heads, intermediate, layerNormEps, activation, hiddenDropout, attentionDropout);
  }

  /** all-MiniLM-L6-v2: BERT uncased vocabulary, 6 layers of width 384, 12 heads, FFN 1536, eps 1e-12. */
  public static BertConfig miniLmL6() {
    return new BertConfig("bert", 30522, 384, 6, 12, 1536, 512, 2, 1e-12, Activation.Kind.GELU, 0.1, 0.1, 0,
        PositionScheme.ABSOLUTE);
  }

  /** The layer settings for {@link dev.limbic.nn.TransformerEncoder}; padded keys get the dtype's lowest value. */
  public TransformerEncoderConfig layerConfig() {
    return layerConfigOf(hidden, heads, intermediate, layerNormEps, activation, hiddenDropout, attentionDropout);
  }

  private static TransformerEncoderConfig layerConfigOf(int hidden, int heads, int intermediate, double eps,
      Activation.Kind act, double hiddenP, double attentionP) {
    // BERT defaults (mask value = the dtype's lowest, as current Hugging Face) with this checkpoint's constants
    return TransformerEncoderConfig.bert(hidden, heads, intermediate).withLayerNormEps(eps).withActivation(act)
        .withDropout(hiddenP, attentionP);
  }

  /**
   * Reads a Hugging Face {@code config.json}. {@code model_type} "roberta", "xlm-roberta" and "camembert" number
   * positions the RoBERTa way; anything else BERT's. Errors name the file and the field.
   */
  public static BertConfig fromJson(Path file) throws IOException {
    Map<String, Object> c = Json.parseObject(file);
    String where = file.toString();
    String type = c.containsKey("model_type") ? Json.string(c, "model_type", where) : "bert";
    boolean roberta = type.equals("roberta") || type.equals("xlm-roberta") || type.equals("camembert");
    if (c.containsKey("position_embedding_type")
        && !"absolute".equals(Json.string(c, "position_embedding_type", where))) {
      throw new JsonException(where + ": position_embedding_type \"" + c.get("position_embedding_type")
          + "\" is not supported (only \"absolute\")");
    }
    String act = c.containsKey("hidden_act") ? Json.string(c, "hidden_act", where) : "gelu";
    Activation.Kind kind = switch (act) {
      case "gelu" -> Activation.Kind.GELU;
      case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> Activation.Kind.GELU_TANH;
      case "relu" -> Activation.Kind.RELU;
      case "tanh" -> Activation.Kind.TANH;
      default -> throw new JsonException(where + ": hidden_act \"" + act + "\" is not supported "
          + "(gelu, gelu_new, gelu_pytorch_tanh, relu, tanh)");
    };
    try {
      return new BertConfig(type, intField(c, "vocab_size", where), intField(c, "hidden_size", where),
          intField(c, "num_hidden_layers", where), intField(c, "num_attention_heads", where),
          intField(c, "intermediate_size", where), intField(c, "max_position_embeddings", where),
          c.containsKey("type_vocab_size") ? intField(c, "type_vocab_size", where) : 2,
          c.containsKey("layer_norm_eps") ? Json.number(c, "layer_norm_eps", where) : 1e-12, kind,
          dropout(c, "hidden_dropout_prob", where), dropout(c, "attention_probs_dropout_prob", where),
          c.containsKey("pad_token_id") && c.get("pad_token_id") != null ? intField(c, "pad_token_id", where)
              : (roberta ? 1 : 0),
          roberta ? PositionScheme.ROBERTA : PositionScheme.ABSOLUTE);
    } catch (IllegalArgumentException e) {
      throw new JsonException(where + ": " + e.getMessage());
    }
  }

  private static int intField(Map<String, Object> c, String key, String where) {
    long v = Json.integer(c, key, where);
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw new JsonException(where + ": field \"" + key + "\" = " + v + " is out of range");
    }
    return (int) v;
  }

  private static double dropout(Map<String, Object> c, String key, String where) {
    return c.containsKey(key) && c.get(key) != null ? Json.number(c, key, where) : 0.1;
  }
}
