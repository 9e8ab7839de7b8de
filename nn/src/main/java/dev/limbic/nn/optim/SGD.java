package dev.limbic.nn.optim;

import dev.limbic.nn.Parameter;
import dev.limbic.tensor.OptimizerOps;
import dev.limbic.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent (PyTorch 1.13): {@code d = g + wd·p}; with momentum μ the buffer is {@code d} on a
 * parameter's first step and {@code μ·buf + (1 − dampening)·d} after; Nesterov uses {@code d + μ·buf}, otherwise
 * {@code buf}; then {@code p −= lr·d}. State: {@code momentum_buffer} (only with momentum). One fused pass per
 * parameter ({@link OptimizerOps#sgdStep}).
 */
public final class SGD extends Optimizer {
    static final String MOMENTUM_BUFFER = "momentum_buffer";

    private double momentum;
    private double dampening;
    private boolean nesterov;

    public SGD(List<ParamGroup> groups, SgdConfig config) {
        super(groups, config.lr(), config.weightDecay());
        this.momentum = config.momentum();
        this.dampening = config.dampening();
        this.nesterov = config.nesterov();
    }

    public SGD(Map<String, Parameter> parameters, SgdConfig config) {
        this(single(parameters), config);
    }

    public SGD(Map<String, Parameter> parameters, double lr) {
        this(parameters, SgdConfig.of(lr));
    }

    @Override
    public String type() {
        return "SGD";
    }

    @Override
    protected void update(Group group, String name, Tensor param, Tensor grad, ParamState state) {
        if (momentum == 0.0) {
            OptimizerOps.sgdStep(param, grad, null, true, group.lr(), 0.0, dampening, group.weightDecay(), false);
            return;
        }
        Tensor buf = state.bufferOrNull(MOMENTUM_BUFFER);
        boolean first = buf == null;   // PyTorch: buf = clone(d) the first time, even if restored steps exist
        if (first) {
            buf = state.buffer(MOMENTUM_BUFFER, param);
        }
        OptimizerOps.sgdStep(param, grad, buf, first, group.lr(), momentum, dampening, group.weightDecay(),
                nesterov);
    }

    public double momentum() {
        return momentum;
    }

    public double dampening() {
        return dampening;
    }

    public boolean nesterov() {
        return nesterov;
    }

    @Override
    protected Map<String, String> hyperParameters() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("momentum", Double.toString(momentum));
        m.put("dampening", Double.toString(dampening));
        m.put("nesterov", Boolean.toString(nesterov));
        return m;
    }

    @Override
    protected void loadHyperParameters(StateReader read) {
        SgdConfig checked = new SgdConfig(0.0, read.decimal("momentum"), read.decimal("dampening"), 0.0,
                read.bool("nesterov"));
        momentum = checked.momentum();
        dampening = checked.dampening();
        nesterov = checked.nesterov();
    }

    @Override
    protected List<String> requiredBuffers(StateReader saved) {
        return saved.decimal("momentum") == 0.0 ? List.of() : List.of(MOMENTUM_BUFFER);
    }
}
