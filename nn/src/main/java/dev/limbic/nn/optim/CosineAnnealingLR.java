package dev.limbic.nn.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Cosine annealing (PyTorch 1.13 {@code CosineAnnealingLR}) in PyTorch's recursive form, so results match it to
 * the last bits: at epoch e the lr becomes
 * {@code η_min + (1 + cos(πe/T))/(1 + cos(π(e−1)/T))·(lr − η_min)}, and at the restart points
 * {@code (e − 1 − T) mod 2T = 0} it becomes {@code lr + (base − η_min)(1 − cos(π/T))/2}. Without outside changes
 * to the lr this equals the closed form {@code η_min + (base − η_min)(1 + cos(πe/T))/2} (periodic past T, as in
 * PyTorch) up to rounding.
 */
public final class CosineAnnealingLR extends LRScheduler {
    private int tMax;
    private double etaMin;

    /**
     * @param tMax   half-period in epochs (steps of this scheduler), ≥ 1
     * @param etaMin the minimum learning rate
     */
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin) {
        super(optimizer);
        check(tMax, etaMin);
        this.tMax = tMax;
        this.etaMin = etaMin;
        initialStep();
    }

    public CosineAnnealingLR(Optimizer optimizer, int tMax) {
        this(optimizer, tMax, 0.0);
    }

    private static void check(int tMax, double etaMin) {
        if (tMax < 1) {
            throw new IllegalArgumentException("CosineAnnealingLR: T_max must be >= 1, got " + tMax);
        }
        if (!(etaMin >= 0.0) || Double.isInfinite(etaMin)) {
            throw new IllegalArgumentException("CosineAnnealingLR: eta_min must be finite and >= 0, got " + etaMin);
        }
    }

    @Override
    public String type() {
        return "CosineAnnealingLR";
    }

    @Override
    protected double recursiveLr(int epoch, double lr, double base) {
        if (epoch == 0) {
            return lr;
        }
        if (Math.floorMod(epoch - 1 - tMax, 2 * tMax) == 0) {
            return lr + (base - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2;
        }
        return (1 + Math.cos(Math.PI * epoch / tMax)) / (1 + Math.cos(Math.PI * (epoch - 1) / tMax))
                * (lr - etaMin) + etaMin;
    }

    @Override
    public double closedFormLr(int epoch, double base) {
        return etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * epoch / tMax)) / 2;
    }

    public int tMax() {
        return tMax;
    }

    public double etaMin() {
        return etaMin;
    }

    @Override
    protected Map<String, String> hyperParameters() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("t_max", Integer.toString(tMax));
        m.put("eta_min", Double.toString(etaMin));
        return m;
    }

    @Override
    protected Runnable loadHyperParameters(StateReader read) {
        int t = read.integer("t_max");
        double e = read.decimal("eta_min");
        check(t, e);
        return () -> {
            tMax = t;
            etaMin = e;
        };
    }
}
