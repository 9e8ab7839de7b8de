package dev.limbic.nn.spiking;

import dev.limbic.nn.Init;
import dev.limbic.nn.Module;
import dev.limbic.nn.Parameter;
import dev.limbic.tensor.DType;
import dev.limbic.tensor.GradMode;
import dev.limbic.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * The Extended LIF neuron layer of NeuroEmoDynamics (MODELS.md §2.1, Extended LIF {@code LIFLayer._lif_step}):
 * per (batch row, neuron) membrane {@code V}, threshold {@code θ}, adaptation current {@code a}, synaptic
 * efficiency {@code s} and neuromodulator level {@code m}. One step with input current {@code I_t}:
 * <ol>
 * <li>{@code m = T(e_t)} if a modulation {@code e_t} is given (T = {@link Config#neuromodTransform}, default
 *     σ), else the stored level (1).</li>
 * <li>{@code I_eff = I_t·s + m − a}.</li>
 * <li>{@code V ← V + dt·(I_eff − V)/τ + ξ}, {@code ξ ~ N(0, noiseStd²)} in stochastic mode, else 0.</li>
 * <li>Spike: stochastic — {@code S ~ Bernoulli(σ(V − θ))} (or the dynamic probability below), no gradient;
 *     deterministic — {@code S = H(V − θ)}, {@code H(0) = 0}, with the configured {@link Surrogate}.</li>
 * <li>{@code V ← V_reset} where {@code S = 1} (no gradient through the spike into the reset; the membrane's
 *     gradient flows where the neuron did not fire, as {@code torch.where} does).</li>
 * <li>Adaptive threshold (if on): {@code θ ← θ + η} where spiked, else {@code θ ← θ − η(θ − 1)} (relaxes toward
 *     1.0, not toward {@code V_th}, as the spec states); then always {@code θ ← clamp(θ, θ_min, θ_max)}.</li>
 * <li>{@code a ← λ_a·a + κ·S}; 8. {@code s ← s·(1 − ρ_d·S) + ρ_r·(1 − s)} (both carry the spike's surrogate
 *     gradient in deterministic mode).</li>
 * </ol>
 * Dynamic spike probability (stochastic mode, if enabled): {@code A ← A·e^{−1/τ_adapt} + S_{t−1}},
 * {@code p = σ(α_base/(1 + A)·(V − θ))}. Here {@code A} and {@code S_{t−1}} both persist across calls (the
 * original reset {@code S_{t−1}} to 0 at each call), so splitting a sequence into two calls gives the same result
 * as one call.
 *
 * <p>State: shaped {@code (batchSize, N)} with the batch size fixed at construction (16 in NED); a call with
 * another batch size is an {@link IllegalArgumentException} (no silent re-initialisation, which would also have
 * to change the threshold parameter's shape). {@link #forward} writes the final {@code V, θ, a, s} back
 * (detached) at the end of each call, so state persists across calls until {@link #reset()}; with a learnable
 * threshold, {@code θ} is copied into the {@code V_th} parameter's data (as the original does), so the parameter
 * <em>is</em> the threshold state. {@link #run} is the same computation without the write-back.
 *
 * <p>Parameters and buffers (original names): {@code V_th (B, N)}, {@code tau ()}, {@code eta ()} — each a
 * learnable parameter when its {@code learnable*} flag is on, else a persistent buffer; the evolving state
 * ({@code V}, {@code adaptation_current}, {@code synaptic_efficiency}, {@code neuromodulator},
 * {@code dynamic_adaptation}, {@code previous_spikes}) is non-persistent (not in the state dict), as in the
 * original. Randomness (noise, Bernoulli draws) comes from the layer's own generator: same seed, same spikes.
 */
public final class ExtendedLIF extends Module {

    /**
     * Layer configuration with the original constructor's defaults ({@link #defaults()}); build variants with
     * {@link #builder()}. Ranges follow the original's assertions: τ, dt, α, α_base, τ_adapt &gt; 0;
     * 0 &lt; θ_min &lt; θ_max; depression rate in [0, 1]; decay, increase, recovery, η, noise std ≥ 0.
     *
     * @param neuromodTransform T in {@code m = T(e_t)}; null means σ
     */
    public record Config(double vThreshold, double vReset, double tau, double dt, double eta,
                         boolean adaptiveThreshold, double noiseStd, boolean stochastic,
                         double thresholdMin, double thresholdMax, Surrogate surrogate, double alpha,
                         boolean dynamicSpikeProbability, double baseAlpha, double tauAdapt,
                         double adaptationDecay, double spikeIncrease, double depressionRate, double recoveryRate,
                         UnaryOperator<Tensor> neuromodTransform, boolean learnableThreshold, boolean learnableTau,
                         boolean learnableEta) {
        public Config {
            finite("vThreshold", vThreshold);
            finite("vReset", vReset);
            positive("tau", tau);
            positive("dt", dt);
            nonNegative("eta", eta);
            nonNegative("noiseStd", noiseStd);
            positive("thresholdMin", thresholdMin);
            finite("thresholdMax", thresholdMax);
            if (!(thresholdMax > thresholdMin)) {
                throw new IllegalArgumentException("ExtendedLIF.Config: thresholdMax (" + thresholdMax
                        + ") must be greater than thresholdMin (" + thresholdMin + ")");
            }
            if (surrogate == null) {
                throw new IllegalArgumentException("ExtendedLIF.Config: surrogate must not be null");
            }
            positive("alpha", alpha);
            positive("baseAlpha", baseAlpha);
            positive("tauAdapt", tauAdapt);
            nonNegative("adaptationDecay", adaptationDecay);
            nonNegative("spikeIncrease", spikeIncrease);
            if (!(depressionRate >= 0 && depressionRate <= 1)) {
                throw new IllegalArgumentException("ExtendedLIF.Config: depressionRate must be in [0, 1], got "
                        + depressionRate);
            }
            nonNegative("recoveryRate", recoveryRate);
            if (neuromodTransform == null) {
                neuromodTransform = Tensor::sigmoid;
            }
        }

        /** The original layer's defaults (MODELS.md §2.1). */
        public static Config defaults() {
            return builder().build();
        }

        public static Builder builder() {
            return new Builder();
        }

        /** A builder holding this configuration. */
        public Builder toBuilder() {
            Builder b = new Builder();
            b.vThreshold = vThreshold;
            b.vReset = vReset;
            b.tau = tau;
            b.dt = dt;
            b.eta = eta;
            b.adaptiveThreshold = adaptiveThreshold;
            b.noiseStd = noiseStd;
            b.stochastic = stochastic;
            b.thresholdMin = thresholdMin;
            b.thresholdMax = thresholdMax;
            b.surrogate = surrogate;
            b.alpha = alpha;
            b.dynamicSpikeProbability = dynamicSpikeProbability;
            b.baseAlpha = baseAlpha;
            b.tauAdapt = tauAdapt;
            b.adaptationDecay = adaptationDecay;
            b.spikeIncrease = spikeIncrease;
            b.depressionRate = depressionRate;
            b.recoveryRate = recoveryRate;
            b.neuromodTransform = neuromodTransform;
            b.learnableThreshold = learnableThreshold;
            b.learnableTau = learnableTau;
            b.learnableEta = learnableEta;
            return b;
        }

        private static void finite(String name, double v) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("ExtendedLIF.Config: " + name + " must be finite, got " + v);
            }
        }

        private static void positive(String name, double v) {
            if (!(v > 0 && Double.isFinite(v))) {
                throw new IllegalArgumentException("ExtendedLIF.Config: " + name + " must be positive and finite, got "
                        + v);
            }
        }

        private static void nonNegative(String name, double v) {
            if (!(v >= 0 && Double.isFinite(v))) {
                throw new IllegalArgumentException("ExtendedLIF.Config: " + name
                        + " must be non-negative and finite, got " + v);
            }
        }
    }

    /** Fluent builder for {@link Config}, starting from the defaults. */
    public static final class Builder {
        private double vThreshold = 1.0;
        private double vReset = 0.0;
        private double tau = 20.0;
        private double dt = 1.0;
        private double eta = 0.1;
        private boolean adaptiveThreshold = true;
        private double noiseStd = 0.1;
        private boolean stochastic = true;
        private double thresholdMin = 0.5;
        private double thresholdMax = 2.0;
        private Surrogate surrogate = Surrogate.HEAVISIDE;
        private double alpha = 1.0;
        private boolean dynamicSpikeProbability = false;
        private double baseAlpha = 2.0;
        private double tauAdapt = 20.0;
        private double adaptationDecay = 0.9;
        private double spikeIncrease = 0.5;
        private double depressionRate = 0.1;
        private double recoveryRate = 0.05;
        private UnaryOperator<Tensor> neuromodTransform = null;
        private boolean learnableThreshold = true;
        private boolean learnableTau = false;
        private boolean learnableEta = false;

        private Builder() {
        }

        public Builder vThreshold(double v) {
            this.vThreshold = v;
            return this;
        }

        public Builder vReset(double v) {
            this.vReset = v;
            return this;
        }

        public Builder tau(double v) {
            this.tau = v;
            return this;
        }

        public Builder dt(double v) {
            this.dt = v;
            return this;
        }

        public Builder eta(double v) {
            this.eta = v;
            return this;
        }

        public Builder adaptiveThreshold(boolean on) {
            this.adaptiveThreshold = on;
            return this;
        }

        public Builder noiseStd(double v) {
            this.noiseStd = v;
            return this;
        }

        public Builder stochastic(boolean on) {
            this.stochastic = on;
            return this;
        }

        public Builder thresholdRange(double min, double max) {
            this.thresholdMin = min;
            this.thresholdMax = max;
            return this;
        }

        public Builder surrogate(Surrogate s, double alphaValue) {
            this.surrogate = s;
            this.alpha = alphaValue;
            return this;
        }

        public Builder dynamicSpikeProbability(boolean on) {
            this.dynamicSpikeProbability = on;
            return this;
        }

        public Builder baseAlpha(double v) {
            this.baseAlpha = v;
            return this;
        }

        public Builder tauAdapt(double v) {
            this.tauAdapt = v;
            return this;
        }

        public Builder adaptation(double decay, double increase) {
            this.adaptationDecay = decay;
            this.spikeIncrease = increase;
            return this;
        }

        public Builder depression(double depression, double recovery) {
            this.depressionRate = depression;
            this.recoveryRate = recovery;
            return this;
        }

        /** T in {@code m = T(e_t)}; null means σ. */
        public Builder neuromodTransform(UnaryOperator<Tensor> t) {
            this.neuromodTransform = t;
            return this;
        }

        public Builder learnable(boolean threshold, boolean tauOn, boolean etaOn) {
            this.learnableThreshold = threshold;
            this.learnableTau = tauOn;
            this.learnableEta = etaOn;
            return this;
        }

        public Config build() {
            return new Config(vThreshold, vReset, tau, dt, eta, adaptiveThreshold, noiseStd, stochastic,
                    thresholdMin, thresholdMax, surrogate, alpha, dynamicSpikeProbability, baseAlpha, tauAdapt,
                    adaptationDecay, spikeIncrease, depressionRate, recoveryRate, neuromodTransform,
                    learnableThreshold, learnableTau, learnableEta);
        }
    }

    /** {@code e -> σ(gain·e)}: the per-region transforms of NED (σ(3x), σ(2.5x)). */
    public static UnaryOperator<Tensor> sigmoidWithGain(double gain) {
        if (!Double.isFinite(gain)) {
            throw new IllegalArgumentException("sigmoidWithGain: gain must be finite, got " + gain);
        }
        return e -> e.mul(gain).sigmoid();
    }

    /**
     * The evolving per-(row, neuron) state, each {@code (B, N)}. {@code dynamicAdaptation} ({@code A}) and
     * {@code previousSpikes} are null when the dynamic spike probability is off.
     */
    public record State(Tensor membrane, Tensor threshold, Tensor adaptation, Tensor efficiency,
                        Tensor neuromodulator, Tensor dynamicAdaptation, Tensor previousSpikes) {
    }

    /**
     * A sequence's results: spikes {@code (T, B, N)} (0/1 in the layer's dtype; with the surrogate gradient in
     * deterministic mode), post-reset membrane voltages {@code (T, B, N)}, and the state after the last step (still
     * attached to the graph).
     */
    public record Output(Tensor spikes, Tensor voltages, State finalState) {
    }

    private static final String THRESHOLD = "V_th";
    private static final String TAU = "tau";
    private static final String ETA = "eta";
    private static final String MEMBRANE = "V";
    private static final String ADAPTATION = "adaptation_current";
    private static final String EFFICIENCY = "synaptic_efficiency";
    private static final String NEUROMODULATOR = "neuromodulator";
    private static final String DYNAMIC_ADAPTATION = "dynamic_adaptation";
    private static final String PREVIOUS_SPIKES = "previous_spikes";

    private final int neurons;
    private final int batchSize;
    private final Config config;
    private RandomGenerator rng;
    private final Parameter thresholdParam;   // (B, N), or null when the threshold is a buffer
    private final Parameter tauParam;         // (), or null
    private final Parameter etaParam;         // (), or null

    /**
     * @param neurons   N
     * @param batchSize B, fixed for the layer's lifetime (the state and the threshold are {@code (B, N)})
     * @param seed      seed of the layer's generator (noise and Bernoulli spikes)
     */
    public ExtendedLIF(int neurons, int batchSize, Config config, long seed) {
        this(neurons, batchSize, config, Init.rng(seed));
    }

    public ExtendedLIF(int neurons, int batchSize, Config config, RandomGenerator rng) {
        if (neurons <= 0 || batchSize <= 0) {
            throw new IllegalArgumentException("ExtendedLIF needs positive sizes, got neurons=" + neurons
                    + " batchSize=" + batchSize);
        }
        if (config == null || rng == null) {
            throw new IllegalArgumentException("ExtendedLIF: config and rng must not be null");
        }
        this.neurons = neurons;
        this.batchSize = batchSize;
        this.config = config;
        this.rng = rng;
        Tensor th = Tensor.full(config.vThreshold(), DType.F32, batchSize, neurons);
        Tensor tauValue = Tensor.scalar(config.tau(), DType.F32);
        Tensor etaValue = Tensor.scalar(config.eta(), DType.F32);
        if (config.learnableThreshold()) {
            thresholdParam = registerParameter(THRESHOLD, th);
        } else {
            thresholdParam = null;
            registerBuffer(THRESHOLD, th, true);
        }
        if (config.learnableTau()) {
            tauParam = registerParameter(TAU, tauValue);
        } else {
            tauParam = null;
            registerBuffer(TAU, tauValue, true);
        }
        if (config.learnableEta()) {
            etaParam = registerParameter(ETA, etaValue);
        } else {
            etaParam = null;
            registerBuffer(ETA, etaValue, true);
        }
        registerBuffer(MEMBRANE, null, false);
        registerBuffer(ADAPTATION, null, false);
        registerBuffer(EFFICIENCY, null, false);
        registerBuffer(NEUROMODULATOR, null, false);
        if (config.dynamicSpikeProbability()) {
            registerBuffer(DYNAMIC_ADAPTATION, null, false);
            registerBuffer(PREVIOUS_SPIKES, null, false);
        }
        resetEvolvingState(DType.F32);
    }

    public Config config() {
        return config;
    }

    public int neurons() {
        return neurons;
    }

    public int batchSize() {
        return batchSize;
    }

    /** The learnable threshold {@code V_th (B, N)}, or null when the threshold is a buffer. */
    public Parameter thresholdParameter() {
        return thresholdParam;
    }

    /** The learnable membrane time constant, or null. */
    public Parameter tauParameter() {
        return tauParam;
    }

    /** The learnable threshold adaptation rate, or null. */
    public Parameter etaParameter() {
        return etaParam;
    }

    /** Restarts the layer's generator (noise and Bernoulli draws) from {@code seed}. */
    public void reseed(long seed) {
        this.rng = Init.rng(seed);
    }

    private DType dtype() {
        return buffer(MEMBRANE).dtype();
    }

    private Tensor thresholdTensor() {
        return thresholdParam != null ? thresholdParam.get() : buffer(THRESHOLD);
    }

    private Tensor tauTensor() {
        return tauParam != null ? tauParam.get() : buffer(TAU);
    }

    private Tensor etaTensor() {
        return etaParam != null ? etaParam.get() : buffer(ETA);
    }

    /**
     * Resets the state to its initial values: {@code V = 0}, {@code θ = V_th} (the configured value, written into
     * the threshold parameter's data when it is learnable), {@code a = 0}, {@code s = 1}, {@code m = 1},
     * {@code A = 0}, no previous spikes. The generator is not reseeded (see {@link #reseed}).
     */
    public void reset() {
        DType dt = dtype();
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            if (thresholdParam != null) {
                thresholdParam.get().fill_(config.vThreshold());
            } else {
                setBuffer(THRESHOLD, Tensor.full(config.vThreshold(), dt, batchSize, neurons));
            }
        }
        resetEvolvingState(dt);
    }

    /** Fresh tensors (never in-place), so a graph that saved the old ones stays valid. */
    private void resetEvolvingState(DType dt) {
        setBuffer(MEMBRANE, Tensor.zeros(dt, batchSize, neurons));
        setBuffer(ADAPTATION, Tensor.zeros(dt, batchSize, neurons));
        setBuffer(EFFICIENCY, Tensor.ones(dt, batchSize, neurons));
        setBuffer(NEUROMODULATOR, Tensor.ones(dt, batchSize, neurons));
        if (config.dynamicSpikeProbability()) {
            setBuffer(DYNAMIC_ADAPTATION, Tensor.zeros(dt, batchSize, neurons));
            setBuffer(PREVIOUS_SPIKES, Tensor.zeros(dt, batchSize, neurons));
        }
    }

    /**
     * The stored state. Its threshold is the live {@code V_th} tensor (the parameter itself when learnable), so a
     * {@link #run} from it sends gradients to the parameter.
     */
    public State state() {
        boolean dyn = config.dynamicSpikeProbability();
        return new State(buffer(MEMBRANE), thresholdTensor(), buffer(ADAPTATION), buffer(EFFICIENCY),
                buffer(NEUROMODULATOR), dyn ? buffer(DYNAMIC_ADAPTATION) : null,
                dyn ? buffer(PREVIOUS_SPIKES) : null);
    }

    /** {@link #forward(Tensor, Tensor)} without a modulation signal. */
    public Output forward(Tensor currents) {
        return forward(currents, null);
    }

    /**
     * Runs the layer from its stored state over {@code currents (T, B, N)} and writes the final state back
     * (detached). {@code modulation} is null, {@code (T, B, N)} (one signal per step) or {@code (B, N)} (the same
     * signal at every step).
     */
    public Output forward(Tensor currents, Tensor modulation) {
        Output out = run(state(), currents, modulation);
        State f = out.finalState();
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            setBuffer(MEMBRANE, f.membrane().detach());
            setBuffer(ADAPTATION, f.adaptation().detach());
            setBuffer(EFFICIENCY, f.efficiency().detach());
            if (thresholdParam != null) {
                // the run started from a clone of the parameter, so no saved tensor sees this write
                thresholdParam.get().copy_(f.threshold().detach());
            } else {
                setBuffer(THRESHOLD, f.threshold().detach());
            }
            if (config.dynamicSpikeProbability()) {
                setBuffer(DYNAMIC_ADAPTATION, f.dynamicAdaptation().detach());
                setBuffer(PREVIOUS_SPIKES, f.previousSpikes().detach());
            }
        }
        return out;
    }

    /**
     * The layer's computation from {@code initial} (see the class comment), without touching the stored state;
     * it draws from the layer's generator in stochastic mode. Gradients reach every tensor of {@code initial} that
     * requires grad, the learnable {@code τ}/{@code η}, the currents and the modulation.
     */
    public Output run(State initial, Tensor currents, Tensor modulation) {
        checkInputs(initial, currents, modulation);
        Config c = config;
        DType dt = currents.dtype();
        int steps = currents.size(0);
        boolean dynamic = c.stochastic() && c.dynamicSpikeProbability();
        double dynamicDecay = Math.exp(-1.0 / c.tauAdapt());
        Tensor vReset = Tensor.scalar(c.vReset(), dt);
        Tensor tau = tauTensor();
        Tensor eta = etaTensor();

        Tensor v = initial.membrane();                    // (B, N)
        Tensor theta = initial.threshold().cloneTensor(); // (B, N); a copy, so writing the parameter back is safe
        Tensor a = initial.adaptation();                  // (B, N)
        Tensor eff = initial.efficiency();                // (B, N)
        Tensor storedMod = initial.neuromodulator();      // (B, N)
        Tensor dynA = initial.dynamicAdaptation();        // (B, N) or null
        Tensor prev = initial.previousSpikes();           // (B, N) or null
        List<Tensor> spikes = new ArrayList<>(steps);
        List<Tensor> volts = new ArrayList<>(steps);
        for (int t = 0; t < steps; t++) {
            Tensor m = modulation == null ? storedMod
                    : c.neuromodTransform().apply(modulation.dim() == 3 ? modulation.select(0, t) : modulation);
            Tensor iEff = currents.select(0, t).mul(eff).add(m).sub(a);
            v = v.add(iEff.sub(v).div(tau).mul(c.dt()));
            if (c.stochastic() && c.noiseStd() > 0) {
                v = v.add(Tensor.randn(rng, dt, batchSize, neurons).mul(c.noiseStd()));
            }
            Tensor s;
            if (c.stochastic()) {
                try (GradMode.Scope ignored = GradMode.noGrad()) {
                    Tensor x = v.sub(theta);
                    Tensor p;
                    if (dynamic) {
                        dynA = dynA.mul(dynamicDecay).add(prev);
                        p = x.mul(dynA.add(1.0).pow(-1.0).mul(c.baseAlpha())).sigmoid();
                    } else {
                        p = x.sigmoid();
                    }
                    s = Tensor.rand(rng, dt, batchSize, neurons).lt(p);
                }
            } else {
                s = Spike.apply(v.sub(theta), c.surrogate(), c.alpha());
            }
            v = Tensor.where(s, vReset, v);
            if (c.adaptiveThreshold()) {
                theta = Tensor.where(s, theta.add(eta), theta.sub(theta.sub(1.0).mul(eta)));
            }
            theta = theta.clamp(c.thresholdMin(), c.thresholdMax());
            a = a.mul(c.adaptationDecay()).add(s.mul(c.spikeIncrease()));
            eff = eff.mul(s.mul(-c.depressionRate()).add(1.0)).add(eff.mul(-c.recoveryRate()).add(c.recoveryRate()));
            if (dynamic) {
                prev = s.detach();
            }
            spikes.add(s);
            volts.add(v);
        }
        State last = new State(v, theta, a, eff, storedMod, dynA, prev);
        return new Output(Tensor.stack(spikes, 0), Tensor.stack(volts, 0), last);
    }

    private void checkInputs(State s, Tensor currents, Tensor modulation) {
        String who = "ExtendedLIF(N=" + neurons + ", batchSize=" + batchSize + ")";
        if (currents == null || currents.dim() != 3 || currents.size(0) == 0) {
            throw new IllegalArgumentException(who + ": currents must be (T, B, N) with T ≥ 1, got "
                    + (currents == null ? "null" : Arrays.toString(currents.shape())));
        }
        if (currents.size(2) != neurons) {
            throw new IllegalArgumentException(who + ": currents " + Arrays.toString(currents.shape())
                    + " must have " + neurons + " neurons in the last dim");
        }
        if (currents.size(1) != batchSize) {
            throw new IllegalArgumentException(who + ": currents " + Arrays.toString(currents.shape())
                    + " have batch " + currents.size(1) + ", but the state batch size is fixed at construction ("
                    + batchSize + "); build a layer with batchSize " + currents.size(1)
                    + " (drop or pad incomplete batches)");
        }
        DType dt = dtype();
        if (currents.dtype() != dt) {
            throw new IllegalArgumentException(who + ": currents are " + currents.dtype() + " but the layer is " + dt
                    + "; convert one with to(DType)");
        }
        if (modulation != null) {
            boolean perStep = Arrays.equals(modulation.shape(), currents.shape());
            boolean constant = modulation.dim() == 2 && modulation.size(0) == batchSize
                    && modulation.size(1) == neurons;
            if (!perStep && !constant) {
                throw new IllegalArgumentException(who + ": modulation " + Arrays.toString(modulation.shape())
                        + " must be (T, B, N) = " + Arrays.toString(currents.shape()) + " or (B, N) = ["
                        + batchSize + ", " + neurons + "]");
            }
            if (modulation.dtype() != dt) {
                throw new IllegalArgumentException(who + ": modulation is " + modulation.dtype() + " but the layer is "
                        + dt);
            }
        }
        if (s == null) {
            throw new IllegalArgumentException(who + ": initial state must not be null");
        }
        int[] bn = {batchSize, neurons};
        checkState(who, "membrane", s.membrane(), bn, dt);
        checkState(who, "threshold", s.threshold(), bn, dt);
        checkState(who, "adaptation", s.adaptation(), bn, dt);
        checkState(who, "efficiency", s.efficiency(), bn, dt);
        checkState(who, "neuromodulator", s.neuromodulator(), bn, dt);
        if (config.dynamicSpikeProbability()) {
            checkState(who, "dynamicAdaptation", s.dynamicAdaptation(), bn, dt);
            checkState(who, "previousSpikes", s.previousSpikes(), bn, dt);
        }
    }

    private static void checkState(String who, String name, Tensor t, int[] shape, DType dt) {
        if (t == null || !Arrays.equals(t.shape(), shape) || t.dtype() != dt) {
            throw new IllegalArgumentException(who + ": state " + name + " must be " + dt + " "
                    + Arrays.toString(shape) + ", got " + (t == null ? "null"
                    : t.dtype() + " " + Arrays.toString(t.shape())));
        }
    }
}
