package dev.limbic.nn;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.GradCheck;
import dev.limbic.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * F64 gradient check of a module: converts it to F64 and checks the gradients of the given inputs and of every
 * parameter by central differences ({@link GradCheck}). The forward sees the inputs; parameters are swapped for
 * the checker's probe tensors behind the module's back and restored afterwards. Only inputs marked
 * {@code requiresGrad(true)} are checked besides the parameters.
 */
public final class ModuleGradCheck {
    private ModuleGradCheck() {
    }

    public static GradCheck.Report assertGradients(String label, Module module,
            Function<List<Tensor>, Tensor> forward, Tensor... inputs) {
        module.to(DType.F64);
        List<Parameter> params = new ArrayList<>(module.namedParameters().values());
        List<Tensor> originals = new ArrayList<>();
        List<Tensor> all = new ArrayList<>();
        for (Tensor t : inputs) {
            all.add(t == null || !t.dtype().isFloating() ? t
                    : Tensor.of(t.toDoubleArray(), t.shape()).requiresGrad(t.requiresGrad()));
        }
        for (Parameter p : params) {
            originals.add(p.get());
            all.add(p.get().detach().requiresGrad(true));
        }
        int n = inputs.length;
        try {
            return GradCheck.check(label, args -> {
                for (int k = 0; k < params.size(); k++) {
                    params.get(k).bindForCheck(args.get(n + k));
                }
                return forward.apply(args.subList(0, n));
            }, all, GradCheck.Options.defaults()).assertOk();
        } finally {
            for (int k = 0; k < params.size(); k++) {
                params.get(k).bindForCheck(originals.get(k));
            }
        }
    }

    /** Names of the module's parameters in the order they follow the inputs in a report. */
    public static List<String> parameterOrder(Module module) {
        return List.copyOf(module.namedParameters().keySet());
    }
}
