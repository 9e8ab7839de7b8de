package dev.limbic.app;

import dev.limbic.data.DataLocator;
import dev.limbic.data.DataNotFoundException;
import dev.limbic.models.encoder.SentenceEncoder;
import dev.limbic.models.encoder.TransformerSentenceEncoder;
import dev.limbic.models.liminal.LiminalVersion;
import dev.limbic.models.liminal.train.EpochLog;
import dev.limbic.models.liminal.train.Evaluation;
import dev.limbic.models.liminal.train.LiminalData;
import dev.limbic.models.liminal.train.LiminalTrainer;
import dev.limbic.models.liminal.train.TrainConfig;
import dev.limbic.app.viz.LiminalPictures;
import dev.limbic.app.viz.Predictions;
import dev.limbic.app.viz.RunHistory;
import dev.limbic.models.liminal.train.VadMetrics;
import dev.limbic.tensor.GradMode;
import dev.limbic.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code limbic train MODEL}: training runs. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a model.",
        subcommands = {TrainCommand.Liminal.class})
final class TrainCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code limbic train liminal}: a LIMINAL TinyRecursiveModel on EmoBank. */
    @Command(name = "liminal", description = {
        "Train a LIMINAL TinyRecursiveModel (v1, v2, v3, v4 or v6) on EmoBank (MODELS.md §1): sentence vectors from "
            + "all-MiniLM-L6-v2 (every layer's mean-pooled tokens by default, see --layers; frozen and cached on disk, "
            + "or fine-tuned with --finetune-encoder), targets scaled "
            + "(v − 3)/2; phase 1 AdamW 3e-3 with cosine to 1e-4, early stopping restoring the best weights; phase 2 "
            + "AdamW 1e-4. Validation on EmoBank dev, final metrics on the official test split (1–5 units).",
        "Writes OUT/log.csv, OUT/results.json, OUT/model.safetensors, OUT/checkpoint.safetensors (--resume "
            + "continues from it) and, for v6, OUT/soul_memory.jsonl."})
    static final class Liminal implements Callable<Integer> {

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
        boolean help;

        @Option(names = "--version", defaultValue = "v6", description = "v1, v2, v3, v4 or v6 (default: ${DEFAULT-VALUE})")
        String version;

        @Option(names = "--data", description = "folder holding emobank/ (default: $LIMBIC_DATA, ../shared/data, "
                + "the user cache)")
        Path data;

        @Option(names = "--epochs", defaultValue = "50", description = "phase-1 epochs at most (default: ${DEFAULT-VALUE})")
        int epochs;

        @Option(names = "--phase2-epochs", defaultValue = "15",
                description = "phase-2 epochs (default: ${DEFAULT-VALUE})")
        int phase2Epochs;

        @Option(names = "--batch-size", defaultValue = "32", description = "(default: ${DEFAULT-VALUE})")
        int batchSize;

        @Option(names = "--patience", defaultValue = "10",
                description = "phase-1 early-stopping patience in epochs (default: ${DEFAULT-VALUE})")
        int patience;

        @Option(names = "--lr", defaultValue = "3e-3", description = "phase-1 learning rate (default: ${DEFAULT-VALUE})")
        double lr;

        @Option(names = "--finetune-encoder",
                description = "back-propagate into MiniLM too (its parameters at --encoder-lr; no embedding cache)")
        boolean finetuneEncoder;

        @Option(names = "--encoder-lr", defaultValue = "2e-5",
                description = "learning rate of the encoder when fine-tuned (default: ${DEFAULT-VALUE})")
        double encoderLr;

        @Option(names = "--encoder", defaultValue = "minilm",
                description = "minilm (all-MiniLM-L6-v2) or charcode (the notebook's character-code encoder) "
                    + "(default: ${DEFAULT-VALUE})")
        String encoder;

        @Option(names = "--layers", defaultValue = LiminalSupport.DEFAULT_LAYERS,
                description = "MiniLM layers to pool: concat_all (every layer's mean, each L2-normalised, side by "
                    + "side: 6 x 384), last (the sentence-transformers embedding), avg_last4, concat:i,j,... "
                    + "(default: ${DEFAULT-VALUE})")
        String layers;

        @Option(names = "--cache", description = "embedding cache folder (default: ~/.cache/limbic/embeddings)")
        Path cache;

        @Option(names = "--seed", defaultValue = "42", description = "(default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--out", description = "run folder (default: runs/liminal-VERSION)")
        Path out;

        @Option(names = "--soul-memory", description = "v6: keep the SoulKernel memory in this JSON-lines file, "
                + "appended every call and read back by the next run (default: in memory, saved with the run)")
        Path soulMemory;

        @Option(names = "--reset-soul", description = "v6: start with an empty SoulKernel memory")
        boolean resetSoul;

        @Option(names = "--resume", description = "continue from OUT/checkpoint.safetensors (bit for bit)")
        boolean resume;

        @Option(names = "--phase2-restore-best", description = "keep the best validation epoch of phase 2 too and "
                + "restore it at the end (the original's phase 2 has no stopping)")
        boolean phase2RestoreBest;

        @Option(names = "--affect-from-target", description = "fidelity: feed the training targets as affect input "
                + "(the notebook's label leakage; evaluation never does)")
        boolean affectFromTarget;

        @Option(names = "--original-readout", description = "fidelity: v1/v2 read PAD as (tanh, σ, σ) of y")
        boolean originalReadout;

        @Override
        public Integer call() throws Exception {
            LiminalVersion v = LiminalVersion.parse(version);
            Path emobank;
            try {
                emobank = DataLocator.standard(data).locate("emobank");
            } catch (DataNotFoundException e) {
                System.err.println("limbic train liminal: " + e.getMessage());
                return 2;
            }
            Path outDir = out != null ? out : Path.of("runs", "liminal-" + v.label());
            TrainConfig cfg = TrainConfig.defaults(v, outDir).withSeed(seed).withEpochs(epochs, phase2Epochs)
                    .withBatchSize(batchSize).withResume(resume, 0).withSoulMemory(soulMemory, resetSoul)
                    .withFidelity(affectFromTarget, originalReadout);
            cfg = new TrainConfig(cfg.version(), cfg.seed(), cfg.batchSize(), cfg.evalBatchSize(), cfg.phase1Epochs(),
                    lr, cfg.phase1WeightDecay(), cfg.phase1EtaMin(), patience, cfg.phase2Epochs(), cfg.phase2Lr(),
                    cfg.phase2WeightDecay(), cfg.clipNorm(), cfg.affectFromTarget(), cfg.originalReadout(), encoderLr,
                    cfg.outDir(), cfg.resume(), cfg.stopAfterEpochs(), cfg.soulMemoryFile(), cfg.resetSoul(),
                    phase2RestoreBest);
            if (!v.hasSoulKernel() && (soulMemory != null || resetSoul)) {
                System.err.println("limbic train liminal: --soul-memory/--reset-soul apply to v6 only; ignored for "
                        + v.label());
            }
            LiminalData dataset;
            LiminalTrainer trainer;
            if (finetuneEncoder) {
                if (!encoder.equals("minilm")) {
                    throw new IllegalArgumentException("--finetune-encoder needs --encoder minilm");
                }
                TransformerSentenceEncoder tunable = LiminalSupport.miniLm(layers);
                System.err.println("limbic train liminal: fine-tuning " + tunable.modelId() + " (encoder lr "
                        + encoderLr + ")");
                dataset = LiminalData.fromEmoBank(emobank, null, tunable.dimension());
                trainer = new LiminalTrainer(cfg, dataset, tunable, tunable.modelId() + " (fine-tuned)",
                        tunable.fingerprint());
            } else {
                SentenceEncoder enc = LiminalSupport.cached(LiminalSupport.encoder(encoder, layers), cache);
                System.err.println("limbic train liminal: embedding EmoBank (" + emobank + ") with " + enc.modelId()
                        + " (cached)");
                dataset = LiminalData.fromEmoBank(emobank, LiminalSupport.withProgress(enc, "embed"), 0);
                trainer = new LiminalTrainer(cfg, dataset, null, enc.modelId(), enc.fingerprint());
            }
            System.err.printf(Locale.ROOT, "limbic train liminal: %s, train %d / dev %d / test %d, seed %d, out %s%n",
                    v.label(), dataset.train().size(), dataset.dev().size(), dataset.test().size(), seed,
                    outDir.toAbsolutePath());
            LiminalTrainer.Result r = trainer.run(new ProgressListener());
            printSummary(r);
            List<Path> pictures = renderPictures(outDir, r, dataset);
            System.out.println("  pictures: " + pictures.stream().map(q -> q.getFileName().toString())
                    .collect(java.util.stream.Collectors.joining(", ")) + " in " + outDir.resolve("pictures"));
            return 0;
        }

        /**
         * The pictures of MODELS.md §1.9 into {@code runDir/pictures}: loss curves, test-split scatter, heartbeat,
         * aura, pulse and, for v4, the attention map of the outer iterations averaged over the first test batch.
         */
        static List<Path> renderPictures(Path runDir, LiminalTrainer.Result result, LiminalData data)
                throws java.io.IOException {
            List<RunHistory.Epoch> epochs = new ArrayList<>();
            for (EpochLog l : result.log()) {
                epochs.add(new RunHistory.Epoch(l.epoch(), l.phase(), l.trainLoss(), l.valLoss(), l.hope(), l.faith(),
                        l.love(), l.lr()));
            }
            double[] pred = result.test().predictions();
            double[] target = data.test().targets();
            int n = data.test().size();
            float[][] p = new float[n][3];
            float[][] t = new float[n][3];
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < 3; k++) {
                    p[i][k] = (float) VadMetrics.toOriginalUnits(pred[i * 3 + k]);
                    t[i][k] = (float) VadMetrics.toOriginalUnits(target[i * 3 + k]);
                }
            }
            float[][] attention = null;
            if (result.model().version() == LiminalVersion.V4 && data.test().embeddings() != null) {
                int b = Math.min(256, n);
                int dim = data.inputDim();
                float[] rows = java.util.Arrays.copyOf(data.test().embeddings(), b * dim);
                Tensor map;
                try (GradMode.Scope ignored = GradMode.noGrad()) {
                    map = result.model().forward(Tensor.of(rows, b, dim)).attention().mean(0, false);   // (K, K)
                }
                int k = map.size(0);
                float[] flat = map.toFloatArray();
                attention = new float[k][k];
                for (int i = 0; i < k; i++) {
                    System.arraycopy(flat, i * k, attention[i], 0, k);
                }
            }
            return LiminalPictures.write(new RunHistory(epochs), new Predictions("test", p, t), attention,
                    runDir.resolve("pictures"));
        }

        private static void printSummary(LiminalTrainer.Result r) {
            Evaluation t = r.test();
            System.out.printf(Locale.ROOT, "LIMINAL test (EmoBank official test split, n=%d, 1–5 units):%n", t.size());
            System.out.printf(Locale.ROOT, "  Pearson r  V %.3f  A %.3f  D %.3f  (mean %.3f)%n",
                    t.vad().valence().pearson(), t.vad().arousal().pearson(), t.vad().dominance().pearson(),
                    t.vad().overall().pearson());
            System.out.printf(Locale.ROOT, "  MAE        V %.3f  A %.3f  D %.3f  (all %.3f)%n",
                    t.vad().valence().mae(), t.vad().arousal().mae(), t.vad().dominance().mae(), t.vad().overall().mae());
            System.out.printf(Locale.ROOT, "  R²         V %.3f  A %.3f  D %.3f  (mean %.3f)%n",
                    t.vad().valence().r2(), t.vad().arousal().r2(), t.vad().dominance().r2(), t.vad().overall().r2());
            System.out.printf(Locale.ROOT, "  Hope %.3f  Faith %.3f  Love %.3f (seed formulas)%n", t.seed().hope(),
                    t.seed().faith(), t.seed().love());
            System.out.printf(Locale.ROOT, "  %d epochs, %d steps, %.1f steps/s, wall %s; run folder %s%n",
                    r.log().size(), r.steps(), r.stepsPerSecond(), ItemProgress.clock(r.seconds()),
                    r.outDir().toAbsolutePath());
        }
    }

    /** Progress bar per phase plus one line per epoch. */
    static final class ProgressListener implements LiminalTrainer.Listener {
        private ItemProgress bar;
        private int phaseEpochs;
        private int stepsPerEpoch;
        private int epochsBefore;
        private int phase;

        @Override
        public void phaseStarted(int phase, int epochs, int steps) {
            this.phase = phase;
            this.phaseEpochs = epochs;
            this.stepsPerEpoch = steps;
            this.epochsBefore = -1;
            bar = ItemProgress.toStandardError("phase " + phase, (long) epochs * steps);
        }

        @Override
        public void step(int phase, int epoch, int step, int steps, double loss) {
            if (epochsBefore < 0) {
                epochsBefore = epoch - 1;
            }
            int inPhase = epoch - epochsBefore;
            bar.update((long) (inPhase - 1) * steps + step, "steps", String.format(Locale.ROOT,
                    "epoch %d/%d step %d/%d loss %.4f", inPhase, phaseEpochs, step, steps, loss));
        }

        @Override
        public void epochFinished(EpochLog l) {
            System.err.printf(Locale.ROOT, "epoch %3d (phase %d) lr %.2e  train %.5f  val %.5f  r V/A/D %.3f/%.3f/%.3f"
                    + "  hope %.3f faith %.3f love %.3f  %.1fs%n", l.epoch(), l.phase(), l.lr(), l.trainLoss(),
                    l.valLoss(), l.valRV(), l.valRA(), l.valRD(), l.hope(), l.faith(), l.love(), l.seconds());
        }

        @Override
        public void message(String text) {
            System.err.println("limbic train liminal: " + text);
        }
    }
}
