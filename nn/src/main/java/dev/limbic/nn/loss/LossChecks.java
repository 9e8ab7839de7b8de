package dev.limbic.nn.loss;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.Tensor;
import java.util.Arrays;

/** Argument checks shared by the losses; every message names the loss, the argument and the shapes. */
final class LossChecks {
    private LossChecks() {
    }

    static void notNull(String loss, Tensor input, Tensor target) {
        if (input == null || target == null) {
            throw new IllegalArgumentException(loss + ": input and target must not be null");
        }
    }

    /** Floating input and target of the same dtype and exactly the same shape (no silent broadcasting). */
    static void sameShapeFloating(String loss, Tensor input, Tensor target) {
        notNull(loss, input, target);
        floating(loss, "input", input);
        floating(loss, "target", target);
        if (input.dtype() != target.dtype()) {
            throw new IllegalArgumentException(loss + ": input is " + input.dtype() + " but target is "
                    + target.dtype() + "; convert one with to(DType)");
        }
        if (!Arrays.equals(input.shape(), target.shape())) {
            throw new IllegalArgumentException(loss + ": target shape " + Arrays.toString(target.shape())
                    + " differs from input shape " + Arrays.toString(input.shape()));
        }
    }

    static void floating(String loss, String what, Tensor t) {
        if (!t.dtype().isFloating()) {
            throw new IllegalArgumentException(loss + ": " + what + " must be F32 or F64, got " + t.dtype() + " "
                    + Arrays.toString(t.shape()));
        }
    }

    /** A constant (weight-like) tensor that must broadcast to {@code shape} and share the input's dtype. */
    static Tensor broadcastConstant(String loss, String what, Tensor c, Tensor input) {
        if (c == null) {
            return null;
        }
        if (c.dtype() != input.dtype()) {
            throw new IllegalArgumentException(loss + ": " + what + " is " + c.dtype() + " but input is "
                    + input.dtype());
        }
        int[] shape = input.shape();
        int[] cs = c.shape();
        boolean ok = cs.length <= shape.length;
        for (int i = 0; ok && i < cs.length; i++) {
            int d = cs[cs.length - 1 - i];
            ok = d == 1 || d == shape[shape.length - 1 - i];
        }
        if (!ok) {
            throw new IllegalArgumentException(loss + ": " + what + " shape " + Arrays.toString(cs)
                    + " does not broadcast to input shape " + Arrays.toString(shape));
        }
        return c.detach();
    }

    /** Class-index targets of a classification loss: I64 or I32. */
    static void classIndices(String loss, Tensor target) {
        if (target.dtype() != DType.I64 && target.dtype() != DType.I32) {
            throw new IllegalArgumentException(loss + ": target must hold class indices (I64 or I32), got "
                    + target.dtype() + " " + Arrays.toString(target.shape()));
        }
    }

    /**
     * Logits {@code (..., C)} (classes last) and targets {@code (...)} flattened to {@code (N, C)} and
     * {@code (N)}; a 1-D {@code (C)} input with a 0-d target is one row.
     */
    static Tensor[] flattenClassesLast(String loss, Tensor logits, Tensor target) {
        notNull(loss, logits, target);
        floating(loss, "input (logits)", logits);
        classIndices(loss, target);
        int[] ls = logits.shape();
        int[] ts = target.shape();
        if (ls.length == 0) {
            throw new IllegalArgumentException(loss + ": logits must have a class dimension, got a 0-d tensor");
        }
        int classes = ls[ls.length - 1];
        boolean match = ts.length == ls.length - 1 && Arrays.equals(ts, Arrays.copyOf(ls, ls.length - 1));
        if (!match) {
            String hint = "";
            if (ls.length >= 3 && ts.length == ls.length - 1) {
                int[] torchLayout = new int[ls.length - 1];
                torchLayout[0] = ls[0];
                System.arraycopy(ls, 2, torchLayout, 1, ls.length - 2);
                if (Arrays.equals(ts, torchLayout)) {
                    hint = " (this looks like PyTorch's (N, C, d...) layout: Limbic expects classes last, "
                            + "so move the class dim to the end first, e.g. logits.permute(...))";
                }
            }
            throw new IllegalArgumentException(loss + ": target shape " + Arrays.toString(ts)
                    + " must equal the logits shape " + Arrays.toString(ls) + " without its last (class) dim"
                    + hint);
        }
        int rows = classes == 0 ? 0 : logits.numel() / classes;
        return new Tensor[] {logits.reshape(rows, classes), target.reshape(rows)};
    }

    /** Number of targets that are not {@code ignoreIndex}. */
    static int countKept(Tensor target, long ignoreIndex) {
        int n = 0;
        for (long t : target.toLongArray()) {
            if (t != ignoreIndex) {
                n++;
            }
        }
        return n;
    }
}
