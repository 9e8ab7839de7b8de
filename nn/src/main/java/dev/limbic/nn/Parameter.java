package dev.limbic.nn;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.Tensor;

/**
 * A learnable tensor slot owned by a {@link Module}. The slot (not the tensor) is what modules, optimisers and
 * checkpoints hold, so {@link Module#to(DType)} or a device move can swap the tensor without breaking anyone's
 * reference. The tensor is always a leaf with {@code requiresGrad(true)}.
 */
public final class Parameter {
    private Tensor value;

    public Parameter(Tensor value) {
        set(value);
    }

    /** The current tensor (a leaf that requires grad). */
    public Tensor get() {
        return value;
    }

    /** Its accumulated gradient, or null before the first backward / after {@link #zeroGrad()}. */
    public Tensor grad() {
        return value.grad();
    }

    public void zeroGrad() {
        value.zeroGrad();
    }

    /** Replaces the tensor (detached, made a grad-requiring leaf). Shape changes are allowed only here. */
    public void set(Tensor newValue) {
        if (newValue == null) {
            throw new IllegalArgumentException("a Parameter cannot hold null");
        }
        if (!newValue.dtype().isFloating()) {
            throw new IllegalArgumentException("a Parameter must be F32 or F64, got " + newValue.dtype());
        }
        Tensor leaf = newValue.isLeaf() && newValue.gradFn() == null ? newValue : newValue.detach();
        this.value = leaf.requiresGrad() ? leaf : leaf.requiresGrad(true);
    }

    /**
     * Installs {@code t} as-is, without detaching it or changing its grad flag: for gradient checkers that feed
     * their own probe tensors through a module. Not for training code.
     */
    void bindForCheck(Tensor t) {
        this.value = t;
    }

    public int[] shape() {
        return value.shape();
    }

    public int numel() {
        return value.numel();
    }

    public DType dtype() {
        return value.dtype();
    }

    @Override
    public String toString() {
        return "Parameter" + java.util.Arrays.toString(value.shape()) + " " + value.dtype();
    }
}
