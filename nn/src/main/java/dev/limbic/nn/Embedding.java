package dev.limbic.nn;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * Lookup table {@code weight (num, dim)} initialised N(0, 1) as in PyTorch. With a padding index that row is
 * zero at construction and its gradient is always exactly zero (the stored row is still returned, so a loaded
 * non-zero padding row behaves as in PyTorch).
 */
public final class Embedding extends Module implements Layer {
    private final int numEmbeddings;
    private final int dim;
    private final int paddingIdx;
    private final Parameter weight;

    /** {@code paddingIdx < 0} means none (PyTorch's negative padding_idx counts from the end: pass it resolved). */
    public Embedding(int numEmbeddings, int dim, int paddingIdx, RandomGenerator rng) {
        if (numEmbeddings <= 0 || dim <= 0) {
            throw new IllegalArgumentException("Embedding needs positive sizes, got " + numEmbeddings + "x" + dim);
        }
        if (paddingIdx >= numEmbeddings) {
            throw new IllegalArgumentException("padding_idx " + paddingIdx + " is outside the table of "
                    + numEmbeddings);
        }
        this.numEmbeddings = numEmbeddings;
        this.dim = dim;
        this.paddingIdx = paddingIdx;
        Tensor w = Tensor.randn(rng, DType.F32, numEmbeddings, dim);
        if (paddingIdx >= 0) {
            w.select(0, paddingIdx).zero_();
        }
        this.weight = registerParameter("weight", w);
    }

    public Embedding(int numEmbeddings, int dim, RandomGenerator rng) {
        this(numEmbeddings, dim, -1, rng);
    }

    /** {@code ids}: I64/I32 of any shape → {@code (..., dim)}. */
    @Override
    public Tensor forward(Tensor ids) {
        if (ids.dtype().isFloating()) {
            throw new IllegalArgumentException("Embedding expects integer ids (I64/I32), got " + ids.dtype());
        }
        long[] flat = ids.to(DType.I64).toLongArray();
        for (int i = 0; i < flat.length; i++) {
            if (flat[i] < 0 || flat[i] >= numEmbeddings) {
                throw new IndexOutOfBoundsException("Embedding: id " + flat[i] + " at flat position " + i
                        + " is outside [0, " + numEmbeddings + ")");
            }
        }
        Tensor w = weight.get();
        Tensor flatIds = Tensor.ofLongs(flat, flat.length);
        Tensor rows = w.indexSelect(0, flatIds);                     // (n, dim)
        if (paddingIdx >= 0 && rows.requiresGrad() && containsPadding(flat)) {
            // padding positions read the stored row through a detached table, so no gradient reaches it;
            // O(n·dim) work, never a pass over the whole table
            Tensor isPadding = flatIds.eq(paddingIdx).reshape(flat.length, 1);   // (n, 1)
            rows = Tensor.where(isPadding, w.detach().indexSelect(0, flatIds), rows);
        }
        int[] outShape = java.util.Arrays.copyOf(ids.shape(), ids.dim() + 1);
        outShape[ids.dim()] = dim;
        return rows.reshape(outShape);
    }

    private boolean containsPadding(long[] ids) {
        for (long id : ids) {
            if (id == paddingIdx) {
                return true;
            }
        }
        return false;
    }

    public Parameter weight() {
        return weight;
    }

    public int paddingIdx() {
        return paddingIdx;
    }
}
