package dev.limbic.tensor.backend;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.HostStorage;
import dev.limbic.tensor.SpikeSurrogate;
import dev.limbic.tensor.Storage;

/**
 * Kernel-shaped operations on flat storages, element offsets and {@code int} dims. Tensor objects never enter a
 * backend: the tensor layer resolves views, broadcasting and autograd, then calls these.
 *
 * <p>Conventions: every output buffer is written densely (row-major) at its offset unless strides are given;
 * outputs never alias inputs unless the method says so. Host backends take {@link HostStorage}; an offload
 * backend takes its own device storage and is free to reject host storages. A backend that lacks a kernel
 * delegates to {@link ScalarBackend} explicitly (after moving data to the host, for a device backend).
 */
public interface Backend {

    String name();

    /** Zero-filled storage of {@code size} elements. */
    Storage allocate(DType dtype, int size);

    /** Copies host data into a storage of this backend (host backends may return {@code host} itself). */
    Storage fromHost(HostStorage host);

    /** Copies a storage of this backend to the host (host backends may return it itself). */
    HostStorage toHost(Storage storage);

    /**
     * Strided copy with optional dtype conversion: for every multi-index {@code i} of {@code shape},
     * {@code dst[dstOff + i·dstStrides] = src[srcOff + i·srcStrides]}.
     */
    void copy(int[] shape, Storage src, int srcOff, int[] srcStrides, Storage dst, int dstOff, int[] dstStrides);

    /** {@code dst[off .. off+n) = value}. */
    void fill(Storage dst, int off, int n, double value);

    /** {@code y[i] = op(x[i])} for {@code i < n}; contiguous. */
    void unary(UnaryOp op, Storage x, int xOff, Storage y, int yOff, int n, double alpha, double beta);

    /**
     * {@code gx[i] = gy[i] · op'(x[i])}; {@code y} is the forward output (kernels such as EXP, TANH, SIGMOID, SQRT
     * use it instead of recomputing).
     */
    void unaryBackward(UnaryOp op, Storage x, int xOff, Storage y, int yOff, Storage gy, int gyOff,
                       Storage gx, int gxOff, int n, double alpha, double beta);

    /**
     * Broadcasting binary op: for every multi-index {@code i} of {@code shape},
     * {@code out[outOff + rowMajor(i)] = a[aOff + i·aStrides] op b[bOff + i·bStrides]}; broadcast dims have stride 0.
     * {@code out} may be the same storage as {@code a} or {@code b} when that operand is dense row-major at
     * {@code outOff} (an in-place update reads each element before writing it).
     */
    void binary(BinaryOp op, int[] shape, Storage a, int aOff, int[] aStrides, Storage b, int bOff, int[] bStrides,
                Storage out, int outOff);

    /** {@code out = cond != 0 ? a : b}, broadcasting like {@link #binary}; {@code cond} may be of any dtype. */
    void where(int[] shape, Storage cond, int cOff, int[] cStrides, Storage a, int aOff, int[] aStrides,
               Storage b, int bOff, int[] bStrides, Storage out, int outOff);

    /**
     * Reduces the middle axis of a contiguous {@code (outer, len, inner)} block into {@code (outer, inner)}.
     * {@code len} may be 0 only for SUM (gives 0).
     */
    void reduce(ReduceOp op, Storage x, int xOff, int outer, int len, int inner, Storage out, int outOff);

    /**
     * Like {@link #reduce} for MAX/MIN, also writing the I64 index of the first extreme element along the axis
     * into {@code indices} (NaN counts as the extreme, as in PyTorch).
     */
    void argReduce(ReduceOp op, Storage x, int xOff, int outer, int len, int inner, Storage values, int valuesOff,
                   Storage indices, int indicesOff);

    /**
     * Batched matrix product {@code C[b] = A[b] @ B[b] (+ C[b] if accumulate)}. Element {@code (i,p)} of
     * {@code A[b]} is at {@code aOff + b·aBatchStride + i·aRowStride + p·aColStride}: transposed operands are just
     * swapped strides, never copies. {@code C[b]} is row-major with leading dimension {@code ldc}.
     */
    void matmul(int batch, int m, int n, int k,
                Storage a, int aOff, int aBatchStride, int aRowStride, int aColStride,
                Storage b, int bOff, int bBatchStride, int bRowStride, int bColStride,
                Storage c, int cOff, int cBatchStride, int ldc, boolean accumulate);

