package dev.limbic.nn.spiking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.GradCheck;
import dev.limbic.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link LeakyLIF}: both orders of operations against a hand-written scalar re-implementation with forward-mode
 * surrogate derivatives (spikes exact, membranes and every gradient), against the primitive-op decomposition,
 * F64 gradient checks of the membrane path (the part that is smooth away from the threshold), the snntorch
 * order on a hand-computed case, and bad input.
 */
class LeakyLIFTest {

    static Stream<Arguments> configs() {
        List<Arguments> out = new ArrayList<>();
        for (LeakyLIF.ResetOrder order : LeakyLIF.ResetOrder.values()) {
            for (boolean detach : new boolean[] {true, false}) {
                for (Surrogate s : Surrogate.values()) {
                    out.add(Arguments.of(new LeakyLIF.Config(0.85, 1.0, s, s == Surrogate.FAST_SIGMOID ? 25 : 2.0,
                            order, detach)));
                }
            }
        }
        return out.stream();
    }

    /** Currents keeping every membrane at least 1e-3 from θ (so F64 rounding can never flip a spike). */
    static Tensor currents(long seed, LeakyLIF.Config c, int steps, int batch, int n) {
        for (long s = seed; ; s += 1000) {
            Tensor i = Tensor.randn(s, DType.F64, steps, batch, n).mul(0.8).add(0.35);
            double[][] pre = simulate(c, i.toDoubleArray(), steps, batch * n, -1, null)[1];
            boolean safe = true;
            for (double[] row : pre) {
                for (double v : row) {
                    safe &= Math.abs(v - c.threshold()) > 1e-3;
                }
            }
            if (safe) {
                return i;
            }
        }
    }

    /**
     * The layer re-implemented on scalars from the class comment. Returns {spikes, preReset, postReset} per step
     * (values), and in {@code lossOut[0]} the dual loss Σ r·S + q·V_post (derivative w.r.t. current element
     * {@code seedIndex}).
     */
    static double[][][] simulate(LeakyLIF.Config c, double[] cur, int steps, int width, int seedIndex,
                                 Object[] lossOut) {
        double[][] spikes = new double[steps][width];
        double[][] pre = new double[steps][width];
        double[][] post = new double[steps][width];
        Dual loss = Dual.of(0);
        double th = c.threshold();
        for (int k = 0; k < width; k++) {
            Dual v = Dual.of(0);
            for (int t = 0; t < steps; t++) {
                int idx = t * width + k;
                Dual in = idx == seedIndex ? Dual.seed(cur[idx]) : Dual.of(cur[idx]);
                Dual s;
                Dual vPost;
                Dual u;
                if (c.resetOrder() == LeakyLIF.ResetOrder.FROM_PREVIOUS) {
                    Dual reset = v.add(-th).spike(c.surrogate(), c.alpha());
                    if (c.detachReset()) {
                        reset = reset.detach();
                    }
                    u = v.mul(c.beta()).add(in).sub(reset.mul(th));
                    s = u.add(-th).spike(c.surrogate(), c.alpha());
                    vPost = u;
                } else {
                    u = v.mul(c.beta()).add(in);
                    s = u.add(-th).spike(c.surrogate(), c.alpha());
                    vPost = u.sub((c.detachReset() ? s.detach() : s).mul(th));
                }
                spikes[t][k] = s.v();
                pre[t][k] = u.v();
                post[t][k] = vPost.v();
                loss = loss.add(s.mul(weight(idx, 0))).add(vPost.mul(weight(idx, 1)));
                v = vPost;
            }
        }
        if (lossOut != null) {
            lossOut[0] = loss;
        }
        return new double[][][] {spikes, pre, post};
    }

    /** Deterministic upstream weights r (spikes) and q (membrane). */
    static double weight(int idx, int which) {
        return Math.sin(1.7 * idx + 0.3 + which * 2.1);
    }

    static Tensor weights(int steps, int batch, int n, int which) {
        double[] w = new double[steps * batch * n];
        for (int i = 0; i < w.length; i++) {
            w[i] = weight(i, which);
        }
        return Tensor.of(w, steps, batch, n);
    }

