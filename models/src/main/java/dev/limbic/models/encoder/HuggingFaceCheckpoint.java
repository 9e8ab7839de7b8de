package dev.limbic.models.encoder;

import dev.limbic.nn.Init;
import dev.limbic.nn.StateDictException;
import dev.limbic.tensor.Tensor;
import dev.limbic.tensor.io.TensorFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads a Hugging Face BERT or RoBERTa checkpoint directory ({@code config.json} + {@code model.safetensors}) into
 * a {@link BertModel}.
 *
 * <p>Names: a {@code bert.} or {@code roberta.} prefix (task models such as {@code BertForMaskedLM}) is stripped;
 * the old TensorFlow-converted {@code LayerNorm.gamma/beta} are read as {@code weight/bias}; the
 * {@code embeddings.position_ids} buffer and task heads ({@code cls.}, {@code lm_head.}, {@code classifier.}, ...)
 * are skipped and listed in {@link Loaded#skipped()}. The pooler is built when the checkpoint has one. Every encoder
 * tensor must be present with the right shape: otherwise the error names the file and each missing or mis-shaped
 * tensor.
 */
public final class HuggingFaceCheckpoint {
  private HuggingFaceCheckpoint() {
  }

  /** The model and the checkpoint tensors that were not part of it. */
  public record Loaded(BertModel model, BertConfig config, List<String> skipped) {
    public Loaded {
      skipped = List.copyOf(skipped);
    }
  }

  /** Loads {@code dir/config.json} and {@code dir/model.safetensors}. */
  public static Loaded load(Path dir) throws IOException {
    Path configFile = dir.resolve("config.json");
    Path weights = dir.resolve("model.safetensors");
    if (!Files.isRegularFile(configFile)) {
      throw new NoSuchFileException(configFile.toString(), null, "a Hugging Face checkpoint needs config.json");
    }
    if (!Files.isRegularFile(weights)) {
      String hint = Files.exists(dir.resolve("pytorch_model.bin"))
          ? "; only pytorch_model.bin is present: convert it to safetensors (pickle files are not read)" : "";
      throw new NoSuchFileException(weights.toString(), null, "a Hugging Face checkpoint needs model.safetensors"
          + hint);
    }
    BertConfig config = BertConfig.fromJson(configFile);
    return load(config, TensorFiles.load(weights), weights);
  }

  /** Builds a model for {@code config} from a checkpoint's tensors; {@code source} names the file in errors. */
  public static Loaded load(BertConfig config, Map<String, Tensor> checkpoint, Path source) {
    Map<String, Tensor> state = new LinkedHashMap<>();
    List<String> skipped = new ArrayList<>();
    String prefix = commonPrefix(checkpoint);
    for (Map.Entry<String, Tensor> e : checkpoint.entrySet()) {
      String name = e.getKey();
      if (!prefix.isEmpty() && name.startsWith(prefix)) {
        name = name.substring(prefix.length());
      }
      name = name.replace("LayerNorm.gamma", "LayerNorm.weight").replace("LayerNorm.beta", "LayerNorm.bias");
      boolean encoderPart = name.startsWith("embeddings.") || name.startsWith("encoder.")
          || name.startsWith("pooler.");
      if (!encoderPart || name.equals("embeddings.position_ids")) {
        skipped.add(e.getKey());
        continue;
      }
      state.put(name, e.getValue());
    }
    boolean pooler = state.containsKey("pooler.dense.weight");
    BertModel model = new BertModel(config, pooler, Init.rng(0));
    try {
      model.loadStateDict(state, true);
    } catch (StateDictException ex) {
      throw new IllegalArgumentException(source + " (prefix '" + prefix + "' stripped): " + ex.getMessage(), ex);
    }
    model.eval();
    return new Loaded(model, config, skipped);
  }

  /** "bert." or "roberta." when the checkpoint's encoder tensors carry that prefix, else "". */
  private static String commonPrefix(Map<String, Tensor> checkpoint) {
    for (String p : List.of("bert.", "roberta.")) {
      if (checkpoint.containsKey(p + "embeddings.word_embeddings.weight")) {
        return p;
      }
    }
    return "";
  }
}
