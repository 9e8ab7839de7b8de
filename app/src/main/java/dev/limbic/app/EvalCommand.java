package dev.limbic.app;

import dev.limbic.data.DataLocator;
import dev.limbic.data.DataNotFoundException;
import dev.limbic.data.json.Json;
import dev.limbic.models.encoder.SentenceEncoder;
import dev.limbic.models.encoder.TransformerSentenceEncoder;
import dev.limbic.models.liminal.train.Evaluation;
import dev.limbic.models.liminal.train.LiminalData;
import dev.limbic.models.liminal.train.LiminalRun;
import dev.limbic.models.liminal.train.LiminalTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code limbic eval --run DIR}: a trained LIMINAL run's metrics on EmoBank's official test split. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a trained LIMINAL run on EmoBank's official test split (or --split dev): Pearson r, "
            + "MAE, MSE, RMSE, R² per dimension in 1–5 units and Hope/Faith/Love (seed, package and notebook "
            + "formulas). The SoulKernel memory (v6) starts from the run's saved memory, so the figures match the "
            + "run's results.json.")
final class EvalCommand implements Callable<Integer> {

    @Option(names = "--run", required = true, description = "run folder written by 'limbic train liminal'")
    Path run;

    @Option(names = "--data", description = "folder holding emobank/")
    Path data;

    @Option(names = "--split", defaultValue = "test", description = "test or dev (default: ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--cache", description = "embedding cache folder (default: ~/.cache/limbic/embeddings)")
    Path cache;

    @Override
    public Integer call() throws Exception {
        if (!split.equals("test") && !split.equals("dev")) {
            throw new IllegalArgumentException("--split '" + split + "': expected test or dev");
        }
        LiminalRun r = LiminalRun.open(run);
        Path emobank;
        try {
            emobank = DataLocator.standard(data).locate("emobank");
        } catch (DataNotFoundException e) {
            System.err.println("limbic eval: " + e.getMessage());
            return 2;
        }
        int evalBatch = 256;
        Path results = run.resolve(LiminalTrainer.RESULTS);
        if (Files.exists(results)) {
            Map<String, Object> cfg = Json.object(Json.parseObject(results), "config", results.toString());
            evalBatch = (int) Json.integer(cfg, "eval_batch_size", results + " config");
        }
        Evaluation ev;
        if (r.encoderFinetuned()) {
            TransformerSentenceEncoder enc = LiminalSupport.miniLm(LiminalSupport.layersOf(r.encoderId()));
            enc.model().load(run.resolve(LiminalTrainer.ENCODER), true);
            LiminalData d = LiminalData.fromEmoBank(emobank, null, enc.dimension());
            ev = LiminalTrainer.evaluate(r.model(), split.equals("test") ? d.test() : d.dev(), evalBatch, enc,
                    enc.dimension());
        } else {
            SentenceEncoder enc = LiminalSupport.cached(LiminalSupport.encoderFor(r.encoderId()), cache);
            if (!r.encoderFingerprint().isEmpty() && !enc.fingerprint().equals(r.encoderFingerprint())) {
                throw new IllegalStateException(run + " was trained with encoder " + r.encoderId() + " (fingerprint "
                        + r.encoderFingerprint() + "), this Limbic's " + enc.modelId() + " differs");
            }
            LiminalData d = LiminalData.fromEmoBank(emobank, LiminalSupport.withProgress(enc, "embed"), 0);
            ev = LiminalTrainer.evaluate(r.model(), split.equals("test") ? d.test() : d.dev(), evalBatch, null,
                    enc.dimension());
        }
        print(r, ev);
        return 0;
    }

    static void print(LiminalRun r, Evaluation ev) {
        System.out.printf(Locale.ROOT, "LIMINAL %s (%s) on EmoBank %s, n=%d, 1–5 units%n",
                r.model().version().label(), r.encoderId(), ev.split(), ev.size());
        System.out.println("           Pearson r    MAE      MSE      RMSE     R²");
        row("V", ev.vad().valence());
        row("A", ev.vad().arousal());
        row("D", ev.vad().dominance());
        row("overall", ev.vad().overall());
        System.out.printf(Locale.ROOT, "Hope/Faith/Love  seed %.3f/%.3f/%.3f  package %.3f/%.3f/%.3f  notebook "
                + "%.3f/%.3f/%.3f%n", ev.seed().hope(), ev.seed().faith(), ev.seed().love(), ev.pkg().hope(),
                ev.pkg().faith(), ev.pkg().love(), ev.notebook().hope(), ev.notebook().faith(), ev.notebook().love());
        System.out.printf(Locale.ROOT, "mean confidence %.3f; loss (scaled MSE) %.5f%n", ev.meanConfidence(),
                ev.loss());
    }

    private static void row(String name, dev.limbic.models.liminal.train.VadMetrics.DimensionMetrics m) {
        System.out.printf(Locale.ROOT, "  %-8s %8.4f  %8.4f %8.4f %8.4f %8.4f%n", name, m.pearson(), m.mae(), m.mse(),
                m.rmse(), m.r2());
    }
}