    /**
     * {@code C = A @ B + bias}, the bias ({@code bias[biasOff + j·biasStride]}, {@code j < n}) added to every row
     * of the row-major C: a Linear layer. The default writes the bias rows into C and accumulates the product on
     * top; fast backends add it in the GEMM epilogue instead.
     */
    default void matmulBias(int m, int n, int k,
                            Storage a, int aOff, int aRowStride, int aColStride,
                            Storage b, int bOff, int bRowStride, int bColStride,
                            Storage bias, int biasOff, int biasStride,
                            Storage c, int cOff, int ldc) {
        copy(new int[] {m, n}, bias, biasOff, new int[] {0, biasStride}, c, cOff, new int[] {ldc, 1});
        matmul(1, m, n, k, a, aOff, 0, aRowStride, aColStride, b, bOff, 0, bRowStride, bColStride, c, cOff, 0, ldc,
                true);
    }

    /**
     * A Linear layer without a graph: {@code Y = act(X Wᵀ + bias)} into the contiguous {@code (m, n)} block at
     * {@code y[yOff]}. X element (i, p) is at {@code x[xOff + i·xRowStride + p·xColStride]}, W element (j, p) at
     * {@code w[wOff + j·wRowStride + p·wColStride]}; {@code bias} may be null; {@code act} is null or a
     * parameterless element-wise op (RELU, GELU_ERF, GELU_TANH, TANH, SIGMOID); {@code residual} (may be null) is
     * a contiguous {@code (m, n)} block added after the bias and before {@code act}, each step rounded as separate
     * kernels would (a post-LN block's {@code dense(x) + x}). {@code weightReused} says W is
     * a weight that will be multiplied again (inference): a backend may then keep W in its own packed layout,
     * keyed on the storage and its version counter, instead of packing it on every call. The default composes
     * {@link #matmulBias} / {@link #matmul} and {@link #unary}.
     */
    default void linear(int m, int n, int k, Storage x, int xOff, int xRowStride, int xColStride,
                        Storage w, int wOff, int wRowStride, int wColStride,
                        Storage bias, int biasOff, int biasStride, Storage residual, int residualOff,
                        UnaryOp act, boolean weightReused, Storage y, int yOff) {
        if (m == 0 || n == 0) {
            return;
        }
        if (bias != null) {
            matmulBias(m, n, k, x, xOff, xRowStride, xColStride, w, wOff, wColStride, wRowStride, bias, biasOff,
                    biasStride, y, yOff, n);
        } else if (k > 0) {
            matmul(1, m, n, k, x, xOff, 0, xRowStride, xColStride, w, wOff, 0, wColStride, wRowStride, y, yOff, 0,
                    n, false);
        } else {
            fill(y, yOff, m * n, 0.0);
        }
        if (residual != null) {
            int[] dense = {n, 1};
            binary(BinaryOp.ADD, new int[] {m, n}, y, yOff, dense, residual, residualOff, dense, y, yOff);
        }
        if (act != null) {
            unary(act, y, yOff, y, yOff, m * n, 0, 0);
        }
    }

