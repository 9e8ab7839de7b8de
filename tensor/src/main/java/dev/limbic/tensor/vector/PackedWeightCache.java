package dev.limbic.tensor.vector;

import dev.limbic.tensor.Storage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Weights kept in {@link VectorGemm}'s packed panel layout for inference, so a Linear layer's weight is packed
 * once instead of on every call (packing a (1536, 384) weight costs about as much as a 19-row product with it).
 *
 * <p>Keyed weakly on the weight's {@link Storage} (an entry dies with its model) and, within it, on the view
 * (offset, strides, sizes: one storage may hold several weights, as PyTorch's packed {@code in_proj_weight}
 * does). An entry is valid for one {@link Storage#version()}: every in-place write through the tensor API and
 * every optimiser step bumps it, and the next call packs again. A view is packed on its second use at one
 * version, so a B operand used once (an activation) never costs a packed copy. Writes into a storage's array
 * that bypass the version counter are not seen; nothing in Limbic does that to a parameter.
 *
 * <p>Memory: one packed copy per weight (k·n floats, n rounded up to whole panels). Off with
 * {@code -Dlimbic.packedWeights=false}.
 */
final class PackedWeightCache {
    static final boolean ENABLED = !"false".equals(System.getProperty("limbic.packedWeights"));

    /** One weight view of a storage; {@code packed} is null until its second use at {@code version}. */
    private static final class Entry {
        final int off;
        final int rowStride;
        final int colStride;
        final int k;
        final int n;
        int version;
        VectorGemm.PackedB packed;

        Entry(int off, int rowStride, int colStride, int k, int n, int version) {
            this.off = off;
            this.rowStride = rowStride;
            this.colStride = colStride;
            this.k = k;
            this.n = n;
            this.version = version;
        }

        boolean same(int o, int rs, int cs, int kk, int nn) {
            return off == o && rowStride == rs && colStride == cs && k == kk && n == nn;
        }
    }

    private final VectorGemm gemm;
    private final Map<Storage, List<Entry>> entries = new WeakHashMap<>();

    PackedWeightCache(VectorGemm gemm) {
        this.gemm = gemm;
    }

    /**
     * The packed B = Wᵀ for the (k, n) product, B element (p, j) at {@code b[off + p·rowStride + j·colStride]} of
     * {@code storage}; null on the view's first use at the storage's current version (the caller then runs the
     * ordinary product).
     */
    VectorGemm.PackedB lookup(Storage storage, float[] b, int off, int rowStride, int colStride, int k, int n) {
        int version = storage.version();
        Entry e;
        synchronized (entries) {
            List<Entry> list = entries.computeIfAbsent(storage, s -> new ArrayList<>(2));
            e = null;
            for (Entry candidate : list) {
                if (candidate.same(off, rowStride, colStride, k, n)) {
                    e = candidate;
                    break;
                }
            }
            if (e == null) {
                list.add(new Entry(off, rowStride, colStride, k, n, version));
                return null;
            }
            if (e.version != version) {
                e.version = version;
                e.packed = null;
                return null;
            }
            if (e.packed != null) {
                return e.packed;
            }
        }
        // second use at this version: pack outside the lock (another thread may do the same; both are correct)
        VectorGemm.PackedB packed = gemm.pack(k, n, b, off, rowStride, colStride);
        synchronized (entries) {
            if (e.version == version) {
                e.packed = packed;
            }
        }
        return packed;
    }

    /** Number of packed weight views held; for tests. */
    int packedCount() {
        synchronized (entries) {
            int count = 0;
            for (List<Entry> list : entries.values()) {
                for (Entry e : list) {
                    count += e.packed != null ? 1 : 0;
                }
            }
            return count;
        }
    }
}
