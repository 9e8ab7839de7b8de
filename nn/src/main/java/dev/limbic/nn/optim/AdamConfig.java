package dev.limbic.nn.optim;

/**
 * Hyper-parameters of {@link Adam} and {@link AdamW} (PyTorch names and defaults: betas 0.9/0.999, eps 1e-8).
 *
 * @param lr          learning rate
 * @param beta1       decay of the first moment, in [0, 1)
 * @param beta2       decay of the second moment, in [0, 1)
 * @param eps         added to the bias-corrected √v (after the correction, as PyTorch)
 * @param weightDecay L2 coefficient (Adam: added to the gradient; AdamW: decoupled {@code p *= 1 − lr·wd})
 */
public record AdamConfig(double lr, double beta1, double beta2, double eps, double weightDecay) {
    public AdamConfig {
        Optimizer.checkLr(lr);
        checkBeta("beta1", beta1);
        checkBeta("beta2", beta2);
        if (!(eps >= 0.0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("Adam: eps must be finite and >= 0, got " + eps);
        }
        Optimizer.checkWeightDecay(weightDecay);
    }

    /** betas 0.9/0.999, eps 1e-8, the given weight decay. */
    public static AdamConfig of(double lr, double weightDecay) {
        return new AdamConfig(lr, 0.9, 0.999, 1e-8, weightDecay);
    }

    public AdamConfig withBetas(double b1, double b2) {
        return new AdamConfig(lr, b1, b2, eps, weightDecay);
    }

    public AdamConfig withEps(double e) {
        return new AdamConfig(lr, beta1, beta2, e, weightDecay);
    }

    public AdamConfig withWeightDecay(double wd) {
        return new AdamConfig(lr, beta1, beta2, eps, wd);
    }

    private static void checkBeta(String name, double b) {
        if (!(b >= 0.0 && b < 1.0)) {
            throw new IllegalArgumentException("Adam: " + name + " must be in [0, 1), got " + b);
        }
    }
}
