package dev.limbic.nn.optim;

import dev.limbic.nn.Parameter;
import java.util.List;
import java.util.Map;

/**
 * AdamW (PyTorch 1.13): decoupled weight decay {@code p ← p·(1 − lr·wd)} first, then the Adam update of
 * {@link Adam} without any L2 term in the gradient. State: {@code exp_avg}, {@code exp_avg_sq}.
 */
public final class AdamW extends AdamFamily {

    /** PyTorch's default weight decay for AdamW. */
    public static final double DEFAULT_WEIGHT_DECAY = 1e-2;

    public AdamW(List<ParamGroup> groups, AdamConfig config) {
        super(groups, config, true);
    }

    public AdamW(Map<String, Parameter> parameters, AdamConfig config) {
        this(single(parameters), config);
    }

    /** Default betas and eps, weight decay 0.01 (PyTorch's defaults). */
    public AdamW(Map<String, Parameter> parameters, double lr) {
        this(parameters, AdamConfig.of(lr, DEFAULT_WEIGHT_DECAY));
    }

    @Override
    public String type() {
        return "AdamW";
    }
}
