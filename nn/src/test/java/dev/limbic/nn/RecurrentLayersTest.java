package dev.limbic.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.GradCheck;
import dev.limbic.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link LSTM} and {@link GRU} beyond the fixtures: F64 gradient checks of every implementation (uni/bi, 1–2
 * layers, initial states, lengths, both layouts), the three implementations against each other, packed-sequence
 * semantics (a padded batch with lengths equals each row run alone at its own length, forward and gradients),
 * masks, layouts, parameter names and initialisation, and bad input.
 */
class RecurrentLayersTest {

    // ============================================================================================ helpers

    static LSTM lstm(int in, int hidden, int layers, boolean bi, boolean batchFirst, long seed) {
        return new LSTM(new RecurrentConfig(in, hidden, layers, bi, batchFirst, true), Init.rng(seed));
    }

    static GRU gru(int in, int hidden, int layers, boolean bi, boolean batchFirst, long seed) {
        return new GRU(new RecurrentConfig(in, hidden, layers, bi, batchFirst, true), Init.rng(seed));
    }

    static Tensor randn(long seed, DType dt, int... shape) {
        return Tensor.randn(seed, dt, shape);
    }

    /** Σ_k ⟨outs[k], R_k⟩ with fixed random R_k (null outputs skipped). */
    static Tensor objective(Tensor... outs) {
        Tensor total = null;
        long seed = 500;
        for (Tensor o : outs) {
            if (o == null) {
                continue;
            }
            Tensor term = o.mul(Tensor.randn(seed++, o.dtype(), o.shape())).sum();
            total = total == null ? term : total.add(term);
        }
        return total;
    }

    static void assertClose(String what, Tensor got, Tensor ref, double tol) {
        assertThat(got).as(what).isNotNull();
        assertThat(got.shape()).as(what + " shape").containsExactly(ref.shape());
        double[] g = got.toDoubleArray();
        double[] r = ref.toDoubleArray();
        for (int i = 0; i < r.length; i++) {
            double err = Math.abs(g[i] - r[i]);
            if (!(err <= tol * Math.max(1.0, Math.abs(r[i])))) {
                throw new AssertionError(what + "[" + i + "] = " + g[i] + ", expected " + r[i] + " (|diff| " + err
                        + ")");
            }
        }
    }

    /**
     * Gradient check of a module through {@code run}: the inputs are x, h0, (c0,) then every parameter by name, so
     * central differences cover the whole layer.
     */
    static void gradcheck(String label, Module m, List<Tensor> states, Tensor x,
                          Function<List<Tensor>, Tensor> body) {
        List<Tensor> inputs = new ArrayList<>();
        inputs.add(x.requiresGrad(true));
        for (Tensor s : states) {
            inputs.add(s == null ? null : s.requiresGrad(true));
        }
        for (Parameter p : m.parameters()) {
            inputs.add(Tensor.of(p.get().toDoubleArray(), p.shape()).requiresGrad(true));
        }
        GradCheck.Report r = GradCheck.check(label, body, inputs, GradCheck.Options.defaults());
        r.assertOk();
        assertThat(r.checked()).isGreaterThan(0);
    }

    /** The weights in {@code inputs} from position {@code first} on, by the module's parameter names. */
    static Function<String, Tensor> weightsFrom(Module m, List<Tensor> inputs, int first) {
        Map<String, Tensor> w = new LinkedHashMap<>();
        int i = first;
        for (String name : m.namedParameters().keySet()) {
            w.put(name, inputs.get(i++));
        }
        return w::get;
    }

    // ============================================================================================ gradient checks

