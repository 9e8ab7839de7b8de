package dev.limbic.tensor;

import dev.limbic.tensor.backend.Backend;
import dev.limbic.tensor.backend.BinaryOp;
import dev.limbic.tensor.backend.ReduceOp;
import dev.limbic.tensor.backend.UnaryOp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Forward implementations of the tensor ops: argument checks with clear messages, layout handling (views,
 * broadcasting, contiguity), one backend call, and the autograd record pointing at a rule in {@link Derivatives}.
 */
final class TensorOps {
    private TensorOps() {
    }

    private static final Tensor[] NONE = new Tensor[0];

    static String opName(UnaryOp op) {
        return op.name().toLowerCase(java.util.Locale.ROOT);
    }

    static String opName(BinaryOp op) {
        return op.name().toLowerCase(java.util.Locale.ROOT);
    }

    static String opName(ReduceOp op) {
        return op.name().toLowerCase(java.util.Locale.ROOT);
    }

    static void requireSameDtype(String op, Tensor a, Tensor b) {
        if (a.backend() != b.backend()) {
            throw new IllegalArgumentException(op + ": operands live on different backends (" + a.backend().name()
                    + " and " + b.backend().name() + "); move one with toBackend()");
        }
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": dtype mismatch, " + a.dtype() + " " + Shapes.str(a.shapeRef())
                    + " vs " + b.dtype() + " " + Shapes.str(b.shapeRef()) + "; convert one with to(DType)");
        }
    }

    // ------------------------------------------------------------------ element-wise

    static Tensor unary(Tensor x, UnaryOp op, double alpha, double beta) {
        String name = opName(op);
        if (!x.dtype().isFloating() && op != UnaryOp.NEG && op != UnaryOp.ABS && op != UnaryOp.AFFINE
                && op != UnaryOp.SIGN && op != UnaryOp.CLAMP) {
            throw new IllegalArgumentException(name + " needs a floating tensor, got " + x.dtype());
        }
        Tensor xc = x.contiguous();
        Backend be = xc.backend();
        Tensor y = Tensor.emptyLike(be, x.dtype(), x.shapeRef());
        be.unary(op, xc.storage(), xc.offset(), y.storage(), 0, x.numel(), alpha, beta);
        boolean savesOutput = op == UnaryOp.EXP || op == UnaryOp.TANH || op == UnaryOp.SIGMOID
                || op == UnaryOp.SQRT || op == UnaryOp.RSQRT;
        Tensor[] saved = savesOutput ? new Tensor[] {xc, y.detach()} : new Tensor[] {xc, null};
        return Autograd.record(y, name, new Tensor[] {x}, saved,
                (g, s) -> new Tensor[] {Derivatives.unary(op, s[0], s[1], g, alpha, beta)});
    }

    static Tensor binary(Tensor a, Tensor b, BinaryOp op) {
        String name = opName(op);
        requireSameDtype(name, a, b);
        int[] shape = Shapes.broadcast(name, a.shapeRef(), b.shapeRef());
        Tensor ae = a.expandTo(name, shape);
        Tensor be2 = b.expandTo(name, shape);
        Backend be = a.backend();
        Tensor out = Tensor.emptyLike(be, a.dtype(), shape);
        be.binary(op, shape, ae.storage(), ae.offset(), ae.stridesRef(), be2.storage(), be2.offset(),
                be2.stridesRef(), out.storage(), 0);
        if (op.isComparison()) {
            return out;
        }
        Tensor[] saved = switch (op) {
            case ADD, SUB -> NONE;
            case MUL -> new Tensor[] {a, b};
            case DIV -> new Tensor[] {a, b, out.detach()};
            default -> new Tensor[] {a, b};
        };
        int[] aShape = a.shapeRef();
        int[] bShape = b.shapeRef();
        return Autograd.record(out, name, new Tensor[] {a, b}, saved,
                (g, s) -> Derivatives.binary(op, g, s, aShape, bShape));
    }

    static Tensor where(Tensor cond, Tensor a, Tensor b) {
        requireSameDtype("where", a, b);
        int[] shape = Shapes.broadcast("where", Shapes.broadcast("where", cond.shapeRef(), a.shapeRef()), b.shapeRef());
        Tensor c = cond.expandTo("where", shape);
        Tensor ae = a.expandTo("where", shape);
        Tensor bb = b.expandTo("where", shape);
        Backend be = a.backend();
        Tensor out = Tensor.emptyLike(be, a.dtype(), shape);
        be.where(shape, c.storage(), c.offset(), c.stridesRef(), ae.storage(), ae.offset(), ae.stridesRef(),
                bb.storage(), bb.offset(), bb.stridesRef(), out.storage(), 0);
        int[] aShape = a.shapeRef();
        int[] bShape = b.shapeRef();
        return Autograd.record(out, "where", new Tensor[] {a, b}, new Tensor[] {cond.detach()},
                (g, s) -> Derivatives.where(g, s[0], aShape, bShape));
    }

    /** Sums {@code g} over the dims that broadcasting expanded, so it gets {@code shape}. */
    static Tensor sumToShape(Tensor g, int[] shape) {
        int[] gs = g.shapeRef();
        if (Arrays.equals(gs, shape)) {
            return g;
        }
        int lead = gs.length - shape.length;
        List<Integer> dims = new ArrayList<>();
        for (int d = 0; d < gs.length; d++) {
            if (d < lead || (shape[d - lead] == 1 && gs[d] != 1)) {
                dims.add(d);
            }
        }
        Tensor r = dims.isEmpty() ? g : sum(g, dims.stream().mapToInt(Integer::intValue).toArray(), true, false);
        return r.reshape(shape);
    }

    /** Gradient of narrow: zeros of the input shape with {@code g} in the narrowed window. */
    static Tensor narrowBackward(Tensor g, int[] inShape, int dim, int start) {
        Tensor out = Tensor.emptyLike(g.backend(), g.dtype(), inShape);
        int[] outStrides = out.stridesRef();
        g.backend().copy(g.shapeRef(), g.storage(), g.offset(), g.stridesRef(), out.storage(),
                start * outStrides[dim], outStrides);
        return out;
    }

    // ------------------------------------------------------------------ reductions

    static Tensor reduceAll(Tensor x, ReduceOp op, boolean mean) {
        String name = mean ? "mean" : opName(op);
        if (op != ReduceOp.SUM && x.numel() == 0) {
            throw new IllegalArgumentException(name + "(): the tensor is empty (shape " + Shapes.str(x.shapeRef())
                    + "), which has no " + name);
        }
        Tensor xc = x.contiguous();
        Backend be = xc.backend();
        Tensor out = Tensor.emptyLike(be, x.dtype(), new int[0]);
        be.reduce(op, xc.storage(), xc.offset(), 1, x.numel(), 1, out.storage(), 0);
        if (mean) {
            try (GradMode.Scope ignored = GradMode.noGrad()) {
                out = out.mul(1.0 / x.numel());
            }
        }
        int[] inShape = x.shapeRef();
        int count = x.numel();
        if (op == ReduceOp.SUM) {
            return Autograd.record(out, name, new Tensor[] {x}, NONE,
                    (g, s) -> new Tensor[] {Derivatives.sumAll(g, inShape, mean ? 1.0 / count : 1.0)});
        }
        return Autograd.record(out, name, new Tensor[] {x}, new Tensor[] {x, out.detach()},
                (g, s) -> new Tensor[] {Derivatives.extremeAll(g, s[0], s[1])});
    }

    static int[] normalizeDims(String op, int[] dims, int rank) {
        int[] out = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            out[i] = Shapes.dim(op, dims[i], rank);
            for (int j = 0; j < i; j++) {
                if (out[j] == out[i]) {
                    throw new IllegalArgumentException(op + ": dim " + dims[i] + " appears twice in "
                            + Arrays.toString(dims));
                }
            }
        }
        Arrays.sort(out);
        return out;
    }

    static Tensor sum(Tensor x, int[] dims, boolean keepdim, boolean mean) {
        String name = mean ? "mean" : "sum";
        int[] ds = normalizeDims(name, dims, x.dim());
        Tensor cur = x.contiguous();
        Backend be = cur.backend();
        int count = 1;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            for (int k = ds.length - 1; k >= 0; k--) {   // highest dim first: earlier dims keep their index
                int d = ds[k];
                int[] s = cur.shapeRef();
                int outer = sizeBefore(s, d);
                int inner = sizeAfter(s, d);
                count *= s[d];
                int[] os = s.clone();
                os[d] = 1;
                Tensor next = Tensor.emptyLike(be, x.dtype(), os);
                be.reduce(ReduceOp.SUM, cur.storage(), cur.offset(), outer, s[d], inner, next.storage(), 0);
                cur = next;
            }
            if (mean) {
                cur = cur.mul(1.0 / count);
            }
        }
        Tensor out = keepdim ? cur : cur.reshape(removeDims(cur.shapeRef(), ds));
        int[] inShape = x.shapeRef();
        double scale = mean ? 1.0 / count : 1.0;
        return Autograd.record(out, name, new Tensor[] {x}, NONE,
                (g, s) -> new Tensor[] {Derivatives.sumDims(g, inShape, ds, keepdim, scale)});
    }

    /** Product of the dims before {@code d}: the "outer" count of an {@code (outer, len, inner)} view. */
    static int sizeBefore(int[] shape, int d) {
        int n = 1;
        for (int i = 0; i < d; i++) {
            n *= shape[i];
        }
        return n;
    }

    /** Product of the dims after {@code d}: the "inner" count of an {@code (outer, len, inner)} view. */
    static int sizeAfter(int[] shape, int d) {
        int n = 1;
        for (int i = d + 1; i < shape.length; i++) {
            n *= shape[i];
        }
        return n;
    }

    static int[] removeDims(int[] shape, int[] sortedDims) {
        int[] out = new int[shape.length - sortedDims.length];
        for (int i = 0, j = 0, k = 0; i < shape.length; i++) {
            if (k < sortedDims.length && sortedDims[k] == i) {
                k++;
            } else {
                out[j++] = shape[i];
            }
        }
        return out;
    }

    static Tensor.ValuesIndices argReduce(Tensor x, ReduceOp op, int dim, boolean keepdim) {
        String name = op == ReduceOp.MAX ? "max" : "min";
        int d = Shapes.dim(name, dim, x.dim());
        int[] s = x.shapeRef();
        if (s[d] == 0) {
            throw new IllegalArgumentException(name + ": dim " + dim + " of shape " + Shapes.str(s)
                    + " is empty, which has no " + name);
        }
        Tensor xc = x.contiguous();
        Backend be = xc.backend();
        int outer = sizeBefore(s, d);
        int inner = sizeAfter(s, d);
        int[] os = s.clone();
        os[d] = 1;
        Tensor values = Tensor.emptyLike(be, x.dtype(), os);
        Tensor indices = Tensor.emptyLike(be, DType.I64, os);
        be.argReduce(op, xc.storage(), xc.offset(), outer, s[d], inner, values.storage(), 0, indices.storage(), 0);
        Tensor keptIndices = indices;
        if (!keepdim) {
            int[] squeezed = removeDims(os, new int[] {d});
            values = values.reshape(squeezed);
            indices = indices.reshape(squeezed);
        }
        int[] inShape = s;
        values = Autograd.record(values, name, new Tensor[] {x}, new Tensor[] {keptIndices},
                (g, sv) -> new Tensor[] {Derivatives.indexedExtreme(g, sv[0], inShape, d)});
        return new Tensor.ValuesIndices(values, indices);
    }

    static Tensor var(Tensor x, int[] dims, boolean keepdim, int correction) {
        Tensor.requireFloating("var", x.dtype());
        int[] ds = normalizeDims("var", dims, x.dim());
        int count = 1;
        for (int d : ds) {
            count *= x.shapeRef()[d];
        }
        if (count - correction <= 0) {
            throw new IllegalArgumentException("var: " + count + " elements with correction " + correction
                    + " leaves no degrees of freedom");
        }
        // two-pass composite: (x - mean)^2 summed, so autograd differentiates it with no extra rule
        Tensor centered = x.sub(sum(x, ds, true, true));
        Tensor sq = centered.mul(centered);
        return sum(sq, ds, keepdim, false).mul(1.0 / (count - correction));
    }

    // ------------------------------------------------------------------ matmul

    static Tensor matmul(Tensor a, Tensor b) {
        requireSameDtype("matmul", a, b);
        Tensor.requireFloating("matmul", a.dtype());
        if (a.dim() == 0 || b.dim() == 0) {
            throw new IllegalArgumentException("matmul: both operands need at least 1 dim, got shapes "
                    + Shapes.str(a.shapeRef()) + " and " + Shapes.str(b.shapeRef()));
        }
        boolean aVec = a.dim() == 1;
        boolean bVec = b.dim() == 1;
        Tensor out;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            Tensor a2 = aVec ? a.unsqueeze(0) : a;
            Tensor b2 = bVec ? b.unsqueeze(1) : b;
            out = matmulNd(a2, b2);
            if (aVec) {
                out = out.squeeze(-2);
            }
            if (bVec) {
                out = out.squeeze(-1);
            }
        }
        return Autograd.record(out, "matmul", new Tensor[] {a, b}, new Tensor[] {a, b},
                (g, s) -> Derivatives.matmul(g, s[0], s[1]));
    }

    /**
     * {@code x Wᵀ + b} (PyTorch's {@code F.linear}) as one op: the bias is written into the output first and the
     * product accumulated onto it (no second pass, no second buffer), and backward computes {@code dW = gᵀ x} in
     * W's own {@code (out, in)} layout (the {@code matmul(w.t())} form produces it transposed, which then costs a
     * strided copy when the weight adopts it).
     */
    static Tensor linear(Tensor x, Tensor w, Tensor b) {
        return linear(x, w, b, null, null);
    }

    static Tensor linear(Tensor x, Tensor w, Tensor b, UnaryOp act) {
        return linear(x, w, b, null, act);
    }

    /**
     * {@code act(x Wᵀ + b)} for a parameterless element-wise {@code act} (null: none). Recorded for autograd it is
     * exactly {@code linear} followed by the unary op (two nodes, the usual gradients); when no graph is recorded
     * the backend applies {@code act} in the GEMM epilogue, while each output block is still in cache, and is told
     * that a weight which cannot change under this call (grad mode off, or a weight not requiring grad) is
     * likely multiplied again, so it may reuse a packed copy of it keyed on the storage's version.
     */
    static Tensor linear(Tensor x, Tensor w, Tensor b, Tensor residual, UnaryOp act) {
        if ((act != null || residual != null) && Autograd.needsGrad(x, w, b, residual)) {
            Tensor y = linear(x, w, b, null, null);
            y = residual == null ? y : y.add(residual);
            return act == null ? y : unary(y, act, 0, 0);
        }
        requireSameDtype("linear", x, w);
        Tensor.requireFloating("linear", x.dtype());
        if (w.dim() != 2) {
            throw new IllegalArgumentException("linear: weight must be 2-D (out, in), got shape "
                    + Shapes.str(w.shapeRef()));
        }
        int outF = w.shapeRef()[0];
        int inF = w.shapeRef()[1];
        if (x.dim() == 0 || x.shapeRef()[x.dim() - 1] != inF) {
            throw new IllegalArgumentException("linear: input shape " + Shapes.str(x.shapeRef()) + " must end in "
                    + inF + " (weight " + Shapes.str(w.shapeRef()) + ")");
        }
        if (b != null) {
            requireSameDtype("linear", x, b);
            if (b.dim() != 1 || b.shapeRef()[0] != outF) {
                throw new IllegalArgumentException("linear: bias shape " + Shapes.str(b.shapeRef()) + " must be ["
                        + outF + "] for weight " + Shapes.str(w.shapeRef()));
            }
        }
        int[] outShape = x.shape();
        outShape[outShape.length - 1] = outF;
        if (residual != null && (!residual.isContiguous() || !Arrays.equals(residual.shapeRef(), outShape)
                || residual.dtype() != x.dtype() || residual.backend() != x.backend())) {
            // broadcast, strided or foreign: the plain add handles (or rejects) it
            Tensor y = linear(x, w, b, null, null).add(residual);
            return act == null ? y : unary(y, act, 0, 0);
        }
        int rows = Shapes.numel(outShape) / Math.max(outF, 1);
        Tensor x2 = x.dim() == 1 ? x.detach().unsqueeze(0) : x;
        int rowStride = foldedRowStride(x2);
        if (rowStride < 0) {   // leading dims that do not fold into one row stride: pack them
            x2 = x2.detach().copy();
            rowStride = inF;
        }
        Backend be = x.backend();
        Tensor out = Tensor.emptyLike(be, x.dtype(), outShape);
        if (out.numel() > 0) {
            int[] xs = x2.stridesRef();
            int[] ws = w.stridesRef();
            // B = Wᵀ: element (p, j) is W[j, p]
            boolean weightReused = !(GradMode.isEnabled() && w.requiresGrad());
            be.linear(rows, outF, inF, x2.storage(), x2.offset(), rowStride, xs[xs.length - 1],
                    w.storage(), w.offset(), ws[0], ws[1], b == null ? null : b.storage(),
                    b == null ? 0 : b.offset(), b == null ? 0 : b.stridesRef()[0],
                    residual == null ? null : residual.storage(), residual == null ? 0 : residual.offset(), act,
                    weightReused, out.storage(), 0);
        }
        int rs = rowStride;
        int[] xShape = x.shapeRef();
        boolean[] wants = {x.requiresGrad(), w.requiresGrad(), b != null && b.requiresGrad()};
        Node.SinkRule rule = (g, s, sinks) -> Derivatives.linear(g, s[0], s[1], rs, rows, xShape, wants[0], wants[1],
                wants[2], sinks);
        return Autograd.record(out, "linear", new Tensor[] {x, w, b}, new Tensor[] {x2, w}, rule);
    }

    /** Both operands at least 2-D; batch dims broadcast. Not recorded. */
    static Tensor matmulNd(Tensor a, Tensor b) {
        int[] as = a.shapeRef();
        int[] bs = b.shapeRef();
        int m = as[as.length - 2];
        int k = as[as.length - 1];
        int kb = bs[bs.length - 2];
        int n = bs[bs.length - 1];
        if (k != kb) {
            throw new IllegalArgumentException("matmul: shapes " + Shapes.str(as) + " and " + Shapes.str(bs)
                    + " are incompatible (inner dims " + k + " vs " + kb + ")");
        }
        int[] aBatch = Arrays.copyOf(as, as.length - 2);
        int[] bBatch = Arrays.copyOf(bs, bs.length - 2);
        int[] batchShape = Shapes.broadcast("matmul", aBatch, bBatch);
        int batch = Shapes.numel(batchShape);
        int[] outShape = Arrays.copyOf(batchShape, batchShape.length + 2);
        outShape[batchShape.length] = m;
        outShape[batchShape.length + 1] = n;
        Backend be = a.backend();
        Tensor out = Tensor.emptyLike(be, a.dtype(), outShape);
        if (out.numel() == 0) {
            return out;
        }
        // fold (B..., M, K) @ (K, N) into one (B*M, K) @ (K, N) product when A's rows are uniformly strided
        if (bBatch.length == 0 && aBatch.length > 0) {
            int rowStride = foldedRowStride(a);
            if (rowStride >= 0) {
                int[] st = a.stridesRef();
                be.matmul(1, batch * m, n, k, a.storage(), a.offset(), 0, rowStride, st[st.length - 1],
                        b.storage(), b.offset(), 0, b.stridesRef()[0], b.stridesRef()[1],
                        out.storage(), 0, 0, n, false);
                return out;
            }
        }
        int[] aFull = Arrays.copyOf(batchShape, batchShape.length + 2);
        aFull[batchShape.length] = m;
        aFull[batchShape.length + 1] = k;
        int[] bFull = Arrays.copyOf(batchShape, batchShape.length + 2);
        bFull[batchShape.length] = k;
        bFull[batchShape.length + 1] = n;
        Tensor ae = a.expand(aFull);
        Tensor bexp = b.expand(bFull);
        int nb = batchShape.length;
        // Batch dims that share one stride per operand run as one backend call; dims before them (a permuted
        // (B, H, T, d) head view has two batch strides) are looped here instead of copying the operand
        int split = Math.max(uniformBatchStart(ae, nb), uniformBatchStart(bexp, nb));
        int outer = sizeBefore(batchShape, split);
        int inner = batch / Math.max(outer, 1);
        if (outer > 1 && inner < 4 && outer > 64) {
            // many tiny calls would lose the backend's batch parallelism: pack the strided operands instead
            if (uniformBatchStart(ae, nb) > 0) {
                ae = ae.copy();
            }
            if (uniformBatchStart(bexp, nb) > 0) {
                bexp = bexp.copy();
            }
            split = 0;
            outer = 1;
            inner = batch;
        }
        int aBs = batchStrideFrom(ae, split, nb);
        int bBs = batchStrideFrom(bexp, split, nb);
        int[] sa = ae.stridesRef();
        int[] sb = bexp.stridesRef();
        int r = sa.length;
        int[] idx = new int[split];
        for (int o = 0; o < outer; o++) {
            int aOff = ae.offset();
            int bOff = bexp.offset();
            for (int d = 0; d < split; d++) {
                aOff += idx[d] * sa[d];
                bOff += idx[d] * sb[d];
            }
            be.matmul(inner, m, n, k, ae.storage(), aOff, aBs, sa[r - 2], sa[r - 1],
                    bexp.storage(), bOff, bBs, sb[r - 2], sb[r - 1], out.storage(), o * inner * m * n, m * n, n,
                    false);
            for (int d = split - 1; d >= 0; d--) {   // next outer multi-index, last dim fastest
                if (++idx[d] < batchShape[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return out;
    }

    /** Row stride if all of A's leading dims and its row dim collapse into one uniformly strided dim, else -1. */
    static int foldedRowStride(Tensor a) {
        int[] s = a.shapeRef();
        int[] st = a.stridesRef();
        int r = s.length;
        int stride = st[r - 2];
        int expected = stride * s[r - 2];
        for (int d = r - 3; d >= 0; d--) {
            if (s[d] != 1 && st[d] != expected) {
                return -1;
            }
            expected *= s[d];
        }
        return stride;
    }

    /**
     * The first of the {@code nb} batch dims from which on the batch dims collapse into one uniformly strided
     * dim (size-1 dims ignored); 0 when all of them do. The innermost batch dim always collapses on its own.
     */
    private static int uniformBatchStart(Tensor t, int nb) {
        int[] s = t.shapeRef();
        int[] st = t.stridesRef();
        long expected = -1;   // stride the next outer non-trivial dim needs to continue the run
        for (int d = nb - 1; d >= 0; d--) {
            if (s[d] == 1) {
                continue;
            }
            if (expected >= 0 && st[d] != expected) {
                return d + 1;
            }
            expected = (long) st[d] * s[d];
        }
        return 0;
    }

    /** The stride between consecutive matrices over batch dims {@code [from, nb)}, which must collapse. */
    private static int batchStrideFrom(Tensor t, int from, int nb) {
        int[] s = t.shapeRef();
        int[] st = t.stridesRef();
        for (int d = nb - 1; d >= from; d--) {
            if (s[d] != 1) {
                return st[d];
            }
        }
        return 0;
    }

    // ------------------------------------------------------------------ softmax, layer norm

    static Tensor softmax(Tensor x, int dim, boolean log) {
        String name = log ? "log_softmax" : "softmax";
        Tensor.requireFloating(name, x.dtype());
        int d = Shapes.dim(name, dim, Math.max(1, x.dim()));
        if (x.dim() == 0) {
            return softmax(x.reshape(1), 0, log).reshape();
        }
        int last = x.dim() - 1;
        if (d != last) {
            return softmax(x.transpose(d, last), last, log).transpose(d, last);
        }
        Tensor xc = x.contiguous();
        Backend be = xc.backend();
        int cols = x.shapeRef()[last];
        int rows = cols == 0 ? 0 : x.numel() / cols;
        Tensor y = Tensor.emptyLike(be, x.dtype(), x.shapeRef());
        be.softmax(log, xc.storage(), xc.offset(), y.storage(), 0, rows, cols);
        return Autograd.record(y, name, new Tensor[] {x}, new Tensor[] {y.detach()},
                (g, s) -> new Tensor[] {Derivatives.softmax(g, s[0], log, rows, cols)});
    }

    static Tensor layerNorm(Tensor x, int normalizedDims, Tensor weight, Tensor bias, double eps) {
        Tensor.requireFloating("layer_norm", x.dtype());
        if (normalizedDims < 1 || normalizedDims > x.dim()) {
            throw new IllegalArgumentException("layer_norm: cannot normalise the last " + normalizedDims
                    + " dims of a tensor of shape " + Shapes.str(x.shapeRef()));
        }
        if (!(eps >= 0)) {
            throw new IllegalArgumentException("layer_norm: eps must be >= 0, got " + eps);
        }
        int[] xs = x.shapeRef();
        int[] normShape = Arrays.copyOfRange(xs, xs.length - normalizedDims, xs.length);
        for (Tensor p : new Tensor[] {weight, bias}) {
            if (p != null) {
                requireSameDtype("layer_norm", x, p);
                if (!Arrays.equals(p.shapeRef(), normShape)) {
                    throw new IllegalArgumentException("layer_norm: weight/bias shape " + Shapes.str(p.shapeRef())
                            + " must equal the normalised shape " + Shapes.str(normShape) + " of input "
                            + Shapes.str(xs));
                }
            }
        }
        int cols = Shapes.numel(normShape);
        int rows = cols == 0 ? 0 : x.numel() / cols;
        Tensor xc = x.contiguous();
        Tensor wc = weight == null ? null : weight.contiguous();
        Tensor bc = bias == null ? null : bias.contiguous();
        Backend be = xc.backend();
        Tensor y = Tensor.emptyLike(be, x.dtype(), xs);
        Tensor mean = Tensor.emptyLike(be, x.dtype(), new int[] {rows});
        Tensor rstd = Tensor.emptyLike(be, x.dtype(), new int[] {rows});
        if (wc != null && wc.offset() != 0 || bc != null && bc.offset() != 0) {
            wc = wc == null ? null : wc.copy();
            bc = bc == null ? null : bc.copy();
        }
        be.layerNorm(xc.storage(), xc.offset(), wc == null ? null : wc.storage(), bc == null ? null : bc.storage(),
                y.storage(), 0, mean.storage(), rstd.storage(), rows, cols, eps);
        Tensor[] inputs = {x, weight, bias};
        Tensor[] saved = {xc, wc, mean, rstd};
        boolean hasW = weight != null;
        boolean hasB = bias != null;
        return Autograd.record(y, "layer_norm", inputs, saved,
                (g, s) -> Derivatives.layerNorm(g, s[0], s[1], s[2], s[3], xs, normShape, rows, cols, hasW, hasB));
    }

    // ------------------------------------------------------------------ joining, splitting

    static Tensor cat(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("cat: needs at least one tensor");
        }
        Tensor first = tensors.get(0);
        int d = Shapes.dim("cat", dim, first.dim());
        int[] outShape = first.shape();
        int total = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            requireSameDtype("cat", first, t);
            if (t.dim() != first.dim()) {
                throw new IllegalArgumentException("cat: tensor " + i + " has shape " + Shapes.str(t.shapeRef())
                        + " but tensor 0 has shape " + Shapes.str(first.shapeRef()) + " (ranks differ)");
            }
            for (int k = 0; k < outShape.length; k++) {
                if (k != d && t.shapeRef()[k] != outShape[k]) {
                    throw new IllegalArgumentException("cat: tensor " + i + " has shape " + Shapes.str(t.shapeRef())
                            + ", tensor 0 has " + Shapes.str(first.shapeRef()) + "; all dims but " + d + " must match");
                }
            }
            total += t.shapeRef()[d];
        }
        outShape[d] = total;
        Backend be = first.backend();
        Tensor out = Tensor.emptyLike(be, first.dtype(), outShape);
        int[] os = out.stridesRef();
        int start = 0;
        int[] sizes = new int[tensors.size()];
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            be.copy(t.shapeRef(), t.storage(), t.offset(), t.stridesRef(), out.storage(), start * os[d], os);
            sizes[i] = t.shapeRef()[d];
            start += sizes[i];
        }
        return Autograd.record(out, "cat", tensors.toArray(new Tensor[0]), NONE,
                (g, s) -> Derivatives.cat(g, d, sizes));
    }

    static Tensor stack(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("stack: needs at least one tensor");
        }
        int d = Shapes.dim("stack", dim, tensors.get(0).dim() + 1);
        List<Tensor> expanded = new ArrayList<>(tensors.size());
        int[] shape0 = tensors.get(0).shapeRef();
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            if (!Arrays.equals(t.shapeRef(), shape0)) {
                throw new IllegalArgumentException("stack: tensor " + i + " has shape " + Shapes.str(t.shapeRef())
                        + " but tensor 0 has shape " + Shapes.str(shape0) + "; stack needs equal shapes");
            }
            expanded.add(t.unsqueeze(d));
        }
        return cat(expanded, d);
    }

    static List<Tensor> split(Tensor x, int splitSize, int dim) {
        int d = Shapes.dim("split", dim, x.dim());
        if (splitSize <= 0) {
            throw new IllegalArgumentException("split: size must be positive, got " + splitSize);
        }
        int len = x.shapeRef()[d];
        List<Tensor> parts = new ArrayList<>();
        for (int start = 0; start < len; start += splitSize) {
            parts.add(x.narrow(d, start, Math.min(splitSize, len - start)));
        }
        if (len == 0) {
            parts.add(x);
        }
        return parts;
    }

    static List<Tensor> split(Tensor x, int[] sizes, int dim) {
        int d = Shapes.dim("split", dim, x.dim());
        int total = 0;
        for (int s : sizes) {
            if (s < 0) {
                throw new IllegalArgumentException("split: negative size in " + Arrays.toString(sizes));
            }
            total += s;
        }
        if (total != x.shapeRef()[d]) {
            throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " add up to " + total
                    + " but dim " + d + " of shape " + Shapes.str(x.shapeRef()) + " has size " + x.shapeRef()[d]);
        }
        List<Tensor> parts = new ArrayList<>();
        int start = 0;
        for (int s : sizes) {
            parts.add(x.narrow(d, start, s));
            start += s;
        }
        return parts;
    }

    // ------------------------------------------------------------------ indexing

    static void requireIndex(String op, Tensor index) {
        if (index.dtype() != DType.I64 && index.dtype() != DType.I32) {
            throw new IllegalArgumentException(op + ": index must be I64 or I32, got " + index.dtype());
        }
    }

    /** Fails with the position and value of the first index outside {@code [0, size)}. */
    static void checkIndexRange(String op, Tensor indexContiguous, int size, int dim) {
        HostStorage h = indexContiguous.backend().toHost(indexContiguous.storage());
        int off = indexContiguous.offset();
        for (int i = 0; i < indexContiguous.numel(); i++) {
            long v = h.getAsLong(off + i);
            if (v < 0 || v >= size) {
                throw new IndexOutOfBoundsException(op + ": index " + v + " (at flat position " + i
                        + ") is out of range for dim " + dim + " of size " + size);
            }
        }
    }

    static Tensor indexSelect(Tensor x, int dim, Tensor index) {
        requireIndex("index_select", index);
        if (index.dim() > 1) {
            throw new IllegalArgumentException("index_select: index must be 0-D or 1-D, got shape "
                    + Shapes.str(index.shapeRef()) + "; flatten it and reshape the result");
        }
        int d = Shapes.dim("index_select", dim, Math.max(1, x.dim()));
        Tensor idx = index.contiguous();
        int[] xs = x.shapeRef();
        checkIndexRange("index_select", idx, xs[d], d);
        int outer = sizeBefore(xs, d);
        int inner = sizeAfter(xs, d);
        int n = idx.numel();
        int[] outShape = xs.clone();
        outShape[d] = n;
        Tensor xc = x.contiguous();
        Backend be = xc.backend();
        Tensor out = Tensor.emptyLike(be, x.dtype(), outShape);
        be.indexSelect(xc.storage(), xc.offset(), outer, xs[d], inner, idx.storage(), idx.offset(), n, out.storage(), 0);
        int o = outer;
        int in = inner;
        return Autograd.record(out, "index_select", new Tensor[] {x}, new Tensor[] {idx},
                (g, s) -> new Tensor[] {Derivatives.indexSelect(g, s[0], xs, d, o, in)});
    }

    static void checkGatherShapes(String op, Tensor x, int d, Tensor index) {
        if (index.dim() != x.dim()) {
            throw new IllegalArgumentException(op + ": index rank " + index.dim() + " (shape "
                    + Shapes.str(index.shapeRef()) + ") must equal the tensor's rank " + x.dim() + " (shape "
                    + Shapes.str(x.shapeRef()) + ")");
        }
        for (int k = 0; k < x.dim(); k++) {
            if (k != d && index.shapeRef()[k] > x.shapeRef()[k]) {
                throw new IllegalArgumentException(op + ": index shape " + Shapes.str(index.shapeRef())
                        + " exceeds tensor shape " + Shapes.str(x.shapeRef()) + " at dim " + k);
            }
        }
    }

    static Tensor gather(Tensor x, int dim, Tensor index) {
        requireIndex("gather", index);
        int d = Shapes.dim("gather", dim, x.dim());
        checkGatherShapes("gather", x, d, index);
        Tensor idx = index.contiguous();
        checkIndexRange("gather", idx, x.shapeRef()[d], d);
        Backend be = x.backend();
        Tensor out = Tensor.emptyLike(be, x.dtype(), index.shapeRef());
        if (out.numel() > 0) {
            be.gather(index.shapeRef(), d, x.storage(), x.offset(), x.stridesRef(), idx.storage(), idx.offset(),
                    out.storage(), 0);
        }
        int[] xs = x.shapeRef();
        return Autograd.record(out, "gather", new Tensor[] {x}, new Tensor[] {idx},
                (g, s) -> new Tensor[] {Derivatives.gather(g, s[0], xs, d)});
    }

    static Tensor scatterAdd(Tensor x, int dim, Tensor index, Tensor src) {
        requireIndex("scatter_add", index);
        requireSameDtype("scatter_add", x, src);
        int d = Shapes.dim("scatter_add", dim, x.dim());
        checkGatherShapes("scatter_add", x, d, index);
        for (int k = 0; k < x.dim(); k++) {
            if (index.shapeRef()[k] > src.shapeRef()[k]) {
                throw new IllegalArgumentException("scatter_add: index shape " + Shapes.str(index.shapeRef())
                        + " exceeds src shape " + Shapes.str(src.shapeRef()) + " at dim " + k);
            }
        }
        Tensor idx = index.contiguous();
        checkIndexRange("scatter_add", idx, x.shapeRef()[d], d);
        Tensor out = x.copy();
        // src restricted to the index's extent, made contiguous so it lines up with the index elements
        Tensor srcPart = src;
        for (int k = 0; k < src.dim(); k++) {
            srcPart = srcPart.detach().narrow(k, 0, index.shapeRef()[k]);
        }
        srcPart = srcPart.detach().copy();
        Backend be = x.backend();
        if (idx.numel() > 0) {
            be.scatterAdd(index.shapeRef(), d, srcPart.storage(), 0, idx.storage(), idx.offset(), out.storage(), 0,
                    out.stridesRef());
        }
        int[] srcShape = src.shapeRef();
        return Autograd.record(out, "scatter_add", new Tensor[] {x, src}, new Tensor[] {idx},
                (g, s) -> new Tensor[] {g, Derivatives.scatterAddSrc(g, s[0], srcShape, d)});
    }

    static Tensor dropout(Tensor x, double p, boolean training, RandomGenerator rng) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout: p must be in [0, 1], got " + p);
        }
        if (!training || p == 0) {
            return x;
        }
        Tensor.requireFloating("dropout", x.dtype());
        int n = x.numel();
        HostStorage mask = HostStorage.allocate(x.dtype(), n);
        double scale = p == 1 ? 0.0 : 1.0 / (1.0 - p);
        for (int i = 0; i < n; i++) {
            double keep = rng.nextDouble() >= p ? scale : 0.0;
            if (x.dtype() == DType.F32) {
                mask.f32()[i] = (float) keep;
            } else {
                mask.f64()[i] = keep;
            }
        }
        Tensor m = Tensor.contiguousOf(x.backend().fromHost(mask), x.shape());
        return x.mul(m);
    }
}
