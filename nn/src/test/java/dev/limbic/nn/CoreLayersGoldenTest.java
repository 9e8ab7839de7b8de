package dev.limbic.nn;

import dev.limbic.tensor.Tensor;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** PyTorch parity of the {@link Linear} and {@link Embedding} modules on the golden fixtures. */
class CoreLayersGoldenTest {

    @TestFactory
    Stream<DynamicTest> linear() {
        return GoldenCase.cases("linear cases", GoldenCase.op("linear"), c -> {
            Tensor w = c.tensor("param.weight");
            boolean bias = c.has("param.bias");
            Linear lin = new Linear(w.size(1), w.size(0), bias, Init.rng(0));
            lin.to(c.dtype());
            lin.loadStateDict(paramsOf(c), true);
            Tensor x = c.leaf("input.x");
            Tensor y = lin.forward(x);
            c.assertClose("out.y", y);
            y.backward(c.tensor("grad_out.y"));
            c.assertClose("grad.x", x.grad());
            c.assertClose("grad.param.weight", lin.weight().grad());
            if (bias) {
                c.assertClose("grad.param.bias", lin.bias().grad());
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> embedding() {
        return GoldenCase.cases("embedding cases", GoldenCase.op("embedding"), c -> {
            Tensor w = c.tensor("param.weight");
            int pad = c.metadata().containsKey("padding_idx") ? c.metaInt("padding_idx") : -1;
            Embedding emb = new Embedding(w.size(0), w.size(1), pad, Init.rng(0));
            emb.to(c.dtype());
            emb.loadStateDict(paramsOf(c), true);
            String idsName = c.names("input.").get(0);
            Tensor y = emb.forward(c.tensor(idsName));
            String outName = c.names("out.").get(0);
            c.assertClose(outName, y);
            y.backward(c.tensor("grad_out." + outName.substring(4)));
            c.assertClose("grad.param.weight", emb.weight().grad());
        });
    }

    /** {@code param.*} tensors with the prefix stripped: the module's own state dict names. */
    static Map<String, Tensor> paramsOf(GoldenCase c) {
        Map<String, Tensor> m = new java.util.LinkedHashMap<>();
        for (String n : c.names("param.")) {
            m.put(n.substring("param.".length()), c.tensor(n));
        }
        return m;
    }
}