    @ParameterizedTest(name = "{0}: layers={1} bi={2} batchFirst={3} states={4} lengths={5}")
    @CsvSource({
        "FUSED_SEQUENCE, 1, false, true, true, none",
        "FUSED_SEQUENCE, 2, true, true, true, 3 1",
        "FUSED_SEQUENCE, 2, false, false, false, 2 3",
        "FUSED_SEQUENCE, 1, true, false, true, 0 2",
        "FUSED_CELL, 1, true, true, true, 3 1",
        "FUSED_CELL, 2, false, true, false, none",
        "COMPOSITE, 2, true, true, true, 2 3",
        "COMPOSITE, 1, false, false, false, none",
    })
    void lstmPassesGradientChecks(RecurrentImpl impl, int layers, boolean bi, boolean batchFirst, boolean states,
                                  String lens) {
        int in = 3;
        int hidden = 2;
        int batch = 2;
        int steps = 3;
        LSTM m = lstm(in, hidden, layers, bi, batchFirst, 7).implementation(impl);
        m.to(DType.F64);
        int k = layers * (bi ? 2 : 1);
        long[] lengths = lengths(lens);
        Tensor x = batchFirst ? randn(1, DType.F64, batch, steps, in) : randn(1, DType.F64, steps, batch, in);
        List<Tensor> st = new ArrayList<>();
        st.add(states ? randn(2, DType.F64, k, batch, hidden) : null);
        st.add(states ? randn(3, DType.F64, k, batch, hidden) : null);
        gradcheck("lstm " + impl, m, st, x, v -> {
            LSTM.Output o = m.run(v.get(0), v.get(1), v.get(2), lengths, weightsFrom(m, v, 3));
            return Tensor.cat(List.of(o.output().reshape(-1), o.hN().reshape(-1), o.cN().reshape(-1)), 0);
        });
    }

    @ParameterizedTest(name = "{0}: layers={1} bi={2} batchFirst={3} state={4} lengths={5}")
    @CsvSource({
        "FUSED_SEQUENCE, 1, false, true, true, none",
        "FUSED_SEQUENCE, 2, true, true, true, 3 1",
        "FUSED_SEQUENCE, 2, false, false, false, 2 3",
        "FUSED_SEQUENCE, 1, true, false, true, 0 2",
        "FUSED_CELL, 1, true, true, true, 3 1",
        "FUSED_CELL, 2, false, true, false, none",
        "COMPOSITE, 2, true, true, true, 2 3",
        "COMPOSITE, 1, false, false, false, none",
    })
    void gruPassesGradientChecks(RecurrentImpl impl, int layers, boolean bi, boolean batchFirst, boolean state,
                                 String lens) {
        int in = 3;
        int hidden = 2;
        int batch = 2;
        int steps = 3;
        GRU m = gru(in, hidden, layers, bi, batchFirst, 8).implementation(impl);
        m.to(DType.F64);
        int k = layers * (bi ? 2 : 1);
        long[] lengths = lengths(lens);
        Tensor x = batchFirst ? randn(4, DType.F64, batch, steps, in) : randn(4, DType.F64, steps, batch, in);
        List<Tensor> st = new ArrayList<>();
        st.add(state ? randn(5, DType.F64, k, batch, hidden) : null);
        gradcheck("gru " + impl, m, st, x, v -> {
            GRU.Output o = m.run(v.get(0), v.get(1), lengths, weightsFrom(m, v, 2));
            return Tensor.cat(List.of(o.output().reshape(-1), o.hN().reshape(-1)), 0);
        });
    }

    static long[] lengths(String spec) {
        if (spec.equals("none")) {
            return null;
        }
        return java.util.Arrays.stream(spec.split(" ")).mapToLong(Long::parseLong).toArray();
    }

    // ============================================================================================ implementations agree

