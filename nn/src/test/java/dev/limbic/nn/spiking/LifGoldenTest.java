package dev.limbic.nn.spiking;

import dev.limbic.nn.GoldenCase;
import dev.limbic.nn.Init;
import dev.limbic.nn.Linear;
import dev.limbic.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * PyTorch parity of {@link LeakyLIF} (integrate, fire, subtract) behind a {@link Linear} projection on the golden
 * {@code lif_layer} fixtures: spikes exactly, membranes before/after reset and the loss within the forward
 * tolerance, gradients of the input and of the projection within the gradient tolerance. Every size and
 * hyper-parameter (β, θ, α, whether the reset is detached) comes from the file.
 */
class LifGoldenTest {

    @TestFactory
    Stream<DynamicTest> lifLayer() {
        return GoldenCase.cases("lif_layer cases", GoldenCase.op("lif_layer"), c -> {
            Tensor w = c.tensor("param.weight");
            Linear projection = new Linear(w.size(1), w.size(0), c.has("param.bias"), Init.rng(0));
            projection.to(c.dtype());
            Map<String, Tensor> params = new LinkedHashMap<>();
            for (String n : c.names("param.")) {
                params.put(n.substring("param.".length()), c.tensor(n));
            }
            projection.loadStateDict(params, true);
            LeakyLIF lif = new LeakyLIF(LeakyLIF.Config.afterFire(c.metaDouble("beta"), c.metaDouble("theta"),
                    c.metaDouble("surrogate_alpha"), resetDetached(c)));
            if (!c.meta("surrogate").toLowerCase(Locale.ROOT).contains("1 / (1 + alpha*|v - theta|)^2")) {
                throw new AssertionError(c.name() + ": unexpected surrogate '" + c.meta("surrogate") + "'");
            }

            Tensor x = c.leaf("input.x");                                // (T, B, in)
            LeakyLIF.Output out = lif.forward(projection.forward(x));    // currents (T, B, N)
            c.assertExact("out.spikes", out.spikes());
            c.assertClose("out.v_pre", out.preReset());
            c.assertClose("out.v_post", out.membrane());
            Tensor loss = out.spikes().mul(c.tensor("input.readout")).sum();
            c.assertClose("out.loss", loss);
            loss.backward(c.tensor("grad_out.loss"));
            c.assertClose("grad.x", x.grad());
            c.assertClose("grad.param.weight", projection.weight().grad());
            if (c.has("grad.param.bias")) {
                c.assertClose("grad.param.bias", projection.bias().grad());
            }
        });
    }

    /** {@code reset_grad} says "reset term uses S.detach()" or "reset term NOT detached". */
    static boolean resetDetached(GoldenCase c) {
        String r = c.meta("reset_grad");
        if (r.contains("NOT detached")) {
            return false;
        }
        if (r.contains("S.detach()")) {
            return true;
        }
        throw new AssertionError(c.name() + ": cannot tell from reset_grad '" + r + "' whether the reset is detached");
    }

    @AfterAll
    static void printWorst() {
        GoldenCase.WORST.entrySet().stream().filter(e -> e.getKey().startsWith("lif_"))
                .forEach(e -> System.out.printf(Locale.ROOT, "golden %s worst error/tolerance %.4f%n", e.getKey(),
                        e.getValue()));
    }
}
