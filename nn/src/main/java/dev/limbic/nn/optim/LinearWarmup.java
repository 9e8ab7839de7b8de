package dev.limbic.nn.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Linear warm-up (PyTorch 1.13 {@code LinearLR}): the lr factor goes linearly from {@code startFactor} at epoch 0
 * to {@code endFactor} at epoch {@code totalIters} and stays there. Recursive form as PyTorch; closed form
 * {@code base·(start + (end − start)·min(e, total)/total)}. Chain it with a decay through {@link SequentialLR}
 * (see {@link SequentialLR#warmupCosine}).
 */
public final class LinearWarmup extends LRScheduler {
    private double startFactor;
    private double endFactor;
    private int totalIters;

    /**
     * @param startFactor factor at epoch 0, in (0, 1]
     * @param endFactor   factor from epoch {@code totalIters} on, in [0, 1]
     * @param totalIters  epochs of the ramp, ≥ 1
     */
    public LinearWarmup(Optimizer optimizer, double startFactor, double endFactor, int totalIters) {
        super(optimizer);
        check(startFactor, endFactor, totalIters);
        this.startFactor = startFactor;
        this.endFactor = endFactor;
        this.totalIters = totalIters;
        initialStep();
    }

    /** From {@code startFactor}·lr up to the full lr over {@code totalIters} epochs. */
    public LinearWarmup(Optimizer optimizer, double startFactor, int totalIters) {
        this(optimizer, startFactor, 1.0, totalIters);
    }

    private static void check(double start, double end, int total) {
        if (!(start > 0.0 && start <= 1.0)) {
            throw new IllegalArgumentException("LinearWarmup: start factor must be in (0, 1], got " + start);
        }
        if (!(end >= 0.0 && end <= 1.0)) {
            throw new IllegalArgumentException("LinearWarmup: end factor must be in [0, 1], got " + end);
        }
        if (total < 1) {
            throw new IllegalArgumentException("LinearWarmup: total iterations must be >= 1, got " + total);
        }
    }

    @Override
    public String type() {
        return "LinearWarmup";
    }

    @Override
    protected double recursiveLr(int epoch, double lr, double base) {
        if (epoch == 0) {
            return lr * startFactor;
        }
        if (epoch > totalIters) {
            return lr;
        }
        return lr * (1.0 + (endFactor - startFactor)
                / (totalIters * startFactor + (epoch - 1) * (endFactor - startFactor)));
    }

    @Override
    public double closedFormLr(int epoch, double base) {
        return base * (startFactor + (endFactor - startFactor) * Math.min(totalIters, epoch) / totalIters);
    }

    @Override
    protected Map<String, String> hyperParameters() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("start_factor", Double.toString(startFactor));
        m.put("end_factor", Double.toString(endFactor));
        m.put("total_iters", Integer.toString(totalIters));
        return m;
    }

    @Override
    protected Runnable loadHyperParameters(StateReader read) {
        double s = read.decimal("start_factor");
        double e = read.decimal("end_factor");
        int t = read.integer("total_iters");
        check(s, e, t);
        return () -> {
            startFactor = s;
            endFactor = e;
            totalIters = t;
        };
    }
}
