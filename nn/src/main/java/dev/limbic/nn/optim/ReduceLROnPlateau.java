package dev.limbic.nn.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reduces the learning rate when a metric stops improving (PyTorch 1.13 {@code ReduceLROnPlateau}). Each
 * {@link #step(double)} compares the metric with the best so far: in mode MIN it improves when
 * {@code metric < best·(1 − threshold)} (REL) or {@code metric < best − threshold} (ABS), in mode MAX when
 * {@code metric > best·(1 + threshold)} / {@code best + threshold}. After more than {@code patience} epochs
 * without improvement every group's lr becomes {@code max(lr·factor, minLr)} (changes smaller than {@code eps}
 * are skipped), then {@code cooldown} epochs pass in which bad epochs are not counted.
 *
 * <p>A NaN metric is refused with an {@link IllegalArgumentException} (PyTorch counts it as a bad epoch and
 * carries on training a diverged model).
 */
public final class ReduceLROnPlateau implements Scheduler {

    public enum Mode { MIN, MAX }

    public enum ThresholdMode { REL, ABS }

    /**
     * @param factor    multiplier of the lr on a plateau, in [0, 1)
     * @param patience  bad epochs tolerated before reducing
     * @param threshold how much better counts as an improvement
     * @param cooldown  epochs after a reduction in which bad epochs are ignored
     * @param minLr     lower bound of every group's lr
     * @param eps       reductions smaller than this are skipped
     */
    public record Config(Mode mode, double factor, int patience, double threshold, ThresholdMode thresholdMode,
                         int cooldown, double minLr, double eps) {
        public Config {
            if (mode == null || thresholdMode == null) {
                throw new IllegalArgumentException("ReduceLROnPlateau: mode and threshold mode must not be null");
            }
            if (!(factor >= 0.0 && factor < 1.0)) {
                throw new IllegalArgumentException("ReduceLROnPlateau: factor must be in [0, 1), got " + factor);
            }
            if (patience < 0 || cooldown < 0) {
                throw new IllegalArgumentException("ReduceLROnPlateau: patience and cooldown must be >= 0, got "
                        + patience + " and " + cooldown);
            }
            if (!(threshold >= 0.0) || Double.isInfinite(threshold)) {
                throw new IllegalArgumentException("ReduceLROnPlateau: threshold must be finite and >= 0, got "
                        + threshold);
            }
            if (!(minLr >= 0.0) || !(eps >= 0.0)) {
                throw new IllegalArgumentException("ReduceLROnPlateau: min_lr and eps must be >= 0, got " + minLr
                        + " and " + eps);
            }
        }

        /** PyTorch's defaults: factor 0.1, patience 10, threshold 1e-4 REL, cooldown 0, min_lr 0, eps 1e-8. */
        public static Config defaults(Mode mode) {
            return new Config(mode, 0.1, 10, 1e-4, ThresholdMode.REL, 0, 0.0, 1e-8);
        }

        public Config withFactor(double f) {
            return new Config(mode, f, patience, threshold, thresholdMode, cooldown, minLr, eps);
        }

        public Config withPatience(int p) {
            return new Config(mode, factor, p, threshold, thresholdMode, cooldown, minLr, eps);
        }

        public Config withThreshold(double t, ThresholdMode tm) {
            return new Config(mode, factor, patience, t, tm, cooldown, minLr, eps);
        }

        public Config withCooldown(int c) {
            return new Config(mode, factor, patience, threshold, thresholdMode, c, minLr, eps);
        }

        public Config withMinLr(double m) {
            return new Config(mode, factor, patience, threshold, thresholdMode, cooldown, m, eps);
        }

        public Config withEps(double e) {
            return new Config(mode, factor, patience, threshold, thresholdMode, cooldown, minLr, e);
        }
    }

    private final Optimizer optimizer;
    private Config config;
    private double best;
    private int numBadEpochs;
    private int cooldownCounter;
    private int lastEpoch;
    private double[] lastLr;

    public ReduceLROnPlateau(Optimizer optimizer, Config config) {
        if (optimizer == null || config == null) {
            throw new IllegalArgumentException("ReduceLROnPlateau: optimizer and config must not be null");
        }
        this.optimizer = optimizer;
        this.config = config;
        this.best = worst(config.mode());
        this.lastLr = currentLrs();
    }

