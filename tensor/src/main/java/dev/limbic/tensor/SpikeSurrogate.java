package dev.limbic.tensor;

/**
 * The pseudo-derivative a spiking op uses in place of the Heaviside step's derivative (zero almost everywhere,
 * infinite at the threshold). Forward is always the exact step {@code S = H(x)} with {@code H(0) = 0}, where
 * {@code x = V − θ}; backward multiplies the incoming gradient by {@link #derivative(double, double)} of
 * {@code x}. The closed forms follow the Extended LIF library (MODELS.md §2.1) without normalising constants,
 * so the peak value is 1 at {@code x = 0} for every kind except {@link #HEAVISIDE}.
 *
 * <p>This enum is the reference for every kernel ({@code Backend.spikeSurrogateBackward}); the {@code nn} module
 * exposes the same kinds as {@code dev.limbic.nn.spiking.Surrogate}.
 */
public enum SpikeSurrogate {
    /**
     * {@code ½·(sign x + 1)}: 1 where the neuron fired ({@code x > 0}), ½ exactly at the threshold, 0 below it
     * (Extended LIF's "heaviside"). It is a straight-through estimator gated by the forward spike: the gradient
     * passes unchanged through neurons that spiked and is blocked for the silent ones; {@code α} is ignored.
     */
    HEAVISIDE,
    /** {@code 1/(1 + α|x|)²}, the derivative of the fast sigmoid {@code x/(1 + α|x|)} (snntorch, Zenke &amp; Ganguli). */
    FAST_SIGMOID,
    /**
     * {@code 1/(1 + (αx)²)} as MODELS.md §2.1 gives it: the derivative of {@code atan(αx)/α}. No {@code 1/π}
     * factor and no {@code π/2} inside (snntorch's {@code atan} surrogate has both), so the peak is 1.
     */
    ARCTAN,
    /** {@code exp(−x²/(2α²))}: an unnormalised Gaussian of width {@code α} (no {@code 1/(α√(2π))} factor). */
    GAUSSIAN;

    /** The surrogate derivative at {@code x = V − θ}; NaN gives NaN. */
    public double derivative(double x, double alpha) {
        return switch (this) {
            case HEAVISIDE -> x > 0 ? 1.0 : x < 0 ? 0.0 : x == 0 ? 0.5 : Double.NaN;
            case FAST_SIGMOID -> {
                double d = 1.0 + alpha * Math.abs(x);
                yield 1.0 / (d * d);
            }
            case ARCTAN -> {
                double ax = alpha * x;
                yield 1.0 / (1.0 + ax * ax);
            }
            case GAUSSIAN -> Math.exp(-(x * x) / (2.0 * alpha * alpha));
        };
    }

    /** Whether {@code alpha} is usable for this kind (positive and finite; {@link #HEAVISIDE} ignores it). */
    public void checkAlpha(String who, double alpha) {
        if (this != HEAVISIDE && !(alpha > 0 && Double.isFinite(alpha))) {
            throw new IllegalArgumentException(who + ": surrogate " + this + " needs a positive finite alpha, got "
                    + alpha);
        }
    }
}
