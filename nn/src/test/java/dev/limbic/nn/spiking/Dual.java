package dev.limbic.nn.spiking;

/**
 * Forward-mode dual number {@code v + d·ε} for the hand-derived reference gradients of the spiking layers. A spike
 * is {@code (H(x), σ'(x)·dx)}: the surrogate chain rule is linear, so forward mode over a scalar re-implementation
 * written from the spec gives exactly what reverse mode with the surrogate must give.
 */
record Dual(double v, double d) {
    static Dual of(double v) {
        return new Dual(v, 0);
    }

    static Dual seed(double v) {
        return new Dual(v, 1);
    }

    Dual add(Dual o) {
        return new Dual(v + o.v, d + o.d);
    }

    Dual add(double c) {
        return new Dual(v + c, d);
    }

    Dual sub(Dual o) {
        return new Dual(v - o.v, d - o.d);
    }

    Dual mul(Dual o) {
        return new Dual(v * o.v, d * o.v + v * o.d);
    }

    Dual mul(double c) {
        return new Dual(v * c, d * c);
    }

    Dual div(Dual o) {
        return new Dual(v / o.v, (d * o.v - v * o.d) / (o.v * o.v));
    }

    Dual sigmoid() {
        double s = 1 / (1 + Math.exp(-v));
        return new Dual(s, d * s * (1 - s));
    }

    /** {@code H(x)} with H(0) = 0 and the surrogate derivative. */
    Dual spike(Surrogate s, double alpha) {
        return new Dual(v > 0 ? 1 : 0, d * s.derivative(v, alpha));
    }

    /** No derivative through the condition (torch.where / detached spikes). */
    static Dual where(boolean cond, Dual a, Dual b) {
        return cond ? a : b;
    }

    /** Derivative passes where {@code min ≤ x ≤ max} (torch's clamp backward). */
    Dual clamp(double min, double max) {
        boolean inside = v >= min && v <= max;
        return new Dual(Math.min(Math.max(v, min), max), inside ? d : 0);
    }

    Dual detach() {
        return new Dual(v, 0);
    }
}
