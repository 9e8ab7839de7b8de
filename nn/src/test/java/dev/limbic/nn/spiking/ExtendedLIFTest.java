package dev.limbic.nn.spiking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.limbic.nn.Init;
import dev.limbic.tensor.DType;
import dev.limbic.tensor.GradCheck;
import dev.limbic.tensor.Tensor;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ExtendedLIF} against MODELS.md §2.1: a scalar re-implementation of the step with forward-mode surrogate
 * derivatives (deterministic mode: spikes exact, voltages and the gradients of currents, modulation, threshold,
 * τ and η), the stochastic path replayed from the same generator, F64 gradient checks of the smooth part, state
 * persistence and reset, seeding, configuration and bad input.
 */
class ExtendedLIFTest {

    static final int T = 6;
    static final int B = 2;
    static final int N = 3;

    /** Deterministic, everything learnable, fast dynamics so a few steps spike, adapt and depress. */
    static ExtendedLIF.Config deterministic(Surrogate s, double alpha) {
        return ExtendedLIF.Config.builder().stochastic(false).surrogate(s, alpha).tau(2.0).vThreshold(1.1)
                .learnable(true, true, true).build();
    }

    // ------------------------------------------------------------------ scalar reference

    /** The reference's inputs: currents and modulation [T·B·N], initial threshold [B·N], τ, η. */
    record Params(double[] cur, double[] mod, double[] theta0, double tau, double eta) {
    }

    /** Which scalar input carries the forward-mode seed. */
    record SeedAt(String what, int index) {
    }

    /**
     * The spec's step on scalars, every (row, neuron) independently. Returns {spikes, voltages} [T][B·N] and puts
     * the dual loss Σ r·S + q·V into {@code loss[0]}.
     */
    static double[][][] reference(ExtendedLIF.Config c, Params p, SeedAt seed, Dual[] loss) {
        double[] cur = p.cur();
        double[] mod = p.mod();
        int width = B * N;
        double[][] spikes = new double[T][width];
        double[][] volts = new double[T][width];
        Dual total = Dual.of(0);
        Dual tauD = "tau".equals(seed.what()) ? Dual.seed(p.tau()) : Dual.of(p.tau());
        Dual etaD = "eta".equals(seed.what()) ? Dual.seed(p.eta()) : Dual.of(p.eta());
        for (int k = 0; k < width; k++) {
            Dual v = Dual.of(0);
            Dual th = seeded(seed, "theta", k, p.theta0()[k]);
            Dual a = Dual.of(0);
            Dual s = Dual.of(1);
            for (int t = 0; t < T; t++) {
                int idx = t * width + k;
                Dual m = mod == null ? Dual.of(1) : seeded(seed, "mod", idx, mod[idx]).sigmoid();
                Dual in = seeded(seed, "cur", idx, cur[idx]);
                Dual iEff = in.mul(s).add(m).sub(a);
                v = v.add(iEff.sub(v).div(tauD).mul(c.dt()));
                Dual spk = v.sub(th).spike(c.surrogate(), c.alpha());
                boolean fired = spk.v() == 1;
                v = Dual.where(fired, Dual.of(c.vReset()), v);
                if (c.adaptiveThreshold()) {
                    th = Dual.where(fired, th.add(etaD), th.sub(th.add(-1).mul(etaD)));
                }
                th = th.clamp(c.thresholdMin(), c.thresholdMax());
                a = a.mul(c.adaptationDecay()).add(spk.mul(c.spikeIncrease()));
                s = s.mul(spk.mul(-c.depressionRate()).add(1)).add(s.mul(-1).add(1).mul(c.recoveryRate()));
                spikes[t][k] = spk.v();
                volts[t][k] = v.v();
                total = total.add(spk.mul(LeakyLIFTest.weight(idx, 0))).add(v.mul(LeakyLIFTest.weight(idx, 1)));
            }
        }
        if (loss != null) {
            loss[0] = total;
        }
        return new double[][][] {spikes, volts};
    }

    static Dual seeded(SeedAt seed, String what, int index, double value) {
        return what.equals(seed.what()) && index == seed.index() ? Dual.seed(value) : Dual.of(value);
    }

