package dev.limbic.tensor.backend;

/**
 * Odometer over a multi-index of {@code shape} that tracks up to three strided offsets at once. Kernels walk
 * the last dimension in a tight loop and call {@link #next()} once per row, so the per-element cost is one add.
 */
final class StridedIndex {
    private final int[] shape;
    private final int[][] strides;
    private final int[] counter;
    final int[] offsets;
    /** Length and strides of the innermost dimension (1 and 0 for rank 0). */
    final int innerLen;
    final int[] innerStrides;
    /** Number of inner rows to visit. */
    final long rows;

    StridedIndex(int[] shape, int[]... strides) {
        this.shape = shape;
        this.strides = strides;
        this.counter = new int[Math.max(0, shape.length - 1)];
        this.offsets = new int[strides.length];
        this.innerStrides = new int[strides.length];
        if (shape.length == 0) {
            innerLen = 1;
            rows = 1;
        } else {
            innerLen = shape[shape.length - 1];
            long r = 1;
            for (int d = 0; d < shape.length - 1; d++) {
                r *= shape[d];
            }
            rows = innerLen == 0 ? 0 : r;
            for (int t = 0; t < strides.length; t++) {
                innerStrides[t] = strides[t][shape.length - 1];
            }
        }
    }

    void start(int... base) {
        System.arraycopy(base, 0, offsets, 0, offsets.length);
        java.util.Arrays.fill(counter, 0);
    }

    /** Advances to the next inner row (odometer over all but the last dim). */
    void next() {
        for (int d = counter.length - 1; d >= 0; d--) {
            counter[d]++;
            for (int t = 0; t < offsets.length; t++) {
                offsets[t] += strides[t][d];
            }
            if (counter[d] < shape[d]) {
                return;
            }
            for (int t = 0; t < offsets.length; t++) {
                offsets[t] -= strides[t][d] * shape[d];
            }
            counter[d] = 0;
        }
    }

    static int[] contiguousStrides(int[] shape) {
        return dev.limbic.tensor.Shapes.contiguousStrides(shape);
    }
}
