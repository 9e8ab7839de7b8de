package dev.limbic.tensor.io;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tensors to and from safetensors files: the bridge checkpoints and fixtures use. Reading maps F32/F64/I64/I32 to
 * the same {@link DType} and widens F16/BF16 to F32 and the small integer types to I64; writing stores each
 * tensor's own dtype (atomically, deterministically: see {@link SafeTensors.Writer}).
 */
public final class TensorFiles {
    private TensorFiles() {
    }

    /** Every tensor of the file, in data order. */
    public static Map<String, Tensor> load(Path file) throws IOException {
        SafeTensors st = SafeTensors.read(file);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : st.names()) {
            out.put(name, tensor(st, name));
        }
        return out;
    }

    /** One tensor of an opened file; a shape too large for a Tensor is a clear error naming file and tensor. */
    public static Tensor tensor(SafeTensors st, String name) {
        SafeTensors.Entry e = st.entry(name);
        long[] longShape = e.shape();
        int[] shape = new int[longShape.length];
        for (int i = 0; i < shape.length; i++) {
            if (longShape[i] > Integer.MAX_VALUE) {
                throw new SafeTensorsFormatException(st.file(), "tensor '" + name + "' dim " + i + " is "
                        + longShape[i] + ", more than a Limbic tensor can hold");
            }
            shape[i] = (int) longShape[i];
        }
        if (e.numel() > Integer.MAX_VALUE) {
            throw new SafeTensorsFormatException(st.file(), "tensor '" + name + "' has " + e.numel()
                    + " elements, more than a Limbic tensor can hold (2^31-1)");
        }
        return switch (e.dtype()) {
            case F32, F16, BF16 -> Tensor.of(st.floats(name), shape);
            case F64 -> Tensor.of(st.doubles(name), shape);
            case I32 -> Tensor.ofInts(st.ints(name), shape);
            case I64, I16, I8, U8, BOOL -> Tensor.ofLongs(st.longs(name), shape);
        };
    }

    /** Writes the tensors (any layout; values are read in row-major order) with optional metadata. */
    public static void save(Map<String, Tensor> tensors, Map<String, String> metadata, Path file) throws IOException {
        SafeTensors.Writer w = SafeTensors.writer();
        metadata.forEach(w::metadata);
        for (Map.Entry<String, Tensor> en : tensors.entrySet()) {
            Tensor t = en.getValue();
            long[] shape = new long[t.dim()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = t.size(i);
            }
            switch (t.dtype()) {
                case F32 -> w.putF32(en.getKey(), shape, t.toFloatArray());
                case F64 -> w.putF64(en.getKey(), shape, t.toDoubleArray());
                case I64 -> w.putI64(en.getKey(), shape, t.toLongArray());
                case I32 -> w.putI32(en.getKey(), shape, t.toIntArray());
            }
        }
        w.write(file);
    }
}
