package dev.limbic.tensor;

import dev.limbic.tensor.backend.Backend;
import dev.limbic.tensor.backend.Backends;
import dev.limbic.tensor.backend.BinaryOp;
import dev.limbic.tensor.backend.ReduceOp;
import dev.limbic.tensor.backend.UnaryOp;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * An n-dimensional array: a {@link Storage} plus shape, strides and offset. Views (reshape, permute, expand,
 * narrow, select, ...) share the storage and copy nothing. Operations return new tensors and, when grad mode is on
 * and an input requires grad, record how to differentiate them (PyTorch semantics).
 */
public final class Tensor {
    private final Storage storage;
    private final int[] shape;
    private final int[] strides;
    private final int offset;
    private final int numel;

    private boolean requiresGrad;
    private boolean retainGrad;
    private Node node;
    private Tensor grad;

    Tensor(Storage storage, int[] shape, int[] strides, int offset) {
        this.storage = storage;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
        this.numel = Shapes.numel(shape);
    }

    // ------------------------------------------------------------------ factories

    /** A tensor over existing storage (used by backends and loaders); the layout is checked against its size. */
    public static Tensor fromStorage(Storage storage, int[] shape, int[] strides, int offset) {
        if (shape.length != strides.length) {
            throw new IllegalArgumentException("shape " + Shapes.str(shape) + " and strides " + Arrays.toString(strides)
                    + " differ in rank");
        }
        long max = offset;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 0) {
                max = -1;
                break;
            }
            max += (long) (shape[d] - 1) * strides[d];
        }
        if (offset < 0 || max >= storage.size()) {
            throw new IllegalArgumentException("layout shape " + Shapes.str(shape) + " strides "
                    + Arrays.toString(strides) + " offset " + offset + " reaches past a storage of " + storage.size()
                    + " elements");
        }
        return new Tensor(storage, shape.clone(), strides.clone(), offset);
    }

    static Tensor contiguousOf(Storage storage, int[] shape) {
        return new Tensor(storage, shape, Shapes.contiguousStrides(shape), 0);
    }

    static Tensor empty(DType dtype, int[] shape) {
        return contiguousOf(Backends.host().allocate(dtype, Shapes.numel(shape)), shape.clone());
    }

    static Tensor emptyLike(Backend backend, DType dtype, int[] shape) {
        return contiguousOf(backend.allocate(dtype, Shapes.numel(shape)), shape.clone());
    }

    /** Copies {@code data} into a new F32 tensor of the given shape. */
    public static Tensor of(float[] data, int... shape) {
        checkLength(data.length, shape);
        return contiguousOf(HostStorage.wrap(data.clone()), shape.clone());
    }

    /** Copies {@code data} into a new F64 tensor. */
    public static Tensor of(double[] data, int... shape) {
        checkLength(data.length, shape);
        return contiguousOf(HostStorage.wrap(data.clone()), shape.clone());
    }

    /** Copies {@code data} into a new I64 tensor. */
    public static Tensor ofLongs(long[] data, int... shape) {
        checkLength(data.length, shape);
        return contiguousOf(HostStorage.wrap(data.clone()), shape.clone());
    }

    /** Copies {@code data} into a new I32 tensor. */
    public static Tensor ofInts(int[] data, int... shape) {
        checkLength(data.length, shape);
        return contiguousOf(HostStorage.wrap(data.clone()), shape.clone());
    }

    private static void checkLength(int length, int[] shape) {
        int n = Shapes.numel(shape);
        if (n != length) {
            throw new IllegalArgumentException("data has " + length + " elements but shape " + Shapes.str(shape)
                    + " needs " + n);
        }
    }

    /** A 0-d F32 tensor. */
    public static Tensor scalar(double value) {
        return full(value, DType.F32);
    }

    /** A 0-d tensor of the given dtype. */
    public static Tensor scalar(double value, DType dtype) {
        return full(value, dtype);
    }

    public static Tensor zeros(int... shape) {
        return zeros(DType.F32, shape);
    }

    public static Tensor zeros(DType dtype, int... shape) {
        return empty(dtype, shape);
    }

    public static Tensor ones(int... shape) {
        return full(1.0, DType.F32, shape);
    }

    public static Tensor ones(DType dtype, int... shape) {
        return full(1.0, dtype, shape);
    }

    public static Tensor full(double value, DType dtype, int... shape) {
        Tensor t = empty(dtype, shape);
        if (value != 0.0) {
            t.storage.backend().fill(t.storage, 0, t.numel, value);
        }
        return t;
    }

    /** {@code [start, start+step, ...)} below {@code end} (above it for a negative step). */
    public static Tensor arange(double start, double end, double step, DType dtype) {
        if (step == 0 || Double.isNaN(start) || Double.isNaN(end) || Double.isNaN(step)) {
            throw new IllegalArgumentException("arange: step must be non-zero and bounds finite, got start=" + start
                    + " end=" + end + " step=" + step);
        }
        long n = Math.max(0, (long) Math.ceil((end - start) / step));
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("arange: " + n + " elements is too many");
        }
        HostStorage h = HostStorage.allocate(dtype, (int) n);
        for (int i = 0; i < n; i++) {
            double v = start + i * step;
            switch (dtype) {
                case F32 -> h.f32()[i] = (float) v;
                case F64 -> h.f64()[i] = v;
                case I32 -> h.i32()[i] = (int) v;
                case I64 -> h.i64()[i] = (long) v;
            }
        }
        return contiguousOf(Backends.host().fromHost(h), new int[] {(int) n});
    }

    /** {@code [0, 1, ..., end-1]} as I64. */
    public static Tensor arange(int end) {
        return arange(0, end, 1, DType.I64);
    }

    /** Standard normal samples from an explicit seed (same seed, same tensor, on every JVM). */
    public static Tensor randn(long seed, DType dtype, int... shape) {
        return randn(new SplittableRandom(seed), dtype, shape);
    }

    public static Tensor randn(RandomGenerator rng, DType dtype, int... shape) {
        return sample("randn", rng::nextGaussian, dtype, shape);
    }

    /** Uniform samples in [0, 1) from an explicit seed. */
    public static Tensor rand(long seed, DType dtype, int... shape) {
        return rand(new SplittableRandom(seed), dtype, shape);
    }

    public static Tensor rand(RandomGenerator rng, DType dtype, int... shape) {
        return sample("rand", rng::nextDouble, dtype, shape);
    }

    /** A new floating tensor filled in row-major order from {@code draw} (one call per element, in order). */
    private static Tensor sample(String op, java.util.function.DoubleSupplier draw, DType dtype, int[] shape) {
        requireFloating(op, dtype);
        int n = Shapes.numel(shape);
        HostStorage h = HostStorage.allocate(dtype, n);
        for (int i = 0; i < n; i++) {
            double v = draw.getAsDouble();
            if (dtype == DType.F32) {
                h.f32()[i] = (float) v;
            } else {
                h.f64()[i] = v;
            }
        }
        return contiguousOf(Backends.host().fromHost(h), shape.clone());
    }

    static void requireFloating(String op, DType dtype) {
        if (!dtype.isFloating()) {
            throw new IllegalArgumentException(op + " needs a floating dtype (F32 or F64), got " + dtype);
        }
    }

    // ------------------------------------------------------------------ metadata

    public DType dtype() {
        return storage.dtype();
    }

    public int[] shape() {
        return shape.clone();
    }

    int[] shapeRef() {
        return shape;
    }

    int[] stridesRef() {
        return strides;
    }

    public int[] strides() {
        return strides.clone();
    }

    public int offset() {
        return offset;
    }

    public Storage storage() {
        return storage;
    }

    Backend backend() {
        return storage.backend();
    }

    public int dim() {
        return shape.length;
    }

    /** Size of dim {@code d} (negative counts from the end). */
    public int size(int d) {
        return shape[Shapes.dim("size", d, shape.length)];
    }

    public int numel() {
        return numel;
    }

    public boolean isContiguous() {
        int expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && strides[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }

    // ------------------------------------------------------------------ autograd state

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf as a trainable input (returns {@code this}). */
    public Tensor requiresGrad(boolean value) {
        if (node != null) {
            throw new IllegalStateException("requiresGrad can only be set on leaf tensors; this one was produced by '"
                    + node.op + "' (use detach() to get a leaf)");
        }
        if (value) {
            requireFloating("requiresGrad", dtype());
        }
        this.requiresGrad = value;
        return this;
    }

    public boolean isLeaf() {
        return node == null;
    }

    /** Name of the op that produced this tensor, or null for a leaf. */
    public String gradFn() {
        return node == null ? null : node.op;
    }

    Node node() {
        return node;
    }

    void attach(Node n) {
        this.node = n;
        this.requiresGrad = true;
    }

    /** Keeps the gradient of a non-leaf tensor in {@link #grad()} during backward. */
    public Tensor retainGrad() {
        this.retainGrad = true;
        return this;
    }

    boolean retainsGrad() {
        return retainGrad;
    }

    /** Accumulated gradient (null until a backward reaches this tensor). */
    public Tensor grad() {
        return grad;
    }

    public void zeroGrad() {
        grad = null;
    }

    /**
     * Adds {@code g} into this tensor's gradient. The first gradient is adopted without a copy when
     * {@code adoptable} (the engine knows nobody else holds its buffer), else copied into a fresh buffer; later
     * ones are added in place, so a leaf's gradient buffer is allocated once and owned by the leaf alone.
     */
    void accumulateGrad(Tensor g, boolean adoptable) {
        if (grad == null) {
            grad = adoptable ? g.detach() : g.copy();
        } else {
            grad.addInPlace(g);
        }
    }

    /** Whether this tensor covers its whole storage densely (a buffer that can change hands). */
    boolean isWholeStorage() {
        return offset == 0 && numel == storage.size() && isContiguous();
    }

    /** A view of the same data that is a leaf and does not require grad. */
    public Tensor detach() {
        return new Tensor(storage, shape, strides, offset);
    }

    public void backward() {
        Autograd.backward(this, null, false);
    }

    public void backward(Tensor seed) {
        Autograd.backward(this, seed, false);
    }

    public void backward(Tensor seed, boolean retainGraph) {
        Autograd.backward(this, seed, retainGraph);
    }

    // ------------------------------------------------------------------ data access

    /** The elements in row-major order as floats (any floating or integer dtype is converted). */
    public float[] toFloatArray() {
        Tensor c = contiguous();
        HostStorage h = c.storage.backend().toHost(c.storage);
        if (h.dtype() == DType.F32) {
            return Arrays.copyOfRange(h.f32(), c.offset, c.offset + numel);
        }
        float[] out = new float[numel];
        for (int i = 0; i < numel; i++) {
            out[i] = (float) h.getAsDouble(c.offset + i);
        }
        return out;
    }

    public double[] toDoubleArray() {
        Tensor c = contiguous();
        HostStorage h = c.storage.backend().toHost(c.storage);
        double[] out = new double[numel];
        for (int i = 0; i < numel; i++) {
            out[i] = h.getAsDouble(c.offset + i);
        }
        return out;
    }

    public long[] toLongArray() {
        Tensor c = contiguous();
        HostStorage h = c.storage.backend().toHost(c.storage);
        long[] out = new long[numel];
        for (int i = 0; i < numel; i++) {
            out[i] = h.getAsLong(c.offset + i);
        }
        return out;
    }

    public int[] toIntArray() {
        long[] l = toLongArray();
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            out[i] = Math.toIntExact(l[i]);
        }
        return out;
    }

    /** The single element of a one-element tensor. */
    public double item() {
        if (numel != 1) {
            throw new IllegalStateException("item() needs exactly one element, tensor has shape " + Shapes.str(shape));
        }
        return get(new int[shape.length]);   // any rank: [1, 1] has one element too
    }

    /** Element at a full multi-index (negative indices count from the end). */
    public double get(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("get: " + index.length + " indices for a tensor of rank " + shape.length);
        }
        int pos = offset;
        for (int d = 0; d < index.length; d++) {
            int i = index[d] < 0 ? index[d] + shape[d] : index[d];
            if (i < 0 || i >= shape[d]) {
                throw new IndexOutOfBoundsException("get: index " + index[d] + " out of range for dim " + d
                        + " of size " + shape[d]);
            }
            pos += i * strides[d];
        }
        return storage.backend().toHost(storage).getAsDouble(pos);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor(").append(dtype()).append(' ').append(Shapes.str(shape));
        if (node != null) {
            sb.append(", grad_fn=").append(node.op);
        } else if (requiresGrad) {
            sb.append(", requires_grad");
        }
        int show = Math.min(numel, 8);
        if (show > 0) {
            double[] v = Arrays.copyOf(contiguous().toDoubleArray(), show);
            sb.append(", ").append(Arrays.toString(v));
            if (numel > show) {
                sb.insert(sb.length() - 1, ", ...");
            }
        }
        return sb.append(')').toString();
    }

    // ------------------------------------------------------------------ views (no copies)

    /** Same data in a new shape (one dim may be -1); a copy only if the layout cannot be viewed that way. */
    public Tensor reshape(int... newShape) {
        int[] target = inferShape("reshape", newShape);
        if (Arrays.equals(target, shape)) {
            return this;
        }
        Tensor src = isContiguous() ? this : contiguous();
        Tensor out = new Tensor(src.storage, target, Shapes.contiguousStrides(target), src.offset);
        int[] inShape = shape;
        return Autograd.record(out, "reshape", new Tensor[] {this}, new Tensor[0],
                (g, s) -> new Tensor[] {g.reshape(inShape)});
    }

    /** Like {@link #reshape} but never copies: fails on a non-contiguous tensor. */
    public Tensor view(int... newShape) {
        if (!isContiguous()) {
            throw new IllegalStateException("view: tensor of shape " + Shapes.str(shape) + " with strides "
                    + Arrays.toString(strides) + " is not contiguous; use reshape() or contiguous().view()");
        }
        return reshape(newShape);
    }

    public Tensor flatten() {
        return reshape(numel);
    }

    private int[] inferShape(String op, int[] newShape) {
        int[] target = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int d = 0; d < target.length; d++) {
            if (target[d] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException(op + ": only one dim may be -1, got " + Shapes.str(newShape));
                }
                infer = d;
            } else if (target[d] < 0) {
                throw new IllegalArgumentException(op + ": invalid dim " + target[d] + " in " + Shapes.str(newShape));
            } else {
                known *= target[d];
            }
        }
        if (infer >= 0) {
            if (known == 0 || numel % known != 0) {
                throw new IllegalArgumentException(op + ": cannot infer -1 in " + Shapes.str(newShape)
                        + " for a tensor of shape " + Shapes.str(shape) + " (" + numel + " elements)");
            }
            target[infer] = (int) (numel / known);
        } else if (known != numel) {
            throw new IllegalArgumentException(op + ": shape " + Shapes.str(newShape) + " (" + known
                    + " elements) does not fit a tensor of shape " + Shapes.str(shape) + " (" + numel + " elements)");
        }
        return target;
    }

    /** Reorders dims: result dim {@code i} is input dim {@code order[i]}. */
    public Tensor permute(int... order) {
        if (order.length != shape.length) {
            throw new IllegalArgumentException("permute: " + Arrays.toString(order) + " has " + order.length
                    + " dims but the tensor has rank " + shape.length);
        }
        int[] newShape = new int[order.length];
        int[] newStrides = new int[order.length];
        int[] inverse = new int[order.length];
        boolean[] seen = new boolean[order.length];
        for (int i = 0; i < order.length; i++) {
            int d = Shapes.dim("permute", order[i], shape.length);
            if (seen[d]) {
                throw new IllegalArgumentException("permute: dim " + d + " repeated in " + Arrays.toString(order));
            }
            seen[d] = true;
            newShape[i] = shape[d];
            newStrides[i] = strides[d];
            inverse[d] = i;
        }
        Tensor out = new Tensor(storage, newShape, newStrides, offset);
        return Autograd.record(out, "permute", new Tensor[] {this}, new Tensor[0],
                (g, s) -> new Tensor[] {g.permute(inverse)});
    }

    public Tensor transpose(int d0, int d1) {
        int a = Shapes.dim("transpose", d0, shape.length);
        int b = Shapes.dim("transpose", d1, shape.length);
        int[] order = new int[shape.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        order[a] = b;
        order[b] = a;
        return permute(order);
    }

    /** Transpose of a 2-D tensor. */
    public Tensor t() {
        if (shape.length != 2) {
            throw new IllegalArgumentException("t() needs a 2-D tensor, got shape " + Shapes.str(shape));
        }
        return transpose(0, 1);
    }

    /** Broadcasts size-1 dims (and new leading dims) to {@code newShape} with stride 0; -1 keeps a dim. */
    public Tensor expand(int... newShape) {
        if (newShape.length < shape.length) {
            throw new IllegalArgumentException("expand: target " + Shapes.str(newShape) + " has fewer dims than "
                    + Shapes.str(shape));
        }
        int lead = newShape.length - shape.length;
        int[] outShape = new int[newShape.length];
        int[] outStrides = new int[newShape.length];
        for (int i = 0; i < newShape.length; i++) {
            int target = newShape[i];
            if (i < lead) {
                if (target < 0) {
                    throw new IllegalArgumentException("expand: -1 not allowed for new leading dim in "
                            + Shapes.str(newShape));
                }
                outShape[i] = target;
                outStrides[i] = 0;
            } else {
                int cur = shape[i - lead];
                if (target == -1 || target == cur) {
                    outShape[i] = cur;
                    outStrides[i] = strides[i - lead];
                } else if (cur == 1) {
                    outShape[i] = target;
                    outStrides[i] = 0;
                } else {
                    throw new IllegalArgumentException("expand: cannot expand shape " + Shapes.str(shape) + " to "
                            + Shapes.str(newShape) + " (dim " + i + " has size " + cur + ", not 1)");
                }
            }
        }
        if (Arrays.equals(outShape, shape)) {
            return this;
        }
        Tensor out = new Tensor(storage, outShape, outStrides, offset);
        int[] inShape = shape;
        return Autograd.record(out, "expand", new Tensor[] {this}, new Tensor[0],
                (g, s) -> new Tensor[] {TensorOps.sumToShape(g, inShape)});
    }

    /** Elements {@code [start, start+length)} of dim {@code dim}. */
    public Tensor narrow(int dim, int start, int length) {
        int d = Shapes.dim("narrow", dim, shape.length);
        if (start < 0 || length < 0 || start + length > shape[d]) {
            throw new IndexOutOfBoundsException("narrow: range [" + start + ", " + (start + length) + ") is outside dim "
                    + d + " of size " + shape[d] + " (shape " + Shapes.str(shape) + ")");
        }
        int[] outShape = shape.clone();
        outShape[d] = length;
        Tensor out = new Tensor(storage, outShape, strides.clone(), offset + start * strides[d]);
        int[] inShape = shape;
        return Autograd.record(out, "narrow", new Tensor[] {this}, new Tensor[0],
                (g, s) -> new Tensor[] {TensorOps.narrowBackward(g, inShape, d, start)});
    }

    /**
     * Elements {@code [start, end)} of dim {@code dim}; negative bounds count from the end and out-of-range bounds
     * are clamped to the dim, as in Python slicing ({@code x[-10:100]} is all of a 5-element dim).
     */
    public Tensor slice(int dim, int start, int end) {
        int d = Shapes.dim("slice", dim, shape.length);
        int s = Math.clamp(start < 0 ? (long) start + shape[d] : start, 0, shape[d]);
        int e = Math.clamp(end < 0 ? (long) end + shape[d] : end, 0, shape[d]);
        return narrow(d, s, Math.max(0, e - s));
    }

    /** Index {@code index} of dim {@code dim}, removing that dim. */
    public Tensor select(int dim, int index) {
        int d = Shapes.dim("select", dim, shape.length);
        int i = index < 0 ? index + shape[d] : index;
        if (i < 0 || i >= shape[d]) {
            throw new IndexOutOfBoundsException("select: index " + index + " is out of range for dim " + d
                    + " of size " + shape[d]);
        }
        return narrow(d, i, 1).squeeze(d);
    }

    /** Inserts a size-1 dim at {@code dim} (in {@code [-rank-1, rank]}). */
    public Tensor unsqueeze(int dim) {
        int d = Shapes.dim("unsqueeze", dim, shape.length + 1);
        int[] outShape = new int[shape.length + 1];
        int[] outStrides = new int[shape.length + 1];
        for (int i = 0, j = 0; i < outShape.length; i++) {
            if (i == d) {
                outShape[i] = 1;
                outStrides[i] = j < shape.length ? strides[j] * shape[j] : 1;
            } else {
                outShape[i] = shape[j];
                outStrides[i] = strides[j];
                j++;
            }
        }
        Tensor out = new Tensor(storage, outShape, outStrides, offset);
        int[] inShape = shape;
        return Autograd.record(out, "unsqueeze", new Tensor[] {this}, new Tensor[0],
                (g, s) -> new Tensor[] {g.reshape(inShape)});
    }

    /** Removes every size-1 dim. */
    public Tensor squeeze() {
        int kept = 0;
        for (int s : shape) {
            if (s != 1) {
                kept++;
            }
        }
        int[] outShape = new int[kept];
        int[] outStrides = new int[kept];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (shape[i] != 1) {
                outShape[j] = shape[i];
                outStrides[j++] = strides[i];
            }
        }
        return squeezeTo(outShape, outStrides);
    }

    /** Removes dim {@code dim} if it has size 1 (otherwise returns this tensor, as PyTorch does). */
    public Tensor squeeze(int dim) {
        int d = Shapes.dim("squeeze", dim, shape.length);
        if (shape[d] != 1) {
            return this;
        }
        int[] outShape = new int[shape.length - 1];
        int[] outStrides = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != d) {
                outShape[j] = shape[i];
                outStrides[j++] = strides[i];
            }
        }
        return squeezeTo(outShape, outStrides);
    }

    private Tensor squeezeTo(int[] outShape, int[] outStrides) {
        if (outShape.length == shape.length) {
            return this;
        }
        Tensor out = new Tensor(storage, outShape, outStrides, offset);
        int[] inShape = shape;
        return Autograd.record(out, "squeeze", new Tensor[] {this}, new Tensor[0],
                (g, s) -> new Tensor[] {g.reshape(inShape)});
    }

    /** This tensor if it is contiguous, else a contiguous copy (differentiable). */
    public Tensor contiguous() {
        if (isContiguous()) {
            return this;
        }
        Tensor out = copy();
        return Autograd.record(out, "contiguous", new Tensor[] {this}, new Tensor[0], (g, s) -> new Tensor[] {g});
    }

    /** A new contiguous tensor with the same values (not recorded: use {@link #cloneTensor} for a differentiable copy). */
    Tensor copy() {
        Tensor out = emptyLike(backend(), dtype(), shape);
        backend().copy(shape, storage, offset, strides, out.storage, 0, out.strides);
        return out;
    }

    /** A differentiable copy with its own storage. */
    public Tensor cloneTensor() {
        Tensor out = copy();
        return Autograd.record(out, "clone", new Tensor[] {this}, new Tensor[0], (g, s) -> new Tensor[] {g});
    }

    /** Converts to another dtype (differentiable between floating dtypes). */
    public Tensor to(DType target) {
        if (target == dtype()) {
            return this;
        }
        Tensor out = emptyLike(backend(), target, shape);
        backend().copy(shape, storage, offset, strides, out.storage, 0, out.strides);
        if (!target.isFloating()) {
            return out;
        }
        DType source = dtype();
        return Autograd.record(out, "to", new Tensor[] {this}, new Tensor[0],
                (g, s) -> new Tensor[] {g.to(source)});
    }

    /**
     * This tensor's values in a new contiguous storage of {@code target} (e.g. an offload backend), or this tensor
     * when it already lives there. Differentiable: the gradient travels back to this tensor's backend.
     */
    public Tensor toBackend(Backend target) {
        if (backend() == target) {
            return this;
        }
        Tensor c = contiguous();
        HostStorage host = c.backend().toHost(c.storage);
        HostStorage packed = host;
        if (c.offset != 0 || host.size() != numel) {
            packed = HostStorage.allocate(dtype(), numel);
            Backends.scalar().copy(new int[] {numel}, host, c.offset, new int[] {1}, packed, 0, new int[] {1});
        }
        Tensor out = contiguousOf(target.fromHost(packed), shape.clone());
        Backend source = backend();
        return Autograd.record(out, "to_backend", new Tensor[] {this}, new Tensor[0],
                (g, s) -> new Tensor[] {g.toBackend(source)});
    }

    // ------------------------------------------------------------------ in-place (not differentiable)

    private void checkInPlace(String op) {
        if (GradMode.isEnabled() && requiresGrad && node == null) {
            throw new IllegalStateException(op + ": a leaf tensor that requires grad cannot be modified in place "
                    + "while grad mode is on; wrap the update in GradMode.noGrad()");
        }
    }

    /** Copies {@code src} (broadcast to this shape, same dtype or converted) into this tensor's elements. */
    public Tensor copy_(Tensor src) {
        checkInPlace("copy_");
        Tensor s = src.expandTo("copy_", shape);
        if (s.storage == storage && (s.offset != offset || !Arrays.equals(s.strides, strides))) {
            s = s.detach().copy();   // an overlapping view (x.copy_(x.t())) must be read before it is overwritten
        }
        backend().copy(shape, s.storage, s.offset, s.strides, storage, offset, strides);
        storage.bumpVersion();
        return this;
    }

    public Tensor fill_(double value) {
        checkInPlace("fill_");
        if (isContiguous()) {
            backend().fill(storage, offset, numel, value);
        } else {
            copy_(full(value, dtype(), shape).toBackend(backend()));
            return this;
        }
        storage.bumpVersion();
        return this;
    }

    public Tensor zero_() {
        return fill_(0.0);
    }

    /** {@code this += alpha * other} (other broadcast to this shape). */
    public Tensor add_(Tensor other, double alpha) {
        checkInPlace("add_");
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            addInPlace(alpha == 1.0 ? other : other.mul(alpha));
        }
        return this;
    }

    /** {@code this += other} without recording; one kernel pass when this tensor is contiguous. */
    void addInPlace(Tensor other) {
        TensorOps.requireSameDtype("add_", this, other);
        Tensor o = other.expandTo("add_", shape);
        boolean overlapsDifferently = o.storage == storage
                && (o.offset != offset || !Arrays.equals(o.strides, strides));
        if (isContiguous() && !overlapsDifferently) {
            // the binary kernel may write over an input with the same dense layout (see Backend#binary); a
            // differently laid-out view of the same storage (x.add_(x.t())) would be read after being written
            backend().binary(BinaryOp.ADD, shape, storage, offset, strides, o.storage, o.offset, o.strides,
                    storage, offset);
        } else {
            Tensor sum;
            try (GradMode.Scope ignored = GradMode.noGrad()) {
                sum = add(o);
            }
            backend().copy(shape, sum.storage, sum.offset, sum.strides, storage, offset, strides);
        }
        storage.bumpVersion();
    }

    public Tensor add_(Tensor other) {
        return add_(other, 1.0);
    }

    public Tensor mul_(double factor) {
        checkInPlace("mul_");
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            Tensor p = mul(factor);
            backend().copy(shape, p.storage, p.offset, p.strides, storage, offset, strides);
        }
        storage.bumpVersion();
        return this;
    }

    Tensor expandTo(String op, int[] target) {
        if (Arrays.equals(shape, target)) {
            return this;
        }
        int[] b = Shapes.broadcast(op, shape, target);
        if (!Arrays.equals(b, target)) {
            throw new IllegalArgumentException(op + ": shape " + Shapes.str(shape) + " cannot be broadcast to "
                    + Shapes.str(target));
        }
        return expand(target);
    }

    // ------------------------------------------------------------------ element-wise math

    public Tensor neg() {
        return TensorOps.unary(this, UnaryOp.NEG, 0, 0);
    }

    public Tensor abs() {
        return TensorOps.unary(this, UnaryOp.ABS, 0, 0);
    }

    public Tensor sign() {
        return TensorOps.unary(this, UnaryOp.SIGN, 0, 0);
    }

    public Tensor exp() {
        return TensorOps.unary(this, UnaryOp.EXP, 0, 0);
    }

    public Tensor log() {
        return TensorOps.unary(this, UnaryOp.LOG, 0, 0);
    }

    public Tensor sqrt() {
        return TensorOps.unary(this, UnaryOp.SQRT, 0, 0);
    }

    public Tensor rsqrt() {
        return TensorOps.unary(this, UnaryOp.RSQRT, 0, 0);
    }

    public Tensor pow(double exponent) {
        return TensorOps.unary(this, UnaryOp.POW, exponent, 0);
    }

    public Tensor tanh() {
        return TensorOps.unary(this, UnaryOp.TANH, 0, 0);
    }

    public Tensor sigmoid() {
        return TensorOps.unary(this, UnaryOp.SIGMOID, 0, 0);
    }

    public Tensor relu() {
        return TensorOps.unary(this, UnaryOp.RELU, 0, 0);
    }

    /** GELU, exact (erf) form as PyTorch's default. */
    public Tensor gelu() {
        return TensorOps.unary(this, UnaryOp.GELU_ERF, 0, 0);
    }

    /** GELU, tanh approximation ({@code approximate='tanh'}). */
    public Tensor geluTanh() {
        return TensorOps.unary(this, UnaryOp.GELU_TANH, 0, 0);
    }

    /** Clamps into {@code [min, max]}; pass ±infinity for a one-sided clamp. */
    public Tensor clamp(double min, double max) {
        if (min > max) {
            throw new IllegalArgumentException("clamp: min " + min + " is greater than max " + max);
        }
        return TensorOps.unary(this, UnaryOp.CLAMP, min, max);
    }

    public Tensor add(Tensor other) {
        return TensorOps.binary(this, other, BinaryOp.ADD);
    }

    public Tensor sub(Tensor other) {
        return TensorOps.binary(this, other, BinaryOp.SUB);
    }

    public Tensor mul(Tensor other) {
        return TensorOps.binary(this, other, BinaryOp.MUL);
    }

    public Tensor div(Tensor other) {
        return TensorOps.binary(this, other, BinaryOp.DIV);
    }

    public Tensor maximum(Tensor other) {
        return TensorOps.binary(this, other, BinaryOp.MAX);
    }

    public Tensor minimum(Tensor other) {
        return TensorOps.binary(this, other, BinaryOp.MIN);
    }

    public Tensor add(double value) {
        return TensorOps.unary(this, UnaryOp.AFFINE, 1.0, value);
    }

    public Tensor sub(double value) {
        return TensorOps.unary(this, UnaryOp.AFFINE, 1.0, -value);
    }

    public Tensor mul(double value) {
        return TensorOps.unary(this, UnaryOp.AFFINE, value, 0.0);
    }

    public Tensor div(double value) {
        return TensorOps.unary(this, UnaryOp.AFFINE, 1.0 / value, 0.0);
    }

    public Tensor eq(Tensor other) {
        return TensorOps.binary(this, other, BinaryOp.EQ);
    }

    public Tensor ne(Tensor other) {
        return TensorOps.binary(this, other, BinaryOp.NE);
    }

    public Tensor lt(Tensor other) {
        return TensorOps.binary(this, other, BinaryOp.LT);
    }

    public Tensor le(Tensor other) {
        return TensorOps.binary(this, other, BinaryOp.LE);
    }

    public Tensor gt(Tensor other) {
        return TensorOps.binary(this, other, BinaryOp.GT);
    }

    public Tensor ge(Tensor other) {
        return TensorOps.binary(this, other, BinaryOp.GE);
    }

    public Tensor eq(double value) {
        return eq(scalar(value, dtype()).toBackend(backend()));
    }

    public Tensor lt(double value) {
        return lt(scalar(value, dtype()).toBackend(backend()));
    }

    public Tensor gt(double value) {
        return gt(scalar(value, dtype()).toBackend(backend()));
    }

    public Tensor le(double value) {
        return le(scalar(value, dtype()).toBackend(backend()));
    }

    public Tensor ge(double value) {
        return ge(scalar(value, dtype()).toBackend(backend()));
    }

    /** {@code cond != 0 ? a : b} element-wise with broadcasting; differentiable in {@code a} and {@code b}. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        return TensorOps.where(cond, a, b);
    }

    // ------------------------------------------------------------------ reductions

    /** Sum of all elements (0-d). */
    public Tensor sum() {
        return TensorOps.reduceAll(this, ReduceOp.SUM, false);
    }

    public Tensor sum(int dim, boolean keepdim) {
        return TensorOps.sum(this, new int[] {dim}, keepdim, false);
    }

    public Tensor sum(int[] dims, boolean keepdim) {
        return TensorOps.sum(this, dims, keepdim, false);
    }

    public Tensor mean() {
        return TensorOps.reduceAll(this, ReduceOp.SUM, true);
    }

    public Tensor mean(int dim, boolean keepdim) {
        return TensorOps.sum(this, new int[] {dim}, keepdim, true);
    }

    public Tensor mean(int[] dims, boolean keepdim) {
        return TensorOps.sum(this, dims, keepdim, true);
    }

    /** Maximum of all elements (0-d); the gradient is shared evenly among ties, as in PyTorch. */
    public Tensor max() {
        return TensorOps.reduceAll(this, ReduceOp.MAX, false);
    }

    public Tensor min() {
        return TensorOps.reduceAll(this, ReduceOp.MIN, false);
    }

    /** Values and I64 indices of the maximum along {@code dim}. */
    public ValuesIndices max(int dim, boolean keepdim) {
        return TensorOps.argReduce(this, ReduceOp.MAX, dim, keepdim);
    }

    public ValuesIndices min(int dim, boolean keepdim) {
        return TensorOps.argReduce(this, ReduceOp.MIN, dim, keepdim);
    }

    /** I64 index of the first maximum along {@code dim}. */
    public Tensor argmax(int dim, boolean keepdim) {
        return TensorOps.argReduce(this, ReduceOp.MAX, dim, keepdim).indices();
    }

    public Tensor argmin(int dim, boolean keepdim) {
        return TensorOps.argReduce(this, ReduceOp.MIN, dim, keepdim).indices();
    }

    /** Variance along {@code dim}; {@code correction} 1 = unbiased (PyTorch default), 0 = biased. */
    public Tensor var(int dim, boolean keepdim, int correction) {
        return TensorOps.var(this, new int[] {dim}, keepdim, correction);
    }

    public Tensor var(int[] dims, boolean keepdim, int correction) {
        return TensorOps.var(this, dims, keepdim, correction);
    }

    /** Unbiased variance of all elements. */
    public Tensor var() {
        int[] all = new int[shape.length];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return TensorOps.var(this, all, false, 1);
    }

    /** The result of a max/min along a dim. */
    public record ValuesIndices(Tensor values, Tensor indices) {
    }

    // ------------------------------------------------------------------ linear algebra, normalisation

    /** {@code torch.matmul}: 1-D, 2-D and batched operands with broadcast batch dims. */
    public Tensor matmul(Tensor other) {
        return TensorOps.matmul(this, other);
    }

    /**
     * {@code this Wᵀ + bias} (PyTorch's {@code F.linear}): {@code weight (out, in)}, {@code bias (out)} or null,
     * this {@code (..., in)} → {@code (..., out)}. One fused op: the same values as {@code matmul(weight.t())
     * .add(bias)} without the second pass, and the weight gradient in the weight's own layout.
     */
    public Tensor linear(Tensor weight, Tensor bias) {
        return TensorOps.linear(this, weight, bias);
    }

    /**
     * {@code gelu(linear(weight, bias))} (erf GELU): the same values and gradients as the two ops; without a graph
     * to record the GELU runs in the GEMM epilogue instead of as a second pass over a fresh output.
     */
    public Tensor linearGelu(Tensor weight, Tensor bias) {
        return TensorOps.linear(this, weight, bias, UnaryOp.GELU_ERF);
    }

    /**
     * {@code linear(weight, bias).add(residual)}: a post-LN block's {@code dense(x) + x}. Recorded it is exactly
     * the two ops; without a graph, and for a contiguous residual of the output's shape, the residual is added in
     * the GEMM epilogue (no second pass, no intermediate tensor).
     */
    public Tensor linearAdd(Tensor weight, Tensor bias, Tensor residual) {
        return TensorOps.linear(this, weight, bias, residual, null);
    }

    /** {@code relu(linear(weight, bias))}, fused as {@link #linearGelu} is. */
    public Tensor linearRelu(Tensor weight, Tensor bias) {
        return TensorOps.linear(this, weight, bias, UnaryOp.RELU);
    }

    public Tensor softmax(int dim) {
        return TensorOps.softmax(this, dim, false);
    }

    public Tensor logSoftmax(int dim) {
        return TensorOps.softmax(this, dim, true);
    }

    /**
     * Layer normalisation over the trailing dims matching {@code weight}'s shape (or the last dim when
     * {@code weight} is null), with biased variance and {@code eps} inside the square root.
     */
    public Tensor layerNorm(Tensor weight, Tensor bias, double eps) {
        int normalizedDims = weight != null ? weight.dim() : bias != null ? bias.dim() : 1;
        return TensorOps.layerNorm(this, normalizedDims, weight, bias, eps);
    }

    /** Layer normalisation over the last {@code normalizedDims} dims. */
    public Tensor layerNorm(int normalizedDims, Tensor weight, Tensor bias, double eps) {
        return TensorOps.layerNorm(this, normalizedDims, weight, bias, eps);
    }

    // ------------------------------------------------------------------ joining, splitting, indexing

    public static Tensor cat(List<Tensor> tensors, int dim) {
        return TensorOps.cat(tensors, dim);
    }

    public static Tensor stack(List<Tensor> tensors, int dim) {
        return TensorOps.stack(tensors, dim);
    }

    /** Views of consecutive pieces of {@code splitSize} along {@code dim} (the last may be shorter). */
    public List<Tensor> split(int splitSize, int dim) {
        return TensorOps.split(this, splitSize, dim);
    }

    /** Views of pieces with the given sizes along {@code dim}; the sizes must add up to the dim's size. */
    public List<Tensor> split(int[] sizes, int dim) {
        return TensorOps.split(this, sizes, dim);
    }

    /** Rows {@code index[j]} of dim {@code dim} (index: 1-D I32/I64), e.g. an embedding lookup. */
    public Tensor indexSelect(int dim, Tensor index) {
        return TensorOps.indexSelect(this, dim, index);
    }

    /** {@code out[i] = this[i with i[dim] = index[i]]} (index: same rank, I32/I64). */
    public Tensor gather(int dim, Tensor index) {
        return TensorOps.gather(this, dim, index);
    }

    /** A copy of this tensor with {@code src[i]} added at {@code [i with i[dim] = index[i]]}. */
    public Tensor scatterAdd(int dim, Tensor index, Tensor src) {
        return TensorOps.scatterAdd(this, dim, index, src);
    }

    /**
     * Inverted dropout: zeroes each element with probability {@code p} and scales the rest by {@code 1/(1-p)};
     * the identity when not training. The mask comes from {@code rng}, so a seeded generator repeats exactly.
     */
    public Tensor dropout(double p, boolean training, RandomGenerator rng) {
        return TensorOps.dropout(this, p, training, rng);
    }

    public Tensor dropout(double p, boolean training, long seed) {
        return TensorOps.dropout(this, p, training, new SplittableRandom(seed));
    }
}
