package dev.limbic.models.liminal.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limbic.models.encoder.MiniLm;
import dev.limbic.models.encoder.TransformerSentenceEncoder;
import dev.limbic.models.liminal.LiminalVersion;
import dev.limbic.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --finetune-encoder on a tiny run: gradients reach MiniLM, its weights move, the run completes. */
class FinetuneEncoderTest {

  @TempDir
  Path tmp;

  private static LiminalData.SplitData split(String name, List<String> texts, double[] targets) {
    return new LiminalData.SplitData(name, texts, null, targets);
  }

  @Test
  void fineTuningMovesTheEncoderWeights() throws Exception {
    TransformerSentenceEncoder enc = MiniLm.fromClasspath();
    Map<String, Tensor> before = enc.model().stateDictCopy();
    List<String> train = List.of("I love this sunny day.", "This is terrible news.", "We won the final!",
        "I am so tired and sad.", "The meeting is at noon.", "What a wonderful surprise!");
    double[] targets = {0.6, 0.3, 0.2, -0.6, 0.2, -0.1, 0.8, 0.6, 0.4, -0.5, -0.3, -0.3, 0, -0.2, 0, 0.7, 0.5, 0.2};
    List<String> eval = List.of("A calm evening.", "I hate waiting.");
    double[] evalTargets = {0.3, -0.4, 0.1, -0.4, 0.3, 0};
    LiminalData data = new LiminalData(split("train", train, targets), split("dev", eval, evalTargets),
        split("test", eval, evalTargets), enc.dimension(), "tiny");
    TrainConfig cfg = TrainConfig.defaults(LiminalVersion.V3, tmp).withEpochs(1, 0).withBatchSize(3);
    LiminalTrainer.Result r = new LiminalTrainer(cfg, data, enc, enc.modelId(), enc.fingerprint())
        .run(new LiminalTrainer.Listener() {});
    assertThat(r.finished()).isTrue();
    assertThat(r.steps()).isEqualTo(2);
    assertThat(r.log().get(0).trainLoss()).isFinite();
    Map<String, Tensor> after = enc.model().stateDict();
    long moved = before.entrySet().stream()
        .filter(e -> !java.util.Arrays.equals(e.getValue().toFloatArray(), after.get(e.getKey()).toFloatArray()))
        .count();
    // every encoder tensor on the path to the pooled vector changes (the unused pooler, if any, does not)
    assertThat(moved).isGreaterThan(before.size() / 2);
    assertThat(tmp.resolve(LiminalTrainer.ENCODER)).exists();
  }
}
