package dev.limbic.nn.loss;

import dev.limbic.nn.GoldenCase;
import dev.limbic.tensor.Tensor;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * PyTorch parity of every loss on the golden fixtures, discovered by their {@code op} metadata; reductions,
 * ignore index, smoothing, α and γ are read from the files. The backward is seeded with {@code grad_out.loss}.
 */
class LossGoldenTest {

    static Reduction reduction(GoldenCase c) {
        String r = c.metaOr("reduction", "mean").toLowerCase(Locale.ROOT);
        if (r.startsWith("mean")) {   // "mean", "mean over batch"
            return Reduction.MEAN;
        }
        return switch (r) {
            case "sum" -> Reduction.SUM;
            case "none" -> Reduction.NONE;
            case "batchmean" -> Reduction.BATCH_MEAN;
            default -> throw new AssertionError(c.name() + ": unknown reduction '" + r + "'");
        };
    }

    @TestFactory
    Stream<DynamicTest> crossEntropy() {
        return run("cross_entropy cases", GoldenCase.op("cross_entropy"), c -> {
            Tensor x = c.leaf("input.logits");
            Tensor w = c.has("input.weight") ? c.tensor("input.weight") : null;
            long ignore = Long.parseLong(c.metaOr("ignore_index", "-100").trim());
            double smoothing = Double.parseDouble(c.metaOr("label_smoothing", "0").trim());
            Tensor loss = new CrossEntropyLoss(w, ignore, smoothing, reduction(c)).forward(x, c.tensor("input.target"));
            c.assertClose("out.loss", loss);
            loss.backward(c.tensor("grad_out.loss"));
            c.assertClose("grad.logits", x.grad());
        });
    }

    @TestFactory
    Stream<DynamicTest> bceWithLogits() {
        return run("bce_with_logits cases", GoldenCase.op("binary_cross_entropy_with_logits"), c -> {
            Tensor x = c.leaf("input.logits");
            Tensor t = c.leaf("input.target");
            Tensor w = c.has("input.weight") ? c.tensor("input.weight") : null;
            Tensor pw = c.has("input.pos_weight") ? c.tensor("input.pos_weight") : null;
            Tensor loss = new BCEWithLogitsLoss(w, pw, reduction(c)).forward(x, t);
            c.assertClose("out.loss", loss);
            loss.backward(c.tensor("grad_out.loss"));
            c.assertClose("grad.logits", x.grad());
            if (c.has("grad.target")) {
                c.assertClose("grad.target", t.grad());
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> mse() {
        return run("mse_loss cases", GoldenCase.op("mse_loss"), c -> {
            Tensor x = c.leaf("input.x");
            Tensor t = c.leaf("input.target");
            Tensor loss = new MSELoss(reduction(c)).forward(x, t);
            c.assertClose("out.loss", loss);
            loss.backward(c.tensor("grad_out.loss"));
            c.assertClose("grad.x", x.grad());
            if (c.has("grad.target")) {
                c.assertClose("grad.target", t.grad());
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> l1() {
        return run("l1_loss cases", GoldenCase.op("l1_loss"), c -> {
            Tensor x = c.leaf("input.x");
            Tensor t = c.leaf("input.target");
            Tensor loss = new L1Loss(reduction(c)).forward(x, t);
            c.assertClose("out.loss", loss);
            loss.backward(c.tensor("grad_out.loss"));
            c.assertClose("grad.x", x.grad());
            if (c.has("grad.target")) {
                c.assertClose("grad.target", t.grad());
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> klDiv() {
        return run("kl_div cases", GoldenCase.op("kl_div"), c -> {
            Tensor x = c.leaf("input.input");
            Tensor t = c.leaf("input.target");
            boolean logTarget = c.metaBool("log_target");
            Tensor loss = new KLDivLoss(reduction(c), logTarget).forward(x, t);
            c.assertClose("out.loss", loss);
            loss.backward(c.tensor("grad_out.loss"));
            c.assertClose("grad.input", x.grad());
            if (c.has("grad.target")) {
                c.assertClose("grad.target", t.grad());
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> focal() {
        return run("focal_loss cases", GoldenCase.op("focal_loss"), c -> {
            Tensor x = c.leaf("input.logits");
            Tensor target = c.tensor("input.target");
            Tensor w = c.has("input.weight") ? c.tensor("input.weight") : null;
            FocalLoss fl = new FocalLoss(c.metaDouble("alpha"), c.metaDouble("gamma"), w,
                    CrossEntropyLoss.DEFAULT_IGNORE_INDEX, reduction(c));
            if (c.has("out.per_sample")) {
                c.assertClose("out.per_sample", fl.withReduction(Reduction.NONE).forward(x.detach(), target));
            }
            Tensor loss = fl.forward(x, target);
            c.assertClose("out.loss", loss);
            loss.backward(c.tensor("grad_out.loss"));
            c.assertClose("grad.logits", x.grad());
        });
    }

    /** Cases this class ran (GoldenCase.WORST is shared by all golden test classes). */
    private static final java.util.Set<String> RAN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static Stream<DynamicTest> run(String what, java.util.function.Predicate<Map<String, String>> select,
            org.junit.jupiter.api.function.ThrowingConsumer<GoldenCase> body) {
        return GoldenCase.cases(what, select, c -> {
            RAN.add(c.name());
            body.accept(c);
        });
    }

    @AfterAll
    static void printWorstRatios() {
        Map<String, Double> sorted = new TreeMap<>(GoldenCase.WORST);
        sorted.keySet().retainAll(RAN);
        StringBuilder sb = new StringBuilder("loss golden worst |err|/tol:");
        sorted.forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s=%.3g", k.replace(".safetensors", ""), v)));
        System.out.println(sb);
    }
}
