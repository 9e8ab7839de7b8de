package dev.limbic.nn.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs schedules one after another (PyTorch 1.13 {@code SequentialLR}): schedule {@code i} drives the epochs from
 * {@code milestones[i−1]} on, and at each milestone the next schedule restarts at its epoch 0 from the base
 * learning rates (its closed form). Typical use: a linear warm-up followed by cosine decay,
 * {@link #warmupCosine}.
 *
 * <p>The schedules must be built on the same optimiser just before this one (their own initial steps are undone
 * here, as PyTorch does).
 */
public final class SequentialLR implements Scheduler {
    private final Optimizer optimizer;
    private final List<LRScheduler> schedulers;
    private int[] milestones;
    private int lastEpoch;
    private double[] lastLr;

    public SequentialLR(Optimizer optimizer, List<LRScheduler> schedulers, int... milestones) {
        if (optimizer == null || schedulers == null || schedulers.isEmpty()) {
            throw new IllegalArgumentException("SequentialLR: needs an optimizer and at least one schedule");
        }
        if (milestones.length != schedulers.size() - 1) {
            throw new IllegalArgumentException("SequentialLR: " + schedulers.size() + " schedules need "
                    + (schedulers.size() - 1) + " milestones, got " + Arrays.toString(milestones));
        }
        checkMilestones(milestones);
        for (int i = 0; i < schedulers.size(); i++) {
            if (schedulers.get(i).optimizer() != optimizer) {
                throw new IllegalArgumentException("SequentialLR: schedule " + i + " ("
                        + schedulers.get(i).type() + ") is attached to another optimizer");
            }
        }
        this.optimizer = optimizer;
        this.schedulers = List.copyOf(schedulers);
        this.milestones = milestones.clone();
        this.lastEpoch = 0;
        for (Optimizer.Group g : optimizer.groups()) {   // back to the initial lr, as PyTorch
            g.setLr(g.initialLrOrCurrent());
        }
        for (LRScheduler s : this.schedulers) {           // undo the schedules' own initial steps
            s.setLastEpoch(s.lastEpoch() - 1);
        }
        this.schedulers.get(0).initialStep();
        this.lastLr = this.schedulers.get(0).lastLr();
    }

    /**
     * Linear warm-up from {@code startFactor}·lr to lr over {@code warmupEpochs} epochs, then cosine annealing
     * from lr to {@code etaMin} over {@code cosineTMax} epochs.
     */
    public static SequentialLR warmupCosine(Optimizer optimizer, int warmupEpochs, double startFactor,
                                            int cosineTMax, double etaMin) {
        LinearWarmup warmup = new LinearWarmup(optimizer, startFactor, 1.0, warmupEpochs);
        CosineAnnealingLR cosine = new CosineAnnealingLR(optimizer, cosineTMax, etaMin);
        return new SequentialLR(optimizer, List.of(warmup, cosine), warmupEpochs);
    }

    private static void checkMilestones(int[] milestones) {
        for (int i = 0; i < milestones.length; i++) {
            if (milestones[i] < 1 || (i > 0 && milestones[i] <= milestones[i - 1])) {
                throw new IllegalArgumentException("SequentialLR: milestones must be increasing and >= 1, got "
                        + Arrays.toString(milestones));
            }
        }
    }

    /** Advances one epoch. */
    public void step() {
        lastEpoch++;
        int idx = 0;
        while (idx < milestones.length && milestones[idx] <= lastEpoch) {   // bisect_right
            idx++;
        }
        LRScheduler s = schedulers.get(idx);
        if (idx > 0 && milestones[idx - 1] == lastEpoch) {
            s.stepTo(0);
        } else {
            s.step();
        }
        lastLr = s.lastLr();
    }

    public int lastEpoch() {
        return lastEpoch;
    }

    public List<LRScheduler> schedulers() {
        return schedulers;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    @Override
    public String type() {
        return "SequentialLR";
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
        m.put("schedules", Integer.toString(schedulers.size()));
        StringBuilder ms = new StringBuilder();
        for (int i = 0; i < milestones.length; i++) {
            ms.append(i == 0 ? "" : ",").append(milestones[i]);
        }
        m.put("milestones", ms.toString());
        for (int i = 0; i < lastLr.length; i++) {
            m.put("last_lr." + i, Double.toString(lastLr[i]));
        }
        for (int i = 0; i < schedulers.size(); i++) {
            for (Map.Entry<String, String> e : schedulers.get(i).state().entrySet()) {
                m.put(i + "." + e.getKey(), e.getValue());
            }
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
        int count = read.integer("schedules");
        if (count != schedulers.size()) {
            throw new IllegalArgumentException("field 'schedules': the state has " + count + " schedules, this "
                    + "SequentialLR " + schedulers.size());
        }
        int epoch = read.integer("last_epoch");
        String msText = read.string("milestones").trim();
        int[] ms = msText.isEmpty() ? new int[0] : Arrays.stream(msText.split(",")).mapToInt(v -> {
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("field 'milestones' = '" + msText + "' is not a list of integers");
            }
        }).toArray();
        if (ms.length != count - 1) {
            throw new IllegalArgumentException("field 'milestones' = '" + msText + "' does not have " + (count - 1)
                    + " entries");
        }
        checkMilestones(ms);
        double[] last = new double[lastLr.length];
        for (int i = 0; i < last.length; i++) {
            last[i] = read.decimal("last_lr." + i);
        }
        List<Map<String, String>> parts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Map<String, String> sub = new LinkedHashMap<>();
            String prefix = i + ".";
            for (Map.Entry<String, String> e : state.entrySet()) {
                if (e.getKey().startsWith(prefix)) {
                    sub.put(e.getKey().substring(prefix.length()), e.getValue());
                }
            }
            parts.add(sub);
        }
        // check every schedule's state on a scratch copy first, so a bad one leaves everything unchanged
        List<Map<String, String>> before = new ArrayList<>();
        for (LRScheduler s : schedulers) {
            before.add(s.state());
        }
        try {
            for (int i = 0; i < count; i++) {
                try {
                    schedulers.get(i).loadState(parts.get(i));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("schedule " + i + " (fields '" + i + ".*'): " + e.getMessage(),
                            e);
                }
            }
        } catch (IllegalArgumentException e) {
            for (int i = 0; i < count; i++) {
                schedulers.get(i).loadState(before.get(i));
            }
            throw e;
        }
        lastEpoch = epoch;
        milestones = ms;
        lastLr = last;
    }
}
