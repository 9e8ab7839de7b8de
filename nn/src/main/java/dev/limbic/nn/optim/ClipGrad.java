package dev.limbic.nn.optim;

import dev.limbic.nn.Parameter;
import dev.limbic.tensor.GradMode;
import dev.limbic.tensor.OptimizerOps;
import dev.limbic.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Gradient clipping (PyTorch 1.13 {@code torch.nn.utils.clip_grad_norm_} / {@code clip_grad_value_}), in place on
 * the parameters' gradients; parameters without a gradient are skipped.
 *
 * <p>{@code clipGradNorm}: {@code total = ‖(‖g_1‖, …, ‖g_k‖)‖_p} over all gradients, then every gradient is
 * multiplied by {@code min(1, maxNorm / (total + 1e-6))}; the norm before clipping is returned. A non-finite total
 * behaves as in PyTorch by default (an infinite norm zeroes the finite entries, NaN spreads to every gradient);
 * with {@code errorIfNonfinite} it throws instead, naming the parameters whose gradients are not finite.
 */
public final class ClipGrad {
    private ClipGrad() {
    }

    /** PyTorch's guard against division by a zero norm. */
    public static final double EPS = 1e-6;

    /** L2 clipping, PyTorch's default behaviour for non-finite norms. */
    public static double clipGradNorm(Iterable<Parameter> parameters, double maxNorm) {
        return clipGradNorm(parameters, maxNorm, 2.0, false);
    }

    public static double clipGradNorm(Iterable<Parameter> parameters, double maxNorm, double normType,
                                      boolean errorIfNonfinite) {
        Map<String, Tensor> grads = new LinkedHashMap<>();
        int i = 0;
        for (Parameter p : parameters) {
            if (p.grad() != null) {
                grads.put("#" + i, p.grad());
            }
            i++;
        }
        return clip(grads, maxNorm, normType, errorIfNonfinite);
    }

    /** As {@link #clipGradNorm(Iterable, double, double, boolean)}; errors name parameters by these names. */
    public static double clipGradNorm(Map<String, Parameter> parameters, double maxNorm, double normType,
                                      boolean errorIfNonfinite) {
        Map<String, Tensor> grads = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            if (e.getValue().grad() != null) {
                grads.put(e.getKey(), e.getValue().grad());
            }
        }
        return clip(grads, maxNorm, normType, errorIfNonfinite);
    }

    /** Clips the given gradient tensors themselves (scaled in place); returns the total norm before clipping. */
    public static double clipNorm(List<Tensor> gradients, double maxNorm, double normType,
                                  boolean errorIfNonfinite) {
        Map<String, Tensor> grads = new LinkedHashMap<>();
        for (int i = 0; i < gradients.size(); i++) {
            grads.put("#" + i, gradients.get(i));
        }
        return clip(grads, maxNorm, normType, errorIfNonfinite);
    }

    /** Clamps every gradient element into {@code [−clipValue, clipValue]} (NaN stays NaN, as in PyTorch). */
    public static void clipGradValue(Iterable<Parameter> parameters, double clipValue) {
        if (!(clipValue >= 0.0)) {
            throw new IllegalArgumentException("clip_grad_value: clip value must be >= 0, got " + clipValue);
        }
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            for (Parameter p : parameters) {
                Tensor g = p.grad();
                if (g != null) {
                    g.copy_(g.clamp(-clipValue, clipValue));
                }
            }
        }
    }

    private static double clip(Map<String, Tensor> grads, double maxNorm, double normType, boolean errorIfNonfinite) {
        if (!(maxNorm >= 0.0)) {
            throw new IllegalArgumentException("clip_grad_norm: max_norm must be >= 0, got " + maxNorm);
        }
        if (!(normType > 0.0)) {
            throw new IllegalArgumentException("clip_grad_norm: norm type must be > 0 (or +Infinity), got "
                    + normType);
        }
        if (grads.isEmpty()) {
            return 0.0;
        }
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            boolean inf = Double.isInfinite(normType);
            double total = 0.0;
            List<String> nonFinite = new ArrayList<>();
            for (Map.Entry<String, Tensor> e : grads.entrySet()) {
                double part = normPart(e.getValue(), normType);   // Σ|g|^p, or max|g| for p = ∞
                if (!Double.isFinite(part)) {
                    nonFinite.add(e.getKey());
                }
                total = inf ? Math.max(total, part) : total + part;
                if (Double.isNaN(part)) {
                    total = Double.NaN;
                }
            }
            if (!inf) {
                total = normType == 2.0 ? Math.sqrt(total) : Math.pow(total, 1.0 / normType);
            }
            if (errorIfNonfinite && !Double.isFinite(total)) {
                throw new IllegalStateException(String.format(Locale.ROOT, "clip_grad_norm: the total norm of "
                        + "order %s of the gradients is %s (non-finite gradients: %s); set errorIfNonfinite to "
                        + "false to clip anyway, as PyTorch does by default", normType, total, nonFinite));
            }
            double coef = Math.min(maxNorm / (total + EPS), 1.0);   // NaN stays NaN, as torch.clamp
            if (coef != 1.0) {   // multiplying by exactly 1 changes no bit
                for (Tensor g : grads.values()) {
                    OptimizerOps.scaleInPlace(g, coef);
                }
            }
            return total;
        }
    }

    private static double normPart(Tensor g, double p) {
        if (g.numel() == 0) {
            return 0.0;
        }
        if (Double.isInfinite(p)) {
            return g.abs().max().item();
        }
        if (p == 2.0) {
            return OptimizerOps.sumOfSquares(g);   // one pass, no temporary
        }
        if (p == 1.0) {
            return g.abs().sum().item();
        }
        return g.abs().pow(p).sum().item();
    }
}
