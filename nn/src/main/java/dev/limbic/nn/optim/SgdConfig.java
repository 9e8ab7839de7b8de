package dev.limbic.nn.optim;

/**
 * Hyper-parameters of {@link SGD} (PyTorch names). Nesterov needs a positive momentum and zero dampening, as in
 * PyTorch.
 */
public record SgdConfig(double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
    public SgdConfig {
        Optimizer.checkLr(lr);
        if (!(momentum >= 0.0) || Double.isInfinite(momentum)) {
            throw new IllegalArgumentException("SGD: momentum must be finite and >= 0, got " + momentum);
        }
        if (!(dampening >= 0.0 && dampening <= 1.0)) {
            throw new IllegalArgumentException("SGD: dampening must be in [0, 1], got " + dampening);
        }
        Optimizer.checkWeightDecay(weightDecay);
        if (nesterov && (momentum <= 0.0 || dampening != 0.0)) {
            throw new IllegalArgumentException("SGD: Nesterov momentum requires momentum > 0 and dampening 0, got "
                    + "momentum " + momentum + ", dampening " + dampening);
        }
    }

    /** Plain SGD: no momentum, no weight decay. */
    public static SgdConfig of(double lr) {
        return new SgdConfig(lr, 0.0, 0.0, 0.0, false);
    }

    public SgdConfig withMomentum(double m) {
        return new SgdConfig(lr, m, dampening, weightDecay, nesterov);
    }

    public SgdConfig withDampening(double d) {
        return new SgdConfig(lr, momentum, d, weightDecay, nesterov);
    }

    public SgdConfig withWeightDecay(double wd) {
        return new SgdConfig(lr, momentum, dampening, wd, nesterov);
    }

    public SgdConfig withNesterov(boolean on) {
        return new SgdConfig(lr, momentum, dampening, weightDecay, on);
    }
}
