package dev.limbic.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link RecurrentOps} against reference decompositions built from plain tensor ops (forward and every gradient),
 * in F64 on the scalar kernels (to 1e-12) and in F32 on the host backend (the Vector API kernels when the module
 * is present); F64 gradient checks by central differences; bad input.
 */
class RecurrentOpsTest {

    // ============================================================================================ references

    /** LSTM cell from plain ops: returns {h, c}. */
    static Tensor[] lstmCellReference(Tensor gates, Tensor c) {
        int h = gates.size(1) / 4;
        Tensor i = gates.narrow(1, 0, h).sigmoid();
        Tensor f = gates.narrow(1, h, h).sigmoid();
        Tensor g = gates.narrow(1, 2 * h, h).tanh();
        Tensor o = gates.narrow(1, 3 * h, h).sigmoid();
        Tensor cNew = f.mul(c).add(i.mul(g));
        return new Tensor[] {o.mul(cNew.tanh()), cNew};
    }

    /** GRU cell from plain ops. */
    static Tensor gruCellReference(Tensor gi, Tensor gh, Tensor hPrev) {
        int h = gi.size(1) / 3;
        Tensor r = gi.narrow(1, 0, h).add(gh.narrow(1, 0, h)).sigmoid();
        Tensor z = gi.narrow(1, h, h).add(gh.narrow(1, h, h)).sigmoid();
        Tensor n = gi.narrow(1, 2 * h, h).add(r.mul(gh.narrow(1, 2 * h, h))).tanh();
        return n.add(z.mul(hPrev.sub(n)));
    }

    /** Mask (B, 1) of the rows that take step t, or null when all do. */
    static Tensor stepMask(long[] lengths, int t, DType dt) {
        if (lengths == null) {
            return null;
        }
        long[] m = new long[lengths.length];
        for (int b = 0; b < m.length; b++) {
            m[b] = t < lengths[b] ? 1 : 0;
        }
        return Tensor.ofLongs(m, m.length, 1);
    }

    /** Step-by-step LSTM with packed-sequence semantics: {output (T,B,H), hN, cN}. */
    static Tensor[] lstmSequenceReference(Tensor xProj, Tensor wHh, Tensor bIh, Tensor bHh, Tensor h0, Tensor c0,
                                          long[] lengths, boolean reverse) {
        int steps = xProj.size(0);
        int batch = xProj.size(1);
        int hidden = wHh.size(1);
        DType dt = xProj.dtype();
        Tensor h = h0 != null ? h0 : Tensor.zeros(dt, batch, hidden);
        Tensor c = c0 != null ? c0 : Tensor.zeros(dt, batch, hidden);
        Tensor zero = Tensor.scalar(0.0, dt);
        Tensor[] outs = new Tensor[steps];
        for (int s = 0; s < steps; s++) {
            int t = reverse ? steps - 1 - s : s;
            Tensor gates = xProj.select(0, t).add(h.matmul(wHh.t()));
            if (bIh != null) {
                gates = gates.add(bIh);
            }
            if (bHh != null) {
                gates = gates.add(bHh);
            }
            Tensor[] hc = lstmCellReference(gates, c);
            Tensor m = stepMask(lengths, t, dt);
            if (m == null) {
                h = hc[0];
                c = hc[1];
                outs[t] = h;
            } else {
                h = Tensor.where(m, hc[0], h);
                c = Tensor.where(m, hc[1], c);
                outs[t] = Tensor.where(m, hc[0], zero);
            }
        }
        return new Tensor[] {Tensor.stack(List.of(outs), 0), h, c};
    }

    /** Step-by-step GRU: {output (T,B,H), hN}. */
    static Tensor[] gruSequenceReference(Tensor xProj, Tensor wHh, Tensor bIh, Tensor bHh, Tensor h0,
                                         long[] lengths, boolean reverse) {
        int steps = xProj.size(0);
        int batch = xProj.size(1);
        int hidden = wHh.size(1);
        DType dt = xProj.dtype();
        Tensor h = h0 != null ? h0 : Tensor.zeros(dt, batch, hidden);
        Tensor zero = Tensor.scalar(0.0, dt);
        Tensor[] outs = new Tensor[steps];
        for (int s = 0; s < steps; s++) {
            int t = reverse ? steps - 1 - s : s;
            Tensor gi = bIh == null ? xProj.select(0, t) : xProj.select(0, t).add(bIh);
            Tensor gh = bHh == null ? h.matmul(wHh.t()) : h.matmul(wHh.t()).add(bHh);
            Tensor hNew = gruCellReference(gi, gh, h);
            Tensor m = stepMask(lengths, t, dt);
            if (m == null) {
                h = hNew;
                outs[t] = h;
            } else {
                h = Tensor.where(m, hNew, h);
                outs[t] = Tensor.where(m, hNew, zero);
            }
        }
        return new Tensor[] {Tensor.stack(List.of(outs), 0), h};
    }