    /**
     * Multi-head attention for inference (no probabilities kept, no dropout), every head of every batch element:
     * {@code out[b, i, h·dv + c] = Σ_j softmax_j(scale · Σ_e Q[b, i, h·d + e] K[b, j, h·d + e] + mask[b, h, i, j]) V[b, j, h·dv + c]}.
     * Q element (b, i, f) is at {@code q[qOff + b·qs[0] + i·qs[1] + f·qs[2]]}, likewise K and V; mask (may be
     * null) element (b, h, i, j) at {@code mask[mOff + b·ms[0] + h·ms[1] + i·ms[2] + j·ms[3]]} (0 strides for
     * broadcast dims); {@code out} is the contiguous {@code (B, T, H·dv)} block at {@code outOff}. When
     * {@code probs} is non-null the probabilities are also written there as a contiguous {@code (B, H, T, S)}
     * block at {@code probsOff} (what backward reads). The caller guarantees that no row of the mask is −∞ for
     * every key. The default runs one batch element at a time: the batched products, then scale, mask and
     * softmax as separate kernels over an (H, T, S) scratch block.
     */
    default void attentionForward(int batch, int heads, int t, int s, int d, int dv,
                                  Storage q, int qOff, int[] qs, Storage k, int kOff, int[] ks,
                                  Storage v, int vOff, int[] vs, double scale,
                                  Storage mask, int mOff, int[] ms, Storage probsOut, int probsOff,
                                  Storage out, int outOff) {
        DType dtype = q.dtype();
        Storage scores = allocate(dtype, heads * t * s);   // (H, T, S)
        Storage scratch = probsOut == null ? allocate(dtype, heads * t * s) : null;    // (H, T, S)
        Storage scaleS = allocate(dtype, 1);
        fill(scaleS, 0, 1, scale);
        int[] headShape = {heads, t, s};
        int[] headStrides = {t * s, s, 1};
        for (int b = 0; b < batch; b++) {
            matmul(heads, t, s, d, q, qOff + b * qs[0], d * qs[2], qs[1], qs[2],
                    k, kOff + b * ks[0], d * ks[2], ks[2], ks[1], scores, 0, t * s, s, false);
            binary(BinaryOp.MUL, headShape, scores, 0, headStrides, scaleS, 0, new int[] {0, 0, 0}, scores, 0);
            if (mask != null) {
                binary(BinaryOp.ADD, headShape, scores, 0, headStrides, mask, mOff + b * ms[0],
                        new int[] {ms[1], ms[2], ms[3]}, scores, 0);
            }
            Storage probs = probsOut == null ? scratch : probsOut;
            int pOff = probsOut == null ? 0 : probsOff + b * heads * t * s;
            softmax(false, scores, 0, probs, pOff, heads * t, s);
            matmul(heads, t, dv, s, probs, pOff, t * s, s, 1, v, vOff + b * vs[0], dv * vs[2], vs[1], vs[2],
                    out, outOff + b * t * heads * dv, dv, heads * dv, false);
        }
    }

    /**
     * The backward of {@link #attentionForward} without dropout: from the probabilities it kept ({@code probs},
     * contiguous {@code (B, H, T, S)} at {@code probsOff}) and the output gradient {@code gOut} (contiguous
     * {@code (B, T, H·dv)} at {@code goOff}), writes {@code dQ = scale·dS K}, {@code dK = scale·dSᵀ Q} and
     * {@code dV = Pᵀ dO} with {@code dS = P ⊙ (dP − Σ_j dP ⊙ P)}, {@code dP = dO Vᵀ}, per head. Each of dq, dk,
     * dv may be null (skipped); they are 3-D targets {@code (B, T|S, features)} with unit feature stride, given
     * by offset and strides, and are overwritten.
     */
    default void attentionBackward(int batch, int heads, int t, int s, int d, int dv,
                                   Storage q, int qOff, int[] qs, Storage k, int kOff, int[] ks,
                                   Storage v, int vOff, int[] vs, Storage probs, int probsOff,
                                   Storage gOut, int goOff, double scale,
                                   Storage dq, int dqOff, int[] dqs, Storage dk, int dkOff, int[] dks,
                                   Storage dvS, int dvOff, int[] dvs) {
        DType dtype = q.dtype();
        int[] headShape = {heads, t, s};
        int[] headStrides = {t * s, s, 1};
        Storage dP = allocate(dtype, heads * t * s);   // (H, T, S)
        Storage dS = allocate(dtype, heads * t * s);   // (H, T, S)
        Storage scaleS = allocate(dtype, 1);
        fill(scaleS, 0, 1, scale);
        int ldo = heads * dv;
        int per = heads * t * s;
        for (int b = 0; b < batch; b++) {
            int pOff = probsOff + b * per;
            int gob = goOff + b * t * ldo;
            if (dvS != null) {
                matmul(heads, s, dv, t, probs, pOff, t * s, 1, s, gOut, gob, dv, ldo, 1,
                        dvS, dvOff + b * dvs[0], dv * dvs[2], dvs[1], false);
            }
            if (dq == null && dk == null) {
                continue;
            }
            matmul(heads, t, s, dv, gOut, gob, dv, ldo, 1, v, vOff + b * vs[0], dv * vs[2], vs[2], vs[1],
                    dP, 0, t * s, s, false);
            softmaxBackward(false, probs, pOff, dP, 0, dS, 0, heads * t, s);
            binary(BinaryOp.MUL, headShape, dS, 0, headStrides, scaleS, 0, new int[] {0, 0, 0}, dS, 0);
            if (dq != null) {
                matmul(heads, t, d, s, dS, 0, t * s, s, 1, k, kOff + b * ks[0], d * ks[2], ks[1], ks[2],
                        dq, dqOff + b * dqs[0], d * dqs[2], dqs[1], false);
            }
            if (dk != null) {
                matmul(heads, s, d, t, dS, 0, t * s, 1, s, q, qOff + b * qs[0], d * qs[2], qs[1], qs[2],
                        dk, dkOff + b * dks[0], d * dks[2], dks[1], false);
            }
        }
    }

