package dev.limbic.nn.optim;

import dev.limbic.nn.Parameter;
import java.util.List;
import java.util.Map;

/**
 * Adam (PyTorch 1.13): weight decay is coupled L2, {@code g ← g + wd·p}, before the moments; then
 * {@code m ← β1·m + (1 − β1)·g}, {@code v ← β2·v + (1 − β2)·g²},
 * {@code p ← p − lr/(1 − β1^t) · m / (√v/√(1 − β2^t) + eps)}. State: {@code exp_avg}, {@code exp_avg_sq}.
 * For decoupled decay use {@link AdamW}.
 */
public final class Adam extends AdamFamily {

    public Adam(List<ParamGroup> groups, AdamConfig config) {
        super(groups, config, false);
    }

    public Adam(Map<String, Parameter> parameters, AdamConfig config) {
        this(single(parameters), config);
    }

    /** Default betas and eps, no weight decay (PyTorch's defaults). */
    public Adam(Map<String, Parameter> parameters, double lr) {
        this(parameters, AdamConfig.of(lr, 0.0));
    }

    @Override
    public String type() {
        return "Adam";
    }
}
