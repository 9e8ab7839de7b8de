package dev.limbic.tensor.backend;

import dev.limbic.tensor.HostStorage;
import dev.limbic.tensor.Storage;

/**
 * Element access to a host storage of any dtype through doubles. The reference kernels use it so each formula is
 * written once for F32, F64, I32 and I64; the JIT sees at most two receiver types per call site in practice.
 */
abstract sealed class HostBuffers {

    abstract double get(int i);

    abstract void set(int i, double v);

    void add(int i, double v) {
        set(i, get(i) + v);
    }

    static HostBuffers of(Storage storage) {
        if (!(storage instanceof HostStorage h)) {
            throw new IllegalArgumentException("host backend given a " + storage.getClass().getSimpleName()
                    + " (" + storage.backend().name() + " storage); move the tensor to the host first");
        }
        return switch (h.dtype()) {
            case F32 -> new F32(h.f32());
            case F64 -> new F64(h.f64());
            case I32 -> new I32(h.i32());
            case I64 -> new I64(h.i64());
        };
    }

    static final class F32 extends HostBuffers {
        final float[] a;

        F32(float[] a) {
            this.a = a;
        }

        @Override
        double get(int i) {
            return a[i];
        }

        @Override
        void set(int i, double v) {
            a[i] = (float) v;
        }
    }

    static final class F64 extends HostBuffers {
        final double[] a;

        F64(double[] a) {
            this.a = a;
        }

        @Override
        double get(int i) {
            return a[i];
        }

        @Override
        void set(int i, double v) {
            a[i] = v;
        }
    }

    static final class I32 extends HostBuffers {
        final int[] a;

        I32(int[] a) {
            this.a = a;
        }

        @Override
        double get(int i) {
            return a[i];
        }

        @Override
        void set(int i, double v) {
            a[i] = (int) v;
        }
    }

    static final class I64 extends HostBuffers {
        final long[] a;

        I64(long[] a) {
            this.a = a;
        }

        @Override
        double get(int i) {
            return a[i];
        }

        @Override
        void set(int i, double v) {
            a[i] = (long) v;
        }
    }
}
