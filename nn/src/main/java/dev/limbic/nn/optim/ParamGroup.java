package dev.limbic.nn.optim;

import dev.limbic.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Parameters that share hyper-parameters (PyTorch's param group): a learning rate and weight decay that override
 * the optimiser's defaults when present ({@code ParamGroup.of(encoder.namedParameters()).withLr(2e-5)}).
 *
 * @param parameters by name (the names key the optimiser state and checkpoints)
 */
public record ParamGroup(Map<String, Parameter> parameters, OptionalDouble lr, OptionalDouble weightDecay) {
    public ParamGroup {
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(lr, "lr");
        Objects.requireNonNull(weightDecay, "weightDecay");
        parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** A group that uses the optimiser's default hyper-parameters. */
    public static ParamGroup of(Map<String, Parameter> parameters) {
        return new ParamGroup(parameters, OptionalDouble.empty(), OptionalDouble.empty());
    }

    public ParamGroup withLr(double groupLr) {
        return new ParamGroup(parameters, OptionalDouble.of(groupLr), weightDecay);
    }

    public ParamGroup withWeightDecay(double groupWeightDecay) {
        return new ParamGroup(parameters, lr, OptionalDouble.of(groupWeightDecay));
    }
}
