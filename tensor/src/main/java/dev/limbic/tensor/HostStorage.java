package dev.limbic.tensor;

import dev.limbic.tensor.backend.Backend;
import dev.limbic.tensor.backend.Backends;

/** Storage in a Java heap array: {@code float[]} (F32), {@code double[]} (F64), {@code int[]} (I32), {@code long[]} (I64). */
public final class HostStorage extends Storage {
    private final Object array;

    private HostStorage(DType dtype, Object array, int size) {
        super(dtype, size);
        this.array = array;
    }

    public static HostStorage allocate(DType dtype, int size) {
        return switch (dtype) {
            case F32 -> new HostStorage(dtype, new float[size], size);
            case F64 -> new HostStorage(dtype, new double[size], size);
            case I32 -> new HostStorage(dtype, new int[size], size);
            case I64 -> new HostStorage(dtype, new long[size], size);
        };
    }

    /** Wraps (does not copy) the array. */
    public static HostStorage wrap(float[] data) {
        return new HostStorage(DType.F32, data, data.length);
    }

    public static HostStorage wrap(double[] data) {
        return new HostStorage(DType.F64, data, data.length);
    }

    public static HostStorage wrap(int[] data) {
        return new HostStorage(DType.I32, data, data.length);
    }

    public static HostStorage wrap(long[] data) {
        return new HostStorage(DType.I64, data, data.length);
    }

    /** Host storages run on the selected host backend (vector when available, else scalar). */
    @Override
    public Backend backend() {
        return Backends.host();
    }

    public float[] f32() {
        if (array instanceof float[] a) {
            return a;
        }
        throw new IllegalStateException("storage is " + dtype() + ", not F32");
    }

    public double[] f64() {
        if (array instanceof double[] a) {
            return a;
        }
        throw new IllegalStateException("storage is " + dtype() + ", not F64");
    }

    public int[] i32() {
        if (array instanceof int[] a) {
            return a;
        }
        throw new IllegalStateException("storage is " + dtype() + ", not I32");
    }

    public long[] i64() {
        if (array instanceof long[] a) {
            return a;
        }
        throw new IllegalStateException("storage is " + dtype() + ", not I64");
    }

    /** Element {@code i} widened to double (slow path for tests, printing and item()). */
    public double getAsDouble(int i) {
        return switch (array) {
            case float[] a -> a[i];
            case double[] a -> a[i];
            case int[] a -> a[i];
            case long[] a -> a[i];
            default -> throw new IllegalStateException();
        };
    }

    /** Element {@code i} as long (index dtypes). */
    public long getAsLong(int i) {
        return switch (array) {
            case int[] a -> a[i];
            case long[] a -> a[i];
            case float[] a -> (long) a[i];
            case double[] a -> (long) a[i];
            default -> throw new IllegalStateException();
        };
    }
}