    @ParameterizedTest(name = "{0}")
    @CsvSource({"F32, 2e-5", "F64, 1e-12"})
    void lstmImplementationsAgree(DType dt, double tol) {
        int[] lengths = {7, 3, 0, 5};
        Map<RecurrentImpl, Object[]> results = new LinkedHashMap<>();
        for (RecurrentImpl impl : RecurrentImpl.values()) {
            LSTM m = lstm(5, 6, 2, true, true, 11).implementation(impl);
            m.to(dt);
            Tensor x = randn(12, dt, 4, 7, 5).requiresGrad(true);
            Tensor h0 = randn(13, dt, 4, 4, 6).requiresGrad(true);
            Tensor c0 = randn(14, dt, 4, 4, 6).requiresGrad(true);
            LSTM.Output o = m.forward(x, h0, c0, lengths);
            objective(o.output(), o.hN(), o.cN()).backward();
            results.put(impl, new Object[] {o, x.grad(), h0.grad(), c0.grad(), grads(m)});
        }
        Object[] ref = results.get(RecurrentImpl.COMPOSITE);
        for (RecurrentImpl impl : List.of(RecurrentImpl.FUSED_SEQUENCE, RecurrentImpl.FUSED_CELL)) {
            Object[] got = results.get(impl);
            LSTM.Output a = (LSTM.Output) got[0];
            LSTM.Output b = (LSTM.Output) ref[0];
            assertClose(impl + " output", a.output(), b.output(), tol);
            assertClose(impl + " hN", a.hN(), b.hN(), tol);
            assertClose(impl + " cN", a.cN(), b.cN(), tol);
            assertClose(impl + " grad x", (Tensor) got[1], (Tensor) ref[1], tol);
            assertClose(impl + " grad h0", (Tensor) got[2], (Tensor) ref[2], tol);
            assertClose(impl + " grad c0", (Tensor) got[3], (Tensor) ref[3], tol);
            assertSameGrads(impl.toString(), got[4], ref[4], tol);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"F32, 2e-5", "F64, 1e-12"})
    void gruImplementationsAgree(DType dt, double tol) {
        int[] lengths = {7, 3, 0, 5};
        Map<RecurrentImpl, Object[]> results = new LinkedHashMap<>();
        for (RecurrentImpl impl : RecurrentImpl.values()) {
            GRU m = gru(5, 6, 2, true, false, 21).implementation(impl);
            m.to(dt);
            Tensor x = randn(22, dt, 7, 4, 5).requiresGrad(true);
            Tensor h0 = randn(23, dt, 4, 4, 6).requiresGrad(true);
            GRU.Output o = m.forward(x, h0, lengths);
            objective(o.output(), o.hN()).backward();
            results.put(impl, new Object[] {o, x.grad(), h0.grad(), grads(m)});
        }
        Object[] ref = results.get(RecurrentImpl.COMPOSITE);
        for (RecurrentImpl impl : List.of(RecurrentImpl.FUSED_SEQUENCE, RecurrentImpl.FUSED_CELL)) {
            Object[] got = results.get(impl);
            assertClose(impl + " output", ((GRU.Output) got[0]).output(), ((GRU.Output) ref[0]).output(), tol);
            assertClose(impl + " hN", ((GRU.Output) got[0]).hN(), ((GRU.Output) ref[0]).hN(), tol);
            assertClose(impl + " grad x", (Tensor) got[1], (Tensor) ref[1], tol);
            assertClose(impl + " grad h0", (Tensor) got[2], (Tensor) ref[2], tol);
            assertSameGrads(impl.toString(), got[3], ref[3], tol);
        }
    }

    static Map<String, Tensor> grads(Module m) {
        Map<String, Tensor> g = new LinkedHashMap<>();
        m.namedParameters().forEach((n, p) -> g.put(n, p.grad()));
        return g;
    }

    @SuppressWarnings("unchecked")
    static void assertSameGrads(String label, Object got, Object ref, double tol) {
        Map<String, Tensor> a = (Map<String, Tensor>) got;
        Map<String, Tensor> b = (Map<String, Tensor>) ref;
        assertThat(a.keySet()).containsExactlyElementsOf(b.keySet());
        for (String n : b.keySet()) {
            assertClose(label + " grad " + n, a.get(n), b.get(n), tol);
        }
    }

    // ============================================================================================ packed sequences

