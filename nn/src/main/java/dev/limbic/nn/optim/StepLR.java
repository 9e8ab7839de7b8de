package dev.limbic.nn.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Step decay (PyTorch 1.13 {@code StepLR}): every {@code stepSize} epochs the lr is multiplied by {@code gamma}
 * (recursive form; closed form {@code base·γ^⌊e/stepSize⌋}).
 */
public final class StepLR extends LRScheduler {
    private int stepSize;
    private double gamma;

    public StepLR(Optimizer optimizer, int stepSize, double gamma) {
        super(optimizer);
        check(stepSize, gamma);
        this.stepSize = stepSize;
        this.gamma = gamma;
        initialStep();
    }

    /** γ = 0.1, PyTorch's default. */
    public StepLR(Optimizer optimizer, int stepSize) {
        this(optimizer, stepSize, 0.1);
    }

    private static void check(int stepSize, double gamma) {
        if (stepSize < 1) {
            throw new IllegalArgumentException("StepLR: step_size must be >= 1, got " + stepSize);
        }
        if (!(gamma >= 0.0) || Double.isInfinite(gamma)) {
            throw new IllegalArgumentException("StepLR: gamma must be finite and >= 0, got " + gamma);
        }
    }

    @Override
    public String type() {
        return "StepLR";
    }

    @Override
    protected double recursiveLr(int epoch, double lr, double base) {
        if (epoch == 0 || epoch % stepSize != 0) {
            return lr;
        }
        return lr * gamma;
    }

    @Override
    public double closedFormLr(int epoch, double base) {
        return base * Math.pow(gamma, Math.floorDiv(epoch, stepSize));
    }

    @Override
    protected Map<String, String> hyperParameters() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("step_size", Integer.toString(stepSize));
        m.put("gamma", Double.toString(gamma));
        return m;
    }

    @Override
    protected Runnable loadHyperParameters(StateReader read) {
        int s = read.integer("step_size");
        double g = read.decimal("gamma");
        check(s, g);
        return () -> {
            stepSize = s;
            gamma = g;
        };
    }
}
