package dev.limbic.models.liminal.train;

import dev.limbic.models.liminal.FileSoulMemory;
import dev.limbic.models.liminal.InMemorySoulMemory;
import dev.limbic.models.liminal.LiminalConfig;
import dev.limbic.models.liminal.LiminalVersion;
import dev.limbic.models.liminal.SoulMemory;
import dev.limbic.models.liminal.TinyRecursiveModel;
import dev.limbic.nn.Init;
import dev.limbic.tensor.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A finished training run folder written by {@link LiminalTrainer}: the model rebuilt from the configuration in
 * {@code model.safetensors}'s metadata, its weights, and (v6) the SoulKernel memory as it stood before the final
 * evaluation, so evaluating the test split again gives the run's figures.
 *
 * @param encoderId          the encoder the run was trained with
 * @param encoderFingerprint its fingerprint (a different encoder gives different vectors)
 * @param encoderFinetuned   whether {@code encoder.safetensors} holds fine-tuned encoder weights
 */
public record LiminalRun(Path dir, TinyRecursiveModel model, String encoderId, String encoderFingerprint,
    boolean encoderFinetuned) {

  /** Opens a run with the SoulKernel memory copied into process memory (the run's file stays unchanged). */
  public static LiminalRun open(Path dir) throws IOException {
    return open(dir, false);
  }

  /**
   * @param persistentMemory v6: keep using (and appending to) the run's {@code soul_memory.jsonl} instead of a copy,
   *                         so the memory carries across calls such as repeated predictions
   */
  public static LiminalRun open(Path dir, boolean persistentMemory) throws IOException {
    Path file = dir.resolve(LiminalTrainer.MODEL);
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "no trained LIMINAL model here (train one with "
          + "'limbic train liminal --out " + dir + "')");
    }
    Map<String, String> meta = SafeTensors.read(file).metadata();
    LiminalConfig cfg = new LiminalConfig(LiminalVersion.parse(field(meta, file, "liminal.version")),
        Integer.parseInt(field(meta, file, "liminal.input_dim")), Integer.parseInt(field(meta, file, "liminal.d")),
        Integer.parseInt(field(meta, file, "liminal.outer_iterations")),
        Integer.parseInt(field(meta, file, "liminal.inner_iterations")),
        Double.parseDouble(field(meta, file, "liminal.affect_weight")),
        Boolean.parseBoolean(field(meta, file, "liminal.original_readout")));
    SoulMemory memory = new InMemorySoulMemory();
    Path soul = dir.resolve(LiminalTrainer.SOUL);
    if (cfg.version().hasSoulKernel() && Files.exists(soul)) {
      FileSoulMemory f = FileSoulMemory.open(soul);
      if (persistentMemory) {
        memory = f;
      } else {
        memory.replaceAll(f.entries());
        f.close();
      }
    }
    TinyRecursiveModel model = new TinyRecursiveModel(cfg, Init.rng(0), memory);
    model.load(file, true);
    model.eval();
    return new LiminalRun(dir, model, meta.getOrDefault("encoder.id", "unknown"),
        meta.getOrDefault("encoder.fingerprint", ""), Boolean.parseBoolean(meta.get("encoder.finetuned")));
  }

  private static String field(Map<String, String> meta, Path file, String key) throws IOException {
    String v = meta.get(key);
    if (v == null) {
      throw new IOException(file + ": metadata field '" + key + "' is missing (not a LIMINAL model file)");
    }
    return v;
  }
}
