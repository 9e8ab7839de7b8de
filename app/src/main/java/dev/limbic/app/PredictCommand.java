package dev.limbic.app;

import dev.limbic.models.encoder.SentenceEncoder;
import dev.limbic.models.encoder.TransformerSentenceEncoder;
import dev.limbic.models.liminal.LiminalOutput;
import dev.limbic.models.liminal.SoulReading;
import dev.limbic.models.liminal.train.LiminalRun;
import dev.limbic.models.liminal.train.LiminalTrainer;
import dev.limbic.models.liminal.train.VadMetrics;
import dev.limbic.tensor.GradMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code limbic predict "text"}: valence, arousal, dominance and the LIMINAL read-outs of a trained run. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Predict valence, arousal and dominance (1–5) of texts with a trained LIMINAL run, with the "
            + "per-iteration confidences, an emoji read-out (sign of V × sign of A, MODELS.md §1.9) and Hope/Faith/"
            + "Love (v6: the SoulKernel's read-outs of the last iteration; other versions: the notebook's "
            + "target-free Hope = tanh(mean PAD) and Faith = mean confidence)."})
final class PredictCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "TEXT", description = "texts to rate")
    List<String> texts;

    @Option(names = "--run", description = "run folder (default: runs/liminal-v6, else the only runs/liminal-*)")
    Path run;

    @Option(names = "--remember", description = "v6: append these calls to the run's soul_memory.jsonl, so later "
            + "predictions continue from them")
    boolean remember;

    @Override
    public Integer call() throws Exception {
        Path dir = run != null ? run : defaultRun();
        if (dir == null) {
            System.err.println("limbic predict: no trained run found under runs/; train one first with "
                    + "'./limbic train liminal --version v6' or pass --run DIR");
            return 2;
        }
        LiminalRun r = LiminalRun.open(dir, remember);
        SentenceEncoder enc;
        if (r.encoderFinetuned()) {
            TransformerSentenceEncoder t = LiminalSupport.miniLm(LiminalSupport.layersOf(r.encoderId()));
            t.model().load(dir.resolve(LiminalTrainer.ENCODER), true);
            enc = t;
        } else {
            enc = LiminalSupport.encoderFor(r.encoderId());
        }
        for (String text : texts) {
            LiminalOutput o;
            try (GradMode.Scope ignored = GradMode.noGrad()) {
                o = r.model().forward(enc.embed(List.of(text)));
            }
            double[] pad = o.pad().toDoubleArray();
            System.out.println(text);
            System.out.printf(Locale.ROOT, "  V %.2f  A %.2f  D %.2f   %s %s%n", VadMetrics.toOriginalUnits(pad[0]),
                    VadMetrics.toOriginalUnits(pad[1]), VadMetrics.toOriginalUnits(pad[2]),
                    LiminalSupport.emoji(pad[0], pad[1]), LiminalSupport.mood(pad[0], pad[1]));
            StringBuilder conf = new StringBuilder();
            for (double c : o.confidence()) {
                conf.append(String.format(Locale.ROOT, " %.3f", c));
            }
            System.out.println("  confidence per iteration:" + conf + (o.meanConfidence() == 0
                    ? "  (no affect input: the gate is not consulted)" : ""));
            if (!o.soul().isEmpty()) {
                SoulReading s = o.soul().get(o.soul().size() - 1);
                System.out.printf(Locale.ROOT, "  SoulKernel  Hope %.3f  Faith %.3f  Love %.3f%n", s.hope(), s.faith(),
                        s.love());
            } else {
                double mean = (pad[0] + pad[1] + pad[2]) / 3;
                System.out.printf(Locale.ROOT, "  Hope %.3f  Faith %.3f  (notebook formulas; Love needs a loss)%n",
                        Math.tanh(mean), o.meanConfidence());
            }
        }
        if (r.model().soulKernel() != null && r.model().soulKernel().memory() instanceof AutoCloseable c) {
            c.close();
        }
        return 0;
    }

    private static Path defaultRun() throws java.io.IOException {
        Path v6 = Path.of("runs", "liminal-v6");
        if (Files.exists(v6.resolve(LiminalTrainer.MODEL))) {
            return v6;
        }
        Path runs = Path.of("runs");
        if (!Files.isDirectory(runs)) {
            return null;
        }
        try (var s = Files.list(runs)) {
            List<Path> found = s.filter(p -> p.getFileName().toString().startsWith("liminal-")
                    && Files.exists(p.resolve(LiminalTrainer.MODEL))).sorted().toList();
            return found.isEmpty() ? null : found.get(found.size() - 1);
        }
    }
}