    /** The smallest |V − θ| the reference meets before each spike decision (spikes must not hinge on rounding). */
    static double margin(ExtendedLIF.Config c, double[] cur, double[] mod, double[] theta0) {
        double worst = Double.POSITIVE_INFINITY;
        int width = B * N;
        for (int k = 0; k < width; k++) {
            double v = 0;
            double th = theta0[k];
            double a = 0;
            double s = 1;
            for (int t = 0; t < T; t++) {
                int idx = t * width + k;
                double m = mod == null ? 1 : 1 / (1 + Math.exp(-mod[idx]));
                v = v + (cur[idx] * s + m - a - v) / c.tau() * c.dt();
                worst = Math.min(worst, Math.abs(v - th));
                double spk = v > th ? 1 : 0;
                v = spk == 1 ? c.vReset() : v;
                th = spk == 1 ? th + c.eta() : th - c.eta() * (th - 1);
                th = Math.min(Math.max(th, c.thresholdMin()), c.thresholdMax());
                a = a * c.adaptationDecay() + c.spikeIncrease() * spk;
                s = s * (1 - c.depressionRate() * spk) + c.recoveryRate() * (1 - s);
            }
        }
        return worst;
    }

    @ParameterizedTest
    @EnumSource(Surrogate.class)
    void deterministicModeMatchesTheScalarReferenceWithSurrogateGradients(Surrogate surrogate) {
        ExtendedLIF.Config c = deterministic(surrogate, surrogate == Surrogate.FAST_SIGMOID ? 2.0 : 1.0);
        ExtendedLIF layer = new ExtendedLIF(N, B, c, 0);
        layer.to(DType.F64);
        // the reference starts from the layer's own values (F32-initialised, so 1.1 is 1.1f here)
        double[] theta0 = layer.thresholdParameter().get().toDoubleArray();
        double tau = layer.tauParameter().get().item();
        double eta = layer.etaParameter().get().item();
        Tensor cur;
        Tensor mod;
        for (long seed = 1; ; seed++) {
            cur = Tensor.randn(seed, DType.F64, T, B, N).add(1.6);
            mod = Tensor.randn(seed + 500, DType.F64, T, B, N);
            if (margin(c, cur.toDoubleArray(), mod.toDoubleArray(), theta0) > 1e-3) {
                break;
            }
        }
        cur.requiresGrad(true);
        mod.requiresGrad(true);
        ExtendedLIF.Output out = layer.forward(cur, mod);
        out.spikes().mul(LeakyLIFTest.weights(T, B, N, 0)).sum()
                .add(out.voltages().mul(LeakyLIFTest.weights(T, B, N, 1)).sum()).backward();

        Params p = new Params(cur.toDoubleArray(), mod.toDoubleArray(), theta0, tau, eta);
        double[][][] ref = reference(c, p, new SeedAt("", -1), null);
        double[] s = out.spikes().toDoubleArray();
        double[] v = out.voltages().toDoubleArray();
        double count = 0;
        for (int t = 0; t < T; t++) {
            for (int k = 0; k < B * N; k++) {
                assertThat(s[t * B * N + k]).as("spike t=%d k=%d", t, k).isEqualTo(ref[0][t][k]);
                assertThat(v[t * B * N + k]).isCloseTo(ref[1][t][k], within(1e-12));
                count += s[t * B * N + k];
            }
        }
        assertThat(count).as("spikes present and absent").isBetween(4.0, T * B * N - 4.0);

        assertGrad("cur", cur.grad(), c, p);
        assertGrad("mod", mod.grad(), c, p);
        assertGrad("theta", layer.thresholdParameter().grad(), c, p);
        assertGrad("tau", layer.tauParameter().grad(), c, p);
        assertGrad("eta", layer.etaParameter().grad(), c, p);
    }

    static void assertGrad(String what, Tensor grad, ExtendedLIF.Config c, Params p) {
        assertThat(grad).as("gradient of " + what).isNotNull();
        double[] g = grad.toDoubleArray();
        for (int i = 0; i < g.length; i++) {
            Dual[] loss = new Dual[1];
            reference(c, p, new SeedAt(what, i), loss);
            double expected = loss[0].d();
            assertThat(g[i]).as("dL/d%s[%d] (%s)", what, i, c.surrogate())
                    .isCloseTo(expected, within(1e-10 * Math.max(1, Math.abs(expected))));
        }
    }

    static double[] filled(double v) {
        double[] a = new double[B * N];
        java.util.Arrays.fill(a, v);
        return a;
    }