    // ============================================================================================ helpers

    static Tensor leaf(long seed, DType dt, double scale, int... shape) {
        return Tensor.randn(seed, dt, shape).mul(scale).detach().requiresGrad(true);
    }

    /** Σ_k ⟨outs[k], R_k⟩ with fixed random R_k, so every output's gradient path is exercised. */
    static Tensor objective(Tensor... outs) {
        Tensor total = null;
        long seed = 1000;
        for (Tensor o : outs) {
            Tensor r = Tensor.randn(seed++, o.dtype(), o.shape());
            Tensor term = o.mul(r).sum();
            total = total == null ? term : total.add(term);
        }
        return total;
    }

    static void assertClose(String what, Tensor got, Tensor ref, double tol) {
        assertThat(got.shape()).as(what + " shape").containsExactly(ref.shape());
        double[] g = got.toDoubleArray();
        double[] r = ref.toDoubleArray();
        for (int i = 0; i < r.length; i++) {
            double err = Math.abs(g[i] - r[i]);
            if (!(err <= tol * Math.max(1.0, Math.abs(r[i])))) {
                throw new AssertionError(what + "[" + i + "] = " + g[i] + ", reference " + r[i] + " (|diff| " + err
                        + ")");
            }
        }
    }

    /** Runs {@code f} twice on fresh leaf copies of {@code inputs} and compares outputs and input gradients. */
    static void assertSameForwardAndGradients(String label, List<Tensor> inputs, Function<List<Tensor>, Tensor[]> fused,
                                              Function<List<Tensor>, Tensor[]> reference, double tol) {
        List<Tensor> a = copies(inputs);
        List<Tensor> b = copies(inputs);
        Tensor[] fa = fused.apply(a);
        Tensor[] fb = reference.apply(b);
        for (int k = 0; k < fa.length; k++) {
            assertClose(label + " output " + k, fa[k], fb[k], tol);
        }
        objective(fa).backward();
        objective(fb).backward();
        for (int i = 0; i < inputs.size(); i++) {
            if (a.get(i) == null || !a.get(i).requiresGrad()) {
                continue;
            }
            Tensor ga = a.get(i).grad();
            Tensor gb = b.get(i).grad();
            assertThat(ga).as(label + " gradient of input " + i).isNotNull();
            assertClose(label + " gradient of input " + i, ga, gb, tol);
        }
    }

