package dev.limbic.models.liminal.train;

import dev.limbic.data.json.Json;
import dev.limbic.models.encoder.AtomicFiles;
import dev.limbic.models.encoder.TransformerSentenceEncoder;
import dev.limbic.models.liminal.FileSoulMemory;
import dev.limbic.models.liminal.InMemorySoulMemory;
import dev.limbic.models.liminal.LiminalConfig;
import dev.limbic.models.liminal.LiminalOutput;
import dev.limbic.models.liminal.SoulMemory;
import dev.limbic.models.liminal.TinyRecursiveModel;
import dev.limbic.nn.Checkpoint;
import dev.limbic.nn.EarlyStopping;
import dev.limbic.nn.Init;
import dev.limbic.nn.Parameter;
import dev.limbic.nn.loss.MSELoss;
import dev.limbic.nn.optim.AdamConfig;
import dev.limbic.nn.optim.AdamW;
import dev.limbic.nn.optim.ClipGrad;
import dev.limbic.nn.optim.CosineAnnealingLR;
import dev.limbic.nn.optim.Optimizer;
import dev.limbic.nn.optim.ParamGroup;
import dev.limbic.tensor.GradMode;
import dev.limbic.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Trains a LIMINAL {@link TinyRecursiveModel} on EmoBank (or any {@link LiminalData}) with the two-phase regime of
 * {@link TrainConfig}, and writes a run folder:
 *
 * <ul>
 *   <li>{@code checkpoint.safetensors} after every epoch: model, optimiser, scheduler, early stopping, counters,
 *   phase, the epoch log and the SoulKernel memory, so {@code resume} continues bit for bit;</li>
 *   <li>{@code log.csv}: one row per epoch ({@link EpochLog#COLUMNS});</li>
 *   <li>{@code model.safetensors}: the final weights with the model's configuration in the metadata;
 *   {@code soul_memory.jsonl} (v6): the memory as it stood before the final evaluation;
 *   {@code encoder.safetensors} when the encoder was fine-tuned;</li>
 *   <li>{@code results.json}: configuration, seed, data, metrics on dev and the official test split, wall time and
 *   steps per second.</li>
 * </ul>
 *
 * <p>Randomness: the model is initialised from {@code seed}; epoch e shuffles with a generator derived from
 * {@code (seed, e)}, so a resumed run draws the same batches as an uninterrupted one.
 */
public final class LiminalTrainer {
  public static final String CHECKPOINT = "checkpoint.safetensors";
  public static final String ENCODER_CHECKPOINT = "checkpoint-encoder.safetensors";
  public static final String LOG = "log.csv";
  public static final String RESULTS = "results.json";
  public static final String MODEL = "model.safetensors";
  public static final String SOUL = "soul_memory.jsonl";
  public static final String ENCODER = "encoder.safetensors";

  /** Progress callbacks (all optional). */
  public interface Listener {
    default void phaseStarted(int phase, int epochs, int stepsPerEpoch) {
    }

    default void step(int phase, int epoch, int step, int stepsPerEpoch, double loss) {
    }

    default void epochFinished(EpochLog log) {
    }

    default void message(String text) {
    }
  }

  /** The outcome of {@link #run}. */
  public record Result(TinyRecursiveModel model, List<EpochLog> log, Evaluation dev, Evaluation test,
      boolean finished, double seconds, double trainSeconds, long steps, int bestEpoch, Path outDir) {

    public double stepsPerSecond() {
      return trainSeconds > 0 ? steps / trainSeconds : 0;
    }
  }

  private final TrainConfig cfg;
  private final LiminalData data;
  private final TransformerSentenceEncoder tunable;
  private final String encoderId;
  private final String encoderFingerprint;
  private final MSELoss mse = new MSELoss();

  /**
   * @param data             the splits; with embeddings unless {@code tunableEncoder} is given
   * @param tunableEncoder   fine-tune this encoder (its model gets gradients and its own learning rate), or null to
   *                         train on the frozen embeddings in {@code data}
   * @param encoderId        the encoder's model id (recorded in the run)
   * @param encoderFingerprint the encoder's fingerprint (recorded in the run)
   */
  public LiminalTrainer(TrainConfig cfg, LiminalData data, TransformerSentenceEncoder tunableEncoder,
      String encoderId, String encoderFingerprint) {
    this.cfg = cfg;
    this.data = data;
    this.tunable = tunableEncoder;
    this.encoderId = encoderId;
    this.encoderFingerprint = encoderFingerprint;
    if (tunableEncoder == null && data.train().embeddings() == null) {
      throw new IllegalArgumentException("LiminalTrainer: the data has no embeddings and no encoder to fine-tune");
    }
  }

  /** Where a training run stands; everything a checkpoint restores besides weights and optimiser. */
  private static final class State {
    int phase = 1;
    int epochInPhase;
    int globalEpoch;
    long step;
    double trainSeconds;
    final List<EpochLog> log = new ArrayList<>();
  }

  public Result run(Listener listener) throws IOException {
    long t0 = System.nanoTime();
    Path out = cfg.outDir();
    Files.createDirectories(out);
    LiminalConfig mc = LiminalConfig.of(cfg.version()).withInputDim(data.inputDim())
        .withOriginalReadout(cfg.originalReadout());
    SoulMemory memory = cfg.soulMemoryFile() != null ? FileSoulMemory.open(cfg.soulMemoryFile())
        : new InMemorySoulMemory();
    if (memory instanceof FileSoulMemory f) {
      f.warnings().forEach(listener::message);
    }
    if (cfg.resetSoul()) {
      memory.reset();
    }
    TinyRecursiveModel model = new TinyRecursiveModel(mc, Init.rng(cfg.seed()), memory);
    State st = new State();
    Optimizer opt;
    CosineAnnealingLR sched = null;
    EarlyStopping stopper = null;
    Path ckpt = out.resolve(CHECKPOINT);
    if (cfg.resume() && Files.exists(ckpt)) {
      Checkpoint c = Checkpoint.read(ckpt);
      Map<String, String> meta = c.metadata();
      st.phase = Integer.parseInt(meta.getOrDefault("phase", "1"));
      st.epochInPhase = Integer.parseInt(meta.getOrDefault("epoch_in_phase", "0"));
      st.trainSeconds = Double.parseDouble(meta.getOrDefault("train_seconds", "0"));
      Checkpoint.TrainingCounters counters = c.counters();
      st.globalEpoch = (int) counters.epoch();
      st.step = counters.step();
      String savedVersion = meta.get("version");
      if (savedVersion != null && !savedVersion.equals(cfg.version().label())) {
        throw new IOException(ckpt + ": the checkpoint is of LIMINAL " + savedVersion + ", this run trains "
            + cfg.version().label() + " (use another --out or drop --resume)");
      }
      c.restoreModel(model);
      if (tunable != null) {
        tunable.model().load(out.resolve(ENCODER_CHECKPOINT), true);
      }
      opt = optimizer(model, st.phase);
      c.restoreOptimizer(opt);
      if (st.phase == 1) {
        sched = new CosineAnnealingLR(opt, Math.max(1, cfg.phase1Epochs()), cfg.phase1EtaMin());
        c.restoreScheduler(sched);
        stopper = new EarlyStopping(model, EarlyStopping.Mode.MIN, cfg.patience(), 0.0);
        c.restoreEarlyStopping(stopper);
      } else if (st.phase == 2 && cfg.phase2RestoreBest()) {
        stopper = phase2Tracker(model);
        if (c.hasEarlyStopping()) {
          c.restoreEarlyStopping(stopper);
        }
      }
      if (model.soulKernel() != null && meta.containsKey("soul_memory")) {
        memory.replaceAll(SoulMemory.fromJsonText(meta.get("soul_memory"), ckpt + " field user.soul_memory"));
      }
      for (Object o : (List<?>) Json.parse(meta.getOrDefault("log", "[]"), ckpt + " field user.log")) {
        @SuppressWarnings("unchecked")
        Map<String, Object> row = (Map<String, Object>) o;
        st.log.add(EpochLog.fromJson(row));
      }
      listener.message("resuming " + cfg.version().label() + " from " + ckpt + " after epoch " + st.globalEpoch
          + " (phase " + st.phase + ")");
    } else {
      if (cfg.phase1Epochs() == 0) {
        st.phase = 2;
      }
      opt = optimizer(model, st.phase);
      if (st.phase == 1) {
        sched = new CosineAnnealingLR(opt, cfg.phase1Epochs(), cfg.phase1EtaMin());
        stopper = new EarlyStopping(model, EarlyStopping.Mode.MIN, cfg.patience(), 0.0);
      } else if (cfg.phase2RestoreBest()) {
        stopper = phase2Tracker(model);
      }
    }
    int stepsPerEpoch = (data.train().size() + cfg.batchSize() - 1) / cfg.batchSize();
    int epochsThisRun = 0;
    boolean interrupted = false;
    int lastAnnouncedPhase = 0;
    while (st.phase <= 2) {
      int phaseEpochs = st.phase == 1 ? cfg.phase1Epochs() : cfg.phase2Epochs();
      if (st.epochInPhase >= phaseEpochs) {
        st.phase++;
        continue;
      }
      if (cfg.stopAfterEpochs() > 0 && epochsThisRun >= cfg.stopAfterEpochs()) {
        interrupted = true;
        break;
      }
      if (lastAnnouncedPhase != st.phase) {
        listener.phaseStarted(st.phase, phaseEpochs, stepsPerEpoch);
        lastAnnouncedPhase = st.phase;
      }
      long e0 = System.nanoTime();
      double lr = opt.groups().get(0).lr();
      double trainLoss = trainEpoch(model, opt, st, listener, stepsPerEpoch);
      st.trainSeconds += (System.nanoTime() - e0) / 1e9;
      Evaluation val = evaluate(model, data.dev());
      st.epochInPhase++;
      st.globalEpoch++;
      epochsThisRun++;
      EpochLog row = new EpochLog(st.globalEpoch, st.phase, lr, trainLoss, val.loss(), val.vad().valence().pearson(),
          val.vad().arousal().pearson(), val.vad().dominance().pearson(), val.seed().hope(), val.seed().faith(),
          val.seed().love(), val.meanConfidence(), (System.nanoTime() - e0) / 1e9);
      st.log.add(row);
      listener.epochFinished(row);
      if (st.phase == 1) {
        sched.step();
        syncEncoderLr(opt, cfg.phase1Lr());
        boolean stop = stopper.step(val.loss());
        if (stop || st.epochInPhase >= cfg.phase1Epochs()) {
          stopper.restoreBest();
          listener.message(String.format(java.util.Locale.ROOT,
              "phase 1 %s after epoch %d; restored the best weights (epoch %d, val loss %.5f)",
              stop ? "stopped early" : "finished", st.globalEpoch, stopper.bestEpoch() + 1, stopper.best()));
          st.phase = 2;
          st.epochInPhase = 0;
          opt = optimizer(model, 2);
          sched = null;
          stopper = cfg.phase2RestoreBest() ? phase2Tracker(model) : null;
        }
      } else {
        if (stopper != null) {
          stopper.step(val.loss());
        }
        if (st.epochInPhase >= cfg.phase2Epochs()) {
          st.phase = 3;
          if (stopper != null) {
            stopper.restoreBest();
            listener.message(String.format(java.util.Locale.ROOT,
                "phase 2 finished; restored its best weights (epoch %d, val loss %.5f)",
                st.globalEpoch - cfg.phase2Epochs() + stopper.bestEpoch() + 1, stopper.best()));
            stopper = null;
          }
        }
      }
      writeLog(out, st.log);
      saveCheckpoint(ckpt, model, opt, sched, stopper, st);
    }
    if (interrupted) {
      closeMemory(memory);
      return new Result(model, List.copyOf(st.log), null, null, false, (System.nanoTime() - t0) / 1e9,
          st.trainSeconds, st.step, -1, out);
    }
    // final evaluation: the memory as it stands now is what eval/predict start from
    List<SoulMemory.Entry> finalMemory = model.soulKernel() != null ? memory.entries() : List.of();
    Map<String, String> meta = modelMetadata(model);
    model.save(out.resolve(MODEL), meta);
    if (model.soulKernel() != null) {
      writeMemory(out.resolve(SOUL), finalMemory);
    }
    if (tunable != null) {
      tunable.model().save(out.resolve(ENCODER));
    }
    Evaluation test = evaluate(model, data.test());
    Evaluation dev = evaluate(model, data.dev());
    double seconds = (System.nanoTime() - t0) / 1e9;
    int best = bestEpoch(st.log);
    Result result = new Result(model, List.copyOf(st.log), dev, test, true, seconds, st.trainSeconds, st.step, best,
        out);
    writeResults(out.resolve(RESULTS), result);
    closeMemory(memory);
    return result;
  }

  private static void closeMemory(SoulMemory memory) throws IOException {
    if (memory instanceof FileSoulMemory f) {
      f.close();
    }
  }

  /** The 1-based epoch with the lowest validation loss in phase 1 (the restored weights), else the last. */
  private static int bestEpoch(List<EpochLog> log) {
    int best = -1;
    double bestLoss = Double.POSITIVE_INFINITY;
    for (EpochLog r : log) {
      if (r.phase() == 1 && r.valLoss() < bestLoss) {
        bestLoss = r.valLoss();
        best = r.epoch();
      }
    }
    return best;
  }

  /** Phase 2's best-epoch tracker: never stops, only remembers (and restores) the best validation epoch. */
  private EarlyStopping phase2Tracker(TinyRecursiveModel model) {
    return new EarlyStopping(model, EarlyStopping.Mode.MIN, Math.max(1, cfg.phase2Epochs() + 1), 0.0);
  }

  private Optimizer optimizer(TinyRecursiveModel model, int phase) {
    double lr = phase == 1 ? cfg.phase1Lr() : cfg.phase2Lr();
    double wd = phase == 1 ? cfg.phase1WeightDecay() : cfg.phase2WeightDecay();
    List<ParamGroup> groups = new ArrayList<>();
    groups.add(ParamGroup.of(model.namedParameters()));
    if (tunable != null) {
      Map<String, Parameter> enc = new LinkedHashMap<>();
      tunable.model().namedParameters().forEach((k, v) -> enc.put("encoder." + k, v));
      groups.add(ParamGroup.of(enc).withLr(Math.min(cfg.encoderLr(), lr)));
    }
    return new AdamW(groups, AdamConfig.of(lr, wd));
  }

  /**
   * The cosine schedule's η_min is one value for all groups; the encoder's much smaller rate follows the model's
   * rate proportionally instead (else it would be raised toward η_min).
   */
  private void syncEncoderLr(Optimizer opt, double baseLr) {
    if (tunable != null && opt.groups().size() > 1) {
      double factor = opt.groups().get(0).lr() / baseLr;
      opt.groups().get(1).setLr(Math.min(cfg.encoderLr(), baseLr) * factor);
    }
  }

  private double trainEpoch(TinyRecursiveModel model, Optimizer opt, State st, Listener listener,
      int stepsPerEpoch) {
    LiminalData.SplitData train = data.train();
    int n = train.size();
    int[] order = permutation(epochRng(cfg.seed(), st.globalEpoch), n);
    model.train();
    double lossSum = 0;
    int seen = 0;
    int step = 0;
    for (int start = 0; start < n; start += cfg.batchSize()) {
      int b = Math.min(cfg.batchSize(), n - start);
      int[] idx = java.util.Arrays.copyOfRange(order, start, start + b);
      Tensor x = inputs(train, idx, true);   // (b, inputDim)
      Tensor t = targets(train, idx);   // (b, 3)
      LiminalOutput o = model.forward(x, cfg.affectFromTarget() ? t : null);
      Tensor loss = mse.forward(o.pad(), t);
      opt.zeroGrad();
      loss.backward();
      ClipGrad.clipGradNorm(opt.parameters().values(), cfg.clipNorm());
      opt.step();
      double l = loss.item();
      if (!Double.isFinite(l)) {
        throw new IllegalStateException("LIMINAL " + cfg.version().label() + ": the training loss became " + l
            + " at epoch " + (st.globalEpoch + 1) + " step " + (step + 1) + " (lower the learning rate)");
      }
      lossSum += l * b;
      seen += b;
      st.step++;
      step++;
      listener.step(st.phase, st.globalEpoch + 1, step, stepsPerEpoch, lossSum / seen);
    }
    return lossSum / seen;
  }

  /** Epoch e's shuffling generator: a pure function of (seed, e), so resumed runs shuffle identically. */
  static RandomGenerator epochRng(long seed, int epoch) {
    return Init.rng(seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L * (epoch + 1L));
  }

  static int[] permutation(RandomGenerator rng, int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int tmp = p[i];
      p[i] = p[j];
      p[j] = tmp;
    }
    return p;
  }

  private Tensor inputs(LiminalData.SplitData split, int[] idx, boolean withGrad) {
    if (tunable != null) {
      List<String> texts = new ArrayList<>(idx.length);
      for (int i : idx) {
        texts.add(split.texts().get(i));
      }
      return withGrad ? tunable.embedTrainable(texts) : tunable.embed(texts);
    }
    int dim = data.inputDim();
    float[] rows = new float[idx.length * dim];   // (b, dim)
    for (int r = 0; r < idx.length; r++) {
      System.arraycopy(split.embeddings(), idx[r] * dim, rows, r * dim, dim);
    }
    return Tensor.of(rows, idx.length, dim);
  }

  private static Tensor targets(LiminalData.SplitData split, int[] idx) {
    float[] t = new float[idx.length * 3];   // (b, 3)
    for (int r = 0; r < idx.length; r++) {
      for (int k = 0; k < 3; k++) {
        t[r * 3 + k] = (float) split.targets()[idx[r] * 3 + k];
      }
    }
    return Tensor.of(t, idx.length, 3);
  }

  /** Evaluates without affect input (no label leakage), in eval mode and without gradients. */
  public Evaluation evaluate(TinyRecursiveModel model, LiminalData.SplitData split) {
    return evaluate(model, split, cfg.evalBatchSize(), tunable == null ? null : tunable, data.inputDim());
  }

  /**
   * Evaluates {@code model} on {@code split} in batches of {@code batchSize} (embeddings from the split, or from
   * {@code encoder} when given).
   */
  public static Evaluation evaluate(TinyRecursiveModel model, LiminalData.SplitData split, int batchSize,
      TransformerSentenceEncoder encoder, int inputDim) {
    boolean wasTraining = model.isTraining();
    model.eval();
    int n = split.size();
    double[] pred = new double[n * 3];
    List<double[]> confs = new ArrayList<>();
    List<Double> batchLoss = new ArrayList<>();
    List<Double> batchPadMean = new ArrayList<>();
    List<Double> batchConfMean = new ArrayList<>();
    double sq = 0;
    int k = model.config().outerIterations();
    double[] confPerIter = new double[k];
    try (GradMode.Scope ignored = GradMode.noGrad()) {
      for (int start = 0; start < n; start += batchSize) {
        int b = Math.min(batchSize, n - start);
        int[] idx = new int[b];
        for (int i = 0; i < b; i++) {
          idx[i] = start + i;
        }
        Tensor x;
        if (encoder != null) {
          x = encoder.embed(split.texts().subList(start, start + b));
        } else {
          float[] rows = new float[b * inputDim];
          System.arraycopy(split.embeddings(), start * inputDim, rows, 0, b * inputDim);
          x = Tensor.of(rows, b, inputDim);
        }
        LiminalOutput o = model.forward(x);
        double[] p = o.pad().toDoubleArray();
        double s = 0;
        double pm = 0;
        for (int i = 0; i < b * 3; i++) {
          pred[start * 3 + i] = p[i];
          double e = p[i] - split.targets()[start * 3 + i];
          s += e * e;
          pm += p[i];
        }
        sq += s;
        batchLoss.add(s / (b * 3));
        batchPadMean.add(pm / (b * 3));
        double[] c = o.confidence();
        confs.add(c);
        batchConfMean.add(o.meanConfidence());
        for (int i = 0; i < k; i++) {
          confPerIter[i] += c[i];
        }
      }
    } finally {
      model.train(wasTraining);
    }
    for (int i = 0; i < k; i++) {
      confPerIter[i] /= confs.size();
    }
    double[] allConf = new double[confs.size() * k];
    for (int i = 0; i < confs.size(); i++) {
      System.arraycopy(confs.get(i), 0, allConf, i * k, k);
    }
    double loss = sq / (n * 3);
    double meanConf = java.util.Arrays.stream(allConf).average().orElse(0);
    return new Evaluation(split.name(), n, loss, VadMetrics.ofScaled(pred, split.targets()),
        EmotionalMetrics.seed(pred, split.targets(), allConf, loss),
        EmotionalMetrics.pkg(pred, split.targets(), allConf, loss),
        EmotionalMetrics.notebook(unbox(batchPadMean), unbox(batchConfMean), unbox(batchLoss)), meanConf,
        confPerIter, pred);
  }

  private static double[] unbox(List<Double> xs) {
    double[] out = new double[xs.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = xs.get(i);
    }
    return out;
  }

  private void saveCheckpoint(Path file, TinyRecursiveModel model, Optimizer opt, CosineAnnealingLR sched,
      EarlyStopping stopper, State st) throws IOException {
    Checkpoint.Writer w = Checkpoint.writer(model).optimizer(opt)
        .counters(new Checkpoint.TrainingCounters(st.globalEpoch, st.step,
            stopper != null ? stopper.best() : Double.NaN, cfg.seed()))
        .metadata("version", cfg.version().label())
        .metadata("phase", Integer.toString(st.phase))
        .metadata("epoch_in_phase", Integer.toString(st.epochInPhase))
        .metadata("train_seconds", Double.toString(st.trainSeconds))
        .metadata("config", Json.write(cfg.toJson()))
        .metadata("log", logJson(st.log));
    if (sched != null) {
      w.scheduler(sched);
    }
    if (stopper != null) {
      w.earlyStopping(stopper);
    }
    if (model.soulKernel() != null) {
      w.metadata("soul_memory", SoulMemory.toJsonText(model.soulKernel().memory().entries()));
    }
    if (tunable != null) {
      tunable.model().save(file.resolveSibling(ENCODER_CHECKPOINT));
    }
    w.save(file);
  }

  private static String logJson(List<EpochLog> log) {
    List<Object> rows = new ArrayList<>();
    for (EpochLog r : log) {
      rows.add(r.toJson());
    }
    return Json.write(rows);
  }

  private static void writeLog(Path out, List<EpochLog> log) throws IOException {
    StringBuilder sb = new StringBuilder(String.join(",", EpochLog.COLUMNS)).append('\n');
    for (EpochLog r : log) {
      sb.append(r.csvRow()).append('\n');
    }
    AtomicFiles.write(out.resolve(LOG), sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  static void writeMemory(Path file, List<SoulMemory.Entry> entries) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (SoulMemory.Entry e : entries) {
      sb.append(Json.write(e.toJson())).append('\n');
    }
    AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  private Map<String, String> modelMetadata(TinyRecursiveModel model) {
    LiminalConfig c = model.config();
    Map<String, String> m = new LinkedHashMap<>();
    m.put("liminal.version", c.version().label());
    m.put("liminal.input_dim", Integer.toString(c.inputDim()));
    m.put("liminal.d", Integer.toString(c.d()));
    m.put("liminal.outer_iterations", Integer.toString(c.outerIterations()));
    m.put("liminal.inner_iterations", Integer.toString(c.innerIterations()));
    m.put("liminal.affect_weight", Double.toString(c.affectWeight()));
    m.put("liminal.original_readout", Boolean.toString(c.originalReadout()));
    m.put("encoder.id", encoderId);
    m.put("encoder.fingerprint", encoderFingerprint);
    m.put("encoder.finetuned", Boolean.toString(tunable != null));
    return m;
  }

  private void writeResults(Path file, Result r) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", "LIMINAL TinyRecursiveModel " + cfg.version().label());
    m.put("parameters", r.model().parameterCount());
    m.put("parameters_without_projection", r.model().coreParameterCount());
    m.put("config", cfg.toJson());
    m.put("seed", cfg.seed());
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("dataset", "EmoBank");
    d.put("source", data.source());
    d.put("train", data.train().size());
    d.put("dev", data.dev().size());
    d.put("test", data.test().size());
    d.put("validation_split", "dev");
    d.put("target_scaling", "t = (v - 3) / 2");
    m.put("data", d);
    Map<String, Object> enc = new LinkedHashMap<>();
    enc.put("id", encoderId);
    enc.put("fingerprint", encoderFingerprint);
    enc.put("finetuned", tunable != null);
    m.put("encoder", enc);
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("dev", r.dev().toJson());
    metrics.put("test", r.test().toJson());
    m.put("metrics", metrics);
    m.put("epochs", r.log().size());
    m.put("best_phase1_epoch", r.bestEpoch());
    m.put("optimizer_steps", r.steps());
    m.put("wall_seconds", r.seconds());
    m.put("train_seconds", r.trainSeconds());
    m.put("steps_per_second", r.stepsPerSecond());
    m.put("java", Runtime.version().toString());
    AtomicFiles.write(file, (Json.writePretty(m) + "\n").getBytes(StandardCharsets.UTF_8));
  }
}
