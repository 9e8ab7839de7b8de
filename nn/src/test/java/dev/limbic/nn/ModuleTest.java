package dev.limbic.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModuleTest {

    /** A two-level model with a buffer, like the ones the models module builds. */
    static final class Mlp extends Module implements Layer {
        final Linear fc1;
        final Linear fc2;
        final LayerNorm norm;

        Mlp(long seed) {
            var rng = Init.rng(seed);
            fc1 = registerModule("fc1", new Linear(5, 8, rng));
            norm = registerModule("norm", new LayerNorm(8, 1e-5));
            fc2 = registerModule("fc2", new Linear(8, 3, rng));
            registerBuffer("scale", Tensor.full(2.0, DType.F32, 3), true);
            registerBuffer("scratch", Tensor.zeros(3), false);
        }

        @Override
        public Tensor forward(Tensor x) {
            return fc2.forward(norm.forward(fc1.forward(x)).relu()).mul(buffer("scale"));
        }
    }

    @Test
    void dottedNamesInRegistrationOrderAndCounts() {
        Mlp m = new Mlp(1);
        assertThat(m.namedParameters().keySet()).containsExactly("fc1.weight", "fc1.bias", "norm.weight",
                "norm.bias", "fc2.weight", "fc2.bias");
        assertThat(m.stateDict().keySet()).containsExactly("fc1.weight", "fc1.bias", "norm.weight", "norm.bias",
                "fc2.weight", "fc2.bias", "scale");
        assertThat(m.namedBuffers().keySet()).containsExactly("scale", "scratch");
        assertThat(m.parameterCount()).isEqualTo(5 * 8 + 8 + 8 + 8 + 8 * 3 + 3);
        assertThat(m.namedModules().keySet()).containsExactly("", "fc1", "norm", "fc2");
    }

    @Test
    void sameSeedSameWeightsAndPyTorchBounds() {
        Mlp a = new Mlp(42);
        Mlp b = new Mlp(42);
        Mlp c = new Mlp(43);
        assertThat(a.fc1.weight().get().toFloatArray()).containsExactly(b.fc1.weight().get().toFloatArray());
        assertThat(a.fc1.weight().get().toFloatArray()).isNotEqualTo(c.fc1.weight().get().toFloatArray());
        // kaiming_uniform(a=√5) and the bias bound are both 1/√fan_in
        double bound = 1 / Math.sqrt(8);
        for (float v : new Linear(8, 200, 7).weight().get().toFloatArray()) {
            assertThat(Math.abs(v)).isLessThanOrEqualTo((float) bound);
        }
        Linear big = new Linear(8, 4000, 9);
        double max = 0;
        for (float v : big.weight().get().toFloatArray()) {
            max = Math.max(max, Math.abs(v));
        }
        assertThat(max).isGreaterThan(0.99 * bound);
    }

    @Test
    void trainEvalPropagates() {
        Mlp m = new Mlp(1);
        m.eval();
        assertThat(m.fc1.isTraining()).isFalse();
        m.train();
        assertThat(m.norm.isTraining()).isTrue();
    }

    @Test
    void saveLoadRoundTripIsExact(@TempDir Path dir) throws IOException {
        Mlp a = new Mlp(1);
        Path f = dir.resolve("m.safetensors");
        a.save(f, Map.of("note", "test"));
        Mlp b = new Mlp(2);
        Module.LoadResult r = b.load(f, true);
        assertThat(r.missingKeys()).isEmpty();
        for (String k : a.stateDict().keySet()) {
            assertThat(b.stateDict().get(k).toFloatArray()).as(k).containsExactly(a.stateDict().get(k).toFloatArray());
        }
        Tensor x = Tensor.randn(3, DType.F32, 4, 5);
        assertThat(b.forward(x).toFloatArray()).containsExactly(a.forward(x).toFloatArray());
        // no temp files left behind by the atomic write
        try (var s = Files.list(dir)) {
            assertThat(s.toList()).containsExactly(f);
        }
    }

    @Test
    void loadedValuesAreCopiesNotAliases() {
        Mlp a = new Mlp(1);
        Map<String, Tensor> state = a.stateDictCopy();
        Mlp b = new Mlp(2);
        b.loadStateDict(state, true);
        state.get("fc1.weight").fill_(0);
        assertThat(b.fc1.weight().get().toFloatArray()).containsExactly(a.fc1.weight().get().toFloatArray());
        assertThat(b.fc1.weight().get().requiresGrad()).isTrue();
    }

    @Test
    void strictLoadListsEveryProblemAndChangesNothing() {
        Mlp a = new Mlp(1);
        Map<String, Tensor> state = new LinkedHashMap<>(a.stateDict());
        state.remove("fc2.bias");
        state.put("fc3.weight", Tensor.zeros(2, 2));
        state.put("fc1.weight", Tensor.zeros(8, 6));
        Mlp b = new Mlp(2);
        float[] before = b.fc1.bias().get().toFloatArray();
        assertThatThrownBy(() -> b.loadStateDict(state, true))
                .isInstanceOf(StateDictException.class)
                .hasMessageContaining("fc1.weight: checkpoint [8, 6], model [8, 5]")
                .hasMessageContaining("missing (1): fc2.bias")
                .hasMessageContaining("unexpected (1): fc3.weight");
        assertThat(b.fc1.bias().get().toFloatArray()).containsExactly(before);
    }

    @Test
    void nonStrictReportsMissingAndUnexpectedButShapesStillFail() {
        Mlp a = new Mlp(1);
        Map<String, Tensor> state = new LinkedHashMap<>(a.stateDict());
        state.remove("fc2.bias");
        state.put("extra", Tensor.zeros(1));
        Mlp b = new Mlp(2);
        Module.LoadResult r = b.loadStateDict(state, false);
        assertThat(r.missingKeys()).containsExactly("fc2.bias");
        assertThat(r.unexpectedKeys()).containsExactly("extra");
        assertThat(b.fc2.weight().get().toFloatArray()).containsExactly(a.fc2.weight().get().toFloatArray());
        state.put("fc2.weight", Tensor.zeros(3, 9));
        assertThatThrownBy(() -> b.loadStateDict(state, false)).isInstanceOf(StateDictException.class)
                .hasMessageContaining("fc2.weight");
    }

    @Test
    void corruptCheckpointNamesTheFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bad.safetensors");
        Files.write(f, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> new Mlp(1).load(f, true)).hasMessageContaining("bad.safetensors");
    }

    @Test
    void f64ConversionKeepsValuesAndRecomputes() {
        Mlp m = new Mlp(1);
        Tensor x = Tensor.randn(3, DType.F32, 4, 5);
        float[] y32 = m.forward(x).toFloatArray();
        m.to(DType.F64);
        assertThat(m.fc1.weight().dtype()).isEqualTo(DType.F64);
        double[] y64 = m.forward(x.to(DType.F64)).toDoubleArray();
        for (int i = 0; i < y32.length; i++) {
            assertThat(y64[i]).isCloseTo(y32[i], org.assertj.core.data.Offset.offset(1e-4));
        }
    }

    @Test
    void memberNamesAreValidated() {
        assertThatThrownBy(() -> new Module() {
            {
                registerParameter("a.b", Tensor.zeros(1));
            }
        }).hasMessageContaining("a.b");
        assertThatThrownBy(() -> new Module() {
            {
                registerParameter("w", Tensor.zeros(1));
                registerBuffer("w", Tensor.zeros(1), true);
            }
        }).hasMessageContaining("already has a member named 'w'");
    }

    @Test
    void sequentialNamesChildrenByIndex() {
        var rng = Init.rng(3);
        Sequential s = new Sequential().add(new Linear(4, 6, rng)).add(Activation.relu()).add(new Linear(6, 2, rng));
        assertThat(s.namedParameters().keySet()).containsExactly("0.weight", "0.bias", "2.weight", "2.bias");
        assertThat(s.forward(Tensor.ones(3, 4)).shape()).containsExactly(3, 2);
    }

    @Test
    void dropoutIsReproducibleAndIdentityInEval() {
        Tensor x = Tensor.ones(1000);
        Dropout a = new Dropout(0.3, Init.rng(5));
        Dropout b = new Dropout(0.3, Init.rng(5));
        float[] ya = a.forward(x).toFloatArray();
        assertThat(b.forward(x).toFloatArray()).containsExactly(ya);
        int zeros = 0;
        for (float v : ya) {
            if (v == 0) {
                zeros++;
            } else {
                assertThat(v).isCloseTo(1 / 0.7f, org.assertj.core.data.Offset.offset(1e-6f));
            }
        }
        assertThat(zeros).isBetween(230, 370);
        a.eval();
        assertThat(a.forward(x).toFloatArray()).containsOnly(1f);
        assertThatThrownBy(() -> new Dropout(1.0, Init.rng(1))).hasMessageContaining("[0, 1)");
    }

    @Test
    void layerBadInputsNameShapes() {
        assertThatThrownBy(() -> new Linear(5, 3, 1).forward(Tensor.zeros(2, 4))).hasMessageContaining("[2, 4]")
                .hasMessageContaining("5");
        assertThatThrownBy(() -> new LayerNorm(8, 1e-5).forward(Tensor.zeros(2, 4))).hasMessageContaining("[2, 4]");
        Embedding e = new Embedding(10, 4, 0, Init.rng(1));
        assertThatThrownBy(() -> e.forward(Tensor.ofLongs(new long[] {3, 10}, 2))).hasMessageContaining("id 10");
        assertThatThrownBy(() -> e.forward(Tensor.zeros(2))).hasMessageContaining("integer ids");
    }

    /**
     * Gradient sinks: a weight used by several linear ops (and by a plain op) in one graph, and an activation
     * consumed several times, accumulate into one buffer in place; the sums must still be exact.
     */
    @Test
    void tiedWeightsAndReusedActivationsAccumulateExactly() {
        dev.limbic.tensor.GradCheck.assertGradients("tied linear weights", in -> {
            Tensor x = in.get(0);
            Tensor w = in.get(1);
            Tensor h = x.linear(w, null).tanh();              // (3, 4)
            Tensor h2 = h.linear(w, null).add(h.linear(w, null).mul(0.5)).add(h);   // w three times, h four times
            return h2.mul(w.sum()).sum();                     // and w once more through a plain op
        }, Tensor.randn(1, DType.F64, 3, 4).requiresGrad(true), Tensor.randn(2, DType.F64, 4, 4).requiresGrad(true));
        // accumulating over two backward calls without zeroGrad adds, as in PyTorch
        Tensor w = Tensor.randn(3, DType.F64, 4, 4).requiresGrad(true);
        Tensor x = Tensor.randn(4, DType.F64, 5, 4);
        x.linear(w, null).linear(w, null).sum().backward();
        double[] once = w.grad().toDoubleArray();
        x.linear(w, null).linear(w, null).sum().backward();
        double[] twice = w.grad().toDoubleArray();
        for (int i = 0; i < once.length; i++) {
            assertThat(twice[i]).isCloseTo(2 * once[i], org.assertj.core.data.Offset.offset(1e-12));
        }
    }

    @Test
    void embeddingPaddingRowGetsNoGradient() {
        Embedding e = new Embedding(6, 3, 2, Init.rng(1));
        assertThat(e.weight().get().select(0, 2).toFloatArray()).containsOnly(0f);
        Tensor y = e.forward(Tensor.ofLongs(new long[] {2, 1, 2, 5, 1}, 5));
        y.mul(Tensor.randn(4, DType.F32, 5, 3)).sum().backward();
        assertThat(e.weight().grad().select(0, 2).toFloatArray()).containsOnly(0f);
        assertThat(e.weight().grad().select(0, 1).toFloatArray()).doesNotContain(0f);
        assertThat(e.weight().grad().select(0, 0).toFloatArray()).containsOnly(0f);
    }

    @Test
    void gradcheckLinearLayerNormEmbedding() {
        Linear lin = new Linear(4, 3, 11);
        ModuleGradCheck.assertGradients("linear", lin, in -> lin.forward(in.get(0)),
                Tensor.randn(1, DType.F64, 2, 5, 4).requiresGrad(true));
        LayerNorm ln = new LayerNorm(6, 1e-5);
        ModuleGradCheck.assertGradients("layer_norm", ln, in -> ln.forward(in.get(0)),
                Tensor.randn(2, DType.F64, 3, 6).requiresGrad(true));
        // no padding index here: its row has zero gradient by definition, which finite differences disagree with
        Embedding emb = new Embedding(7, 3, -1, Init.rng(2));
        ModuleGradCheck.assertGradients("embedding", emb, in -> emb.forward(in.get(0)),
                Tensor.ofLongs(new long[] {0, 1, 6, 1, 3, 0}, 2, 3));
        Sequential mlp = new Sequential().add(new Linear(3, 5, 1)).add(Activation.gelu()).add(new Linear(5, 2, 2));
        ModuleGradCheck.assertGradients("mlp", mlp, in -> mlp.forward(in.get(0)),
                Tensor.randn(3, DType.F64, 4, 3).requiresGrad(true));
    }
}