    // ------------------------------------------------------------------ F64 gradient check (smooth part)

    @Test
    void gradcheckOfTheSmoothPart() {
        // The HEAVISIDE surrogate is exactly 0 below the threshold, like the step's true derivative, so a run in
        // which no neuron fires is smooth and analytic and numeric gradients must agree everywhere: Euler leak,
        // τ, neuromodulation, adaptation decay, efficiency recovery, threshold relaxation (θ ≠ 1) and η.
        ExtendedLIF.Config c = ExtendedLIF.Config.builder().stochastic(false).surrogate(Surrogate.HEAVISIDE, 1)
                .vThreshold(1.5).tau(3.0).dt(0.7).learnable(true, true, true).build();
        ExtendedLIF layer = new ExtendedLIF(N, B, c, 0);
        layer.to(DType.F64);
        Tensor cur = Tensor.randn(3, DType.F64, T, B, N).mul(0.2).add(-0.5).requiresGrad(true);
        Tensor mod = Tensor.randn(4, DType.F64, T, B, N).requiresGrad(true);
        Tensor tau = Tensor.scalar(3.0, DType.F64).requiresGrad(true);
        Tensor eta = Tensor.scalar(0.1, DType.F64).requiresGrad(true);
        Tensor theta0 = Tensor.rand(5, DType.F64, B, N).mul(0.4).add(1.3).requiresGrad(true);
        GradCheck.assertGradients("ExtendedLIF smooth part", in -> {
            // the checker's probes go into the τ/η slots; the threshold enters through the initial state
            layer.tauParameter().set(in.get(2));
            layer.etaParameter().set(in.get(3));
            ExtendedLIF.State s = layer.state();
            ExtendedLIF.State start = new ExtendedLIF.State(s.membrane(), in.get(4), s.adaptation(), s.efficiency(),
                    s.neuromodulator(), null, null);
            ExtendedLIF.Output o = layer.run(start, in.get(0), in.get(1));
            assertThat(o.spikes().sum().item()).as("no neuron may fire in this check").isZero();
            return Tensor.cat(List.of(o.voltages(), o.finalState().threshold().unsqueeze(0),
                    o.finalState().efficiency().unsqueeze(0), o.finalState().adaptation().unsqueeze(0)), 0);
        }, cur, mod, tau, eta, theta0);
    }

    // ------------------------------------------------------------------ stochastic mode