    /** Row-wise softmax (or log-softmax) of a contiguous {@code (rows, cols)} block. */
    void softmax(boolean log, Storage x, int xOff, Storage y, int yOff, int rows, int cols);

    /**
     * Softmax backward from the forward output {@code y}: softmax: {@code gx = y·(gy − Σ gy·y)};
     * log-softmax: {@code gx = gy − exp(y)·Σ gy}.
     */
    void softmaxBackward(boolean log, Storage y, int yOff, Storage gy, int gyOff, Storage gx, int gxOff,
                         int rows, int cols);

    /**
     * Layer normalisation of each row of a contiguous {@code (rows, cols)} block with biased variance:
     * {@code y = (x − mean)·rstd·w + b}. {@code w}/{@code b} may be null (no affine). Writes per-row
     * {@code mean} and {@code rstd = 1/sqrt(var + eps)} for the backward pass.
     */
    void layerNorm(Storage x, int xOff, Storage w, Storage b, Storage y, int yOff, Storage mean, Storage rstd,
                   int rows, int cols, double eps);

    /**
     * Layer-norm backward. Writes {@code gx}; adds into {@code gw}/{@code gb} (each may be null).
     */
    void layerNormBackward(Storage x, int xOff, Storage w, Storage mean, Storage rstd, Storage gy, int gyOff,
                           Storage gx, int gxOff, Storage gw, Storage gb, int rows, int cols);

    /**
     * {@code out[o, j, i] = src[o, index[j], i]} for a contiguous {@code (outer, srcDim, inner)} source and
     * {@code nIndex} indices (I32 or I64, already range-checked).
     */
    void indexSelect(Storage src, int srcOff, int outer, int srcDim, int inner, Storage index, int indexOff,
                     int nIndex, Storage out, int outOff);

    /** Adjoint of {@link #indexSelect}: {@code dst[o, index[j], i] += src[o, j, i]}. */
    void indexAdd(Storage src, int srcOff, int outer, int dstDim, int inner, Storage index, int indexOff,
                  int nIndex, Storage dst, int dstOff);

    /**
     * {@code out[i] = src[i with i[dim] replaced by index[i]]} for every multi-index {@code i} of
     * {@code indexShape}; {@code index} is contiguous, {@code src} is addressed by {@code srcStrides}.
     */
    void gather(int[] indexShape, int dim, Storage src, int srcOff, int[] srcStrides, Storage index, int indexOff,
                Storage out, int outOff);

    /** Adjoint of {@link #gather}: {@code dst[i with i[dim] = index[i]] += src[i]}; src and index contiguous. */
    void scatterAdd(int[] indexShape, int dim, Storage src, int srcOff, Storage index, int indexOff, Storage dst,
                    int dstOff, int[] dstStrides);

    // ------------------------------------------------------------------ training kernels (losses, optimisers)

    /**
     * Cross-entropy of each row of a contiguous {@code (rows, cols)} block of logits against class indices
     * {@code target} (I32 or I64, already range-checked). With {@code lse = log Σ_c exp(x_c)}, class weights
     * {@code w} (all 1 when {@code weight} is null), {@code ε = labelSmoothing} and {@code t = target[r]}:
     * {@code loss[r] = (1 − ε)·w[t]·(lse − x_t) + (ε/cols)·Σ_c w[c]·(lse − x_c)}, and {@code loss[r] = 0} when
     * {@code t == ignoreIndex} (PyTorch 1.13's per-row terms before reduction). Writes {@code lse} per row for
     * the backward pass, including ignored rows. {@code loss} and {@code logSumExp} have the logits' dtype.
     */
    void crossEntropy(Storage logits, int logitsOff, int rows, int cols, Storage target, int targetOff,
                      Storage weight, long ignoreIndex, double labelSmoothing, Storage loss, int lossOff,
                      Storage logSumExp, int lseOff);

