package dev.limbic.models.liminal.train;

import dev.limbic.models.liminal.LiminalVersion;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * LIMINAL's training regime (MODELS.md §1.7, the Java defaults): Phase 1 AdamW(3e-3, wd 1e-5) with cosine
 * annealing to 1e-4 over the phase, batch 32, up to 50 epochs, grad-norm clip 1.0, early stopping (patience 10)
 * that restores a deep copy of the best weights; Phase 2 AdamW(1e-4, wd 1e-6) at a constant rate for 15 epochs,
 * clip 1.0.
 *
 * @param affectFromTarget fidelity: feed the training targets as affect input (the notebook's label leakage);
 *                         evaluation never does
 * @param encoderLr        learning rate of the encoder's parameters when it is fine-tuned
 * @param stopAfterEpochs  stop (as if interrupted) after this many epochs in total, 0 = run to the end; for resume
 *                         tests
 * @param soulMemoryFile   v6: keep the SoulKernel memory in this JSON-lines file (null = in memory, saved with the
 *                         run)
 * @param phase2RestoreBest also track the best validation epoch of phase 2 and restore it at the end (off by default:
 *                         the original's phase 2 has no stopping, and measured runs overfit in it)
 */
public record TrainConfig(LiminalVersion version, long seed, int batchSize, int evalBatchSize,
    int phase1Epochs, double phase1Lr, double phase1WeightDecay, double phase1EtaMin, int patience,
    int phase2Epochs, double phase2Lr, double phase2WeightDecay, double clipNorm,
    boolean affectFromTarget, boolean originalReadout, double encoderLr, Path outDir, boolean resume,
    int stopAfterEpochs, Path soulMemoryFile, boolean resetSoul, boolean phase2RestoreBest) {

  public TrainConfig {
    if (batchSize < 1 || evalBatchSize < 1) {
      throw new IllegalArgumentException("batch sizes must be >= 1, got " + batchSize + "/" + evalBatchSize);
    }
    if (phase1Epochs < 0 || phase2Epochs < 0 || phase1Epochs + phase2Epochs == 0) {
      throw new IllegalArgumentException("epochs must be >= 0 and not both 0, got phase 1 " + phase1Epochs
          + ", phase 2 " + phase2Epochs);
    }
    if (patience < 1) {
      throw new IllegalArgumentException("patience must be >= 1, got " + patience);
    }
  }

  /** MODELS.md §1.7's defaults, seed 42, writing to {@code outDir}. */
  public static TrainConfig defaults(LiminalVersion version, Path outDir) {
    return new TrainConfig(version, 42, 32, 256, 50, 3e-3, 1e-5, 1e-4, 10, 15, 1e-4, 1e-6, 1.0, false, false,
        2e-5, outDir, false, 0, null, false, false);
  }

  public TrainConfig withSeed(long value) {
    return new TrainConfig(version, value, batchSize, evalBatchSize, phase1Epochs, phase1Lr, phase1WeightDecay,
        phase1EtaMin, patience, phase2Epochs, phase2Lr, phase2WeightDecay, clipNorm, affectFromTarget,
        originalReadout, encoderLr, outDir, resume, stopAfterEpochs, soulMemoryFile, resetSoul, phase2RestoreBest);
  }

  public TrainConfig withEpochs(int phase1, int phase2) {
    return new TrainConfig(version, seed, batchSize, evalBatchSize, phase1, phase1Lr, phase1WeightDecay,
        phase1EtaMin, patience, phase2, phase2Lr, phase2WeightDecay, clipNorm, affectFromTarget,
        originalReadout, encoderLr, outDir, resume, stopAfterEpochs, soulMemoryFile, resetSoul, phase2RestoreBest);
  }

  public TrainConfig withBatchSize(int value) {
    return new TrainConfig(version, seed, value, evalBatchSize, phase1Epochs, phase1Lr, phase1WeightDecay,
        phase1EtaMin, patience, phase2Epochs, phase2Lr, phase2WeightDecay, clipNorm, affectFromTarget,
        originalReadout, encoderLr, outDir, resume, stopAfterEpochs, soulMemoryFile, resetSoul, phase2RestoreBest);
  }

  public TrainConfig withOutDir(Path value) {
    return new TrainConfig(version, seed, batchSize, evalBatchSize, phase1Epochs, phase1Lr, phase1WeightDecay,
        phase1EtaMin, patience, phase2Epochs, phase2Lr, phase2WeightDecay, clipNorm, affectFromTarget,
        originalReadout, encoderLr, value, resume, stopAfterEpochs, soulMemoryFile, resetSoul, phase2RestoreBest);
  }

  public TrainConfig withResume(boolean value, int stopAfter) {
    return new TrainConfig(version, seed, batchSize, evalBatchSize, phase1Epochs, phase1Lr, phase1WeightDecay,
        phase1EtaMin, patience, phase2Epochs, phase2Lr, phase2WeightDecay, clipNorm, affectFromTarget,
        originalReadout, encoderLr, outDir, value, stopAfter, soulMemoryFile, resetSoul, phase2RestoreBest);
  }

  public TrainConfig withSoulMemory(Path file, boolean reset) {
    return new TrainConfig(version, seed, batchSize, evalBatchSize, phase1Epochs, phase1Lr, phase1WeightDecay,
        phase1EtaMin, patience, phase2Epochs, phase2Lr, phase2WeightDecay, clipNorm, affectFromTarget,
        originalReadout, encoderLr, outDir, resume, stopAfterEpochs, file, reset, phase2RestoreBest);
  }

  public TrainConfig withFidelity(boolean affectFromTargetValue, boolean originalReadoutValue) {
    return new TrainConfig(version, seed, batchSize, evalBatchSize, phase1Epochs, phase1Lr, phase1WeightDecay,
        phase1EtaMin, patience, phase2Epochs, phase2Lr, phase2WeightDecay, clipNorm, affectFromTargetValue,
        originalReadoutValue, encoderLr, outDir, resume, stopAfterEpochs, soulMemoryFile, resetSoul, phase2RestoreBest);
  }

  public TrainConfig withPhase2RestoreBest(boolean value) {
    return new TrainConfig(version, seed, batchSize, evalBatchSize, phase1Epochs, phase1Lr, phase1WeightDecay,
        phase1EtaMin, patience, phase2Epochs, phase2Lr, phase2WeightDecay, clipNorm, affectFromTarget,
        originalReadout, encoderLr, outDir, resume, stopAfterEpochs, soulMemoryFile, resetSoul, value);
  }

  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", version.label());
    m.put("seed", seed);
    m.put("batch_size", batchSize);
    m.put("eval_batch_size", evalBatchSize);
    m.put("phase1", Map.of("optimizer", "AdamW", "epochs", phase1Epochs, "lr", phase1Lr, "weight_decay",
        phase1WeightDecay, "schedule", "cosine to " + phase1EtaMin, "early_stopping_patience", patience));
    m.put("phase2", Map.of("optimizer", "AdamW", "epochs", phase2Epochs, "lr", phase2Lr, "weight_decay",
        phase2WeightDecay, "schedule", "constant", "restore_best", phase2RestoreBest));
    m.put("clip_norm", clipNorm);
    m.put("affect_from_target", affectFromTarget);
    m.put("original_readout", originalReadout);
    m.put("encoder_lr", encoderLr);
    m.put("soul_memory_file", soulMemoryFile == null ? null : soulMemoryFile.toString());
    return m;
  }
}
