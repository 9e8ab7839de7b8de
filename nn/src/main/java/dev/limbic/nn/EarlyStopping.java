package dev.limbic.nn;

import dev.limbic.nn.optim.StateReader;
import dev.limbic.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Early stopping on a validation metric with "restore best" that really restores: on every improvement a deep
 * copy of the module's state dict ({@link Module#stateDictCopy()}) is kept, and {@link #restoreBest()} loads it
 * back (the seed notebooks kept a live reference instead, so their "best" was the last epoch; MODELS.md §1.7).
 *
 * <p>An epoch improves when {@code metric < best − minDelta} (MIN) or {@code metric > best + minDelta} (MAX); the
 * first epoch always does. {@link #step(double)} returns true once {@code patience} epochs in a row have not
 * improved.
 */
public final class EarlyStopping {

    public enum Mode { MIN, MAX }

    private final Module module;
    private final Mode mode;
    private final int patience;
    private final double minDelta;
    private double best;
    private int bestEpoch = -1;
    private int epochs;
    private int badEpochs;
    private boolean lastImproved;
    private Map<String, Tensor> bestState;

    /**
     * @param patience epochs without improvement before stopping (≥ 1)
     * @param minDelta the smallest change that counts as an improvement (≥ 0)
     */
    public EarlyStopping(Module module, Mode mode, int patience, double minDelta) {
        if (module == null || mode == null) {
            throw new IllegalArgumentException("EarlyStopping: module and mode must not be null");
        }
        if (patience < 1) {
            throw new IllegalArgumentException("EarlyStopping: patience must be >= 1, got " + patience);
        }
        if (!(minDelta >= 0.0) || Double.isInfinite(minDelta)) {
            throw new IllegalArgumentException("EarlyStopping: min_delta must be finite and >= 0, got " + minDelta);
        }
        this.module = module;
        this.mode = mode;
        this.patience = patience;
        this.minDelta = minDelta;
        this.best = mode == Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    /**
     * Records one epoch's metric: on an improvement the module's weights are copied as the new best.
     *
     * @return whether training should stop now
     * @throws IllegalArgumentException for a NaN metric (a diverged run; nothing is recorded)
     */
    public boolean step(double metric) {
        if (Double.isNaN(metric)) {
            throw new IllegalArgumentException("EarlyStopping: the metric of epoch " + epochs
                    + " is NaN (training has probably diverged)");
        }
        lastImproved = mode == Mode.MIN ? metric < best - minDelta : metric > best + minDelta;
        if (lastImproved) {
            best = metric;
            bestEpoch = epochs;
            badEpochs = 0;
            bestState = Collections.unmodifiableMap(module.stateDictCopy());
        } else {
            badEpochs++;
        }
        epochs++;
        return shouldStop();
    }

    public boolean shouldStop() {
        return badEpochs >= patience;
    }

    /** Whether the last {@link #step} was an improvement. */
    public boolean improved() {
        return lastImproved;
    }

    /** The best metric so far (±infinity before the first step). */
    public double best() {
        return best;
    }

    /** The 0-based epoch of the best metric, −1 before the first step. */
    public int bestEpoch() {
        return bestEpoch;
    }

    public int badEpochs() {
        return badEpochs;
    }

    public int epochs() {
        return epochs;
    }

    /** The copied best weights (null before the first step). */
    public Map<String, Tensor> bestState() {
        return bestState;
    }

    /** Loads the best weights back into the module (strict). */
    public void restoreBest() {
        if (bestState == null) {
            throw new IllegalStateException("EarlyStopping.restoreBest: no epoch has been recorded yet");
        }
        module.loadStateDict(bestState, true);
    }

    /** Counters and settings as strings (for checkpoints); the best weights are {@link #bestState()}. */
    public Map<String, String> stateScalars() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("mode", mode.name().toLowerCase(Locale.ROOT));
        m.put("patience", Integer.toString(patience));
        m.put("min_delta", Double.toString(minDelta));
        m.put("best", Double.toString(best));
        m.put("best_epoch", Integer.toString(bestEpoch));
        m.put("epochs", Integer.toString(epochs));
        m.put("bad_epochs", Integer.toString(badEpochs));
        m.put("last_improved", Boolean.toString(lastImproved));
        return m;
    }

    /**
     * Restores counters and best weights saved from an early stopper with the same mode, patience and min delta
     * (a different setting is an error naming it); {@code bestWeights} may be null when nothing was recorded.
     */
    public void loadState(Map<String, String> scalars, Map<String, Tensor> bestWeights) {
        StateReader read = new StateReader(scalars);
        String m = read.string("mode").trim();
        if (!m.equals(mode.name().toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("field 'mode' = '" + m + "', this early stopper uses "
                    + mode.name().toLowerCase(Locale.ROOT));
        }
        int p = read.integer("patience");
        double d = read.decimal("min_delta");
        if (p != patience || Double.compare(d, minDelta) != 0) {
            throw new IllegalArgumentException("fields 'patience'/'min_delta' = " + p + "/" + d
                    + ", this early stopper uses " + patience + "/" + minDelta);
        }
        int be = read.integer("best_epoch");
        if (be >= 0 && bestWeights == null) {
            throw new IllegalArgumentException("the best weights of epoch " + be + " are missing");
        }
        double b = read.decimal("best");
        int e = read.integer("epochs");
        int bad = read.integer("bad_epochs");
        boolean improvedLast = read.bool("last_improved");
        best = b;
        bestEpoch = be;
        epochs = e;
        badEpochs = bad;
        lastImproved = improvedLast;
        bestState = bestWeights == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(bestWeights));
    }
}