    private static double worst(Mode mode) {
        return mode == Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    /** Records one epoch's metric and reduces the learning rates if it has plateaued. */
    public void step(double metric) {
        if (Double.isNaN(metric)) {
            throw new IllegalArgumentException("ReduceLROnPlateau: the metric of epoch " + (lastEpoch + 1)
                    + " is NaN (training has probably diverged)");
        }
        lastEpoch++;
        if (isBetter(metric, best)) {
            best = metric;
            numBadEpochs = 0;
        } else {
            numBadEpochs++;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            numBadEpochs = 0;   // bad epochs in cooldown do not count
        }
        if (numBadEpochs > config.patience()) {
            reduceLr();
            cooldownCounter = config.cooldown();
            numBadEpochs = 0;
        }
        lastLr = currentLrs();
    }

    private boolean isBetter(double a, double bestSoFar) {
        boolean rel = config.thresholdMode() == ThresholdMode.REL;
        double t = config.threshold();
        if (config.mode() == Mode.MIN) {
            return rel ? a < bestSoFar * (1.0 - t) : a < bestSoFar - t;
        }
        return rel ? a > bestSoFar * (t + 1.0) : a > bestSoFar + t;
    }

    private void reduceLr() {
        for (Optimizer.Group g : optimizer.groups()) {
            double old = g.lr();
            double next = Math.max(old * config.factor(), config.minLr());
            if (old - next > config.eps()) {
                g.setLr(next);
            }
        }
    }

    private double[] currentLrs() {
        List<Optimizer.Group> groups = optimizer.groups();
        double[] out = new double[groups.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = groups.get(i).lr();
        }
        return out;
    }

    public double best() {
        return best;
    }

    public int numBadEpochs() {
        return numBadEpochs;
    }

    public boolean inCooldown() {
        return cooldownCounter > 0;
    }

    public int lastEpoch() {
        return lastEpoch;
    }

    public Config config() {
        return config;
    }

    @Override
    public String type() {
        return "ReduceLROnPlateau";
    }

    @Override
    public double[] lastLr() {
        return lastLr.clone();
    }

    @Override
    public Map<String, String> state() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("type", type());
        m.put("last_epoch", Integer.toString(lastEpoch));
        m.put("best", Double.toString(best));
        m.put("num_bad_epochs", Integer.toString(numBadEpochs));
        m.put("cooldown_counter", Integer.toString(cooldownCounter));
        m.put("mode", config.mode().name().toLowerCase(Locale.ROOT));
        m.put("factor", Double.toString(config.factor()));
        m.put("patience", Integer.toString(config.patience()));
        m.put("threshold", Double.toString(config.threshold()));
        m.put("threshold_mode", config.thresholdMode().name().toLowerCase(Locale.ROOT));
        m.put("cooldown", Integer.toString(config.cooldown()));
        m.put("min_lr", Double.toString(config.minLr()));
        m.put("eps", Double.toString(config.eps()));
        m.put("groups", Integer.toString(lastLr.length));
        for (int i = 0; i < lastLr.length; i++) {
            m.put("last_lr." + i, Double.toString(lastLr[i]));
        }
        return m;
    }

    @Override
    public void loadState(Map<String, String> state) {
        StateReader read = new StateReader(state);
        String savedType = read.string("type");
        if (!savedType.equals(type())) {
            throw new IllegalArgumentException("field 'type': the state is for a " + savedType
                    + " scheduler, this one is " + type());
        }
        int groups = read.integer("groups");
        if (groups != lastLr.length) {
            throw new IllegalArgumentException("field 'groups': the state has " + groups
                    + " parameter groups, the optimiser " + lastLr.length);
        }
        Config c = new Config(enumField(read, "mode", Mode.class), read.decimal("factor"), read.integer("patience"),
                read.decimal("threshold"), enumField(read, "threshold_mode", ThresholdMode.class),
                read.integer("cooldown"), read.decimal("min_lr"), read.decimal("eps"));
        double savedBest = read.decimal("best");
        int bad = read.integer("num_bad_epochs");
        int cool = read.integer("cooldown_counter");
        int epoch = read.integer("last_epoch");
        double[] last = new double[groups];
        for (int i = 0; i < groups; i++) {
            last[i] = read.decimal("last_lr." + i);
        }
        config = c;
        best = savedBest;
        numBadEpochs = bad;
        cooldownCounter = cool;
        lastEpoch = epoch;
        lastLr = last;
    }

    private static <E extends Enum<E>> E enumField(StateReader read, String key, Class<E> type) {
        String v = read.string(key);
        try {
            return Enum.valueOf(type, v.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field '" + key + "' = '" + v + "' is not one of "
                    + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT), e);
        }
    }
}
