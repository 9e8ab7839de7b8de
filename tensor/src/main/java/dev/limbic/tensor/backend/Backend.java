package dev.limbic.tensor.backend;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.HostStorage;
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
