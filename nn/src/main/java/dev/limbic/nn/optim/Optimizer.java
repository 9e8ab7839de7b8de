package dev.limbic.nn.optim;

import dev.limbic.nn.Parameter;
import dev.limbic.tensor.GradMode;
import dev.limbic.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Base of the optimisers: named parameters in groups (each with its own learning rate and weight decay), per
 * parameter state (a step count and named buffers such as {@code exp_avg}), {@link #step()}, {@link #zeroGrad()}
 * and state save / restore for checkpoints.
 *
 * <p>As in PyTorch, a parameter whose gradient is null is skipped by {@link #step()} (its step count does not
 * advance). State is created on a parameter's first update. Names are the ones given at construction (usually
 * {@code Module.namedParameters()}) and must be unique; the same {@link Parameter} may not appear twice.
 *
 * <p>State format ({@link #stateTensors()}, {@link #stateScalars()}): tensors {@code <buffer>.<param name>}
 * (for example {@code exp_avg.fc1.weight}); scalars {@code type}, {@code groups}, per group
 * {@code group.<i>.lr / weight_decay / initial_lr / params}, per parameter {@code step.<param name>}, and the
 * optimiser's hyper-parameters. Doubles are written with {@link Double#toString}, which round-trips exactly, so a
 * restored optimiser continues bit for bit.
 */
public abstract class Optimizer {

    /** One parameter group: its parameters and its mutable hyper-parameters. */
    public static final class Group {
        private final int index;
        private final Map<String, Parameter> parameters;
        private double lr;
        private double weightDecay;
        private double initialLr = Double.NaN;

        Group(int index, Map<String, Parameter> parameters, double lr, double weightDecay) {
            this.index = index;
            this.parameters = Collections.unmodifiableMap(parameters);
            this.lr = lr;
            this.weightDecay = weightDecay;
        }

        public int index() {
            return index;
        }

        public Map<String, Parameter> parameters() {
            return parameters;
        }

        public double lr() {
            return lr;
        }

        public void setLr(double value) {
            this.lr = checkLr(value);
        }

        public double weightDecay() {
            return weightDecay;
        }

        public void setWeightDecay(double value) {
            this.weightDecay = checkWeightDecay(value);
        }

        /**
         * The learning rate the first scheduler attached to this optimiser saw (PyTorch's {@code initial_lr}), or
         * NaN before any scheduler. Schedulers compute from it, so chaining or restarting them is consistent.
         */
        public double initialLr() {
            return initialLr;
        }

        /** The initial learning rate, recording the current one first if no scheduler has done so yet. */
        double initialLrOrCurrent() {
            if (Double.isNaN(initialLr)) {
                initialLr = lr;
            }
            return initialLr;
        }
    }

    /** Per-parameter state: the number of updates so far and named buffers of the parameter's shape. */
    protected static final class ParamState {
        private long step;
        private final Map<String, Tensor> buffers = new LinkedHashMap<>();

        /** Updates applied so far; inside {@link #update} it already counts the current one (from 1). */
        public long step() {
            return step;
        }

        /** The buffer {@code name}, created as zeros of the parameter's shape, dtype and backend if absent. */
        public Tensor buffer(String name, Tensor param) {
            Tensor b = buffers.get(name);
            if (b == null) {
                b = zerosLike(param);
                buffers.put(name, b);
            }
            return b;
        }

        /** The buffer {@code name}, or null if absent. */
        public Tensor bufferOrNull(String name) {
            return buffers.get(name);
        }

        /** Stores a buffer (contiguous, the parameter's shape and dtype). */
        public void putBuffer(String name, Tensor value) {
            buffers.put(name, value);
        }
    }

    private final List<Group> groups;
    private final Map<String, Parameter> byName = new LinkedHashMap<>();
    private final Map<String, Group> groupOf = new LinkedHashMap<>();
    private final Map<String, ParamState> state = new LinkedHashMap<>();

    /**
     * @param specs             the parameter groups (at least one parameter in all)
     * @param defaultLr         learning rate of groups that set none
     * @param defaultWeightDecay weight decay of groups that set none
     */
    protected Optimizer(List<ParamGroup> specs, double defaultLr, double defaultWeightDecay) {
        if (specs == null || specs.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": no parameter groups given");
        }
        checkLr(defaultLr);
        checkWeightDecay(defaultWeightDecay);
        List<Group> gs = new ArrayList<>();
        IdentityHashMap<Parameter, String> seen = new IdentityHashMap<>();
        for (ParamGroup spec : specs) {
            Map<String, Parameter> params = new LinkedHashMap<>();
            for (Map.Entry<String, Parameter> e : spec.parameters().entrySet()) {
                String name = e.getKey();
                Parameter p = e.getValue();
                if (name == null || name.isEmpty() || p == null) {
                    throw new IllegalArgumentException(getClass().getSimpleName()
                            + ": parameter names must be non-empty and parameters non-null (got '" + name + "')");
                }
                String earlier = seen.put(p, name);
                if (earlier != null) {
                    throw new IllegalArgumentException(getClass().getSimpleName() + ": parameter '" + name
                            + "' is the same Parameter as '" + earlier + "'; each may be given only once");
                }
                if (byName.containsKey(name)) {
                    throw new IllegalArgumentException(getClass().getSimpleName() + ": two parameters are named '"
                            + name + "'");
                }
                params.put(name, p);
                byName.put(name, p);
            }
            Group g = new Group(gs.size(), params, checkLr(spec.lr().orElse(defaultLr)),
                    checkWeightDecay(spec.weightDecay().orElse(defaultWeightDecay)));
            for (String name : params.keySet()) {
                groupOf.put(name, g);
            }
            gs.add(g);
        }
        if (byName.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": the parameter list is empty");
        }
        this.groups = Collections.unmodifiableList(gs);
    }

    /** Wraps a single map of parameters as one default group. */
    protected static List<ParamGroup> single(Map<String, Parameter> parameters) {
        if (parameters == null) {
            throw new IllegalArgumentException("parameters must not be null");
        }
        return List.of(ParamGroup.of(parameters));
    }

    // ---------------------------------------------------------------- the update

    /** Short type name stored in checkpoints ({@code "AdamW"}); a state of another type is refused. */
    public abstract String type();

    /**
     * Applies one update to every parameter that has a gradient. Runs outside autograd; the parameters' version
     * counters advance, so graphs built before the step cannot be differentiated after it.
     */
    public final void step() {
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            for (Group g : groups) {
                for (Map.Entry<String, Parameter> e : g.parameters.entrySet()) {
                    Parameter p = e.getValue();
                    Tensor grad = p.grad();
                    if (grad == null) {
                        continue;
                    }
                    ParamState st = state.computeIfAbsent(e.getKey(), k -> new ParamState());
                    st.step++;
                    update(g, e.getKey(), p.get(), grad, st);
                }
            }
        }
    }

    /**
     * Updates one parameter in place ({@code state.step()} already counts this update).
     *
     * @param param the parameter's current tensor (a leaf)
     * @param grad  its gradient, same shape and dtype
     */
    protected abstract void update(Group group, String name, Tensor param, Tensor grad, ParamState state);

    /** Drops every parameter's gradient (PyTorch's {@code zero_grad(set_to_none=True)}). */
    public final void zeroGrad() {
        for (Parameter p : byName.values()) {
            p.zeroGrad();
        }
    }

    // ---------------------------------------------------------------- hyper-parameters

    public final List<Group> groups() {
        return groups;
    }

    /** The first group's learning rate (the only one when there are no groups). */
    public final double lr() {
        return groups.get(0).lr;
    }

    /** Sets the learning rate of every group. */
    public final void setLr(double value) {
        checkLr(value);
        for (Group g : groups) {
            g.lr = value;
        }
    }

    /** Parameters by name, over all groups, in order. */
    public final Map<String, Parameter> parameters() {
        return Collections.unmodifiableMap(byName);
    }

    /** Hyper-parameters besides lr and weight decay, as strings (for checkpoints). */
    protected abstract Map<String, String> hyperParameters();

    /** Restores {@link #hyperParameters()}; {@code read} parses a key or throws naming it. */
    protected abstract void loadHyperParameters(StateReader read);

    /** Names of the buffers a parameter with state must have under the saved hyper-parameters {@code saved}. */
    protected abstract List<String> requiredBuffers(StateReader saved);

    // ---------------------------------------------------------------- state

    /**
     * The state tensors by {@code <buffer>.<param name>}: live tensors (not copies), valid until the next
     * {@link #step()}; write or copy them before training on.
     */
    public final Map<String, Tensor> stateTensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, ParamState> e : state.entrySet()) {
            for (Map.Entry<String, Tensor> b : e.getValue().buffers.entrySet()) {
                out.put(b.getKey() + "." + e.getKey(), b.getValue().detach());
            }
        }
        return out;
    }

    /** Step counts, group hyper-parameters and the optimiser's own hyper-parameters as strings. */
    public final Map<String, String> stateScalars() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("type", type());
        out.put("groups", Integer.toString(groups.size()));
        for (Group g : groups) {
            String p = "group." + g.index + ".";
            out.put(p + "lr", Double.toString(g.lr));
            out.put(p + "weight_decay", Double.toString(g.weightDecay));
            if (!Double.isNaN(g.initialLr)) {
                out.put(p + "initial_lr", Double.toString(g.initialLr));
            }
            out.put(p + "params", String.join(",", g.parameters.keySet()));
        }
        for (Map.Entry<String, String> e : hyperParameters().entrySet()) {
            out.put(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, ParamState> e : state.entrySet()) {
            out.put("step." + e.getKey(), Long.toString(e.getValue().step));
        }
        return out;
    }

    /**
     * Restores a state written by {@link #stateTensors()} / {@link #stateScalars()} of an optimiser of the same
     * type over the same parameter names and groups. Everything is checked before anything changes; problems
     * throw {@link IllegalArgumentException} naming the field.
     */
    public final void loadState(Map<String, Tensor> tensors, Map<String, String> scalars) {
        StateReader read = new StateReader(scalars);
        String savedType = read.string("type");
        if (!savedType.equals(type())) {
            throw new IllegalArgumentException("field 'type': the state is for a " + savedType
                    + " optimiser, this one is " + type());
        }
        int savedGroups = read.integer("groups");
        if (savedGroups != groups.size()) {
            throw new IllegalArgumentException("field 'groups': the state has " + savedGroups
                    + " parameter groups, this optimiser " + groups.size());
        }
        double[] lrs = new double[groups.size()];
        double[] wds = new double[groups.size()];
        double[] initial = new double[groups.size()];
        for (Group g : groups) {
            String p = "group." + g.index + ".";
            String names = read.string(p + "params");
            String expected = String.join(",", g.parameters.keySet());
            if (!names.equals(expected)) {
                throw new IllegalArgumentException("field '" + p + "params': the state's parameters [" + names
                        + "] differ from this optimiser's [" + expected + "]");
            }
            lrs[g.index] = read.decimal(p + "lr");
            wds[g.index] = read.decimal(p + "weight_decay");
            if (!(lrs[g.index] >= 0.0) || Double.isInfinite(lrs[g.index])) {
                throw new IllegalArgumentException("field '" + p + "lr' = " + lrs[g.index]
                        + " is not a valid learning rate");
            }
            if (!(wds[g.index] >= 0.0) || Double.isInfinite(wds[g.index])) {
                throw new IllegalArgumentException("field '" + p + "weight_decay' = " + wds[g.index]
                        + " is not a valid weight decay");
            }
            initial[g.index] = scalars.containsKey(p + "initial_lr") ? read.decimal(p + "initial_lr") : Double.NaN;
        }
        Map<String, ParamState> restored = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : scalars.entrySet()) {
            if (!e.getKey().startsWith("step.")) {
                continue;
            }
            String name = e.getKey().substring("step.".length());
            Parameter p = byName.get(name);
            if (p == null) {
                throw new IllegalArgumentException("field '" + e.getKey() + "': the state has a parameter '" + name
                        + "' this optimiser does not have");
            }
            ParamState st = new ParamState();
            st.step = read.longValue(e.getKey());
            restored.put(name, st);
        }
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String key = e.getKey();
            int dot = key.indexOf('.');
            String name = dot < 0 ? "" : key.substring(dot + 1);
            ParamState st = restored.get(name);
            if (st == null) {
                throw new IllegalArgumentException("tensor '" + key + "': no parameter '" + name
                        + "' with a step count in the state");
            }
            Parameter p = byName.get(name);
            Tensor t = e.getValue();
            if (!Arrays.equals(t.shape(), p.shape())) {
                throw new IllegalArgumentException("tensor '" + key + "': shape " + Arrays.toString(t.shape())
                        + ", but parameter '" + name + "' is " + Arrays.toString(p.shape()));
            }
            if (!t.dtype().isFloating()) {
                throw new IllegalArgumentException("tensor '" + key + "': dtype " + t.dtype()
                        + ", optimiser state must be F32 or F64");
            }
            st.buffers.put(key.substring(0, dot), t);
        }
        for (Map.Entry<String, ParamState> e : restored.entrySet()) {
            for (String b : requiredBuffers(read)) {
                if (e.getValue().step > 0 && !e.getValue().buffers.containsKey(b)) {
                    throw new IllegalArgumentException("tensor '" + b + "." + e.getKey()
                            + "' is missing from the state (parameter has " + e.getValue().step + " steps)");
                }
            }
        }
        loadHyperParameters(read);   // may throw; nothing below can
        for (Group g : groups) {
            g.lr = checkLr(lrs[g.index]);
            g.weightDecay = checkWeightDecay(wds[g.index]);
            g.initialLr = initial[g.index];
        }
        state.clear();
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            for (Map.Entry<String, ParamState> e : restored.entrySet()) {
                Tensor param = byName.get(e.getKey()).get();
                ParamState st = new ParamState();
                st.step = e.getValue().step;
                for (Map.Entry<String, Tensor> b : e.getValue().buffers.entrySet()) {
                    Tensor own = zerosLike(param);   // an own contiguous copy in the parameter's dtype and backend
                    Tensor src = b.getValue();
                    own.copy_(src.dtype() == param.dtype() ? src : src.to(param.dtype()));
                    st.buffers.put(b.getKey(), own);
                }
                state.put(e.getKey(), st);
            }
        }
    }

    /** The per-parameter state (step count and buffers) of one parameter, or null before its first update. */
    protected final ParamState stateOf(String name) {
        return state.get(name);
    }

    /** Number of updates applied to a parameter so far (0 before its first). */
    public final long stepCount(String name) {
        if (!byName.containsKey(name)) {
            throw new IllegalArgumentException(type() + " has no parameter '" + name + "'");
        }
        ParamState st = state.get(name);
        return st == null ? 0 : st.step;
    }

    private static Tensor zerosLike(Tensor param) {
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            return param.detach().cloneTensor().zero_();
        }
    }

    static double checkLr(double lr) {
        if (!(lr >= 0.0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
        }
        return lr;
    }

    static double checkWeightDecay(double wd) {
        if (!(wd >= 0.0) || Double.isInfinite(wd)) {
            throw new IllegalArgumentException("weight decay must be finite and >= 0, got " + wd);
        }
        return wd;
    }
}
