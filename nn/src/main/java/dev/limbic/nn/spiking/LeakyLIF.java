package dev.limbic.nn.spiking;

import dev.limbic.nn.Module;
import dev.limbic.tensor.SpikingOps;
import dev.limbic.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Leaky integrate-and-fire population with reset by subtraction (snntorch {@code Leaky}), no parameters of its
 * own: the input current comes from whatever precedes it (a {@link dev.limbic.nn.Linear} over the whole sequence
 * in one matmul, or per-step recurrent projections). State is passed explicitly, so one instance serves any batch.
 *
 * <p>Two orders of operations ({@link ResetOrder}), {@code H(0) = 0}, spikes with a surrogate gradient:
 * <ul>
 * <li>{@link ResetOrder#AFTER_FIRE} (the golden {@code lif_*} fixtures): {@code u = β·V + I},
 *     {@code S = H(u − θ)}, {@code V' = u − θ·S}.</li>
 * <li>{@link ResetOrder#FROM_PREVIOUS} (snntorch {@code Leaky(reset_mechanism="subtract")}, the SNN workload (d)):
 *     {@code V' = β·V + I − θ·H(V − θ)} (the reset comes from the incoming membrane, i.e. the previous step's
 *     spike), {@code S = H(V' − θ)}.</li>
 * </ul>
 * With {@code detachReset} the spike inside the reset term carries no gradient (snntorch's default and the
 * {@code _detached} fixture); otherwise it carries the surrogate gradient too.
 *
 * <p>Each step is two recorded ops in the snntorch order (one fused {@link SpikingOps#lifIntegrate} and one
 * {@link Spike}); the fixture order adds the subtraction.
 */
public final class LeakyLIF extends Module {

    /** Where the reset by subtraction happens relative to integration (see the class comment). */
    public enum ResetOrder {
        /** Integrate, fire, subtract the threshold from the membrane that fired (golden fixtures). */
        AFTER_FIRE,
        /** Subtract the previous step's reset while integrating, then fire (snntorch {@code Leaky}). */
        FROM_PREVIOUS
    }

    /**
     * @param beta        membrane decay per step, in [0, 1]
     * @param threshold   firing threshold θ (&gt; 0); also the amount subtracted on reset
     * @param surrogate   surrogate derivative of the spike
     * @param alpha       the surrogate's slope/width (snntorch's {@code slope} for the fast sigmoid)
     * @param resetOrder  see {@link ResetOrder}
     * @param detachReset no gradient through the spike inside the reset term
     */
    public record Config(double beta, double threshold, Surrogate surrogate, double alpha, ResetOrder resetOrder,
                         boolean detachReset) {
        public Config {
            if (!(beta >= 0 && beta <= 1)) {
                throw new IllegalArgumentException("LeakyLIF: beta must be in [0, 1], got " + beta);
            }
            if (!(threshold > 0 && Double.isFinite(threshold))) {
                throw new IllegalArgumentException("LeakyLIF: threshold must be positive and finite, got "
                        + threshold);
            }
            if (surrogate == null || resetOrder == null) {
                throw new IllegalArgumentException("LeakyLIF: surrogate and resetOrder must not be null");
            }
            surrogate.checkAlpha("LeakyLIF", alpha);
        }

        /** snntorch {@code Leaky(beta, threshold, spike_grad=fast_sigmoid(slope))}: reset from the previous step, detached. */
        public static Config snntorch(double beta, double threshold, double slope) {
            return new Config(beta, threshold, Surrogate.FAST_SIGMOID, slope, ResetOrder.FROM_PREVIOUS, true);
        }

        /** Integrate, fire, subtract (the golden {@code lif_*} fixtures) with a fast-sigmoid surrogate. */
        public static Config afterFire(double beta, double threshold, double alpha, boolean detachReset) {
            return new Config(beta, threshold, Surrogate.FAST_SIGMOID, alpha, ResetOrder.AFTER_FIRE, detachReset);
        }
    }

    /**
     * One step's results, each {@code (B, N)}: the spikes, the membrane to carry into the next step (after the
     * reset), and the membrane that was compared with θ (before this step's reset; the same tensor as
     * {@code membrane} in {@link ResetOrder#FROM_PREVIOUS}).
     */
    public record Step(Tensor spikes, Tensor membrane, Tensor preReset) {
    }

    /** A sequence's results, each {@code (T, B, N)}; see {@link Step}. */
    public record Output(Tensor spikes, Tensor membrane, Tensor preReset) {
    }

    private final Config config;

    public LeakyLIF(Config config) {
        if (config == null) {
            throw new IllegalArgumentException("LeakyLIF: config must not be null");
        }
        this.config = config;
    }

    public Config config() {
        return config;
    }

    /**
     * One time step.
     *
     * @param membrane the incoming membrane {@code (B, N)}, or null for zeros (the first step)
     * @param current  the input current {@code (B, N)}
     */
    public Step step(Tensor membrane, Tensor current) {
        if (current == null || current.dim() != 2) {
            throw new IllegalArgumentException("LeakyLIF.step: current must be (B, N), got "
                    + (current == null ? "null" : Arrays.toString(current.shape())));
        }
        Tensor v = membrane == null ? Tensor.zeros(current.dtype(), current.shape()) : membrane;
        if (!Arrays.equals(v.shape(), current.shape())) {
            throw new IllegalArgumentException("LeakyLIF.step: membrane " + Arrays.toString(v.shape())
                    + " and current " + Arrays.toString(current.shape()) + " must have the same shape");
        }
        Config c = config;
        double theta = c.threshold();
        if (c.resetOrder() == ResetOrder.FROM_PREVIOUS) {
            Tensor u = SpikingOps.lifIntegrate(v, current, c.beta(), theta, theta, !c.detachReset(),
                    c.surrogate().kernel(), c.alpha());
            Tensor s = Spike.apply(u, theta, c.surrogate(), c.alpha());
            return new Step(s, u, u);
        }
        Tensor u = SpikingOps.lifIntegrate(v, current, c.beta());
        Tensor s = Spike.apply(u, theta, c.surrogate(), c.alpha());
        Tensor reset = (c.detachReset() ? s.detach() : s).mul(theta);
        return new Step(s, u.sub(reset), u);
    }

    /** {@link #forward(Tensor, Tensor)} from a zero membrane. */
    public Output forward(Tensor currents) {
        return forward(currents, null);
    }

    /**
     * Runs the population over a time-major sequence.
     *
     * @param currents         input currents {@code (T, B, N)}
     * @param initialMembrane  {@code (B, N)}, or null for zeros
     */
    public Output forward(Tensor currents, Tensor initialMembrane) {
        if (currents == null || currents.dim() != 3 || currents.size(0) == 0) {
            throw new IllegalArgumentException("LeakyLIF.forward: currents must be (T, B, N) with T ≥ 1, got "
                    + (currents == null ? "null" : Arrays.toString(currents.shape())));
        }
        int steps = currents.size(0);
        List<Tensor> spikes = new ArrayList<>(steps);
        List<Tensor> post = new ArrayList<>(steps);
        List<Tensor> pre = new ArrayList<>(steps);
        Tensor v = initialMembrane;
        for (int t = 0; t < steps; t++) {
            Step st = step(v, currents.select(0, t));
            spikes.add(st.spikes());
            post.add(st.membrane());
            pre.add(st.preReset());
            v = st.membrane();
        }
        Tensor postAll = Tensor.stack(post, 0);   // (T, B, N)
        Tensor preAll = config.resetOrder() == ResetOrder.FROM_PREVIOUS ? postAll : Tensor.stack(pre, 0);
        return new Output(Tensor.stack(spikes, 0), postAll, preAll);
    }
}
