package dev.limbic.nn;

import dev.limbic.tensor.Tensor;

/** Parameter-free element-wise activations as modules (for {@link Sequential}). */
public final class Activation extends Module implements Layer {

    public enum Kind { RELU, GELU, GELU_TANH, TANH, SIGMOID, IDENTITY }

    private final Kind kind;

    public Activation(Kind kind) {
        this.kind = kind;
    }

    public static Activation relu() {
        return new Activation(Kind.RELU);
    }

    public static Activation gelu() {
        return new Activation(Kind.GELU);
    }

    public static Activation tanh() {
        return new Activation(Kind.TANH);
    }

    public static Activation sigmoid() {
        return new Activation(Kind.SIGMOID);
    }

    @Override
    public Tensor forward(Tensor x) {
        return apply(kind, x);
    }

    public static Tensor apply(Kind kind, Tensor x) {
        return switch (kind) {
            case RELU -> x.relu();
            case GELU -> x.gelu();
            case GELU_TANH -> x.geluTanh();
            case TANH -> x.tanh();
            case SIGMOID -> x.sigmoid();
            case IDENTITY -> x;
        };
    }

    public Kind kind() {
        return kind;
    }
}
