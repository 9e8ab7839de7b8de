package dev.limbic.nn.spiking;

import dev.limbic.tensor.SpikeSurrogate;
import java.util.Locale;

/**
 * The surrogate derivative a spike uses in backward (x = V − θ; forward is always the exact step with
 * {@code H(0) = 0}). Closed forms per MODELS.md §2.1, without normalising constants:
 *
 * <table>
 * <caption>dS/dx</caption>
 * <tr><th>kind</th><th>dS/dx</th><th>at x = 0</th></tr>
 * <tr><td>{@link #HEAVISIDE}</td><td>½(sign x + 1): 1 above, ½ at, 0 below the threshold; α ignored</td><td>½</td></tr>
 * <tr><td>{@link #FAST_SIGMOID}</td><td>1/(1 + α|x|)²</td><td>1</td></tr>
 * <tr><td>{@link #ARCTAN}</td><td>1/(1 + (αx)²) (no 1/π, no π/2 as snntorch's atan has)</td><td>1</td></tr>
 * <tr><td>{@link #GAUSSIAN}</td><td>exp(−x²/(2α²)) (no 1/(α√2π))</td><td>1</td></tr>
 * </table>
 *
 * <p>{@link #HEAVISIDE} is Extended LIF's "heaviside" (its default): a straight-through estimator gated by the
 * spike itself. The gradient passes unchanged through neurons that fired and is blocked at silent ones, so a
 * layer whose neurons never fire gets no gradient through its spikes.
 */
public enum Surrogate {
    HEAVISIDE(SpikeSurrogate.HEAVISIDE, "heaviside"),
    FAST_SIGMOID(SpikeSurrogate.FAST_SIGMOID, "fast_sigmoid"),
    ARCTAN(SpikeSurrogate.ARCTAN, "arctan"),
    GAUSSIAN(SpikeSurrogate.GAUSSIAN, "gaussian");

    private final SpikeSurrogate kernel;
    private final String originalName;

    Surrogate(SpikeSurrogate kernel, String originalName) {
        this.kernel = kernel;
        this.originalName = originalName;
    }

    /** The tensor-level kind the fused kernels take. */
    public SpikeSurrogate kernel() {
        return kernel;
    }

    /** The name the Extended LIF library uses ({@code surrogate_gradient_function}). */
    public String originalName() {
        return originalName;
    }

    /** dS/dx at {@code x = V − θ}. */
    public double derivative(double x, double alpha) {
        return kernel.derivative(x, alpha);
    }

    /** Rejects an unusable alpha (not positive and finite) for every kind but {@link #HEAVISIDE}. */
    public void checkAlpha(String who, double alpha) {
        kernel.checkAlpha(who, alpha);
    }

    /** Parses the original library's names ({@code "fast_sigmoid"}) or the enum's ({@code "FAST_SIGMOID"}). */
    public static Surrogate parse(String name) {
        if (name != null) {
            String n = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
            for (Surrogate s : values()) {
                if (s.originalName.equals(n)) {
                    return s;
                }
            }
        }
        throw new IllegalArgumentException("unknown surrogate '" + name
                + "'; expected one of heaviside, fast_sigmoid, arctan, gaussian");
    }
}
