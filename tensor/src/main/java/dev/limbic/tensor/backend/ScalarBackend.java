package dev.limbic.tensor.backend;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.HostStorage;
import dev.limbic.tensor.SpikeSurrogate;
import dev.limbic.tensor.Storage;

/**
 * The reference backend: plain Java loops over host arrays, every formula evaluated in double precision
 * (F32 results are rounded once at the end). It defines Limbic's semantics; faster backends are tested against
 * it and extend it, overriding only their hot kernels.
 */
public class ScalarBackend implements Backend {

    /** Rows of work below which a kernel is not worth splitting across threads. */
    private static final int PARALLEL_GRAIN = 1 << 14;

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public Storage allocate(DType dtype, int size) {
        return HostStorage.allocate(dtype, size);
    }

    @Override
    public Storage fromHost(HostStorage host) {
        return host;
    }

    @Override
    public HostStorage toHost(Storage storage) {
        if (storage instanceof HostStorage h) {
            return h;
        }
        throw new IllegalArgumentException(name() + " backend cannot read " + storage.backend().name() + " storage");
    }

    @Override
    public void copy(int[] shape, Storage src, int srcOff, int[] srcStrides, Storage dst, int dstOff,
                     int[] dstStrides) {
        HostBuffers s = HostBuffers.of(src);
        HostBuffers d = HostBuffers.of(dst);
        StridedIndex it = new StridedIndex(shape, srcStrides, dstStrides);
        it.start(srcOff, dstOff);
        int n = it.innerLen;
        int ss = it.innerStrides[0];
        int ds = it.innerStrides[1];
        if (src.dtype() == dst.dtype() && s instanceof HostBuffers.F32 fs && d instanceof HostBuffers.F32 fd) {
            for (long r = 0; r < it.rows; r++, it.next()) {
                int so = it.offsets[0];
                int dof = it.offsets[1];
                for (int j = 0; j < n; j++) {
                    fd.a[dof + j * ds] = fs.a[so + j * ss];
                }
            }
            return;
        }
        boolean integral = !src.dtype().isFloating() && !dst.dtype().isFloating();
        HostStorage hs = (HostStorage) src;
        HostStorage hd = (HostStorage) dst;
        for (long r = 0; r < it.rows; r++, it.next()) {
            int so = it.offsets[0];
            int dof = it.offsets[1];
            for (int j = 0; j < n; j++) {
                if (integral && dst.dtype() == DType.I64) {
                    hd.i64()[dof + j * ds] = hs.getAsLong(so + j * ss);   // keep all 64 bits of I64 -> I64
                } else {
                    d.set(dof + j * ds, s.get(so + j * ss));
                }
            }
        }
    }

    @Override
    public void fill(Storage dst, int off, int n, double value) {
        switch (dst) {
            case HostStorage h when h.dtype() == DType.F32 -> java.util.Arrays.fill(h.f32(), off, off + n, (float) value);
            case HostStorage h when h.dtype() == DType.F64 -> java.util.Arrays.fill(h.f64(), off, off + n, value);
            case HostStorage h when h.dtype() == DType.I32 -> java.util.Arrays.fill(h.i32(), off, off + n, (int) value);
            case HostStorage h when h.dtype() == DType.I64 -> java.util.Arrays.fill(h.i64(), off, off + n, (long) value);
            default -> throw new IllegalArgumentException(name() + " backend cannot fill " + dst.backend().name() + " storage");
        }
    }