    /**
     * Backward of {@link #crossEntropy}: with {@code p_c = exp(x_c − lse[r])}, {@code W = Σ_c w[c]} and
     * {@code k = scale·gradLoss[gradOff + r·gradStride]} ({@code gradStride} 0 for a reduced loss),
     * {@code gx[r, c] = k·((1 − ε)·w[t]·(p_c − [c = t]) + (ε/cols)·(W·p_c − w[c]))}; ignored rows get 0.
     * {@code gx} is a dense {@code (rows, cols)} block.
     */
    void crossEntropyBackward(Storage logits, int logitsOff, int rows, int cols, Storage target, int targetOff,
                              Storage weight, long ignoreIndex, double labelSmoothing, Storage logSumExp,
                              int lseOff, Storage gradLoss, int gradOff, int gradStride, double scale,
                              Storage gx, int gxOff);

    /**
     * One Adam / AdamW update of {@code n} contiguous elements, in place on {@code param}, {@code expAvg} and
     * {@code expAvgSq} (PyTorch 1.13, {@code foreach=False}, {@code step} counted from 1):
     * <pre>
     *   decoupled (AdamW): p ← p·(1 − lr·wd)          coupled (Adam): g ← g + wd·p
     *   m ← β1·m + (1 − β1)·g                         v ← β2·v + (1 − β2)·g²
     *   p ← p − (lr / (1 − β1^step))·m / (√v / √(1 − β2^step) + eps)
     * </pre>
     * (eps is added after the bias correction, as PyTorch does).
     */
    void adamStep(Storage param, int paramOff, Storage grad, int gradOff, Storage expAvg, int expAvgOff,
                  Storage expAvgSq, int expAvgSqOff, int n, long step, double lr, double beta1, double beta2,
                  double eps, double weightDecay, boolean decoupled);

    /**
     * One SGD update of {@code n} contiguous elements, in place (PyTorch 1.13): {@code d = g + wd·p}; with
     * {@code momentum ≠ 0}: {@code buf ← d} when {@code firstStep}, else {@code buf ← μ·buf + (1 − dampening)·d},
     * then {@code d ← nesterov ? d + μ·buf : buf}; finally {@code p ← p − lr·d}. {@code momentumBuffer} is
     * ignored (may be null) when {@code momentum == 0}.
     */
    void sgdStep(Storage param, int paramOff, Storage grad, int gradOff, Storage momentumBuffer, int bufferOff,
                 int n, double lr, double momentum, double dampening, double weightDecay, boolean nesterov,
                 boolean firstStep);

    /**
     * {@code Σ x[i]²} over {@code n} contiguous elements (gradient-norm clipping), accumulated at least in the
     * storage's precision and returned as a double. Deterministic: the same data gives the same bits whatever the
     * thread count.
     */
    double sumOfSquares(Storage x, int xOff, int n);

    /** {@code x[i] *= factor} over {@code n} contiguous elements, in place (no new buffer). */
    void scale(Storage x, int xOff, int n, double factor);

    // ------------------------------------------------------------------ spiking kernels

    /**
     * Leaky integrate-and-fire membrane update over {@code n} contiguous elements:
     * {@code u[i] = β·v[i] + current[i] − resetAmount·H(v[i] − θ)}, with {@code H(z) = 1} if {@code z > 0} else 0.
     * The comparison is made in the storages' dtype ({@code θ} rounded to it first), so a spike decided on a
     * stored F32 membrane agrees with {@code v > (float) θ}; {@code resetAmount = 0} skips the reset term.
     * {@code out} may be the same storage region as {@code v} or {@code current}.
     */
    void lifIntegrate(Storage v, int vOff, Storage current, int cOff, Storage out, int outOff, int n, double beta,
                      double threshold, double resetAmount);

    /**
     * Surrogate-gradient backward of a spike: {@code gx[i] = g[i]·(base + scale·σ'(x[i] − θ, α))} over {@code n}
     * contiguous elements, where {@code σ'} is {@link SpikeSurrogate#derivative}. A spike's own backward is
     * {@code base = 0, scale = 1}; an integrate step whose reset stays attached to the graph uses
     * {@code base = β, scale = −resetAmount}.
     */
    void spikeSurrogateBackward(SpikeSurrogate surrogate, double alpha, double threshold, double base, double scale,
                                Storage x, int xOff, Storage g, int gOff, Storage gx, int gxOff, int n);
    // ------------------------------------------------------------------ recurrent cells
    // One time step of a recurrent layer for a batch of rows. The matrix products (x·W_ihᵀ for all steps at once,
    // h·W_hhᵀ per step) run through matmul; these kernels fuse everything element-wise around them. Every buffer is
    // a dense row-major block at its offset. {@code lengths} (an integer storage of {@code batch} values, or null
    // when every row steps) implements packed sequences: row b steps only when {@code step < lengths[b]}; a row
    // that does not step carries its state unchanged and passes its gradient straight through.

