package dev.limbic.nn.optim;

import dev.limbic.tensor.OptimizerOps;
import dev.limbic.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam and AdamW share everything but where the weight decay goes; the update is one fused pass per parameter
 * ({@link OptimizerOps#adamStep}). PyTorch 1.13, {@code amsgrad=False}, {@code maximize=False}.
 */
abstract sealed class AdamFamily extends Optimizer permits Adam, AdamW {
    static final String EXP_AVG = "exp_avg";
    static final String EXP_AVG_SQ = "exp_avg_sq";

    private final boolean decoupled;
    private double beta1;
    private double beta2;
    private double eps;

    AdamFamily(List<ParamGroup> groups, AdamConfig config, boolean decoupled) {
        super(groups, config.lr(), config.weightDecay());
        this.decoupled = decoupled;
        this.beta1 = config.beta1();
        this.beta2 = config.beta2();
        this.eps = config.eps();
    }

    @Override
    protected final void update(Group group, String name, Tensor param, Tensor grad, ParamState state) {
        Tensor m = state.buffer(EXP_AVG, param);
        Tensor v = state.buffer(EXP_AVG_SQ, param);
        OptimizerOps.adamStep(param, grad, m, v, state.step(), group.lr(), beta1, beta2, eps, group.weightDecay(),
                decoupled);
    }

    public final double beta1() {
        return beta1;
    }

    public final double beta2() {
        return beta2;
    }

    public final double eps() {
        return eps;
    }

    @Override
    protected final Map<String, String> hyperParameters() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("beta1", Double.toString(beta1));
        m.put("beta2", Double.toString(beta2));
        m.put("eps", Double.toString(eps));
        return m;
    }

    @Override
    protected final void loadHyperParameters(StateReader read) {
        AdamConfig checked = new AdamConfig(0.0, read.decimal("beta1"), read.decimal("beta2"), read.decimal("eps"),
                0.0);
        beta1 = checked.beta1();
        beta2 = checked.beta2();
        eps = checked.eps();
    }

    @Override
    protected final List<String> requiredBuffers(StateReader saved) {
        return List.of(EXP_AVG, EXP_AVG_SQ);
    }
}