    /** Replays the stochastic step with the same generator calls, in scalar math. */
    static double[][] stochasticReference(ExtendedLIF.Config c, double[] cur, RandomGenerator rng) {
        int width = B * N;
        double[] v = new double[width];
        double[] th = filled(c.vThreshold());
        double[] a = new double[width];
        double[] s = filled(1.0);
        double[] dynA = new double[width];
        double[] prev = new double[width];
        double[][] out = new double[2][T * width];
        for (int t = 0; t < T; t++) {
            double[] noise = c.noiseStd() > 0 ? Tensor.randn(rng, DType.F64, B, N).toDoubleArray() : new double[width];
            double[] u = Tensor.rand(rng, DType.F64, B, N).toDoubleArray();
            for (int k = 0; k < width; k++) {
                int idx = t * width + k;
                v[k] = v[k] + (cur[idx] * s[k] + 1 - a[k] - v[k]) / c.tau() * c.dt() + noise[k] * c.noiseStd();
                double p;
                if (c.dynamicSpikeProbability()) {
                    dynA[k] = dynA[k] * Math.exp(-1 / c.tauAdapt()) + prev[k];
                    p = 1 / (1 + Math.exp(-(c.baseAlpha() / (1 + dynA[k])) * (v[k] - th[k])));
                } else {
                    p = 1 / (1 + Math.exp(-(v[k] - th[k])));
                }
                double spk = u[k] < p ? 1 : 0;
                v[k] = spk == 1 ? c.vReset() : v[k];
                if (c.adaptiveThreshold()) {
                    th[k] = spk == 1 ? th[k] + c.eta() : th[k] - c.eta() * (th[k] - 1);
                }
                th[k] = Math.min(Math.max(th[k], c.thresholdMin()), c.thresholdMax());
                a[k] = a[k] * c.adaptationDecay() + c.spikeIncrease() * spk;
                s[k] = s[k] * (1 - c.depressionRate() * spk) + c.recoveryRate() * (1 - s[k]);
                prev[k] = spk;
                out[0][idx] = spk;
                out[1][idx] = v[k];
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void stochasticModeReplaysFromTheSameGenerator(boolean dynamic) {
        ExtendedLIF.Config c = ExtendedLIF.Config.builder().dynamicSpikeProbability(dynamic).tau(2.0).build();
        ExtendedLIF layer = new ExtendedLIF(N, B, c, 42);
        layer.to(DType.F64);
        Tensor cur = Tensor.randn(8, DType.F64, T, B, N).add(1.0);
        ExtendedLIF.Output out = layer.forward(cur);
        double[][] ref = stochasticReference(c, cur.toDoubleArray(), Init.rng(42));
        assertThat(out.spikes().toDoubleArray()).containsExactly(ref[0]);
        double[] v = out.voltages().toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            assertThat(v[i]).isCloseTo(ref[1][i], within(1e-12));
        }
    }

    @Test
    void sameSeedSameSpikesOtherSeedOtherSpikes() {
        ExtendedLIF.Config c = ExtendedLIF.Config.defaults();
        Tensor cur = Tensor.randn(1, DType.F32, 20, 4, 50).add(1.0);
        float[] a = new ExtendedLIF(50, 4, c, 7).forward(cur).spikes().toFloatArray();
        float[] b = new ExtendedLIF(50, 4, c, 7).forward(cur).spikes().toFloatArray();
        float[] other = new ExtendedLIF(50, 4, c, 8).forward(cur).spikes().toFloatArray();
        assertThat(b).containsExactly(a);
        assertThat(other).isNotEqualTo(a);
        ExtendedLIF reused = new ExtendedLIF(50, 4, c, 99);
        reused.forward(cur);
        reused.reset();
        reused.reseed(7);
        assertThat(reused.forward(cur).spikes().toFloatArray()).containsExactly(a);
    }

    @Test
    void stochasticSpikesCarryNoGradientButVoltagesDo() {
        ExtendedLIF layer = new ExtendedLIF(N, B, ExtendedLIF.Config.defaults(), 3);
        Tensor cur = Tensor.randn(2, DType.F32, T, B, N).add(1).requiresGrad(true);
        ExtendedLIF.Output out = layer.forward(cur);
        assertThat(out.spikes().requiresGrad()).isFalse();
        out.voltages().sum().backward();
        assertThat(cur.grad()).isNotNull();
    }

    // ------------------------------------------------------------------ state

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void stateCarriesOverSoSplitCallsEqualOneCall(boolean stochastic) {
        ExtendedLIF.Config c = ExtendedLIF.Config.builder().stochastic(stochastic).dynamicSpikeProbability(true)
                .surrogate(Surrogate.FAST_SIGMOID, 2).tau(3).build();
        Tensor cur = Tensor.randn(5, DType.F32, 7, B, N).add(1.4);
        ExtendedLIF whole = new ExtendedLIF(N, B, c, 11);
        ExtendedLIF split = new ExtendedLIF(N, B, c, 11);
        ExtendedLIF.Output all = whole.forward(cur);
        ExtendedLIF.Output first = split.forward(cur.narrow(0, 0, 3));
        ExtendedLIF.Output second = split.forward(cur.narrow(0, 3, 4));
        assertThat(Tensor.cat(List.of(first.spikes(), second.spikes()), 0).toFloatArray())
                .containsExactly(all.spikes().toFloatArray());
        assertThat(Tensor.cat(List.of(first.voltages(), second.voltages()), 0).toFloatArray())
                .containsExactly(all.voltages().toFloatArray());
        assertThat(split.thresholdParameter().get().toFloatArray())
                .containsExactly(whole.thresholdParameter().get().toFloatArray());
        assertThat(whole.state().membrane().requiresGrad()).isFalse();
    }

    @Test
    void resetRestoresTheInitialState() {
        ExtendedLIF.Config c = deterministic(Surrogate.ARCTAN, 2);
        ExtendedLIF layer = new ExtendedLIF(N, B, c, 0);
        Tensor cur = Tensor.randn(6, DType.F32, T, B, N).add(1.6);
        float[] firstRun = layer.forward(cur).voltages().toFloatArray();
        assertThat(layer.thresholdParameter().get().toFloatArray()).as("θ written back into V_th")
                .isNotEqualTo(Tensor.full(1.1, DType.F32, B, N).toFloatArray());
        float[] continued = layer.forward(cur).voltages().toFloatArray();
        assertThat(continued).isNotEqualTo(firstRun);
        layer.reset();
        ExtendedLIF.State s = layer.state();
        assertThat(s.membrane().toFloatArray()).containsOnly(0f);
        assertThat(s.threshold().toFloatArray()).containsOnly(1.1f);
        assertThat(s.adaptation().toFloatArray()).containsOnly(0f);
        assertThat(s.efficiency().toFloatArray()).containsOnly(1f);
        assertThat(s.neuromodulator().toFloatArray()).containsOnly(1f);
        assertThat(layer.forward(cur).voltages().toFloatArray()).containsExactly(firstRun);
    }

    @Test
    void backwardAfterTheThresholdWriteBackStillWorks() {
        ExtendedLIF layer = new ExtendedLIF(N, B, deterministic(Surrogate.FAST_SIGMOID, 2), 0);
        Tensor cur = Tensor.randn(7, DType.F32, T, B, N).add(1.6).requiresGrad(true);
        ExtendedLIF.Output out = layer.forward(cur);
        out.spikes().sum().add(out.voltages().sum()).backward();   // after copy_ into V_th
        assertThat(layer.thresholdParameter().grad()).isNotNull();
        assertThat(layer.tauParameter().grad().numel()).isEqualTo(1);
        assertThat(cur.grad()).isNotNull();
    }

    @Test
    void constantModulationEqualsTheSameSignalAtEveryStep() {
        ExtendedLIF.Config c = deterministic(Surrogate.GAUSSIAN, 1).toBuilder()
                .neuromodTransform(ExtendedLIF.sigmoidWithGain(3)).build();
        Tensor cur = Tensor.randn(9, DType.F32, T, B, N).add(1.0);
        Tensor e = Tensor.randn(10, DType.F32, B, N);
        float[] a = new ExtendedLIF(N, B, c, 0).forward(cur, e).voltages().toFloatArray();
        float[] b = new ExtendedLIF(N, B, c, 0).forward(cur, e.unsqueeze(0).expand(T, B, N)).voltages()
                .toFloatArray();
        float[] none = new ExtendedLIF(N, B, c, 0).forward(cur).voltages().toFloatArray();
        assertThat(b).containsExactly(a);
        assertThat(none).isNotEqualTo(a);
    }

    // ------------------------------------------------------------------ configuration

    @Test
    void defaultsFollowTheSpec() {
        ExtendedLIF.Config d = ExtendedLIF.Config.defaults();
        assertThat(d.vThreshold()).isEqualTo(1.0);
        assertThat(d.vReset()).isEqualTo(0.0);
        assertThat(d.tau()).isEqualTo(20.0);
        assertThat(d.dt()).isEqualTo(1.0);
        assertThat(d.eta()).isEqualTo(0.1);
        assertThat(d.adaptiveThreshold()).isTrue();
        assertThat(d.noiseStd()).isEqualTo(0.1);
        assertThat(d.stochastic()).isTrue();
        assertThat(d.thresholdMin()).isEqualTo(0.5);
        assertThat(d.thresholdMax()).isEqualTo(2.0);
        assertThat(d.surrogate()).isEqualTo(Surrogate.HEAVISIDE);
        assertThat(d.alpha()).isEqualTo(1.0);
        assertThat(d.dynamicSpikeProbability()).isFalse();
        assertThat(d.baseAlpha()).isEqualTo(2.0);
        assertThat(d.tauAdapt()).isEqualTo(20.0);
        assertThat(d.adaptationDecay()).isEqualTo(0.9);
        assertThat(d.spikeIncrease()).isEqualTo(0.5);
        assertThat(d.depressionRate()).isEqualTo(0.1);
        assertThat(d.recoveryRate()).isEqualTo(0.05);
        assertThat(d.learnableThreshold()).isTrue();
        assertThat(d.learnableTau()).isFalse();
        assertThat(d.learnableEta()).isFalse();
        Tensor e = Tensor.of(new float[] {-1, 0, 2}, 3);
        assertThat(d.neuromodTransform().apply(e).toFloatArray()).containsExactly(e.sigmoid().toFloatArray());
        assertThat(d.toBuilder().build()).isEqualTo(d);
    }

    @Test
    void learnableFlagsDecideParametersVersusBuffers() {
        ExtendedLIF plain = new ExtendedLIF(4, 16, ExtendedLIF.Config.defaults(), 0);
        assertThat(plain.namedParameters().keySet()).containsExactly("V_th");
        assertThat(plain.thresholdParameter().shape()).containsExactly(16, 4);
        assertThat(plain.stateDict().keySet()).containsExactlyInAnyOrder("V_th", "tau", "eta");
        ExtendedLIF ned = new ExtendedLIF(4, 16, ExtendedLIF.Config.builder().learnable(true, true, true).build(), 0);
        assertThat(ned.namedParameters().keySet()).containsExactly("V_th", "tau", "eta");
        assertThat(ned.tauParameter().shape()).isEmpty();
        ExtendedLIF frozen = new ExtendedLIF(4, 16, ExtendedLIF.Config.builder().learnable(false, false, false)
                .build(), 0);
        assertThat(frozen.namedParameters()).isEmpty();
        assertThat(frozen.thresholdParameter()).isNull();
        assertThat(frozen.stateDict().keySet()).containsExactlyInAnyOrder("V_th", "tau", "eta");
    }

    @Test
    void badConfiguration() {
        assertBad(b -> b.tau(0), "tau");
        assertBad(b -> b.tau(-1), "tau");
        assertBad(b -> b.dt(0), "dt");
        assertBad(b -> b.thresholdRange(2.0, 0.5), "thresholdMax");
        assertBad(b -> b.thresholdRange(1.0, 1.0), "thresholdMax");
        assertBad(b -> b.thresholdRange(0.0, 1.0), "thresholdMin");
        assertBad(b -> b.depression(1.5, 0.05), "depressionRate");
        assertBad(b -> b.depression(0.1, -0.1), "recoveryRate");
        assertBad(b -> b.adaptation(-0.1, 0.5), "adaptationDecay");
        assertBad(b -> b.surrogate(Surrogate.FAST_SIGMOID, 0), "alpha");
        assertBad(b -> b.surrogate(null, 1), "surrogate");
        assertBad(b -> b.noiseStd(Double.NaN), "noiseStd");
        assertBad(b -> b.vThreshold(Double.POSITIVE_INFINITY), "vThreshold");
        assertBad(b -> b.tauAdapt(0), "tauAdapt");
        assertBad(b -> b.baseAlpha(-2), "baseAlpha");
        assertBad(b -> b.eta(-0.1), "eta");
        assertThatThrownBy(() -> new ExtendedLIF(0, 16, ExtendedLIF.Config.defaults(), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("neurons=0");
        assertThatThrownBy(() -> new ExtendedLIF(4, 0, ExtendedLIF.Config.defaults(), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batchSize=0");
    }

    static void assertBad(java.util.function.UnaryOperator<ExtendedLIF.Builder> edit, String field) {
        assertThatThrownBy(() -> edit.apply(ExtendedLIF.Config.builder()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(field);
    }

    @Test
    void badInput() {
        ExtendedLIF layer = new ExtendedLIF(N, B, ExtendedLIF.Config.defaults(), 0);
        assertThatThrownBy(() -> layer.forward(Tensor.zeros(T, 5, N))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batch 5").hasMessageContaining("fixed at construction (" + B + ")");
        assertThatThrownBy(() -> layer.forward(Tensor.zeros(T, B, N + 1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(N + " neurons");
        assertThatThrownBy(() -> layer.forward(Tensor.zeros(B, N))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(T, B, N)");
        assertThatThrownBy(() -> layer.forward(Tensor.zeros(0, B, N))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> layer.forward(Tensor.zeros(DType.F64, T, B, N)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("F64");
        assertThatThrownBy(() -> layer.forward(Tensor.zeros(T, B, N), Tensor.zeros(T, B)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("modulation");
        assertThatThrownBy(() -> layer.run(null, Tensor.zeros(T, B, N), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("state");
        ExtendedLIF.State s = layer.state();
        ExtendedLIF.State wrong = new ExtendedLIF.State(Tensor.zeros(1, N), s.threshold(), s.adaptation(),
                s.efficiency(), s.neuromodulator(), null, null);
        assertThatThrownBy(() -> layer.run(wrong, Tensor.zeros(T, B, N), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("membrane");
    }
}