    /**
     * LSTM step (PyTorch gate order i, f, g, o): {@code i, f, o = σ(·)}, {@code g = tanh(·)},
     * {@code c = f·cPrev + i·g}, {@code h = o·tanh(c)}.
     *
     * @param gates  (batch, 4·hidden) gate pre-activations {@code x·W_ihᵀ + h·W_hhᵀ + b_ih + b_hh}
     * @param cPrev  (batch, hidden)
     * @param hPrev  (batch, hidden), read only for rows that do not step (may be null when {@code lengths} is)
     * @param act    out (batch, 4·hidden): the activated gates, saved for the backward pass (0 for rows that do
     *               not step); may be the same range as {@code gates}
     * @param h      out (batch, hidden)
     * @param c      out (batch, hidden)
     * @param tanhC  out (batch, hidden): tanh(c), saved for the backward pass (0 for rows that do not step)
     */
    void lstmCellForward(int batch, int hidden, Storage gates, int gatesOff, Storage cPrev, int cPrevOff,
                         Storage hPrev, int hPrevOff, Storage act, int actOff, Storage h, int hOff, Storage c, int cOff,
                         Storage tanhC, int tanhCOff, Storage lengths, int lengthsOff, int step);

    /**
     * Backward of {@link #lstmCellForward} from its saved {@code act}, {@code tanhC}, the input {@code cPrev} and
     * the gradients {@code dh}, {@code dc} of the step's outputs.
     *
     * @param dGates out (batch, 4·hidden): gradient of the gate pre-activations (0 for rows that did not step)
     * @param dcPrev out (batch, hidden): gradient of cPrev ({@code dc} for rows that did not step); may be the same
     *               range as {@code dc}
     * @param dhPrev out (batch, hidden) or null when {@code lengths} is: {@code dh} for rows that did not step, 0 for
     *               the others (the caller adds {@code dGates·W_hh}); may be the same range as {@code dh}
     */
    void lstmCellBackward(int batch, int hidden, Storage act, int actOff, Storage cPrev, int cPrevOff, Storage tanhC,
                          int tanhCOff, Storage dh, int dhOff, Storage dc, int dcOff, Storage dGates, int dGatesOff,
                          Storage dcPrev, int dcPrevOff, Storage dhPrev, int dhPrevOff, Storage lengths, int lengthsOff,
                          int step);

    /**
     * GRU step (PyTorch gate order r, z, n): {@code r = σ(gi_r + gh_r)}, {@code z = σ(gi_z + gh_z)},
     * {@code n = tanh(gi_n + r·gh_n)}, {@code h = (1 − z)·n + z·hPrev}.
     *
     * @param gi    (batch, 3·hidden) input projections {@code x·W_ihᵀ + b_ih}
     * @param gh    (batch, 3·hidden) hidden projections {@code hPrev·W_hhᵀ + b_hh} (kept by the caller: the
     *              backward pass reads its n part)
     * @param hPrev (batch, hidden)
     * @param act   out (batch, 3·hidden): [r | z | n], saved for the backward pass (0 for rows that do not step)
     * @param h     out (batch, hidden)
     */
    void gruCellForward(int batch, int hidden, Storage gi, int giOff, Storage gh, int ghOff, Storage hPrev,
                        int hPrevOff, Storage act, int actOff, Storage h, int hOff, Storage lengths, int lengthsOff,
                        int step);

    /**
     * Backward of {@link #gruCellForward} from the saved {@code act}, {@code gh}, the input {@code hPrev} and the
     * gradient {@code dh} of the step's h.
     *
     * @param dGi    out (batch, 3·hidden): gradient of gi (0 for rows that did not step)
     * @param dGh    out (batch, 3·hidden): gradient of gh (0 for rows that did not step)
     * @param dhPrev out (batch, hidden): the direct part {@code dh·z} of hPrev's gradient (the caller adds
     *               {@code dGh·W_hh}); {@code dh} for rows that did not step. May be the same range as {@code dh}
     */
    void gruCellBackward(int batch, int hidden, Storage act, int actOff, Storage gh, int ghOff, Storage hPrev,
                         int hPrevOff, Storage dh, int dhOff, Storage dGi, int dGiOff, Storage dGh, int dGhOff,
                         Storage dhPrev, int dhPrevOff, Storage lengths, int lengthsOff, int step);
}
