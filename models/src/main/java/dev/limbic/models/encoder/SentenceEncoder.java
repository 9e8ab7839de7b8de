package dev.limbic.models.encoder;

import dev.limbic.tensor.Tensor;
import java.util.List;

/**
 * Texts to fixed-size vectors: the contract every sentence-embedding model of Limbic implements (MiniLM, BERT and
 * RoBERTa checkpoints, and the emotion models that consume them). Implementations are safe to call from several
 * threads only if they say so; the encoders of this package are not.
 */
public interface SentenceEncoder {

  /** One row per text, in order: {@code (N, dimension())}, F32. An empty list gives {@code (0, dimension())}. */
  Tensor embed(List<String> texts);

  /** The vector size. */
  int dimension();

  /** A readable id: model name and the settings that change the vectors ("all-MiniLM-L6-v2/last/mean/l2"). */
  String modelId();

  /**
   * A stable fingerprint (hex SHA-256) of everything that determines the vectors: weights, configuration, pooling,
   * layer combination, normalisation, maximum length and tokenizer. Equal fingerprints give equal vectors; caches
   * key on it.
   */
  String fingerprint();

  /**
   * True when a text's vector does not depend on the other texts of its batch (false for the seed's
   * {@code wmean_pos_rev}); only such encoders can be cached per text.
   */
  default boolean batchIndependent() {
    return true;
  }
}