    /** A padded batch with lengths equals every row run alone at its own length: outputs, states, gradients. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(RecurrentImpl.class)
    void lstmPaddedBatchEqualsEachRowAlone(RecurrentImpl impl) {
        int in = 4;
        int hidden = 5;
        int steps = 6;
        int[] lengths = {6, 2, 4, 1};
        int batch = lengths.length;
        int k = 4;   // 2 layers x 2 directions
        double tol = 2e-5;
        LSTM padded = lstm(in, hidden, 2, true, true, 31).implementation(impl);
        LSTM alone = lstm(in, hidden, 2, true, true, 31).implementation(impl);
        Tensor x = randn(32, DType.F32, batch, steps, in).requiresGrad(true);
        Tensor h0 = randn(33, DType.F32, k, batch, hidden).requiresGrad(true);
        Tensor c0 = randn(34, DType.F32, k, batch, hidden).requiresGrad(true);
        Tensor rOut = randn(35, DType.F32, batch, steps, 2 * hidden);
        Tensor rH = randn(36, DType.F32, k, batch, hidden);
        Tensor rC = randn(37, DType.F32, k, batch, hidden);
        LSTM.Output o = padded.forward(x, h0, c0, lengths);
        o.output().mul(rOut).sum().add(o.hN().mul(rH).sum()).add(o.cN().mul(rC).sum()).backward();
        for (int b = 0; b < batch; b++) {
            int len = lengths[b];
            Tensor xb = x.detach().narrow(0, b, 1).narrow(1, 0, len).cloneTensor().requiresGrad(true);
            Tensor hb = h0.detach().narrow(1, b, 1).cloneTensor().requiresGrad(true);
            Tensor cb = c0.detach().narrow(1, b, 1).cloneTensor().requiresGrad(true);
            LSTM.Output ob = alone.forward(xb, hb, cb);
            assertClose("row " + b + " output", o.output().detach().narrow(0, b, 1).narrow(1, 0, len), ob.output(),
                    tol);
            if (len < steps) {
                assertThat(o.output().detach().narrow(0, b, 1).narrow(1, len, steps - len).abs().max().item())
                        .as("row " + b + " output past its length").isZero();
            }
            assertClose("row " + b + " hN", o.hN().detach().narrow(1, b, 1), ob.hN(), tol);
            assertClose("row " + b + " cN", o.cN().detach().narrow(1, b, 1), ob.cN(), tol);
            ob.output().mul(rOut.narrow(0, b, 1).narrow(1, 0, len)).sum()
                    .add(ob.hN().mul(rH.narrow(1, b, 1)).sum()).add(ob.cN().mul(rC.narrow(1, b, 1)).sum())
                    .backward();
            assertClose("row " + b + " grad x", x.grad().narrow(0, b, 1).narrow(1, 0, len), xb.grad(), tol);
            if (len < steps) {
                assertThat(x.grad().narrow(0, b, 1).narrow(1, len, steps - len).abs().max().item())
                        .as("row " + b + " grad x past its length").isZero();
            }
            assertClose("row " + b + " grad h0", h0.grad().narrow(1, b, 1), hb.grad(), tol);
            assertClose("row " + b + " grad c0", c0.grad().narrow(1, b, 1), cb.grad(), tol);
        }
        // the parameters of the row-by-row model accumulated every row's gradient
        assertSameGrads("padded vs alone", grads(padded), grads(alone), 1e-4);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(RecurrentImpl.class)
    void gruPaddedBatchEqualsEachRowAlone(RecurrentImpl impl) {
        int in = 4;
        int hidden = 5;
        int steps = 6;
        int[] lengths = {3, 6, 1, 4};
        int batch = lengths.length;
        int k = 2;   // 1 layer x 2 directions
        double tol = 2e-5;
        GRU padded = gru(in, hidden, 1, true, true, 41).implementation(impl);
        GRU alone = gru(in, hidden, 1, true, true, 41).implementation(impl);
        Tensor x = randn(42, DType.F32, batch, steps, in).requiresGrad(true);
        Tensor h0 = randn(43, DType.F32, k, batch, hidden).requiresGrad(true);
        Tensor rOut = randn(45, DType.F32, batch, steps, 2 * hidden);
        Tensor rH = randn(46, DType.F32, k, batch, hidden);
        GRU.Output o = padded.forward(x, h0, Tensor.ofInts(lengths, batch));
        o.output().mul(rOut).sum().add(o.hN().mul(rH).sum()).backward();
        for (int b = 0; b < batch; b++) {
            int len = lengths[b];
            Tensor xb = x.detach().narrow(0, b, 1).narrow(1, 0, len).cloneTensor().requiresGrad(true);
            Tensor hb = h0.detach().narrow(1, b, 1).cloneTensor().requiresGrad(true);
            GRU.Output ob = alone.forward(xb, hb);
            assertClose("row " + b + " output", o.output().detach().narrow(0, b, 1).narrow(1, 0, len), ob.output(),
                    tol);
            assertClose("row " + b + " hN", o.hN().detach().narrow(1, b, 1), ob.hN(), tol);
            ob.output().mul(rOut.narrow(0, b, 1).narrow(1, 0, len)).sum().add(ob.hN().mul(rH.narrow(1, b, 1)).sum())
                    .backward();
            assertClose("row " + b + " grad x", x.grad().narrow(0, b, 1).narrow(1, 0, len), xb.grad(), tol);
            assertClose("row " + b + " grad h0", h0.grad().narrow(1, b, 1), hb.grad(), tol);
        }
        assertSameGrads("padded vs alone", grads(padded), grads(alone), 1e-4);
    }

    @Test
    void aRowOfLengthZeroKeepsItsInitialStateAndOutputsZeros() {
        LSTM m = lstm(3, 4, 1, true, true, 51);
        Tensor h0 = randn(52, DType.F32, 2, 2, 4);
        Tensor c0 = randn(53, DType.F32, 2, 2, 4);
        LSTM.Output o = m.forward(randn(54, DType.F32, 2, 5, 3), h0, c0, new int[] {5, 0});
        assertThat(o.output().narrow(0, 1, 1).abs().max().item()).isZero();
        assertClose("hN of the empty row", o.hN().narrow(1, 1, 1), h0.narrow(1, 1, 1), 0);
        assertClose("cN of the empty row", o.cN().narrow(1, 1, 1), c0.narrow(1, 1, 1), 0);
    }

    @Test
    void maskLengthsTensorAndIntLengthsAgree() {
        LSTM m = lstm(3, 4, 2, true, true, 61);
        Tensor x = randn(62, DType.F32, 3, 5, 3);
        int[] lengths = {5, 2, 3};
        float[] mask = new float[15];
        for (int b = 0; b < 3; b++) {
            for (int t = 0; t < lengths[b]; t++) {
                mask[b * 5 + t] = 1f;
            }
        }
        LSTM.Output a = m.forward(x, null, null, lengths);
        LSTM.Output b = m.forward(x, null, null, Tensor.ofLongs(new long[] {5, 2, 3}, 3));
        LSTM.Output c = m.forwardMasked(x, Tensor.of(mask, 3, 5), null, null);
        for (LSTM.Output o : List.of(b, c)) {
            assertClose("output", o.output(), a.output(), 0);
            assertClose("hN", o.hN(), a.hN(), 0);
            assertClose("cN", o.cN(), a.cN(), 0);
        }
        GRU g = gru(3, 4, 1, false, true, 63);
        assertClose("gru masked", g.forwardMasked(x, Tensor.of(mask, 3, 5), null).output(),
                g.forward(x, null, lengths).output(), 0);
    }

    @Test
    void timeFirstLayoutMatchesBatchFirst() {
        LSTM bf = lstm(3, 4, 2, true, true, 71);
        LSTM tf = lstm(3, 4, 2, true, false, 71);
        Tensor x = randn(72, DType.F32, 2, 5, 3);
        LSTM.Output a = bf.forward(x, null, null, new int[] {5, 3});
        LSTM.Output b = tf.forward(x.transpose(0, 1).contiguous(), null, null, new int[] {5, 3});
        assertClose("output", b.output().transpose(0, 1), a.output(), 1e-6);
        assertClose("hN", b.hN(), a.hN(), 1e-6);
        assertThat(b.output().shape()).containsExactly(5, 2, 8);
    }

    @Test
    void noBiasHasNoBiasParameters() {
        LSTM m = new LSTM(RecurrentConfig.of(3, 4).withBias(false).withNumLayers(2), Init.rng(1));
        assertThat(m.namedParameters().keySet()).containsExactly("weight_ih_l0", "weight_hh_l0", "weight_ih_l1",
                "weight_hh_l1");
        for (RecurrentImpl impl : RecurrentImpl.values()) {
            m.implementation(impl);
            assertThat(m.forward(randn(2, DType.F32, 2, 3, 3)).output().shape()).containsExactly(2, 3, 4);
        }
        GRU g = new GRU(RecurrentConfig.of(3, 4).withBias(false), Init.rng(1));
        assertThat(g.namedParameters().keySet()).containsExactly("weight_ih_l0", "weight_hh_l0");
    }

    // ============================================================================================ construction

    @Test
    void parametersHavePyTorchNamesShapesOrderAndInit() {
        LSTM m = new LSTM(RecurrentConfig.of(13, 7).withNumLayers(2).withBidirectional(true), Init.rng(5));
        List<String> names = new ArrayList<>(m.namedParameters().keySet());
        assertThat(names).containsExactly("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
                "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1",
                "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse");
        assertThat(m.namedParameters().get("weight_ih_l0").shape()).containsExactly(28, 13);
        assertThat(m.namedParameters().get("weight_ih_l1").shape()).containsExactly(28, 14);
        assertThat(m.namedParameters().get("weight_hh_l1_reverse").shape()).containsExactly(28, 7);
        assertThat(m.namedParameters().get("bias_hh_l0").shape()).containsExactly(28);
        double bound = 1 / Math.sqrt(7);
        for (Parameter p : m.parameters()) {
            assertThat(p.get().abs().max().item()).isLessThanOrEqualTo(bound);
        }
        GRU g = new GRU(RecurrentConfig.of(13, 7), Init.rng(5));
        assertThat(g.namedParameters().get("weight_ih_l0").shape()).containsExactly(21, 13);
        // same seed, same parameters
        LSTM again = new LSTM(RecurrentConfig.of(13, 7).withNumLayers(2).withBidirectional(true), Init.rng(5));
        m.namedParameters().forEach((n, p) -> assertClose(n, again.namedParameters().get(n).get(), p.get(), 0));
    }

    // ============================================================================================ bad input

    @Test
    void badInputFailsWithClearMessages() {
        LSTM m = lstm(3, 4, 2, true, true, 81);
        Tensor x = randn(82, DType.F32, 2, 5, 3);
        assertThatThrownBy(() -> m.forward(randn(1, DType.F32, 2, 5))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[B, T, 3]").hasMessageContaining("[2, 5]");
        assertThatThrownBy(() -> m.forward(randn(1, DType.F32, 2, 5, 4))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[2, 5, 4]");
        assertThatThrownBy(() -> m.forward(x.to(DType.F64))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("F64");
        assertThatThrownBy(() -> m.forward(x, randn(1, DType.F32, 4, 5, 4), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("h0")
                .hasMessageContaining("[4, 2, 4]");
        assertThatThrownBy(() -> m.forward(x, null, randn(1, DType.F32, 2, 4, 4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("c0");
        assertThatThrownBy(() -> m.forward(x, null, null, new int[] {5}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 lengths given for a batch of 2");
        assertThatThrownBy(() -> m.forward(x, null, null, new int[] {5, 6}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lengths[1] = 6")
                .hasMessageContaining("[0, 5]");
        assertThatThrownBy(() -> m.forward(x, null, null, new int[] {-1, 2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lengths[0] = -1");
        assertThatThrownBy(() -> m.forward(x, null, null, Tensor.ones(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("integer");
        assertThatThrownBy(() -> m.forwardMasked(x, Tensor.ones(2, 4), null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mask must have shape [2, 5]");
        assertThatThrownBy(() -> m.forwardMasked(x, Tensor.of(new float[] {1, 0, 1, 0, 0, 1, 1, 1, 1, 1}, 2, 5),
                null, null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mask row 0")
                .hasMessageContaining("not a prefix");
        assertThatThrownBy(() -> m.forwardMasked(x, Tensor.full(0.5, DType.F32, 2, 5), null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 (padding) or 1 (valid)");
        assertThatThrownBy(() -> m.forward(randn(1, DType.F32, 2, 0, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no batch rows or no time steps");
        assertThatThrownBy(() -> m.forward(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null");
        assertThatThrownBy(() -> new LSTM(RecurrentConfig.of(0, 4), Init.rng(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inputSize");
        GRU g = gru(3, 4, 1, false, true, 83);
        assertThatThrownBy(() -> g.forward(x, randn(1, DType.F32, 1, 2, 5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("h0")
                .hasMessageContaining("[1, 2, 4]");
    }
}
