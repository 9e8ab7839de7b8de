package dev.limbic.tensor;

import dev.limbic.tensor.backend.Backend;
import java.util.Arrays;

/**
 * Fused optimiser updates for the {@code nn} optimisers: one backend kernel per parameter that reads the
 * parameter, its gradient and its state once and writes them back once (PyTorch 1.13 formulas, see
 * {@link Backend#adamStep} and {@link Backend#sgdStep}).
 *
 * <p>These are in-place writes to leaf tensors outside autograd: they bump the storages' version counters (so a
 * graph that saved the old parameter values refuses to run backward) but are allowed on leaves that require
 * grad, since updating them is the optimiser's job. State tensors must be contiguous and of the parameter's
 * shape, dtype and backend; a non-contiguous parameter or gradient is handled through a contiguous copy.
 */
public final class OptimizerOps {
    private OptimizerOps() {
    }

    /**
     * One Adam ({@code decoupled = false}, L2 added to the gradient) or AdamW ({@code decoupled = true},
     * {@code p *= 1 − lr·wd} first) step, in place on {@code param}, {@code expAvg} and {@code expAvgSq}.
     *
     * @param step the step number of this update, counted from 1 (bias corrections {@code 1 − β^step})
     */
    public static void adamStep(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, long step, double lr,
                                double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
        String op = decoupled ? "adamw_step" : "adam_step";
        checkOperands(op, param, grad, expAvg, "exp_avg");
        checkOperands(op, param, grad, expAvgSq, "exp_avg_sq");
        if (step < 1) {
            throw new IllegalArgumentException(op + ": step must be >= 1 (bias corrections divide by 1 − β^step), got "
                    + step);
        }
        Tensor p = param.isContiguous() ? param : param.copy();
        Tensor g = grad.isContiguous() ? grad : grad.copy();
        Backend be = param.backend();
        be.adamStep(p.storage(), p.offset(), g.storage(), g.offset(), expAvg.storage(), expAvg.offset(),
                expAvgSq.storage(), expAvgSq.offset(), param.numel(), step, lr, beta1, beta2, eps, weightDecay,
                decoupled);
        writeBack(param, p);
        expAvg.storage().bumpVersion();
        expAvgSq.storage().bumpVersion();
    }

    /**
     * One SGD step in place (PyTorch 1.13): weight decay, then with {@code momentum ≠ 0} the buffer update
     * ({@code buf = d} when {@code firstStep}), Nesterov look-ahead, and {@code p −= lr·d}.
     *
     * @param momentumBuffer the buffer (contiguous, like {@code param}); may be null only when momentum is 0
     */
    public static void sgdStep(Tensor param, Tensor grad, Tensor momentumBuffer, boolean firstStep, double lr,
                               double momentum, double dampening, double weightDecay, boolean nesterov) {
        String op = "sgd_step";
        if (momentum != 0.0) {
            if (momentumBuffer == null) {
                throw new IllegalArgumentException(op + ": momentum " + momentum + " needs a momentum buffer");
            }
            checkOperands(op, param, grad, momentumBuffer, "momentum_buffer");
        } else {
            checkOperands(op, param, grad, null, null);
        }
        Tensor p = param.isContiguous() ? param : param.copy();
        Tensor g = grad.isContiguous() ? grad : grad.copy();
        Backend be = param.backend();
        be.sgdStep(p.storage(), p.offset(), g.storage(), g.offset(),
                momentum == 0.0 ? null : momentumBuffer.storage(), momentum == 0.0 ? 0 : momentumBuffer.offset(),
                param.numel(), lr, momentum, dampening, weightDecay, nesterov, firstStep);
        writeBack(param, p);
        if (momentum != 0.0) {
            momentumBuffer.storage().bumpVersion();
        }
    }

    /**
     * {@code Σ x²} over all elements as a double, in one pass without a temporary (the squared L2 norm that
     * gradient clipping needs). Deterministic for the same data, whatever the thread count.
     */
    public static double sumOfSquares(Tensor x) {
        if (!x.dtype().isFloating()) {
            throw new IllegalArgumentException("sum_of_squares: needs F32 or F64, got " + x.dtype());
        }
        Tensor c = x.isContiguous() ? x : x.copy();
        return c.backend().sumOfSquares(c.storage(), c.offset(), c.numel());
    }

    /**
     * {@code x *= factor} in place outside autograd (gradient clipping); bumps the version counter. One pass over a
     * contiguous tensor, a copy and write-back otherwise.
     */
    public static void scaleInPlace(Tensor x, double factor) {
        if (!x.dtype().isFloating()) {
            throw new IllegalArgumentException("scale_: needs F32 or F64, got " + x.dtype());
        }
        Tensor c = x.isContiguous() ? x : x.copy();
        c.backend().scale(c.storage(), c.offset(), c.numel(), factor);
        writeBack(x, c);
    }

    private static void writeBack(Tensor param, Tensor updated) {
        if (updated != param) {
            param.backend().copy(param.shapeRef(), updated.storage(), updated.offset(), updated.stridesRef(),
                    param.storage(), param.offset(), param.stridesRef());
        }
        param.storage().bumpVersion();
    }

    private static void checkOperands(String op, Tensor param, Tensor grad, Tensor state, String stateName) {
        if (param == null || grad == null) {
            throw new IllegalArgumentException(op + ": parameter and gradient must not be null");
        }
        if (!param.dtype().isFloating()) {
            throw new IllegalArgumentException(op + ": parameter must be F32 or F64, got " + param.dtype());
        }
        requireLike(op, param, grad, "gradient");
        if (grad.storage() == param.storage()) {
            throw new IllegalArgumentException(op + ": the gradient shares storage with the parameter");
        }
        if (state != null) {
            requireLike(op, param, state, stateName);
            if (!state.isContiguous()) {
                throw new IllegalArgumentException(op + ": " + stateName + " must be contiguous (strides "
                        + Arrays.toString(state.stridesRef()) + ")");
            }
            if (state.storage() == param.storage() || state.storage() == grad.storage()) {
                throw new IllegalArgumentException(op + ": " + stateName
                        + " shares storage with the parameter or its gradient");
            }
        }
    }

    private static void requireLike(String op, Tensor param, Tensor other, String name) {
        if (!Arrays.equals(param.shapeRef(), other.shapeRef())) {
            throw new IllegalArgumentException(op + ": " + name + " shape " + Shapes.str(other.shapeRef())
                    + " does not match the parameter's " + Shapes.str(param.shapeRef()));
        }
        if (other.dtype() != param.dtype()) {
            throw new IllegalArgumentException(op + ": " + name + " dtype " + other.dtype()
                    + " does not match the parameter's " + param.dtype());
        }
        if (other.backend() != param.backend()) {
            throw new IllegalArgumentException(op + ": " + name + " lives on " + other.backend().name()
                    + ", the parameter on " + param.backend().name());
        }
    }
}
