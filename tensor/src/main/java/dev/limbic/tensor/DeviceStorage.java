package dev.limbic.tensor;

import dev.limbic.tensor.backend.Backend;

/**
 * Storage resident on an accelerator. The handle is opaque to everything but its backend; tensors move between
 * host and device only through {@link Backend#toHost} and {@link Backend#fromHost}.
 */
public abstract non-sealed class DeviceStorage extends Storage {
    protected DeviceStorage(DType dtype, int size) {
        super(dtype, size);
    }
}
