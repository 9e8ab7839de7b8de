package dev.limbic.tensor;

import dev.limbic.tensor.backend.Backend;
import dev.limbic.tensor.backend.BinaryOp;
import dev.limbic.tensor.backend.ReduceOp;
import dev.limbic.tensor.backend.UnaryOp;

/**
 * Every gradient rule, one small method per op, run by the engine under no-grad mode. Each returns gradients
 * with exactly the input shapes (broadcast dims summed back with {@link TensorOps#sumToShape}).
 */
final class Derivatives {
    private Derivatives() {
    }

    static Tensor unary(UnaryOp op, Tensor x, Tensor y, Tensor g, double alpha, double beta) {
        Tensor gc = g.contiguous();
        Backend be = x.backend();
        Tensor gx = Tensor.emptyLike(be, x.dtype(), x.shapeRef());
        // y is only read by ops whose derivative is cheapest from the output; pass x otherwise
        Tensor yy = y == null ? x : y;
        be.unaryBackward(op, x.storage(), x.offset(), yy.storage(), yy.offset(), gc.storage(), gc.offset(),
                gx.storage(), 0, x.numel(), alpha, beta);
        return gx;
    }

    static Tensor[] binary(BinaryOp op, Tensor g, Tensor[] s, int[] aShape, int[] bShape) {
        return switch (op) {
            case ADD -> new Tensor[] {TensorOps.sumToShape(g, aShape), TensorOps.sumToShape(g, bShape)};
            case SUB -> new Tensor[] {TensorOps.sumToShape(g, aShape), TensorOps.sumToShape(g.neg(), bShape)};
            case MUL -> new Tensor[] {TensorOps.sumToShape(g.mul(s[1]), aShape),
                TensorOps.sumToShape(g.mul(s[0]), bShape)};
            // d(a/b)/db = -a/b^2 = -(a/b)/b, from the saved output
            case DIV -> new Tensor[] {TensorOps.sumToShape(g.div(s[1]), aShape),
                TensorOps.sumToShape(g.mul(s[2]).div(s[1]).neg(), bShape)};
            case MAX, MIN -> extremePair(op, g, s[0], s[1], aShape, bShape);
            default -> throw new IllegalStateException("comparison " + op + " has no gradient");
        };
    }

    /** torch.maximum/minimum: the winner takes the gradient, ties split it in half. */
    private static Tensor[] extremePair(BinaryOp op, Tensor g, Tensor a, Tensor b, int[] aShape, int[] bShape) {
        Tensor aWins = op == BinaryOp.MAX ? a.gt(b) : a.lt(b);
        Tensor tie = a.eq(b).mul(0.5);
        Tensor aShare = aWins.add(tie);
        Tensor bShare = aShare.neg().add(1.0);
        return new Tensor[] {TensorOps.sumToShape(g.mul(aShare), aShape), TensorOps.sumToShape(g.mul(bShare), bShape)};
    }

    static Tensor[] where(Tensor g, Tensor cond, int[] aShape, int[] bShape) {
        Tensor zero = Tensor.scalar(0.0, g.dtype()).toBackend(g.backend());
        return new Tensor[] {TensorOps.sumToShape(Tensor.where(cond, g, zero), aShape),
            TensorOps.sumToShape(Tensor.where(cond, zero, g), bShape)};
    }

    static Tensor sumAll(Tensor g, int[] inShape, double scale) {
        Tensor gs = scale == 1.0 ? g : g.mul(scale);
        return gs.reshape(ones(inShape.length)).expand(inShape).contiguous();
    }

    private static int[] ones(int n) {
        int[] s = new int[n];
        java.util.Arrays.fill(s, 1);
        return s;
    }

    static Tensor sumDims(Tensor g, int[] inShape, int[] dims, boolean keepdim, double scale) {
        int[] kept = inShape.clone();
        for (int d : dims) {
            kept[d] = 1;
        }
        Tensor gk = keepdim ? g : g.reshape(kept);
        if (scale != 1.0) {
            gk = gk.mul(scale);
        }
        return gk.expand(inShape).contiguous();
    }

    /** max()/min() over all elements: the gradient is shared evenly among the elements equal to the result. */
    static Tensor extremeAll(Tensor g, Tensor x, Tensor result) {
        Tensor mask = x.eq(result);
        Tensor share = mask.div(mask.sum());
        return share.mul(g);
    }

    /** max/min along a dim: the gradient goes to the selected index. */
    static Tensor indexedExtreme(Tensor g, Tensor keptIndices, int[] inShape, int dim) {
        Tensor gk = g.reshape(keptIndices.shapeRef());
        return Tensor.emptyLike(g.backend(), g.dtype(), inShape).scatterAdd(dim, keptIndices, gk);
    }

    static Tensor[] matmul(Tensor g, Tensor a, Tensor b) {
        boolean aVec = a.dim() == 1;
        boolean bVec = b.dim() == 1;
        Tensor a2 = aVec ? a.unsqueeze(0) : a;
        Tensor b2 = bVec ? b.unsqueeze(1) : b;
        Tensor g2 = g;
        // restore the squeezed dims, the trailing (n) one first: for vector . vector g is 0-d and needs [1, 1]
        if (bVec) {
            g2 = g2.unsqueeze(-1);
        }
        if (aVec) {
            g2 = g2.unsqueeze(-2);
        }
        Tensor ga = null;
        if (a.requiresGrad()) {
            ga = TensorOps.matmulNd(g2, b2.transpose(-1, -2));
            ga = TensorOps.sumToShape(ga, a2.shapeRef()).reshape(a.shapeRef());
        }
        Tensor gb = null;
        if (b.requiresGrad()) {
            if (b2.dim() == 2 && g2.dim() > 2) {
                // (B..., M, K)^T @ (B..., M, N) summed over B = one (K, B*M) @ (B*M, N) product
                int k = a2.size(-1);
                int n = g2.size(-1);
                gb = TensorOps.matmulNd(a2.reshape(-1, k).t(), g2.reshape(-1, n));
            } else {
                gb = TensorOps.matmulNd(a2.transpose(-1, -2), g2);
                gb = TensorOps.sumToShape(gb, b2.shapeRef());
            }
            gb = gb.reshape(b.shapeRef());
        }
        return new Tensor[] {ga, gb};
    }

