package dev.limbic.nn;

import dev.limbic.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * PyTorch parity of {@link LSTM} and {@link GRU} on every golden fixture whose {@code op} is {@code nn.LSTM} or
 * {@code nn.GRU}, with each {@link RecurrentImpl}: outputs, final states and the gradients of the input, the
 * initial states and every parameter for the upstream gradients of all outputs at once
 * ({@code backward} of {@code Σ_k ⟨out_k, grad_out_k⟩}). Configuration comes from the files' metadata; a case
 * with {@code input.lengths} runs packed variable-length rows.
 */
class RecurrentGoldenTest {

    @TestFactory
    Stream<DynamicTest> lstm() {
        return GoldenCase.cases("LSTM cases", GoldenCase.op("nn.LSTM"), c -> {
            for (RecurrentImpl impl : RecurrentImpl.values()) {
                LSTM m = new LSTM(new RecurrentConfig(c.metaInt("input_size"), c.metaInt("hidden_size"),
                        c.metaInt("num_layers"), c.metaBool("bidirectional"), c.metaBool("batch_first"),
                        c.has("param.bias_ih_l0")), Init.rng(0)).implementation(impl);
                m.to(c.dtype());
                m.loadStateDict(CoreLayersGoldenTest.paramsOf(c), true);
                Tensor x = c.leaf("input.x");
                Tensor h0 = c.has("input.h0") ? c.leaf("input.h0") : null;
                Tensor c0 = c.has("input.c0") ? c.leaf("input.c0") : null;
                // packed variable-length rows (pack_padded_sequence ... pad_packed_sequence(total_length=T))
                Tensor lengths = c.has("input.lengths") ? c.tensor("input.lengths") : null;
                LSTM.Output out = m.forward(x, h0, c0, lengths);
                Map<String, Tensor> outs = Map.of("output", out.output(), "h_n", out.hN(), "c_n", out.cN());
                compare(c, impl, outs, x, h0, c0, m);
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> gru() {
        return GoldenCase.cases("GRU cases", GoldenCase.op("nn.GRU"), c -> {
            for (RecurrentImpl impl : RecurrentImpl.values()) {
                GRU m = new GRU(new RecurrentConfig(c.metaInt("input_size"), c.metaInt("hidden_size"),
                        c.metaInt("num_layers"), c.metaBool("bidirectional"), c.metaBool("batch_first"),
                        c.has("param.bias_ih_l0")), Init.rng(0)).implementation(impl);
                m.to(c.dtype());
                m.loadStateDict(CoreLayersGoldenTest.paramsOf(c), true);
                Tensor x = c.leaf("input.x");
                Tensor h0 = c.has("input.h0") ? c.leaf("input.h0") : null;
                Tensor lengths = c.has("input.lengths") ? c.tensor("input.lengths") : null;
                GRU.Output out = m.forward(x, h0, lengths);
                Map<String, Tensor> outs = Map.of("output", out.output(), "h_n", out.hN());
                compare(c, impl, outs, x, h0, null, m);
            }
        });
    }

    /** Forward values, then one backward of Σ ⟨out_k, grad_out_k⟩ and every stored gradient. */
    private static void compare(GoldenCase c, RecurrentImpl impl, Map<String, Tensor> outs, Tensor x, Tensor h0,
                                Tensor c0, Module m) {
        Tensor loss = null;
        for (String name : c.names("out.")) {
            String key = name.substring("out.".length());
            Tensor got = outs.get(key);
            if (got == null) {
                throw new AssertionError(c.name() + ": no Java output for " + name);
            }
            check(c, impl, name, got);
            if (c.has("grad_out." + key)) {
                Tensor term = got.mul(c.tensor("grad_out." + key)).sum();
                loss = loss == null ? term : loss.add(term);
            }
        }
        loss.backward();
        check(c, impl, "grad.x", x.grad());
        if (h0 != null) {
            check(c, impl, "grad.h0", h0.grad());
        }
        if (c0 != null) {
            check(c, impl, "grad.c0", c0.grad());
        }
        List<String> params = new ArrayList<>();
        m.namedParameters().forEach((name, p) -> {
            check(c, impl, "grad.param." + name, p.grad());
            params.add(name);
        });
        if (params.size() != c.names("param.").size()) {
            throw new AssertionError(c.name() + ": module has " + params + ", file has " + c.names("param."));
        }
    }

    private static void check(GoldenCase c, RecurrentImpl impl, String name, Tensor got) {
        try {
            c.assertClose(name, got);
        } catch (AssertionError e) {
            throw new AssertionError("[" + impl + "] " + e.getMessage(), e);
        }
    }

    @AfterAll
    static void printWorstRatios() {
        GoldenCase.WORST.entrySet().stream()
                .filter(e -> e.getKey().startsWith("lstm") || e.getKey().startsWith("gru"))
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> System.out.println(String.format(Locale.ROOT,
                        "golden %-40s worst |err|/tol = %.3g", e.getKey(), e.getValue())));
    }
}