    @Override
    public void unary(UnaryOp op, Storage x, int xOff, Storage y, int yOff, int n, double alpha, double beta) {
        HostBuffers xs = HostBuffers.of(x);
        HostBuffers ys = HostBuffers.of(y);
        Parallel.forRange(n, PARALLEL_GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                ys.set(yOff + i, MathFunctions.unary(op, xs.get(xOff + i), alpha, beta));
            }
        });
    }

    @Override
    public void unaryBackward(UnaryOp op, Storage x, int xOff, Storage y, int yOff, Storage gy, int gyOff,
                              Storage gx, int gxOff, int n, double alpha, double beta) {
        HostBuffers xs = HostBuffers.of(x);
        HostBuffers ys = HostBuffers.of(y);
        HostBuffers gys = HostBuffers.of(gy);
        HostBuffers gxs = HostBuffers.of(gx);
        Parallel.forRange(n, PARALLEL_GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                double d = MathFunctions.unaryGrad(op, xs.get(xOff + i), ys.get(yOff + i), alpha, beta);
                gxs.set(gxOff + i, gys.get(gyOff + i) * d);
            }
        });
    }

    @Override
    public void binary(BinaryOp op, int[] shape, Storage a, int aOff, int[] aStrides, Storage b, int bOff,
                       int[] bStrides, Storage out, int outOff) {
        HostBuffers as = HostBuffers.of(a);
        HostBuffers bs = HostBuffers.of(b);
        HostBuffers os = HostBuffers.of(out);
        boolean integral = !a.dtype().isFloating();
        StridedIndex it = new StridedIndex(shape, aStrides, bStrides, StridedIndex.contiguousStrides(shape));
        it.start(aOff, bOff, outOff);
        if (integral && !b.dtype().isFloating() && !out.dtype().isFloating()) {
            binaryIntegral(op, it, (HostStorage) a, (HostStorage) b, (HostStorage) out);
            return;
        }
        int n = it.innerLen;
        int sa = it.innerStrides[0];
        int sb = it.innerStrides[1];
        for (long r = 0; r < it.rows; r++, it.next()) {
            int ao = it.offsets[0];
            int bo = it.offsets[1];
            int oo = it.offsets[2];
            for (int j = 0; j < n; j++) {
                double v = MathFunctions.binary(op, as.get(ao + j * sa), bs.get(bo + j * sb));
                if (integral && op == BinaryOp.DIV) {
                    v = Math.floor(v);   // integer division floors, as torch's floor_divide
                }
                os.set(oo + j, v);
            }
        }
    }

    /** Integer operands in long arithmetic: doubles would round I64 values beyond 2^53 (and make 2^60+1 == 2^60). */
    private static void binaryIntegral(BinaryOp op, StridedIndex it, HostStorage a, HostStorage b, HostStorage out) {
        int n = it.innerLen;
        int sa = it.innerStrides[0];
        int sb = it.innerStrides[1];
        boolean i64 = out.dtype() == DType.I64;
        for (long r = 0; r < it.rows; r++, it.next()) {
            int ao = it.offsets[0];
            int bo = it.offsets[1];
            int oo = it.offsets[2];
            for (int j = 0; j < n; j++) {
                long x = a.getAsLong(ao + j * sa);
                long y = b.getAsLong(bo + j * sb);
                long v = switch (op) {
                    case ADD -> x + y;
                    case SUB -> x - y;
                    case MUL -> x * y;
                    case DIV -> {
                        if (y == 0) {
                            throw new ArithmeticException("div: integer division by zero");
                        }
                        yield Math.floorDiv(x, y);   // floors, as torch's floor_divide
                    }
                    case MAX -> Math.max(x, y);
                    case MIN -> Math.min(x, y);
                    case EQ -> x == y ? 1 : 0;
                    case NE -> x != y ? 1 : 0;
                    case LT -> x < y ? 1 : 0;
                    case LE -> x <= y ? 1 : 0;
                    case GT -> x > y ? 1 : 0;
                    case GE -> x >= y ? 1 : 0;
                };
                if (i64) {
                    out.i64()[oo + j] = v;
                } else {
                    out.i32()[oo + j] = (int) v;
                }
            }
        }
    }

    @Override
    public void where(int[] shape, Storage cond, int cOff, int[] cStrides, Storage a, int aOff, int[] aStrides,
                      Storage b, int bOff, int[] bStrides, Storage out, int outOff) {
        HostBuffers cs = HostBuffers.of(cond);
        HostBuffers as = HostBuffers.of(a);
        HostBuffers bs = HostBuffers.of(b);
        HostBuffers os = HostBuffers.of(out);
        StridedIndex it = new StridedIndex(shape, cStrides, aStrides, bStrides, StridedIndex.contiguousStrides(shape));
        it.start(cOff, aOff, bOff, outOff);
        int n = it.innerLen;
        for (long r = 0; r < it.rows; r++, it.next()) {
            for (int j = 0; j < n; j++) {
                boolean c = cs.get(it.offsets[0] + j * it.innerStrides[0]) != 0.0;
                double v = c ? as.get(it.offsets[1] + j * it.innerStrides[1]) : bs.get(it.offsets[2] + j * it.innerStrides[2]);
                os.set(it.offsets[3] + j, v);
            }
        }
    }

    @Override
    public void reduce(ReduceOp op, Storage x, int xOff, int outer, int len, int inner, Storage out, int outOff) {
        HostBuffers xs = HostBuffers.of(x);
        HostBuffers os = HostBuffers.of(out);
        if (!x.dtype().isFloating() && out.dtype() == DType.I64) {
            // exact long accumulation: a double accumulator rounds I64 sums beyond 2^53
            HostStorage hx = (HostStorage) x;
            long[] o = ((HostStorage) out).i64();
            for (int oi = 0; oi < outer; oi++) {
                for (int i = 0; i < inner; i++) {
                    int base = xOff + oi * len * inner + i;
                    long acc = switch (op) {
                        case SUM -> 0L;
                        case MAX -> Long.MIN_VALUE;
                        case MIN -> Long.MAX_VALUE;
                    };
                    for (int p = 0; p < len; p++) {
                        long v = hx.getAsLong(base + p * inner);
                        acc = switch (op) {
                            case SUM -> acc + v;
                            case MAX -> Math.max(acc, v);
                            case MIN -> Math.min(acc, v);
                        };
                    }
                    o[outOff + oi * inner + i] = acc;
                }
            }
            return;
        }
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = xOff + o * len * inner + i;
                double acc = switch (op) {
                    case SUM -> 0.0;
                    case MAX -> Double.NEGATIVE_INFINITY;
                    case MIN -> Double.POSITIVE_INFINITY;
                };
                for (int p = 0; p < len; p++) {
                    double v = xs.get(base + p * inner);
                    acc = switch (op) {
                        case SUM -> acc + v;
                        case MAX -> (v > acc || Double.isNaN(v)) ? v : acc;
                        case MIN -> (v < acc || Double.isNaN(v)) ? v : acc;
                    };
                    if (op != ReduceOp.SUM && Double.isNaN(acc)) {
                        break;
                    }
                }
                os.set(outOff + o * inner + i, acc);
            }
        }
    }

    @Override
    public void argReduce(ReduceOp op, Storage x, int xOff, int outer, int len, int inner, Storage values,
                          int valuesOff, Storage indices, int indicesOff) {
        if (op == ReduceOp.SUM) {
            throw new IllegalArgumentException("argReduce supports MAX and MIN, not SUM");
        }
        HostBuffers xs = HostBuffers.of(x);
        HostBuffers vs = values == null ? null : HostBuffers.of(values);
        HostBuffers is = HostBuffers.of(indices);
        boolean max = op == ReduceOp.MAX;
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = xOff + o * len * inner + i;
                double best = xs.get(base);
                int bestIdx = 0;
                for (int p = 1; p < len && !Double.isNaN(best); p++) {
                    double v = xs.get(base + p * inner);
                    if (Double.isNaN(v) || (max ? v > best : v < best)) {
                        best = v;
                        bestIdx = p;
                    }
                }
                if (vs != null) {
                    vs.set(valuesOff + o * inner + i, best);
                }
                is.set(indicesOff + o * inner + i, bestIdx);
            }
        }
    }

    @Override
    public void matmul(int batch, int m, int n, int k,
                       Storage a, int aOff, int aBatchStride, int aRowStride, int aColStride,
                       Storage b, int bOff, int bBatchStride, int bRowStride, int bColStride,
                       Storage c, int cOff, int cBatchStride, int ldc, boolean accumulate) {
        HostBuffers as = HostBuffers.of(a);
        HostBuffers bs = HostBuffers.of(b);
        HostBuffers cs = HostBuffers.of(c);
        // one task per output row; each row accumulates in double over p, then rounds once
        Parallel.forRange(batch * m, Math.max(1, (1 << 16) / Math.max(1, n * k)), (from, to) -> {
            double[] acc = new double[n];   // (n) one output row
            for (int row = from; row < to; row++) {
                int bi = row / m;
                int i = row % m;
                java.util.Arrays.fill(acc, 0.0);
                int aRow = aOff + bi * aBatchStride + i * aRowStride;
                int bBase = bOff + bi * bBatchStride;
                for (int p = 0; p < k; p++) {
                    // no zero-skipping: 0 * inf must give NaN, as IEEE and PyTorch do
                    double aip = as.get(aRow + p * aColStride);
                    int bRow = bBase + p * bRowStride;
                    for (int j = 0; j < n; j++) {
                        acc[j] += aip * bs.get(bRow + j * bColStride);
                    }
                }
                int cRow = cOff + bi * cBatchStride + i * ldc;
                for (int j = 0; j < n; j++) {
                    cs.set(cRow + j, accumulate ? cs.get(cRow + j) + acc[j] : acc[j]);
                }
            }
        });
    }

    @Override
    public void softmax(boolean log, Storage x, int xOff, Storage y, int yOff, int rows, int cols) {
        HostBuffers xs = HostBuffers.of(x);
        HostBuffers ys = HostBuffers.of(y);
        Parallel.forRange(rows, Math.max(1, PARALLEL_GRAIN / Math.max(1, cols)), (from, to) -> {
            for (int r = from; r < to; r++) {
                int xo = xOff + r * cols;
                int yo = yOff + r * cols;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < cols; j++) {
                    max = Math.max(max, xs.get(xo + j));
                }
                double sum = 0.0;
                for (int j = 0; j < cols; j++) {
                    sum += Math.exp(xs.get(xo + j) - max);
                }
                if (log) {
                    double logSum = Math.log(sum) + max;
                    for (int j = 0; j < cols; j++) {
                        ys.set(yo + j, xs.get(xo + j) - logSum);
                    }
                } else {
                    double inv = 1.0 / sum;
                    for (int j = 0; j < cols; j++) {
                        ys.set(yo + j, Math.exp(xs.get(xo + j) - max) * inv);
                    }
                }
            }
        });
    }

    @Override
    public void softmaxBackward(boolean log, Storage y, int yOff, Storage gy, int gyOff, Storage gx, int gxOff,
                                int rows, int cols) {
        HostBuffers ys = HostBuffers.of(y);
        HostBuffers gys = HostBuffers.of(gy);
        HostBuffers gxs = HostBuffers.of(gx);
        Parallel.forRange(rows, Math.max(1, PARALLEL_GRAIN / Math.max(1, cols)), (from, to) -> {
            for (int r = from; r < to; r++) {
                int yo = yOff + r * cols;
                int go = gyOff + r * cols;
                int xo = gxOff + r * cols;
                double dot = 0.0;
                for (int j = 0; j < cols; j++) {
                    dot += log ? gys.get(go + j) : gys.get(go + j) * ys.get(yo + j);
                }
                for (int j = 0; j < cols; j++) {
                    double yj = ys.get(yo + j);
                    double g = log ? gys.get(go + j) - Math.exp(yj) * dot : yj * (gys.get(go + j) - dot);
                    gxs.set(xo + j, g);
                }
            }
        });
    }

    @Override
    public void layerNorm(Storage x, int xOff, Storage w, Storage b, Storage y, int yOff, Storage mean,
                          Storage rstd, int rows, int cols, double eps) {
        HostBuffers xs = HostBuffers.of(x);
        HostBuffers ws = w == null ? null : HostBuffers.of(w);
        HostBuffers bs = b == null ? null : HostBuffers.of(b);
        HostBuffers ys = HostBuffers.of(y);
        HostBuffers ms = HostBuffers.of(mean);
        HostBuffers rs = HostBuffers.of(rstd);
        Parallel.forRange(rows, Math.max(1, PARALLEL_GRAIN / Math.max(1, cols)), (from, to) -> {
            for (int r = from; r < to; r++) {
                int xo = xOff + r * cols;
                double sum = 0.0;
                for (int j = 0; j < cols; j++) {
                    sum += xs.get(xo + j);
                }
                double mu = sum / cols;
                double sq = 0.0;   // two-pass variance: E[x^2]-E[x]^2 cancels catastrophically in float32
                for (int j = 0; j < cols; j++) {
                    double d = xs.get(xo + j) - mu;
                    sq += d * d;
                }
                double inv = 1.0 / Math.sqrt(sq / cols + eps);
                ms.set(r, mu);
                rs.set(r, inv);
                int yo = yOff + r * cols;
                for (int j = 0; j < cols; j++) {
                    double v = (xs.get(xo + j) - mu) * inv;
                    if (ws != null) {
                        v *= ws.get(j);
                    }
                    if (bs != null) {
                        v += bs.get(j);
                    }
                    ys.set(yo + j, v);
                }
            }
        });
    }

    @Override
    public void layerNormBackward(Storage x, int xOff, Storage w, Storage mean, Storage rstd, Storage gy,
                                  int gyOff, Storage gx, int gxOff, Storage gw, Storage gb, int rows, int cols) {
        HostBuffers xs = HostBuffers.of(x);
        HostBuffers ws = w == null ? null : HostBuffers.of(w);
        HostBuffers ms = HostBuffers.of(mean);
        HostBuffers rs = HostBuffers.of(rstd);
        HostBuffers gys = HostBuffers.of(gy);
        HostBuffers gxs = HostBuffers.of(gx);
        HostBuffers gws = gw == null ? null : HostBuffers.of(gw);
        HostBuffers gbs = gb == null ? null : HostBuffers.of(gb);
        double[] gwAcc = new double[cols];
        double[] gbAcc = new double[cols];
        for (int r = 0; r < rows; r++) {
            int xo = xOff + r * cols;
            int go = gyOff + r * cols;
            double mu = ms.get(r);
            double inv = rs.get(r);
            // dxhat = gy * w;  gx = inv * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))
            double sumD = 0.0;
            double sumDX = 0.0;
            for (int j = 0; j < cols; j++) {
                double xhat = (xs.get(xo + j) - mu) * inv;
                double g = gys.get(go + j);
                double d = ws == null ? g : g * ws.get(j);
                sumD += d;
                sumDX += d * xhat;
                gwAcc[j] += g * xhat;
                gbAcc[j] += g;
            }
            double meanD = sumD / cols;
            double meanDX = sumDX / cols;
            int xo2 = gxOff + r * cols;
            for (int j = 0; j < cols; j++) {
                double xhat = (xs.get(xo + j) - mu) * inv;
                double g = gys.get(go + j);
                double d = ws == null ? g : g * ws.get(j);
                gxs.set(xo2 + j, inv * (d - meanD - xhat * meanDX));
            }
        }
        for (int j = 0; j < cols; j++) {
            if (gws != null) {
                gws.add(j, gwAcc[j]);
            }
            if (gbs != null) {
                gbs.add(j, gbAcc[j]);
            }
        }
    }

    @Override
    public void indexSelect(Storage src, int srcOff, int outer, int srcDim, int inner, Storage index, int indexOff,
                            int nIndex, Storage out, int outOff) {
        HostStorage idx = (HostStorage) index;
        if (src instanceof HostStorage hs && hs.dtype() == DType.F32) {
            float[] s = hs.f32();
            float[] o = ((HostStorage) out).f32();
            for (int oi = 0; oi < outer; oi++) {
                for (int j = 0; j < nIndex; j++) {
                    int row = (int) idx.getAsLong(indexOff + j);
                    System.arraycopy(s, srcOff + (oi * srcDim + row) * inner, o, outOff + (oi * nIndex + j) * inner, inner);
                }
            }
            return;
        }
        HostBuffers s = HostBuffers.of(src);
        HostBuffers o = HostBuffers.of(out);
        for (int oi = 0; oi < outer; oi++) {
            for (int j = 0; j < nIndex; j++) {
                int row = (int) idx.getAsLong(indexOff + j);
                for (int i = 0; i < inner; i++) {
                    o.set(outOff + (oi * nIndex + j) * inner + i, s.get(srcOff + (oi * srcDim + row) * inner + i));
                }
            }
        }
    }

    @Override
    public void indexAdd(Storage src, int srcOff, int outer, int dstDim, int inner, Storage index, int indexOff,
                         int nIndex, Storage dst, int dstOff) {
        HostStorage idx = (HostStorage) index;
        HostBuffers s = HostBuffers.of(src);
        HostBuffers d = HostBuffers.of(dst);
        for (int oi = 0; oi < outer; oi++) {
            for (int j = 0; j < nIndex; j++) {
                int row = (int) idx.getAsLong(indexOff + j);
                for (int i = 0; i < inner; i++) {
                    d.add(dstOff + (oi * dstDim + row) * inner + i, s.get(srcOff + (oi * nIndex + j) * inner + i));
                }
            }
        }
    }

    @Override
    public void gather(int[] indexShape, int dim, Storage src, int srcOff, int[] srcStrides, Storage index,
                       int indexOff, Storage out, int outOff) {
        HostBuffers s = HostBuffers.of(src);
        HostStorage idx = (HostStorage) index;
        HostBuffers o = HostBuffers.of(out);
        int[] walk = srcStrides.clone();
        walk[dim] = 0;   // the gathered dim is addressed by the index value, not by the odometer
        int[] contiguous = StridedIndex.contiguousStrides(indexShape);
        StridedIndex it = new StridedIndex(indexShape, walk, contiguous);
        it.start(srcOff, 0);
        int n = it.innerLen;
        for (long r = 0; r < it.rows; r++, it.next()) {
            for (int j = 0; j < n; j++) {
                int flat = it.offsets[1] + j;
                long iv = idx.getAsLong(indexOff + flat);
                int so = it.offsets[0] + j * it.innerStrides[0] + (int) iv * srcStrides[dim];
                o.set(outOff + flat, s.get(so));
            }
        }
    }

    @Override
    public void scatterAdd(int[] indexShape, int dim, Storage src, int srcOff, Storage index, int indexOff,
                           Storage dst, int dstOff, int[] dstStrides) {
        HostBuffers s = HostBuffers.of(src);
        HostStorage idx = (HostStorage) index;
        HostBuffers d = HostBuffers.of(dst);
        int[] walk = dstStrides.clone();
        walk[dim] = 0;
        int[] contiguous = StridedIndex.contiguousStrides(indexShape);
        StridedIndex it = new StridedIndex(indexShape, walk, contiguous);
        it.start(dstOff, 0);
        int n = it.innerLen;
        for (long r = 0; r < it.rows; r++, it.next()) {
            for (int j = 0; j < n; j++) {
                int flat = it.offsets[1] + j;
                long iv = idx.getAsLong(indexOff + flat);
                int dofs = it.offsets[0] + j * it.innerStrides[0] + (int) iv * dstStrides[dim];
                d.add(dofs, s.get(srcOff + flat));
            }
        }
    }

    // ------------------------------------------------------------------ training kernels (losses, optimisers)

    @Override
    public void crossEntropy(Storage logits, int logitsOff, int rows, int cols, Storage target, int targetOff,
                             Storage weight, long ignoreIndex, double labelSmoothing, Storage loss, int lossOff,
                             Storage logSumExp, int lseOff) {
        HostBuffers xs = HostBuffers.of(logits);
        HostStorage ts = (HostStorage) target;
        HostBuffers ws = weight == null ? null : HostBuffers.of(weight);
        HostBuffers ls = HostBuffers.of(loss);
        HostBuffers es = HostBuffers.of(logSumExp);
        double eps = labelSmoothing;
        Parallel.forRange(rows, Math.max(1, PARALLEL_GRAIN / Math.max(1, cols)), (from, to) -> {
            for (int r = from; r < to; r++) {
                int xo = logitsOff + r * cols;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < cols; j++) {
                    max = Math.max(max, xs.get(xo + j));
                }
                double sum = 0.0;
                for (int j = 0; j < cols; j++) {
                    sum += Math.exp(xs.get(xo + j) - max);
                }
                double lse = max + Math.log(sum);
                es.set(lseOff + r, lse);
                long t = ts.getAsLong(targetOff + r);
                if (t == ignoreIndex) {
                    ls.set(lossOff + r, 0.0);
                    continue;
                }
                double wt = ws == null ? 1.0 : ws.get((int) t);
                double v = (1.0 - eps) * wt * (lse - xs.get(xo + (int) t));
                if (eps != 0.0) {
                    double smooth = 0.0;   // Σ_c w[c]·(lse − x_c): every term >= 0, no cancellation
                    for (int j = 0; j < cols; j++) {
                        smooth += (ws == null ? 1.0 : ws.get(j)) * (lse - xs.get(xo + j));
                    }
                    v += eps / cols * smooth;
                }
                ls.set(lossOff + r, v);
            }
        });
    }

    @Override
    public void crossEntropyBackward(Storage logits, int logitsOff, int rows, int cols, Storage target,
                                     int targetOff, Storage weight, long ignoreIndex, double labelSmoothing,
                                     Storage logSumExp, int lseOff, Storage gradLoss, int gradOff, int gradStride,
                                     double scale, Storage gx, int gxOff) {
        HostBuffers xs = HostBuffers.of(logits);
        HostStorage ts = (HostStorage) target;
        HostBuffers ws = weight == null ? null : HostBuffers.of(weight);
        HostBuffers es = HostBuffers.of(logSumExp);
        HostBuffers gs = HostBuffers.of(gradLoss);
        HostBuffers gxs = HostBuffers.of(gx);
        double eps = labelSmoothing;
        double wSum = cols;   // W = Σ_c w[c]
        if (ws != null) {
            wSum = 0.0;
            for (int j = 0; j < cols; j++) {
                wSum += ws.get(j);
            }
        }
        double weightTotal = wSum;
        Parallel.forRange(rows, Math.max(1, PARALLEL_GRAIN / Math.max(1, cols)), (from, to) -> {
            for (int r = from; r < to; r++) {
                int xo = logitsOff + r * cols;
                int go = gxOff + r * cols;
                long t = ts.getAsLong(targetOff + r);
                if (t == ignoreIndex) {
                    for (int j = 0; j < cols; j++) {
                        gxs.set(go + j, 0.0);
                    }
                    continue;
                }
                double k = scale * gs.get(gradOff + r * gradStride);
                double wt = ws == null ? 1.0 : ws.get((int) t);
                // gx_c = A·p_c − B·w_c, then gx_t −= D (the formula above, regrouped)
                double a = k * ((1.0 - eps) * wt + eps * weightTotal / cols);
                double b = k * eps / cols;
                double d = k * (1.0 - eps) * wt;
                double lse = es.get(lseOff + r);
                for (int j = 0; j < cols; j++) {
                    double v = a * Math.exp(xs.get(xo + j) - lse) - b * (ws == null ? 1.0 : ws.get(j));
                    if (j == t) {
                        v -= d;
                    }
                    gxs.set(go + j, v);
                }
            }
        });
    }

    @Override
    public void adamStep(Storage param, int paramOff, Storage grad, int gradOff, Storage expAvg, int expAvgOff,
                         Storage expAvgSq, int expAvgSqOff, int n, long step, double lr, double beta1,
                         double beta2, double eps, double weightDecay, boolean decoupled) {
        HostBuffers ps = HostBuffers.of(param);
        HostBuffers gs = HostBuffers.of(grad);
        HostBuffers ms = HostBuffers.of(expAvg);
        HostBuffers vs = HostBuffers.of(expAvgSq);
        double stepSize = lr / (1.0 - Math.pow(beta1, step));
        double bc2Sqrt = Math.sqrt(1.0 - Math.pow(beta2, step));
        double decay = 1.0 - lr * weightDecay;
        Parallel.forRange(n, PARALLEL_GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                double p = ps.get(paramOff + i);
                double g = gs.get(gradOff + i);
                if (decoupled) {
                    p *= decay;
                } else if (weightDecay != 0.0) {   // skipped at 0 as in PyTorch (0·inf would be NaN)
                    g += weightDecay * p;
                }
                double m = beta1 * ms.get(expAvgOff + i) + (1.0 - beta1) * g;
                double v = beta2 * vs.get(expAvgSqOff + i) + (1.0 - beta2) * g * g;
                p -= stepSize * m / (Math.sqrt(v) / bc2Sqrt + eps);
                ms.set(expAvgOff + i, m);
                vs.set(expAvgSqOff + i, v);
                ps.set(paramOff + i, p);
            }
        });
    }

    @Override
    public void sgdStep(Storage param, int paramOff, Storage grad, int gradOff, Storage momentumBuffer,
                        int bufferOff, int n, double lr, double momentum, double dampening, double weightDecay,
                        boolean nesterov, boolean firstStep) {
        HostBuffers ps = HostBuffers.of(param);
        HostBuffers gs = HostBuffers.of(grad);
        HostBuffers bs = momentum == 0.0 ? null : HostBuffers.of(momentumBuffer);
        Parallel.forRange(n, PARALLEL_GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                double p = ps.get(paramOff + i);
                double d = weightDecay == 0.0 ? gs.get(gradOff + i) : gs.get(gradOff + i) + weightDecay * p;
                if (bs != null) {
                    double buf = firstStep ? d : momentum * bs.get(bufferOff + i) + (1.0 - dampening) * d;
                    bs.set(bufferOff + i, buf);
                    d = nesterov ? d + momentum * buf : buf;
                }
                ps.set(paramOff + i, p - lr * d);
            }
        });
    }

    /** Block size of the norm reduction: partial sums per block, added in block order (thread-count independent). */
    protected static final int NORM_BLOCK = 1 << 16;

    @Override
    public double sumOfSquares(Storage x, int xOff, int n) {
        HostBuffers xs = HostBuffers.of(x);
        int blocks = (n + NORM_BLOCK - 1) / NORM_BLOCK;
        double[] partial = new double[blocks];   // (blocks)
        Parallel.forRange(blocks, 1, (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                int from = b * NORM_BLOCK;
                int to = Math.min(n, from + NORM_BLOCK);
                double acc = 0.0;
                for (int i = from; i < to; i++) {
                    double v = xs.get(xOff + i);
                    acc += v * v;
                }
                partial[b] = acc;
            }
        });
        double total = 0.0;
        for (double p : partial) {
            total += p;
        }
        return total;
    }

    @Override
    public void scale(Storage x, int xOff, int n, double factor) {
        HostBuffers xs = HostBuffers.of(x);
        Parallel.forRange(n, PARALLEL_GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                xs.set(xOff + i, xs.get(xOff + i) * factor);
            }
        });
    }

    // ------------------------------------------------------------------------------------------ spiking

    /** {@code value} as the storage's dtype holds it: thresholds compare like PyTorch's {@code V - θ} in F32. */
    private static double inDtype(Storage s, double value) {
        return s.dtype() == DType.F32 ? (double) (float) value : value;
    }

    @Override
    public void lifIntegrate(Storage v, int vOff, Storage current, int cOff, Storage out, int outOff, int n,
                             double beta, double threshold, double resetAmount) {
        HostBuffers vs = HostBuffers.of(v);
        HostBuffers cs = HostBuffers.of(current);
        HostBuffers os = HostBuffers.of(out);
        double th = inDtype(v, threshold);
        for (int i = 0; i < n; i++) {
            double vi = vs.get(vOff + i);
            double reset = vi > th ? resetAmount : 0.0;
            os.set(outOff + i, beta * vi + cs.get(cOff + i) - reset);
        }
    }

    @Override
    public void spikeSurrogateBackward(SpikeSurrogate surrogate, double alpha, double threshold, double base,
                                       double scale, Storage x, int xOff, Storage g, int gOff, Storage gx, int gxOff,
                                       int n) {
        HostBuffers xs = HostBuffers.of(x);
        HostBuffers gs = HostBuffers.of(g);
        HostBuffers gxs = HostBuffers.of(gx);
        double th = inDtype(x, threshold);
        for (int i = 0; i < n; i++) {
            double d = surrogate.derivative(xs.get(xOff + i) - th, alpha);
            gxs.set(gxOff + i, gs.get(gOff + i) * (base + scale * d));
        }
    }

    // ------------------------------------------------------------------ recurrent cells

    /** Whether row {@code b} takes this step: every row when {@code lengths} is null, else step < lengths[b]. */
    static boolean steps(Storage lengths, int lengthsOff, int b, int step) {
        return lengths == null || step < ((HostStorage) lengths).getAsLong(lengthsOff + b);
    }

    @Override
    public void lstmCellForward(int batch, int hidden, Storage gates, int gatesOff, Storage cPrev, int cPrevOff,
                                Storage hPrev, int hPrevOff, Storage act, int actOff, Storage h, int hOff, Storage c,
                                int cOff, Storage tanhC, int tanhCOff, Storage lengths, int lengthsOff, int step) {
        HostBuffers gs = HostBuffers.of(gates);
        HostBuffers cps = HostBuffers.of(cPrev);
        HostBuffers hps = hPrev == null ? null : HostBuffers.of(hPrev);
        HostBuffers as = HostBuffers.of(act);
        HostBuffers hs = HostBuffers.of(h);
        HostBuffers cs = HostBuffers.of(c);
        HostBuffers ts = HostBuffers.of(tanhC);
        int g4 = 4 * hidden;
        for (int b = 0; b < batch; b++) {
            int gRow = gatesOff + b * g4;
            int aRow = actOff + b * g4;
            int row = b * hidden;
            if (!steps(lengths, lengthsOff, b, step)) {
                for (int j = 0; j < hidden; j++) {
                    hs.set(hOff + row + j, hps.get(hPrevOff + row + j));
                    cs.set(cOff + row + j, cps.get(cPrevOff + row + j));
                    ts.set(tanhCOff + row + j, 0.0);
                }
                for (int j = 0; j < g4; j++) {
                    as.set(aRow + j, 0.0);
                }
                continue;
            }
            for (int j = 0; j < hidden; j++) {
                double i = MathFunctions.sigmoid(gs.get(gRow + j));
                double f = MathFunctions.sigmoid(gs.get(gRow + hidden + j));
                double g = Math.tanh(gs.get(gRow + 2 * hidden + j));
                double o = MathFunctions.sigmoid(gs.get(gRow + 3 * hidden + j));
                double cNew = f * cps.get(cPrevOff + row + j) + i * g;
                double t = Math.tanh(cNew);
                as.set(aRow + j, i);
                as.set(aRow + hidden + j, f);
                as.set(aRow + 2 * hidden + j, g);
                as.set(aRow + 3 * hidden + j, o);
                cs.set(cOff + row + j, cNew);
                ts.set(tanhCOff + row + j, t);
                hs.set(hOff + row + j, o * t);
            }
        }
    }

    @Override
    public void lstmCellBackward(int batch, int hidden, Storage act, int actOff, Storage cPrev, int cPrevOff,
                                 Storage tanhC, int tanhCOff, Storage dh, int dhOff, Storage dc, int dcOff,
                                 Storage dGates, int dGatesOff, Storage dcPrev, int dcPrevOff, Storage dhPrev,
                                 int dhPrevOff, Storage lengths, int lengthsOff, int step) {
        HostBuffers as = HostBuffers.of(act);
        HostBuffers cps = HostBuffers.of(cPrev);
        HostBuffers ts = HostBuffers.of(tanhC);
        HostBuffers dhs = HostBuffers.of(dh);
        HostBuffers dcs = HostBuffers.of(dc);
        HostBuffers dgs = HostBuffers.of(dGates);
        HostBuffers dcps = HostBuffers.of(dcPrev);
        HostBuffers dhps = dhPrev == null ? null : HostBuffers.of(dhPrev);
        int g4 = 4 * hidden;
        for (int b = 0; b < batch; b++) {
            int aRow = actOff + b * g4;
            int dgRow = dGatesOff + b * g4;
            int row = b * hidden;
            boolean stepped = steps(lengths, lengthsOff, b, step);
            for (int j = 0; j < hidden; j++) {
                double dhv = dhs.get(dhOff + row + j);
                double dcv = dcs.get(dcOff + row + j);
                if (!stepped) {
                    dgs.set(dgRow + j, 0.0);
                    dgs.set(dgRow + hidden + j, 0.0);
                    dgs.set(dgRow + 2 * hidden + j, 0.0);
                    dgs.set(dgRow + 3 * hidden + j, 0.0);
                    dcps.set(dcPrevOff + row + j, dcv);
                    if (dhps != null) {
                        dhps.set(dhPrevOff + row + j, dhv);
                    }
                    continue;
                }
                double i = as.get(aRow + j);
                double f = as.get(aRow + hidden + j);
                double g = as.get(aRow + 2 * hidden + j);
                double o = as.get(aRow + 3 * hidden + j);
                double t = ts.get(tanhCOff + row + j);
                // h = o·tanh(c): the cell state's gradient collects dc and the path through h
                double dcTotal = dcv + dhv * o * (1.0 - t * t);
                dgs.set(dgRow + j, dcTotal * g * i * (1.0 - i));
                dgs.set(dgRow + hidden + j, dcTotal * cps.get(cPrevOff + row + j) * f * (1.0 - f));
                dgs.set(dgRow + 2 * hidden + j, dcTotal * i * (1.0 - g * g));
                dgs.set(dgRow + 3 * hidden + j, dhv * t * o * (1.0 - o));
                dcps.set(dcPrevOff + row + j, dcTotal * f);
                if (dhps != null) {
                    dhps.set(dhPrevOff + row + j, 0.0);
                }
            }
        }
    }

    @Override
    public void gruCellForward(int batch, int hidden, Storage gi, int giOff, Storage gh, int ghOff, Storage hPrev,
                               int hPrevOff, Storage act, int actOff, Storage h, int hOff, Storage lengths,
                               int lengthsOff, int step) {
        HostBuffers gis = HostBuffers.of(gi);
        HostBuffers ghs = HostBuffers.of(gh);
        HostBuffers hps = HostBuffers.of(hPrev);
        HostBuffers as = HostBuffers.of(act);
        HostBuffers hs = HostBuffers.of(h);
        int g3 = 3 * hidden;
        for (int b = 0; b < batch; b++) {
            int giRow = giOff + b * g3;
            int ghRow = ghOff + b * g3;
            int aRow = actOff + b * g3;
            int row = b * hidden;
            boolean stepping = steps(lengths, lengthsOff, b, step);
            for (int j = 0; j < hidden; j++) {
                double hp = hps.get(hPrevOff + row + j);
                if (!stepping) {
                    as.set(aRow + j, 0.0);
                    as.set(aRow + hidden + j, 0.0);
                    as.set(aRow + 2 * hidden + j, 0.0);
                    hs.set(hOff + row + j, hp);
                    continue;
                }
                double r = MathFunctions.sigmoid(gis.get(giRow + j) + ghs.get(ghRow + j));
                double z = MathFunctions.sigmoid(gis.get(giRow + hidden + j) + ghs.get(ghRow + hidden + j));
                double n = Math.tanh(gis.get(giRow + 2 * hidden + j) + r * ghs.get(ghRow + 2 * hidden + j));
                as.set(aRow + j, r);
                as.set(aRow + hidden + j, z);
                as.set(aRow + 2 * hidden + j, n);
                hs.set(hOff + row + j, n + z * (hp - n));
            }
        }
    }

    @Override
    public void gruCellBackward(int batch, int hidden, Storage act, int actOff, Storage gh, int ghOff, Storage hPrev,
                                int hPrevOff, Storage dh, int dhOff, Storage dGi, int dGiOff, Storage dGh, int dGhOff,
                                Storage dhPrev, int dhPrevOff, Storage lengths, int lengthsOff, int step) {
        HostBuffers as = HostBuffers.of(act);
        HostBuffers ghs = HostBuffers.of(gh);
        HostBuffers hps = HostBuffers.of(hPrev);
        HostBuffers dhs = HostBuffers.of(dh);
        HostBuffers dgis = HostBuffers.of(dGi);
        HostBuffers dghs = HostBuffers.of(dGh);
        HostBuffers dhps = HostBuffers.of(dhPrev);
        int g3 = 3 * hidden;
        for (int b = 0; b < batch; b++) {
            int aRow = actOff + b * g3;
            int ghRow = ghOff + b * g3;
            int giRow = dGiOff + b * g3;
            int dghRow = dGhOff + b * g3;
            int row = b * hidden;
            boolean stepped = steps(lengths, lengthsOff, b, step);
            for (int j = 0; j < hidden; j++) {
                double dhv = dhs.get(dhOff + row + j);
                if (!stepped) {
                    for (int k = 0; k < 3; k++) {
                        dgis.set(giRow + k * hidden + j, 0.0);
                        dghs.set(dghRow + k * hidden + j, 0.0);
                    }
                    dhps.set(dhPrevOff + row + j, dhv);
                    continue;
                }
                double r = as.get(aRow + j);
                double z = as.get(aRow + hidden + j);
                double n = as.get(aRow + 2 * hidden + j);
                double hp = hps.get(hPrevOff + row + j);
                // h = n + z·(hPrev − n)
                double dnPre = dhv * (1.0 - z) * (1.0 - n * n);
                double dzPre = dhv * (hp - n) * z * (1.0 - z);
                double drPre = dnPre * ghs.get(ghRow + 2 * hidden + j) * r * (1.0 - r);
                dgis.set(giRow + j, drPre);
                dgis.set(giRow + hidden + j, dzPre);
                dgis.set(giRow + 2 * hidden + j, dnPre);
                dghs.set(dghRow + j, drPre);
                dghs.set(dghRow + hidden + j, dzPre);
                dghs.set(dghRow + 2 * hidden + j, dnPre * r);
                dhps.set(dhPrevOff + row + j, dhv * z);
            }
        }
    }
}
