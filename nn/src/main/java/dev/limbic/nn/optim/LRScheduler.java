package dev.limbic.nn.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Base of the epoch-driven schedules (PyTorch 1.13 {@code _LRScheduler}): {@code lastEpoch} counts the calls of
 * {@link #step()} (0 right after construction, which performs PyTorch's initial step), the base learning rates are
 * the groups' {@code initial_lr}, and each step sets every group's lr from the <em>current</em> lr (PyTorch's
 * chainable, recursive {@code get_lr}). {@link SequentialLR} also uses each schedule's closed form.
 *
 * <p>Subclasses set their fields, then call {@link #initialStep()} at the end of their constructor.
 */
public abstract class LRScheduler implements Scheduler {
    protected final Optimizer optimizer;
    private double[] baseLrs;
    private int lastEpoch = -1;
    private double[] lastLr;

    protected LRScheduler(Optimizer optimizer) {
        if (optimizer == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": optimizer must not be null");
        }
        this.optimizer = optimizer;
        List<Optimizer.Group> groups = optimizer.groups();
        this.baseLrs = new double[groups.size()];
        for (int i = 0; i < baseLrs.length; i++) {
            baseLrs[i] = groups.get(i).initialLrOrCurrent();
        }
        this.lastLr = currentLrs();
    }

    /** PyTorch's {@code _initial_step}: one step to epoch 0. Call last in the subclass constructor. */
    protected final void initialStep() {
        step();
    }

    /** Advances one epoch and sets every group's learning rate. */
    public final void step() {
        lastEpoch++;
        List<Optimizer.Group> groups = optimizer.groups();
        for (int i = 0; i < groups.size(); i++) {
            groups.get(i).setLr(recursiveLr(lastEpoch, groups.get(i).lr(), baseLrs[i]));
        }
        lastLr = currentLrs();
    }

    /** PyTorch's {@code step(epoch)}: jumps to {@code epoch} and sets the closed-form learning rates. */
    final void stepTo(int epoch) {
        lastEpoch = epoch;
        List<Optimizer.Group> groups = optimizer.groups();
        for (int i = 0; i < groups.size(); i++) {
            groups.get(i).setLr(closedFormLr(epoch, baseLrs[i]));
        }
        lastLr = currentLrs();
    }

    /** The learning rate at {@code epoch} from the group's current one (PyTorch's {@code get_lr}). */
    protected abstract double recursiveLr(int epoch, double currentLr, double baseLr);

    /** The learning rate at {@code epoch} from the base alone (PyTorch's {@code _get_closed_form_lr}). */
    public abstract double closedFormLr(int epoch, double baseLr);

    /** Hyper-parameters for {@link #state()}. */
    protected abstract Map<String, String> hyperParameters();

    /** Parses and checks saved hyper-parameters; returns an action that applies them (nothing may throw there). */
    protected abstract Runnable loadHyperParameters(StateReader read);

    public final int lastEpoch() {
        return lastEpoch;
    }

    final void setLastEpoch(int epoch) {
        lastEpoch = epoch;
    }

    public final double[] baseLrs() {
        return baseLrs.clone();
    }

    @Override
    public final double[] lastLr() {
        return lastLr.clone();
    }

    public final Optimizer optimizer() {
        return optimizer;
    }

    private double[] currentLrs() {
        List<Optimizer.Group> groups = optimizer.groups();
        double[] out = new double[groups.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = groups.get(i).lr();
        }
        return out;
    }

    @Override
    public Map<String, String> state() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("type", type());
        m.put("last_epoch", Integer.toString(lastEpoch));
        m.put("groups", Integer.toString(baseLrs.length));
        for (int i = 0; i < baseLrs.length; i++) {
            m.put("base_lr." + i, Double.toString(baseLrs[i]));
            m.put("last_lr." + i, Double.toString(lastLr[i]));
        }
        m.putAll(hyperParameters());
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
        if (groups != baseLrs.length) {
            throw new IllegalArgumentException("field 'groups': the state has " + groups
                    + " parameter groups, the optimiser " + baseLrs.length);
        }
        int epoch = read.integer("last_epoch");
        double[] base = new double[groups];
        double[] last = new double[groups];
        for (int i = 0; i < groups; i++) {
            base[i] = read.decimal("base_lr." + i);
            last[i] = read.decimal("last_lr." + i);
        }
        Runnable apply = loadHyperParameters(read);
        apply.run();
        lastEpoch = epoch;
        baseLrs = base;
        lastLr = last;
    }
}
