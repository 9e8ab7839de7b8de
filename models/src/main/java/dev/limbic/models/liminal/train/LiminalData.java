package dev.limbic.models.liminal.train;

import dev.limbic.data.dataset.EmoBank;
import dev.limbic.data.dataset.EmoBankExample;
import dev.limbic.data.dataset.Split;
import dev.limbic.models.encoder.SentenceEncoder;
import dev.limbic.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * EmoBank's official splits for LIMINAL: texts, targets in the scaled unit t = (v − 3)/2 and, for a frozen encoder,
 * the sentence embeddings (computed once; wrap the encoder in an EmbeddingCache to keep them on disk).
 *
 * @param source where the data came from (a folder, or a label for synthetic data)
 */
public record LiminalData(SplitData train, SplitData dev, SplitData test, int inputDim, String source) {

  /**
   * One split.
   *
   * @param texts      the sentences
   * @param embeddings {@code (N, inputDim)} row-major, or null when the encoder is fine-tuned (embedded per batch)
   * @param targets    {@code (N, 3)} row-major V, A, D in scaled units
   */
  public record SplitData(String name, List<String> texts, float[] embeddings, double[] targets) {
    public SplitData {
      texts = List.copyOf(texts);
      if (targets.length != texts.size() * 3) {
        throw new IllegalArgumentException("split " + name + ": " + texts.size() + " texts but " + targets.length
            + " target values (expected 3 per text)");
      }
    }

    public int size() {
      return texts.size();
    }
  }

  /**
   * Loads EmoBank's train/dev/test from {@code dir/emobank.csv}; with an encoder every sentence is embedded, with
   * {@code encoder == null} (fine-tuning) only texts and targets are kept.
   */
  public static LiminalData fromEmoBank(Path dir, SentenceEncoder encoder, int inputDim) throws IOException {
    SplitData train = split(dir, Split.TRAIN, encoder);
    SplitData dev = split(dir, Split.DEV, encoder);
    SplitData test = split(dir, Split.TEST, encoder);
    return new LiminalData(train, dev, test, encoder != null ? encoder.dimension() : inputDim, dir.toString());
  }

  private static SplitData split(Path dir, Split split, SentenceEncoder encoder) throws IOException {
    List<EmoBankExample> rows = EmoBank.load(dir, split).rows();
    if (rows.isEmpty()) {
      throw new IOException(dir.resolve(EmoBank.FILE) + " has no rows in split '" + split.name().toLowerCase()
          + "'");
    }
    List<String> texts = new ArrayList<>(rows.size());
    double[] targets = new double[rows.size() * 3];
    for (int i = 0; i < rows.size(); i++) {
      EmoBankExample e = rows.get(i);
      texts.add(e.text());
      targets[i * 3] = VadMetrics.toScaledUnits(e.valence());
      targets[i * 3 + 1] = VadMetrics.toScaledUnits(e.arousal());
      targets[i * 3 + 2] = VadMetrics.toScaledUnits(e.dominance());
    }
    float[] emb = encoder == null ? null : embed(encoder, texts);
    return new SplitData(split.name().toLowerCase(), texts, emb, targets);
  }

  /** All texts through the encoder, as one row-major {@code (N, D)} array. */
  public static float[] embed(SentenceEncoder encoder, List<String> texts) {
    Tensor t = encoder.embed(texts);   // (N, D)
    return t.toFloatArray();
  }
}