    static List<Tensor> copies(List<Tensor> inputs) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : inputs) {
            out.add(t == null ? null
                    : t.dtype().isFloating() ? t.detach().cloneTensor().requiresGrad(t.requiresGrad()) : t);
        }
        return out;
    }

    // ============================================================================================ cells

    @ParameterizedTest(name = "{0} B={1} H={2}")
    @CsvSource({"F64, 3, 5", "F64, 1, 1", "F32, 4, 13", "F32, 2, 33", "F32, 32, 128"})
    void lstmCellMatchesItsDecomposition(DType dt, int batch, int hidden) {
        double tol = dt == DType.F64 ? 1e-12 : 2e-5;
        List<Tensor> in = List.of(leaf(1, dt, 2.0, batch, 4 * hidden), leaf(2, dt, 1.0, batch, hidden));
        assertSameForwardAndGradients("lstm cell", in, x -> {
            Tensor packed = RecurrentOps.lstmCell(x.get(0), x.get(1));
            return new Tensor[] {packed.select(0, 0), packed.select(0, 1)};
        }, x -> lstmCellReference(x.get(0), x.get(1)), tol);
    }

    @ParameterizedTest(name = "{0} B={1} H={2}")
    @CsvSource({"F64, 3, 5", "F64, 1, 1", "F32, 4, 13", "F32, 2, 33", "F32, 32, 128"})
    void gruCellMatchesItsDecomposition(DType dt, int batch, int hidden) {
        double tol = dt == DType.F64 ? 1e-12 : 2e-5;
        List<Tensor> in = List.of(leaf(3, dt, 1.5, batch, 3 * hidden), leaf(4, dt, 1.5, batch, 3 * hidden),
                leaf(5, dt, 1.0, batch, hidden));
        assertSameForwardAndGradients("gru cell", in,
                x -> new Tensor[] {RecurrentOps.gruCell(x.get(0), x.get(1), x.get(2))},
                x -> new Tensor[] {gruCellReference(x.get(0), x.get(1), x.get(2))}, tol);
    }

    @Test
    void cellsPassGradientChecks() {
        GradCheck.assertGradients("lstm cell", x -> {
            Tensor p = RecurrentOps.lstmCell(x.get(0), x.get(1));
            return p.select(0, 0).mul(p.select(0, 1).add(0.5));   // both outputs in one scalar path
        }, leaf(6, DType.F64, 2.0, 3, 8), leaf(7, DType.F64, 1.0, 3, 2));
        GradCheck.assertGradients("gru cell", x -> RecurrentOps.gruCell(x.get(0), x.get(1), x.get(2)),
                leaf(8, DType.F64, 1.5, 2, 9), leaf(9, DType.F64, 1.5, 2, 9), leaf(10, DType.F64, 1.0, 2, 3));
    }

    // ============================================================================================ sequences

    static long[] lengthsFor(String spec) {
        if (spec.equals("none")) {
            return null;
        }
        String[] parts = spec.split(" ");
        long[] out = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Long.parseLong(parts[i]);
        }
        return out;
    }

    static Tensor lengthsTensor(long[] lengths) {
        return lengths == null ? null : Tensor.ofLongs(lengths, lengths.length);
    }

    @ParameterizedTest(name = "{0} T={1} B={2} H={3} reverse={4} lengths={5} state={6} bias={7}")
    @CsvSource({
        "F64, 4, 3, 5, false, none, true, both",
        "F64, 4, 3, 5, true, none, true, both",
        "F64, 5, 4, 3, false, 5 2 0 3, true, both",
        "F64, 5, 4, 3, true, 5 2 0 3, true, ih",
        "F64, 3, 2, 4, true, 1 3, false, none",
        "F64, 1, 1, 1, false, none, false, hh",
        "F32, 6, 5, 13, false, 6 1 4 6 2, true, both",
        "F32, 6, 5, 13, true, 6 1 4 6 2, true, both",
        "F32, 8, 4, 64, true, none, false, both",
    })
    void lstmSequenceMatchesTheStepByStepDecomposition(DType dt, int steps, int batch, int hidden, boolean reverse,
                                                        String lens, boolean state, String bias) {
        long[] lengths = lengthsFor(lens);
        double tol = dt == DType.F64 ? 1e-12 : 5e-5;
        double ws = 1.0 / Math.sqrt(hidden);
        List<Tensor> in = new ArrayList<>(List.of(leaf(11, dt, 1.0, steps, batch, 4 * hidden),
                leaf(12, dt, ws, 4 * hidden, hidden)));
        in.add(bias.equals("both") || bias.equals("ih") ? leaf(13, dt, ws, 4 * hidden) : null);
        in.add(bias.equals("both") || bias.equals("hh") ? leaf(14, dt, ws, 4 * hidden) : null);
        in.add(state ? leaf(15, dt, 1.0, batch, hidden) : null);
        in.add(state ? leaf(16, dt, 1.0, batch, hidden) : null);
        assertSameForwardAndGradients("lstm sequence", in, x -> {
            RecurrentOps.LstmSequence r = RecurrentOps.lstmSequence(x.get(0), x.get(1), x.get(2), x.get(3), x.get(4),
                    x.get(5), lengthsTensor(lengths), reverse);
            return new Tensor[] {r.output(), r.hN(), r.cN()};
        }, x -> lstmSequenceReference(x.get(0), x.get(1), x.get(2), x.get(3), x.get(4), x.get(5), lengths, reverse),
                tol);
    }

    @ParameterizedTest(name = "{0} T={1} B={2} H={3} reverse={4} lengths={5} state={6} bias={7}")
    @CsvSource({
        "F64, 4, 3, 5, false, none, true, both",
        "F64, 4, 3, 5, true, none, true, both",
        "F64, 5, 4, 3, false, 5 2 0 3, true, both",
        "F64, 5, 4, 3, true, 5 2 0 3, true, ih",
        "F64, 3, 2, 4, true, 1 3, false, none",
        "F64, 1, 1, 1, false, none, false, hh",
        "F32, 6, 5, 13, false, 6 1 4 6 2, true, both",
        "F32, 6, 5, 13, true, 6 1 4 6 2, true, both",
        "F32, 8, 4, 64, true, none, false, both",
    })
    void gruSequenceMatchesTheStepByStepDecomposition(DType dt, int steps, int batch, int hidden, boolean reverse,
                                                       String lens, boolean state, String bias) {
        long[] lengths = lengthsFor(lens);
        double tol = dt == DType.F64 ? 1e-12 : 5e-5;
        double ws = 1.0 / Math.sqrt(hidden);
        List<Tensor> in = new ArrayList<>(List.of(leaf(21, dt, 1.0, steps, batch, 3 * hidden),
                leaf(22, dt, ws, 3 * hidden, hidden)));
        in.add(bias.equals("both") || bias.equals("ih") ? leaf(23, dt, ws, 3 * hidden) : null);
        in.add(bias.equals("both") || bias.equals("hh") ? leaf(24, dt, ws, 3 * hidden) : null);
        in.add(state ? leaf(25, dt, 1.0, batch, hidden) : null);
        assertSameForwardAndGradients("gru sequence", in, x -> {
            RecurrentOps.GruSequence r = RecurrentOps.gruSequence(x.get(0), x.get(1), x.get(2), x.get(3), x.get(4),
                    lengthsTensor(lengths), reverse);
            return new Tensor[] {r.output(), r.hN()};
        }, x -> gruSequenceReference(x.get(0), x.get(1), x.get(2), x.get(3), x.get(4), lengths, reverse), tol);
    }

    @ParameterizedTest(name = "reverse={0}")
    @CsvSource({"false", "true"})
    void sequencesPassGradientChecks(boolean reverse) {
        Tensor lengths = Tensor.ofLongs(new long[] {3, 1, 2}, 3);
        GradCheck.assertGradients("lstm sequence", x -> {
            RecurrentOps.LstmSequence r = RecurrentOps.lstmSequence(x.get(0), x.get(1), x.get(2), x.get(3), x.get(4),
                    x.get(5), lengths, reverse);
            return Tensor.cat(List.of(r.output().reshape(-1), r.hN().reshape(-1), r.cN().reshape(-1)), 0);
        }, leaf(31, DType.F64, 1.0, 3, 3, 8), leaf(32, DType.F64, 0.7, 8, 2), leaf(33, DType.F64, 0.5, 8),
                leaf(34, DType.F64, 0.5, 8), leaf(35, DType.F64, 1.0, 3, 2), leaf(36, DType.F64, 1.0, 3, 2));
        GradCheck.assertGradients("gru sequence", x -> {
            RecurrentOps.GruSequence r = RecurrentOps.gruSequence(x.get(0), x.get(1), x.get(2), x.get(3), x.get(4),
                    lengths, reverse);
            return Tensor.cat(List.of(r.output().reshape(-1), r.hN().reshape(-1)), 0);
        }, leaf(41, DType.F64, 1.0, 3, 3, 6), leaf(42, DType.F64, 0.7, 6, 2), leaf(43, DType.F64, 0.5, 6),
                leaf(44, DType.F64, 0.5, 6), leaf(45, DType.F64, 1.0, 3, 2));
    }

    @Test
    void inferenceRecordsNothing() {
        Tensor x = leaf(51, DType.F32, 1.0, 4, 2, 12);
        Tensor w = leaf(52, DType.F32, 0.5, 12, 3);
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            RecurrentOps.LstmSequence r = RecurrentOps.lstmSequence(x, w, null, null, null, null, null, false);
            assertThat(r.output().requiresGrad()).isFalse();
            assertThat(r.hN().requiresGrad()).isFalse();
        }
    }

    // ============================================================================================ bad input

    @Test
    void badInputFailsWithClearMessages() {
        Tensor x = Tensor.randn(1, DType.F32, 4, 2, 12);
        Tensor w = Tensor.randn(2, DType.F32, 12, 3);
        assertThatThrownBy(() -> RecurrentOps.lstmSequence(x, Tensor.randn(2, DType.F32, 12, 4), null, null, null,
                null, null, false)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wHh")
                .hasMessageContaining("[12, 4]");
        assertThatThrownBy(() -> RecurrentOps.lstmSequence(Tensor.randn(1, DType.F32, 4, 2, 11), w, null, null, null,
                null, null, false)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("xProj")
                .hasMessageContaining("[4, 2, 11]");
        assertThatThrownBy(() -> RecurrentOps.lstmSequence(x, w, null, null, Tensor.zeros(3, 3), null, null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("h0");
        assertThatThrownBy(() -> RecurrentOps.lstmSequence(x, w, null, null, null, null,
                Tensor.ofLongs(new long[] {4, 5}, 2), false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lengths[1] = 5");
        assertThatThrownBy(() -> RecurrentOps.lstmSequence(x, w, null, null, null, null,
                Tensor.ofLongs(new long[] {4, 1, 1}, 3), false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lengths must have shape [2]");
        assertThatThrownBy(() -> RecurrentOps.lstmSequence(x, w, null, null, null, null, Tensor.ones(2), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("integer");
        assertThatThrownBy(() -> RecurrentOps.lstmSequence(x, w.to(DType.F64), null, null, null, null, null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("F64");
        assertThatThrownBy(() -> RecurrentOps.lstmCell(Tensor.zeros(2, 7), Tensor.zeros(2, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(B, 4H)");
        assertThatThrownBy(() -> RecurrentOps.lstmCell(Tensor.zeros(2, 8), Tensor.zeros(2, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cPrev");
        assertThatThrownBy(() -> RecurrentOps.gruCell(Tensor.zeros(2, 9), Tensor.zeros(2, 6), Tensor.zeros(2, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gh");
        assertThatThrownBy(() -> RecurrentOps.gruSequence(Tensor.zeros(0, 2, 9), Tensor.zeros(9, 3), null, null, null,
                null, false)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no time steps");
    }
}
