package dev.limbic.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every golden fixture's {@code op} (shared set and the project's extra set) is tested somewhere: the op-level
 * ones by the tensor module's GoldenParityTest, the rest by the nn tests listed here. A regenerated fixture set that adds an op nobody
 * compares against fails this test instead of being skipped silently.
 */
class GoldenCoverageTest {

    /** Ops the tensor module's GoldenParityTest runs itself. */
    static final Set<String> TENSOR_OPS = Set.of("add", "sub", "mul", "div", "matmul", "sum", "mean", "max",
            "softmax", "log_softmax", "layer_norm", "gelu_erf", "gelu_tanh", "tanh", "sigmoid", "relu", "exp", "log",
            "sqrt", "linear", "embedding", "bert_layer_post_ln");

    /** Ops with an nn golden test (class in parentheses). */
    static final Set<String> NN_OPS = Set.of(
            "linear", "embedding",                                          // CoreLayersGoldenTest
            "single_head_attention", "nn.MultiheadAttention", "bert_layer_post_ln",   // AttentionGoldenTest
            "nn.LSTM", "nn.GRU",                                            // RecurrentGoldenTest
            "lif_layer",                                                    // LifGoldenTest
            "cross_entropy", "binary_cross_entropy_with_logits", "mse_loss", "l1_loss", "kl_div",
            "focal_loss",                                                   // LossGoldenTest
            "optim.Adam", "optim.AdamW", "optim.SGD", "clip_grad_norm_", "CosineAnnealingLR", "StepLR",
            "LinearLR", "SequentialLR", "ReduceLROnPlateau", "train_mlp");  // OptimGoldenTest

    @Test
    void everyFixtureOpHasATest() {
        List<Path> dirs = GoldenCase.dirs();
        Assumptions.assumeTrue(!dirs.isEmpty(), "golden fixtures not found: set -Dlimbic.golden or put ../shared "
                + "beside the checkout");
        Set<String> untested = new TreeSet<>();
        for (Path f : GoldenCase.files()) {
            String op = GoldenCase.load(f).metaOr("op", "(none)");
            if (!TENSOR_OPS.contains(op) && !NN_OPS.contains(op)) {
                untested.add(op + " (" + f.getFileName() + ")");
            }
        }
        assertThat(untested).as("golden ops without a parity test").isEmpty();
    }

    /** The project's own fixtures are committed, so they are always there (whether or not ../shared is). */
    @Test
    void extraFixturesArePresent() {
        assertThat(GoldenCase.extraDir()).as("nn/src/test/resources/golden-extra").isNotNull();
        assertThat(GoldenCase.files().stream().filter(f -> f.startsWith(GoldenCase.extraDir()))).isNotEmpty();
    }
}