    /** {@code y = x Wᵀ + b} over {@code rows} folded rows of x (row stride {@code rowStride}). */
    static Tensor[] linear(Tensor g, Tensor x, Tensor w, int rowStride, int rows, int[] xShape, boolean wantX,
                           boolean wantW, boolean wantB, Tensor[] sinks) {
        Tensor gc = g.contiguous();   // (rows, out)
        Backend be = gc.backend();
        int outF = w.shapeRef()[0];
        int inF = w.shapeRef()[1];
        int[] ws = w.stridesRef();
        int[] xs = x.stridesRef();
        boolean empty = rows == 0 || outF == 0 || inF == 0;   // fresh (zeroed) buffers are then the answer
        // a sink (the leaf's gradient or the engine's running sum) takes the product with accumulate = true
        Tensor sinkX = sinks == null ? null : sinks[0];
        Tensor sinkW = sinks == null ? null : sinks[1];
        Tensor gx = null;
        if (wantX) {
            // dx = g W
            gx = sinkX != null ? sinkX : Tensor.emptyLike(be, g.dtype(), xShape);
        }
        if (wantX && !empty) {
            be.matmul(1, rows, inF, outF, gc.storage(), gc.offset(), 0, outF, 1, w.storage(), w.offset(), 0, ws[0],
                    ws[1], gx.storage(), gx.offset(), 0, inF, sinkX != null);
        }
        Tensor gw = null;
        if (wantW) {
            gw = sinkW != null ? sinkW : Tensor.emptyLike(be, g.dtype(), new int[] {outF, inF});
        }
        if (wantW && !empty) {
            // dW = gᵀ x, in W's (out, in) layout
            be.matmul(1, outF, inF, rows, gc.storage(), gc.offset(), 0, 1, outF, x.storage(), x.offset(), 0,
                    rowStride, xs[xs.length - 1], gw.storage(), gw.offset(), 0, inF, sinkW != null);
        }
        Tensor gb = null;
        if (wantB) {
            gb = Tensor.emptyLike(be, g.dtype(), new int[] {outF});
            be.reduce(ReduceOp.SUM, gc.storage(), gc.offset(), 1, rows, outF, gb.storage(), 0);
        }
        return new Tensor[] {gx, gw, gb};
    }

    static Tensor softmax(Tensor g, Tensor y, boolean log, int rows, int cols) {
        Tensor gc = g.contiguous();
        Backend be = y.backend();
        Tensor gx = Tensor.emptyLike(be, y.dtype(), y.shapeRef());
        be.softmaxBackward(log, y.storage(), y.offset(), gc.storage(), gc.offset(), gx.storage(), 0, rows, cols);
        return gx;
    }

    static Tensor[] layerNorm(Tensor g, Tensor x, Tensor w, Tensor mean, Tensor rstd, int[] xShape, int[] normShape,
                              int rows, int cols, boolean hasW, boolean hasB) {
        Tensor gc = g.contiguous();
        Backend be = x.backend();
        Tensor gx = Tensor.emptyLike(be, x.dtype(), xShape);
        Tensor gw = hasW ? Tensor.emptyLike(be, x.dtype(), normShape) : null;
        Tensor gb = hasB ? Tensor.emptyLike(be, x.dtype(), normShape) : null;
        be.layerNormBackward(x.storage(), x.offset(), w == null ? null : w.storage(), mean.storage(), rstd.storage(),
                gc.storage(), gc.offset(), gx.storage(), 0, gw == null ? null : gw.storage(),
                gb == null ? null : gb.storage(), rows, cols);
        return new Tensor[] {gx, gw, gb};
    }

    static Tensor[] cat(Tensor g, int dim, int[] sizes) {
        Tensor[] out = new Tensor[sizes.length];
        int start = 0;
        for (int i = 0; i < sizes.length; i++) {
            out[i] = g.narrow(dim, start, sizes[i]);
            start += sizes[i];
        }
        return out;
    }

    static Tensor indexSelect(Tensor g, Tensor index, int[] inShape, int dim, int outer, int inner) {
        Tensor gc = g.contiguous();
        Backend be = g.backend();
        Tensor gx = Tensor.emptyLike(be, g.dtype(), inShape);
        be.indexAdd(gc.storage(), gc.offset(), outer, inShape[dim], inner, index.storage(), index.offset(),
                index.numel(), gx.storage(), 0);
        return gx;
    }

    static Tensor gather(Tensor g, Tensor index, int[] inShape, int dim) {
        return Tensor.emptyLike(g.backend(), g.dtype(), inShape).scatterAdd(dim, index, g);
    }

    static Tensor scatterAddSrc(Tensor g, Tensor index, int[] srcShape, int dim) {
        Tensor part = g.gather(dim, index);
        if (java.util.Arrays.equals(part.shapeRef(), srcShape)) {
            return part;
        }
        // src elements beyond the index's extent were not used: their gradient is zero
        Tensor full = Tensor.emptyLike(g.backend(), g.dtype(), srcShape);
        Tensor window = full;
        for (int k = 0; k < srcShape.length; k++) {
            window = window.narrow(k, 0, index.shapeRef()[k]);
        }
        window.copy_(part);
        return full;
    }
}
