package dev.limbic.models.liminal.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limbic.models.liminal.LiminalVersion;
import dev.limbic.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LiminalTrainerTest {
  static final int DIM = 16;

  @TempDir
  Path tmp;

  /** A learnable toy task: targets are a fixed tanh-linear function of the inputs. */
  static LiminalData toyData(int nTrain, int nEval) {
    SplittableRandom rng = new SplittableRandom(5);
    double[][] w = new double[3][DIM];
    for (double[] row : w) {
      for (int i = 0; i < DIM; i++) {
        row[i] = rng.nextGaussian() * 0.4;
      }
    }
    return new LiminalData(split("train", nTrain, w, rng), split("dev", nEval, w, rng), split("test", nEval, w, rng),
        DIM, "toy");
  }

  private static LiminalData.SplitData split(String name, int n, double[][] w, SplittableRandom rng) {
    float[] e = new float[n * DIM];
    double[] t = new double[n * 3];
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < DIM; j++) {
        e[i * DIM + j] = (float) rng.nextGaussian();
      }
      for (int k = 0; k < 3; k++) {
        double s = 0;
        for (int j = 0; j < DIM; j++) {
          s += w[k][j] * e[i * DIM + j];
        }
        t[i * 3 + k] = Math.tanh(s);
      }
      texts.add(name + " " + i);
    }
    return new LiminalData.SplitData(name, texts, e, t);
  }

  private TrainConfig config(LiminalVersion v, Path out) {
    return TrainConfig.defaults(v, out).withEpochs(3, 2).withBatchSize(16);
  }

  private static LiminalTrainer trainer(TrainConfig cfg, LiminalData data) {
    return new LiminalTrainer(cfg, data, null, "toy", "0".repeat(64));
  }

  @Test
  void learnsTheToyTaskAndWritesTheRunFolder() throws Exception {
    LiminalData data = toyData(128, 32);
    LiminalTrainer.Result r = trainer(config(LiminalVersion.V3, tmp.resolve("run")), data)
        .run(new LiminalTrainer.Listener() {});
    assertThat(r.finished()).isTrue();
    assertThat(r.log()).hasSize(5);
    assertThat(r.log().get(4).trainLoss()).isLessThan(r.log().get(0).trainLoss());
    assertThat(r.test().vad().valence().pearson()).isGreaterThan(0.3);
    assertThat(r.steps()).isEqualTo(5 * 8);
    Path out = tmp.resolve("run");
    for (String f : List.of(LiminalTrainer.MODEL, LiminalTrainer.LOG, LiminalTrainer.RESULTS,
        LiminalTrainer.CHECKPOINT)) {
      assertThat(out.resolve(f)).exists();
    }
    List<String> csv = Files.readAllLines(out.resolve(LiminalTrainer.LOG));
    assertThat(csv.get(0)).isEqualTo(String.join(",", EpochLog.COLUMNS));
    assertThat(csv).hasSize(6);
    assertThat(csv.get(4)).startsWith("4,2,");
    Map<String, Object> results = dev.limbic.data.json.Json.parseObject(out.resolve(LiminalTrainer.RESULTS));
    assertThat(results).containsKeys("config", "seed", "data", "metrics", "wall_seconds", "steps_per_second");
    // the saved model reproduces the test metrics
    LiminalRun run = LiminalRun.open(out);
    Evaluation again = LiminalTrainer.evaluate(run.model(), data.test(), 256, null, DIM);
    assertThat(again.vad().valence().pearson()).isEqualTo(r.test().vad().valence().pearson());
  }

  @Test
  void sameSeedSameResultOtherSeedOtherResult() throws Exception {
    LiminalData data = toyData(64, 16);
    LiminalTrainer.Result a = trainer(config(LiminalVersion.V1, tmp.resolve("a")).withEpochs(2, 1), data)
        .run(new LiminalTrainer.Listener() {});
    LiminalTrainer.Result b = trainer(config(LiminalVersion.V1, tmp.resolve("b")).withEpochs(2, 1), data)
        .run(new LiminalTrainer.Listener() {});
    LiminalTrainer.Result c = trainer(config(LiminalVersion.V1, tmp.resolve("c")).withEpochs(2, 1).withSeed(7), data)
        .run(new LiminalTrainer.Listener() {});
    assertSameWeights(a, b);
    assertThat(a.test().predictions()).isEqualTo(b.test().predictions());
    assertThat(c.test().predictions()).isNotEqualTo(a.test().predictions());
  }

  /** Trains {@code version} whole and interrupted twice (inside phase 1, inside phase 2); returns both results. */
  private LiminalTrainer.Result[] wholeAndResumed(LiminalVersion version, LiminalData data) throws Exception {
    TrainConfig base = config(version, tmp.resolve("whole" + version)).withEpochs(3, 2);
    LiminalTrainer.Result whole = trainer(base, data).run(new LiminalTrainer.Listener() {});
    Path split = tmp.resolve("split" + version);
    LiminalTrainer.Result first = trainer(base.withOutDir(split).withResume(true, 2), data)
        .run(new LiminalTrainer.Listener() {});
    assertThat(first.finished()).isFalse();
    LiminalTrainer.Result second = trainer(base.withOutDir(split).withResume(true, 2), data)
        .run(new LiminalTrainer.Listener() {});
    assertThat(second.finished()).isFalse();
    LiminalTrainer.Result rest = trainer(base.withOutDir(split).withResume(true, 0), data)
        .run(new LiminalTrainer.Listener() {});
    assertThat(rest.finished()).isTrue();
    assertThat(rest.log()).hasSize(whole.log().size());
    assertThat(rest.steps()).isEqualTo(whole.steps());
    return new LiminalTrainer.Result[] {whole, rest};
  }

  @Test
  void interruptedAndResumedEqualsUninterruptedBitForBit() throws Exception {
    LiminalTrainer.Result[] r = wholeAndResumed(LiminalVersion.V4, toyData(64, 16));
    assertSameWeights(r[0], r[1]);
    for (int i = 0; i < r[0].log().size(); i++) {
      assertThat(r[1].log().get(i).trainLoss()).isEqualTo(r[0].log().get(i).trainLoss());
      assertThat(r[1].log().get(i).valLoss()).isEqualTo(r[0].log().get(i).valLoss());
    }
    assertThat(r[1].test().predictions()).isEqualTo(r[0].test().predictions());
  }

  /**
   * v6 adds the SoulKernel memory to what must resume; bit-identical on every backend. (On the Vector API backend
   * this needs kernels whose rounding does not depend on the JIT tier, since a resumed process is at another JIT
   * stage than an uninterrupted one: see DeterministicMath in the tensor module. With lanewise EXP/TANH the weights
   * drifted up to 1.3e-6.)
   */
  @Test
  void v6ResumesWithItsSoulKernelMemory() throws Exception {
    LiminalTrainer.Result[] r = wholeAndResumed(LiminalVersion.V6, toyData(64, 16));
    assertSameWeights(r[0], r[1]);
    for (int i = 0; i < r[0].log().size(); i++) {
      assertThat(r[1].log().get(i).trainLoss()).isEqualTo(r[0].log().get(i).trainLoss());
      assertThat(r[1].log().get(i).valLoss()).isEqualTo(r[0].log().get(i).valLoss());
    }
    assertThat(r[1].test().predictions()).isEqualTo(r[0].test().predictions());
    assertThat(Files.readAllLines(tmp.resolve("splitV6").resolve(LiminalTrainer.SOUL)))
        .hasSameSizeAs(Files.readAllLines(tmp.resolve("wholeV6").resolve(LiminalTrainer.SOUL)));
    assertThat(r[1].model().soulKernel().memory().size()).isEqualTo(r[0].model().soulKernel().memory().size());
  }

  @Test
  void phase2RestoreBestEndsOnTheBestPhase2Epoch() throws Exception {
    LiminalData data = toyData(64, 16);
    TrainConfig cfg = config(LiminalVersion.V3, tmp.resolve("p2")).withEpochs(2, 4).withPhase2RestoreBest(true);
    LiminalTrainer.Result r = trainer(cfg, data).run(new LiminalTrainer.Listener() {});
    double bestPhase2 = r.log().stream().filter(l -> l.phase() == 2).mapToDouble(EpochLog::valLoss).min()
        .orElseThrow();
    // the final dev evaluation runs the restored weights: exactly the best phase-2 epoch's validation loss
    assertThat(r.dev().loss()).isEqualTo(bestPhase2);
  }

  private static void assertSameWeights(LiminalTrainer.Result a, LiminalTrainer.Result b) {
    Map<String, Tensor> sa = a.model().stateDict();
    Map<String, Tensor> sb = b.model().stateDict();
    assertThat(sa.keySet()).isEqualTo(sb.keySet());
    sa.forEach((k, v) -> assertThat(v.toFloatArray()).as(k).isEqualTo(sb.get(k).toFloatArray()));
  }
}