    @ParameterizedTest
    @MethodSource("configs")
    void matchesTheScalarReferenceWithSurrogateGradients(LeakyLIF.Config c) {
        int steps = 5;
        int batch = 2;
        int n = 3;
        int width = batch * n;
        Tensor cur = currents(21, c, steps, batch, n).requiresGrad(true);
        LeakyLIF lif = new LeakyLIF(c);
        LeakyLIF.Output out = lif.forward(cur);
        Tensor loss = out.spikes().mul(weights(steps, batch, n, 0)).sum()
                .add(out.membrane().mul(weights(steps, batch, n, 1)).sum());
        loss.backward();
        double[] curV = cur.toDoubleArray();
        double[][][] ref = simulate(c, curV, steps, width, -1, null);
        double[] s = out.spikes().toDoubleArray();
        double[] pre = out.preReset().toDoubleArray();
        double[] post = out.membrane().toDoubleArray();
        double spikeCount = 0;
        for (int t = 0; t < steps; t++) {
            for (int k = 0; k < width; k++) {
                int i = t * width + k;
                assertThat(s[i]).as("spike t=%d k=%d", t, k).isEqualTo(ref[0][t][k]);
                assertThat(pre[i]).isCloseTo(ref[1][t][k], within(1e-12));
                assertThat(post[i]).isCloseTo(ref[2][t][k], within(1e-12));
                spikeCount += s[i];
            }
        }
        assertThat(spikeCount).as("the case must exercise spikes and resets").isBetween(3.0, steps * width - 3.0);
        double[] grad = cur.grad().toDoubleArray();
        for (int i = 0; i < curV.length; i++) {
            Object[] l = new Object[1];
            simulate(c, curV, steps, width, i, l);
            double expected = ((Dual) l[0]).d();
            assertThat(grad[i]).as("dL/dI[%d] %s", i, c).isCloseTo(expected, within(1e-10 * Math.max(1,
                    Math.abs(expected))));
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void matchesThePrimitiveOpDecomposition(LeakyLIF.Config c) {
        int steps = 6;
        Tensor cur = currents(5, c, steps, 3, 4);
        Tensor a = cur.detach().requiresGrad(true);
        Tensor b = cur.detach().requiresGrad(true);
        LeakyLIF.Output fused = new LeakyLIF(c).forward(a);
        List<Tensor> spikes = new ArrayList<>();
        List<Tensor> mems = new ArrayList<>();
        Tensor v = Tensor.zeros(DType.F64, 3, 4);
        double th = c.threshold();
        for (int t = 0; t < steps; t++) {
            Tensor in = b.select(0, t);
            Tensor s;
            if (c.resetOrder() == LeakyLIF.ResetOrder.FROM_PREVIOUS) {
                Tensor reset = c.detachReset() ? v.gt(th) : Spike.apply(v.sub(th), c.surrogate(), c.alpha());
                v = v.mul(c.beta()).add(in).sub(reset.mul(th));
                s = Spike.apply(v.sub(th), c.surrogate(), c.alpha());
            } else {
                v = v.mul(c.beta()).add(in);
                s = Spike.apply(v.sub(th), c.surrogate(), c.alpha());
                v = v.sub((c.detachReset() ? s.detach() : s).mul(th));
            }
            spikes.add(s);
            mems.add(v);
        }
        Tensor ws = weights(steps, 3, 4, 0);
        Tensor wm = weights(steps, 3, 4, 1);
        fused.spikes().mul(ws).sum().add(fused.membrane().mul(wm).sum()).backward();
        Tensor.stack(spikes, 0).mul(ws).sum().add(Tensor.stack(mems, 0).mul(wm).sum()).backward();
        assertThat(fused.spikes().toDoubleArray()).containsExactly(Tensor.stack(spikes, 0).toDoubleArray());
        double[] ga = a.grad().toDoubleArray();
        double[] gb = b.grad().toDoubleArray();
        for (int i = 0; i < ga.length; i++) {
            assertThat(ga[i]).isCloseTo(gb[i], within(1e-12));
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void membranePathGradcheck(LeakyLIF.Config c) {
        // with a detached reset the membrane never depends on a surrogate: it is piecewise linear in the
        // currents, and smooth as long as no membrane crosses θ under a perturbation (margin 1e-3 ≫ eps 1e-5)
        if (!c.detachReset()) {
            return;
        }
        Tensor cur = currents(9, c, 4, 2, 3).requiresGrad(true);
        Tensor v0 = Tensor.randn(10, DType.F64, 2, 3).mul(0.1).requiresGrad(true);
        LeakyLIF lif = new LeakyLIF(c);
        GradCheck.assertGradients("LeakyLIF membrane " + c, in -> {
            LeakyLIF.Output o = lif.forward(in.get(0), in.get(1));
            return Tensor.cat(List.of(o.membrane(), o.preReset()), 0);
        }, cur, v0);
    }

    @Test
    void snntorchOrderOnAHandComputedCase() {
        // β 0.9, θ 1, one neuron, I = 0.6 each step:
        // t0: V = 0.6 (no spike); t1: V = 0.54 + 0.6 = 1.14 → spike; t2: V = 1.026 + 0.6 − 1 = 0.626 (reset from
        // t1's membrane) → no spike; t3: V = 0.5634 + 0.6 = 1.1634 → spike
        LeakyLIF lif = new LeakyLIF(LeakyLIF.Config.snntorch(0.9, 1.0, 25));
        LeakyLIF.Output o = lif.forward(Tensor.full(0.6, DType.F64, 4, 1, 1));
        assertThat(o.spikes().toDoubleArray()).containsExactly(0, 1, 0, 1);
        double[] v = o.membrane().toDoubleArray();
        assertThat(v[0]).isCloseTo(0.6, within(1e-15));
        assertThat(v[1]).isCloseTo(1.14, within(1e-15));
        assertThat(v[2]).isCloseTo(0.626, within(1e-15));
        assertThat(v[3]).isCloseTo(1.1634, within(1e-15));
        assertThat(o.preReset()).isSameAs(o.membrane());
        // dS3/dI3 = surrogate at V3 − θ; hand: 1/(1 + 25·0.1634)² (the detached reset adds nothing)
        Tensor i = Tensor.full(0.6, DType.F64, 4, 1, 1).requiresGrad(true);
        lif.forward(i).spikes().select(0, 3).sum().backward();
        double[] g = i.grad().toDoubleArray();
        double s3 = 1 / Math.pow(1 + 25 * 0.1634, 2);
        assertThat(g[3]).isCloseTo(s3, within(1e-12));
        assertThat(g[2]).isCloseTo(0.9 * s3, within(1e-12));
        assertThat(g[0]).isCloseTo(0.9 * 0.9 * 0.9 * s3, within(1e-12));
    }

    @Test
    void stepContinuesASequence() {
        LeakyLIF lif = new LeakyLIF(LeakyLIF.Config.snntorch(0.9, 1.0, 25));
        Tensor cur = Tensor.randn(2, DType.F32, 7, 3, 5).add(0.4);
        LeakyLIF.Output all = lif.forward(cur);
        Tensor v = null;
        for (int t = 0; t < 7; t++) {
            LeakyLIF.Step st = lif.step(v, cur.select(0, t));
            assertThat(st.spikes().toFloatArray()).containsExactly(all.spikes().select(0, t).toFloatArray());
            v = st.membrane();
        }
        assertThat(v.toFloatArray()).containsExactly(all.membrane().select(0, 6).toFloatArray());
        LeakyLIF.Output tail = lif.forward(cur.narrow(0, 3, 4), all.membrane().select(0, 2));
        assertThat(tail.spikes().toFloatArray()).containsExactly(all.spikes().narrow(0, 3, 4).toFloatArray());
    }

    @Test
    void badInput() {
        LeakyLIF lif = new LeakyLIF(LeakyLIF.Config.snntorch(0.9, 1.0, 25));
        assertThatThrownBy(() -> lif.forward(Tensor.zeros(3, 4))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(T, B, N)").hasMessageContaining("[3, 4]");
        assertThatThrownBy(() -> lif.forward(Tensor.zeros(0, 2, 4))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> lif.forward(Tensor.zeros(3, 2, 4), Tensor.zeros(2, 5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("membrane")
                .hasMessageContaining("[2, 5]").hasMessageContaining("[2, 4]");
        assertThatThrownBy(() -> lif.step(null, Tensor.zeros(4))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(B, N)");
        assertThatThrownBy(() -> lif.step(Tensor.zeros(DType.F64, 2, 4), Tensor.zeros(2, 4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dtype");
        assertThatThrownBy(() -> new LeakyLIF.Config(1.5, 1, Surrogate.FAST_SIGMOID, 2,
                LeakyLIF.ResetOrder.AFTER_FIRE, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("beta");
        assertThatThrownBy(() -> new LeakyLIF.Config(0.9, 0, Surrogate.FAST_SIGMOID, 2,
                LeakyLIF.ResetOrder.AFTER_FIRE, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("threshold");
        assertThatThrownBy(() -> new LeakyLIF.Config(0.9, 1, Surrogate.ARCTAN, -2,
                LeakyLIF.ResetOrder.AFTER_FIRE, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("alpha");
        assertThatThrownBy(() -> new LeakyLIF(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
