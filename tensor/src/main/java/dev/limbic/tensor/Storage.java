package dev.limbic.tensor;

import dev.limbic.tensor.backend.Backend;

/**
 * A flat buffer of elements of one {@link DType}, owned by one {@link Backend}. Host storages wrap Java arrays;
 * an offload backend subclasses {@link DeviceStorage} with an opaque device handle. Views share a storage and so
 * share its version counter, which in-place writes bump and backward checks.
 */
public abstract sealed class Storage permits HostStorage, DeviceStorage {
    private final DType dtype;
    private final int size;
    private int version;

    protected Storage(DType dtype, int size) {
        if (size < 0) {
            throw new IllegalArgumentException("storage size must be >= 0, got " + size);
        }
        this.dtype = dtype;
        this.size = size;
    }

    public final DType dtype() {
        return dtype;
    }

    /** Number of elements. */
    public final int size() {
        return size;
    }

    /** The backend whose kernels read and write this storage. */
    public abstract Backend backend();

    /** Incremented by every in-place write; autograd compares it with the version seen at save time. */
    public final int version() {
        return version;
    }

    public final void bumpVersion() {
        version++;
    }
}
