package dev.limbic.nn;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.Tensor;

/** Normalises the last {@code shape.length} dims with biased variance; affine weight 1 and bias 0 at init. */
public final class LayerNorm extends Module implements Layer {
    private final int[] normalizedShape;
    private final double eps;
    private final Parameter weight;
    private final Parameter bias;

    public LayerNorm(int dim, double eps) {
        this(new int[] {dim}, eps, true);
    }

    public LayerNorm(int[] normalizedShape, double eps, boolean elementwiseAffine) {
        if (normalizedShape.length == 0) {
            throw new IllegalArgumentException("LayerNorm needs at least one normalised dim");
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("LayerNorm eps must be positive, got " + eps);
        }
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        this.weight = elementwiseAffine ? registerParameter("weight", Tensor.ones(DType.F32, normalizedShape)) : null;
        this.bias = elementwiseAffine ? registerParameter("bias", Tensor.zeros(DType.F32, normalizedShape)) : null;
    }

    @Override
    public Tensor forward(Tensor x) {
        int k = normalizedShape.length;
        if (x.dim() < k) {
            throw new IllegalArgumentException("LayerNorm over " + java.util.Arrays.toString(normalizedShape)
                    + ": input shape " + java.util.Arrays.toString(x.shape()) + " has too few dims");
        }
        for (int i = 0; i < k; i++) {
            if (x.size(x.dim() - k + i) != normalizedShape[i]) {
                throw new IllegalArgumentException("LayerNorm over " + java.util.Arrays.toString(normalizedShape)
                        + ": input shape " + java.util.Arrays.toString(x.shape()) + " does not end in it");
            }
        }
        return x.layerNorm(k, weight == null ? null : weight.get(), bias == null ? null : bias.get(), eps);
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    public double eps() {
        return eps;
    }
}
