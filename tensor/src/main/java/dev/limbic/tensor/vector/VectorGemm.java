package dev.limbic.tensor.vector;

import dev.limbic.tensor.backend.Parallel;
import dev.limbic.tensor.backend.UnaryOp;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision GEMM on the Vector API, GotoBLAS/BLIS style.
 *
 * <p>Loop nest per thread (each thread owns a disjoint block of C, so there are no barriers):
 * <pre>
 *   for jc in n step NC            B block (KC, NC) packed once, reused by every row block
 *     for pc in k step KC          k split evenly so no tiny last block
 *       pack B(pc:pc+kc, jc:jc+nc) into NR-column panels
 *       for ic in m step MC        A block (MC, KC) stays in L2
 *         pack A(ic:ic+mc, pc:pc+kc) into MR-row panels
 *         for jr in nc step NR     one B panel (KC, NR) stays in L1 while all A panels stream past
 *           for ir in mc step MR
 *             micro-kernel: C(MR, NR) += Apanel(MR, kc) * Bpanel(kc, NR), all in registers
 * </pre>
 * Packing copies each operand into unit-stride, zero-padded panels, so the micro-kernel never sees strides,
 * transposes or edges (edges are computed in full and only the valid part is written back).
 */
public final class VectorGemm {

    private final Kernel kernel;

    private VectorGemm(Kernel kernel) {
        this.kernel = kernel;
    }

    /** Species width in bits: 128, 256 or 512 (512 works on any host, emulated where the CPU lacks it). */
    public static VectorGemm forBits(int bits) {
        return switch (bits) {
            case 128 -> new VectorGemm(WIDE_REGS ? new K128x8().withHalf(new K128x4()) : new K128x4());
            case 256 -> new VectorGemm(WIDE_REGS ? new K256x8().withHalf(new K256x4()) : new K256x4());
            case 512 -> new VectorGemm(WIDE_REGS ? new K512x8().withHalf(new K512x4()) : new K512x4());
            default -> throw new IllegalArgumentException("species width must be 128, 256 or 512 bits, got " + bits);
        };
    }

    /** The host's preferred species ({@code FloatVector.SPECIES_PREFERRED}). */
    public static VectorGemm preferred() {
        return forBits(FloatVector.SPECIES_PREFERRED.vectorBitSize());
    }

    Kernel kernel() {
        return kernel;
    }

    /** Micro-kernel rows (MR) of this instance; for tests and diagnostics. */
    int mr() {
        return kernel.mr;
    }

    /** Micro-kernel columns (NR) of this instance; for tests and diagnostics. */
    int nr() {
        return kernel.nr;
    }

    /**
     * C = op(A) @ op(B) (+ C if accumulate), fp32.
     * A element (i, p) lives at a[aOff + i*aRowStride + p*aColStride], i&lt;m, p&lt;k (any strides: a transposed
     * operand is simply rowStride=1, colStride=ld; never copied except into the packing buffers).
     * B element (p, j) lives at b[bOff + p*bRowStride + j*bColStride], p&lt;k, j&lt;n.
     * C element (i, j) lives at c[cOff + i*ldc + j] (row-major, unit column stride).
     * m, n or k may be 0 (k==0 means C = 0, or C unchanged when accumulate).
     */
    public void sgemm(int m, int n, int k,
                      float[] a, int aOff, int aRowStride, int aColStride,
                      float[] b, int bOff, int bRowStride, int bColStride,
                      float[] c, int cOff, int ldc, boolean accumulate) {
        sgemm(m, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, c, cOff, ldc, accumulate,
                null);
    }

    /**
     * {@code C = A @ B + bias} with {@code bias[j]} at {@code bias[biasOff + j·biasStride]} added to every row: a
     * Linear layer. The bias is added to each C block right after its last micro-kernel pass, while the block is
     * still in cache, instead of being written into C first and read back by the product.
     */
    public void sgemmBias(int m, int n, int k,
                          float[] a, int aOff, int aRowStride, int aColStride,
                          float[] b, int bOff, int bRowStride, int bColStride,
                          float[] bias, int biasOff, int biasStride,
                          float[] c, int cOff, int ldc) {
        sgemm(m, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, c, cOff, ldc, false,
                new Epilogue(kernel.species(), bias, biasOff, biasStride, null, 0, 0, 0, null));
    }

    /**
     * {@code C = act(A @ B + bias + R)}: {@link #sgemmBias} with an optional bias (null: none), an optional
     * residual R (null: none; row-major (m, n), element (i, j) at {@code residual[residualOff + i·n + j]}) and an
     * element-wise activation (null: none; a parameterless op such as {@link UnaryOp#GELU_ERF}), all applied in the
     * epilogue.
     */
    public void sgemmBiasAct(int m, int n, int k,
                             float[] a, int aOff, int aRowStride, int aColStride,
                             float[] b, int bOff, int bRowStride, int bColStride,
                             float[] bias, int biasOff, int biasStride, float[] residual, int residualOff,
                             UnaryOp act, float[] c, int cOff, int ldc) {
        Epilogue ep = Epilogue.of(kernel.species(), bias, biasOff, biasStride, residual, residualOff, cOff, n,
                act);
        sgemm(m, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, c, cOff, ldc, false, ep);
    }

    /**
     * B (element (p, j) at {@code b[bOff + p·bRowStride + j·bColStride]}, p &lt; k, j &lt; n) packed once into the
     * NR-column panels the blocked product reads, for a B that is multiplied many times unchanged (a Linear weight
     * in inference): {@link #sgemmPacked} then skips packing B, and a few-row product runs the packed path instead
     * of streaming a transposed weight. Holds k·n floats (rounded up to whole panels).
     */
    public PackedB pack(int k, int n, float[] b, int bOff, int bRowStride, int bColStride) {
        if (k <= 0 || n <= 0) {
            throw new IllegalArgumentException("pack: needs k > 0 and n > 0, got k=" + k + " n=" + n);
        }
        int nr = kernel.nr;
        int nPad = roundUp(n, nr);
        int kcMax = kBlockDepth(k);
        float[] data = new float[B_PAD + k * nPad];
        for (int pc = 0; pc < k; pc += kcMax) {
            int kc = Math.min(kcMax, k - pc);
            packB(b, bOff + pc * bRowStride, bRowStride, bColStride, kc, n, nr, data, B_PAD + pc * nPad);
        }
        return new PackedB(k, n, nr, nPad, data);
    }

    /**
     * {@code C = act(A @ B + bias + R)} against a B packed by {@link #pack} on this instance: bias and residual
     * (either may be null, as in {@link #sgemmBiasAct}) and the activation (null, or a parameterless element-wise op such as {@link UnaryOp#GELU_ERF}) are applied to
     * each C block while it is still in cache.
     */
    public void sgemmPacked(int m, int n, int k, float[] a, int aOff, int aRowStride, int aColStride, PackedB b,
                            float[] bias, int biasOff, int biasStride, float[] residual, int residualOff,
                            UnaryOp act, float[] c, int cOff, int ldc) {
        if (b.k != k || b.n != n || b.nr != kernel.nr) {
            throw new IllegalArgumentException("sgemmPacked: B was packed as (" + b.k + ", " + b.n + ") for NR "
                    + b.nr + ", the product needs (" + k + ", " + n + ") for NR " + kernel.nr);
        }
        if (m < 0) {
            throw new IllegalArgumentException("negative size m=" + m);
        }
        if (ldc < n) {
            throw new IllegalArgumentException("ldc " + ldc + " < n " + n);
        }
        if (m == 0) {
            return;
        }
        Epilogue ep = Epilogue.of(kernel.species(), bias, biasOff, biasStride, residual, residualOff, cOff, n,
                act);
        Kernel kern = kernel;
        int threads = Parallel.threads();
        long flops = 2L * m * n * k;
        if (threads <= 1 || flops < PARALLEL_MIN_FLOPS || onLimbicWorker()) {
            block(kern, 0, m, 0, n, k, a, aOff, aRowStride, aColStride, null, 0, 0, 0, b, c, cOff, ldc, false, ep);
            return;
        }
        new SplitJob(kern, threads, m, n, k, a, aOff, aRowStride, aColStride, null, 0, 0, 0, b, c, cOff, ldc,
                false, ep).run();
    }

    /**
     * {@code C = A @ B} (+ C) on the calling thread only, for callers that already split their work across the
     * pool (one attention head per task). Same element layout as {@link #sgemm}.
     */
    public void sgemmSerial(int m, int n, int k, float[] a, int aOff, int aRowStride, int aColStride,
                            float[] b, int bOff, int bRowStride, int bColStride, float[] c, int cOff, int ldc,
                            boolean accumulate) {
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k == 0) {
            sgemm(m, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, c, cOff, ldc,
                    accumulate);
            return;
        }
        block(kernel, 0, m, 0, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, null,
                c, cOff, ldc, accumulate, null);
    }

    /** A B operand packed once (see {@link #pack}): {@code data[B_PAD + pc·nPad + …]} per k block. */
    public static final class PackedB {
        final int k;
        final int n;
        final int nr;
        final int nPad;
        final float[] data;

        PackedB(int k, int n, int nr, int nPad, float[] data) {
            this.k = k;
            this.n = n;
            this.nr = nr;
            this.nPad = nPad;
            this.data = data;
        }

        /** Floats held, for callers that account memory. */
        public long floats() {
            return data.length;
        }
    }

    /**
     * Applied to each C block once its last K block is done: the bias (null: none) added to every row, then an
     * element-wise activation (null: none).
     */
    record Epilogue(VectorSpecies<Float> species, float[] bias, int off, int stride, float[] residual,
                    int residualOff, int cOff, int ldr, UnaryOp act) {
        /** Null when there is nothing to do. {@code ldr}: the residual's row length (n). */
        static Epilogue of(VectorSpecies<Float> species, float[] bias, int off, int stride, float[] residual,
                           int residualOff, int cOff, int ldr, UnaryOp act) {
            return bias == null && residual == null && act == null ? null
                    : new Epilogue(species, bias, off, stride, residual, residualOff, cOff, ldr, act);
        }

        /** {@code C(0:mc, 0:nc) = act(C + bias[j0 .. j0+nc) + R)} for the block at {@code cBlk}. */
        void apply(float[] c, int cBlk, int ldc, int mc, int nc, int j0) {
            if (bias != null) {
                addBias(c, cBlk, ldc, mc, nc, j0);
            }
            if (residual != null) {
                int i0 = (cBlk - cOff - j0) / ldc;   // the block's first row of C
                VectorSpecies<Float> s = species;
                int bound = s.loopBound(nc);
                for (int r = 0; r < mc; r++) {
                    int row = cBlk + r * ldc;
                    int rr = residualOff + (i0 + r) * ldr + j0;
                    int j = 0;
                    for (; j < bound; j += s.length()) {
                        FloatVector.fromArray(s, c, row + j).add(FloatVector.fromArray(s, residual, rr + j))
                                .intoArray(c, row + j);
                    }
                    for (; j < nc; j++) {
                        c[row + j] += residual[rr + j];
                    }
                }
            }
            if (act != null) {
                for (int r = 0; r < mc; r++) {
                    int row = cBlk + r * ldc;
                    VectorKernels.unary(act, species, c, row, c, row, nc, 0, 0);
                }
            }
        }

        private void addBias(float[] c, int cBlk, int ldc, int mc, int nc, int j0) {
            int bo = off + j0 * stride;
            if (stride == 1) {
                VectorSpecies<Float> s = species;
                int bound = s.loopBound(nc);
                for (int r = 0; r < mc; r++) {
                    int row = cBlk + r * ldc;
                    int j = 0;
                    for (; j < bound; j += s.length()) {
                        FloatVector.fromArray(s, c, row + j).add(FloatVector.fromArray(s, bias, bo + j))
                                .intoArray(c, row + j);
                    }
                    for (; j < nc; j++) {
                        c[row + j] += bias[bo + j];
                    }
                }
            } else {
                for (int r = 0; r < mc; r++) {
                    int row = cBlk + r * ldc;
                    for (int j = 0; j < nc; j++) {
                        c[row + j] += bias[bo + j * stride];
                    }
                }
            }
        }
    }

    private void sgemm(int m, int n, int k,
                       float[] a, int aOff, int aRowStride, int aColStride,
                       float[] b, int bOff, int bRowStride, int bColStride,
                       float[] c, int cOff, int ldc, boolean accumulate, Epilogue ep) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("negative size m=" + m + " n=" + n + " k=" + k);
        }
        if (m == 0 || n == 0) {
            return;
        }
        if (ldc < n) {
            throw new IllegalArgumentException("ldc " + ldc + " < n " + n);
        }
        if (k == 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
                }
            }
            if (ep != null) {
                ep.apply(c, cOff, ldc, m, n, 0);
            }
            return;
        }
        if (SWAP_SMALL_M && m <= SWAP_MAX_M && n >= 4 * m && bRowStride == 1 && bColStride != 1) {
            // C = A·Wᵀ with few rows (a Linear on a small batch): B is a row-major W (n, k) read across its rows,
            // and packing all of it costs about as much as the product itself. Compute Cᵀ = W·Aᵀ instead: the
            // direct kernel streams W in place, only the small A gets packed, and Cᵀ is transposed into C.
            float[] t = SWAP_BUFFER.get();
            if (t.length < m * n) {
                t = new float[m * n];
                SWAP_BUFFER.set(t);
            }
            product(n, m, k, b, bOff, bColStride, bRowStride, a, aOff, aColStride, aRowStride, t, 0, m, false,
                    null);
            for (int i = 0; i < m; i++) {
                int row = cOff + i * ldc;
                if (accumulate) {
                    for (int j = 0; j < n; j++) {
                        c[row + j] += t[j * m + i];
                    }
                } else {
                    for (int j = 0; j < n; j++) {
                        c[row + j] = t[j * m + i];
                    }
                }
            }
            if (ep != null) {
                ep.apply(c, cOff, ldc, m, n, 0);
            }
            return;
        }
        product(m, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, c, cOff, ldc, accumulate,
                ep);
    }

    /** The blocked product, on the caller alone or split across the pool. */
    private void product(int m, int n, int k, float[] a, int aOff, int aRowStride, int aColStride,
                         float[] b, int bOff, int bRowStride, int bColStride, float[] c, int cOff, int ldc,
                         boolean accumulate, Epilogue ep) {
        Kernel kern = kernel;
        int threads = Parallel.threads();
        long flops = 2L * m * n * k;
        if (threads <= 1 || flops < PARALLEL_MIN_FLOPS || onLimbicWorker()) {
            block(kern, 0, m, 0, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, null,
                    c, cOff, ldc, accumulate, ep);
            return;
        }
        new SplitJob(kern, threads, m, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride,
                null, c, cOff, ldc, accumulate, ep).run();
    }

    private static boolean onLimbicWorker() {
        return Parallel.isWorkerThread();
    }

    /**
     * One parallel sgemm: C is cut into chunks along M or N, and the caller plus {@code threads - 1} pool workers
     * claim chunks from a shared counter. The caller works too, so a call never waits for a worker to wake up
     * (which costs tens of microseconds on a VM): a late worker simply finds nothing left. Chunks along N
     * duplicate the packing of A, chunks along M that of B, so the cut goes across the smaller operand.
     */
    private static final class SplitJob {
        private final Kernel kern;
        private final int threads;
        private final int m;
        private final int n;
        private final int k;
        private final float[] a;
        private final int aOff;
        private final int ars;
        private final int acs;
        private final float[] b;
        private final int bOff;
        private final int brs;
        private final int bcs;
        private final PackedB packed;
        private final float[] c;
        private final int cOff;
        private final int ldc;
        private final boolean accumulate;
        private final Epilogue ep;
        private final boolean splitN;
        private final int tiles;
        private final int chunks;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger finished = new AtomicInteger();
        private volatile Throwable failure;

        SplitJob(Kernel kern, int threads, int m, int n, int k, float[] a, int aOff, int ars, int acs,
                 float[] b, int bOff, int brs, int bcs, PackedB packed, float[] c, int cOff, int ldc,
                 boolean accumulate, Epilogue ep) {
            this.ep = ep;
            this.packed = packed;
            this.kern = kern;
            this.threads = threads;
            this.m = m;
            this.n = n;
            this.k = k;
            this.a = a;
            this.aOff = aOff;
            this.ars = ars;
            this.acs = acs;
            this.b = b;
            this.bOff = bOff;
            this.brs = brs;
            this.bcs = bcs;
            this.c = c;
            this.cOff = cOff;
            this.ldc = ldc;
            this.accumulate = accumulate;
            int nTiles = (n + kern.nr - 1) / kern.nr;
            int mTiles = (m + kern.mr - 1) / kern.mr;
            boolean byN = SPLIT == 'n' || (SPLIT != 'm' && (m <= n ? nTiles >= threads || nTiles >= mTiles
                                                                     : mTiles < threads && nTiles > mTiles));
            this.splitN = byN;
            this.tiles = byN ? nTiles : mTiles;
            this.chunks = Math.max(1, Math.min(tiles, threads * CHUNKS_PER_THREAD));
        }

        void run() {
            int helpers = Math.min(threads, chunks) - 1;
            for (int i = 0; i < helpers; i++) {
                Parallel.execute(this::work);
            }
            work();
            // Remaining chunks are already running on workers; each is short, so spin rather than park.
            int spins = 0;
            while (finished.get() < chunks) {
                if (++spins < 20_000) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
            Throwable t = failure;
            if (t != null) {
                if (t instanceof RuntimeException e) {
                    throw e;
                }
                if (t instanceof Error e) {
                    throw e;
                }
                throw new IllegalStateException(t);
            }
        }

        void work() {
            int ch;
            while ((ch = next.getAndIncrement()) < chunks) {
                try {
                    int t0 = (int) ((long) tiles * ch / chunks);
                    int t1 = (int) ((long) tiles * (ch + 1) / chunks);
                    if (splitN) {
                        block(kern, 0, m, t0 * kern.nr, Math.min(n, t1 * kern.nr), k, a, aOff, ars, acs,
                                b, bOff, brs, bcs, packed, c, cOff, ldc, accumulate, ep);
                    } else {
                        block(kern, t0 * kern.mr, Math.min(m, t1 * kern.mr), 0, n, k, a, aOff, ars, acs,
                                b, bOff, brs, bcs, packed, c, cOff, ldc, accumulate, ep);
                    }
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    finished.incrementAndGet();
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Blocking parameters. KC x NR floats of B (one panel) should sit in L1 next to streaming A; MC x KC floats of
    // A should sit in L2; KC x NC of B in L2/L3. Read once at class init so the JIT folds them into constants.

    static final char SPLIT = System.getProperty("limbic.gemm.split", "a").charAt(0);
    static final int CHUNKS_PER_THREAD = Integer.getInteger("limbic.gemm.chunks", 1);
    static final boolean DIRECT_A = !Boolean.getBoolean("limbic.gemm.packa");
    /** Few-row products against a transposed row-major B run as Cᵀ = Bᵀ·Aᵀ ({@code -Dlimbic.gemm.swap=false} off). */
    static final boolean SWAP_SMALL_M = !"false".equals(System.getProperty("limbic.gemm.swap"));
    static final int SWAP_MAX_M = Integer.getInteger("limbic.gemm.swapm", 64);
    private static final ThreadLocal<float[]> SWAP_BUFFER = ThreadLocal.withInitial(() -> new float[0]);
    /** Read row-major A in place when a thread's share of N is at most this wide (few reuses of a packed A). */
    static final int DIRECT_A_MAX_N = Integer.getInteger("limbic.gemm.directn", 256);
    static final int KC = Integer.getInteger("limbic.gemm.kc", 256);
    /**
     * k up to this runs as one k block rather than two of half the depth: 384 fills the 48 KB L1 with one B panel
     * (384 x 32 floats) and passes over C once instead of twice ((4096x384)@(384x1536), 2 threads, 3 alternating
     * runs: 224/230/218 -> 240/238/243 GFLOP/s).
     */
    static final int KC_ONE_BLOCK = Integer.getInteger("limbic.gemm.kcone", 384);
    static final int MC = Integer.getInteger("limbic.gemm.mc", 128);
    static final int NC = Integer.getInteger("limbic.gemm.nc", 2048);
    /** Below this many flops a fork/join hand-off costs more than the second core gains. */
    static final long PARALLEL_MIN_FLOPS = Long.getLong("limbic.gemm.parmin", 1L << 20);
    /** AVX-512 hosts have 32 vector registers, enough for 8 rows x 2 vectors of accumulators without spills. */
    static final boolean WIDE_REGS = Boolean.parseBoolean(System.getProperty("limbic.gemm.wide",
            String.valueOf(FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512)));

    /**
     * Packed B starts this many floats into its array. A float[]'s data begins 16 bytes past the object start, so
     * with a cache-line-aligned object every 512-bit load of a 32-float panel row at offset 0 would straddle two
     * lines; 12 floats (48 bytes) more puts it on a line boundary (kernel alone: ~158 -> ~171 GFLOP/s per core).
     */
    static final int B_PAD = 12;
    /**
     * Java cannot align a float[], but G1 places humongous arrays (at least half a heap region, 1 MB at the
     * default region size for heaps up to 8 GB) at the start of a region, which is cache-line aligned. Allocating
     * the packed-B buffer at least this large makes {@link #B_PAD} line it up; where the guess is wrong (another
     * GC, a larger region) the only cost is the unaligned loads of before.
     */
    static final int B_MIN_FLOATS = Integer.getInteger("limbic.gemm.bmin", 1 << 20);

    /** Per-thread packing buffers, grown on demand and reused across calls (never shrunk). */
    private static final class Buffers {
        float[] a = new float[0];   // (mcPadded, kc) packed A block: MR-row panels, each (kc, MR) row-interleaved
        float[] b = new float[0];   // B_PAD + (kc, ncPadded) packed B block: NR-column panels, each (kc, NR)
        float[] tmp = new float[0]; // (MR, NR) spill tile for edge tiles
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    /** Depth of each k block: an even split (600 -> 300 + 300, not 256 + 256 + 88), none up to KC_ONE_BLOCK. */
    static int kBlockDepth(int k) {
        int kBlocks = k <= KC_ONE_BLOCK ? 1 : (k + KC - 1) / KC;
        return (k + kBlocks - 1) / kBlocks;
    }

    /**
     * Computes C[i0:i1, j0:j1] (all of k) on the calling thread; B comes from {@code b} (packed here, per block)
     * or, when {@code pre} is non-null, from its panels packed in advance.
     */
    static void block(Kernel kern, int i0, int i1, int j0, int j1, int k,
                      float[] a, int aOff, int ars, int acs,
                      float[] b, int bOff, int brs, int bcs, PackedB pre,
                      float[] c, int cOff, int ldc, boolean accumulate, Epilogue ep) {
        final int mrK = kern.mr;
        final int nrK = kern.nr;
        final Kernel halfK = kern.half;
        final int halfMr = halfK == null ? 0 : halfK.mr;   // last panels of at most this many rows use halfK
        int kcMax = kBlockDepth(k);
        int mRows = i1 - i0;
        int mBlocks = (mRows + MC - 1) / MC;
        int mcMax = roundUp((mRows + mBlocks - 1) / mBlocks, mrK);
        int nCols = j1 - j0;
        int nBlocks = (nCols + NC - 1) / NC;
        int ncMax = roundUp((nCols + nBlocks - 1) / nBlocks, nrK);

        boolean direct = acs == 1 && DIRECT_A && nCols <= DIRECT_A_MAX_N;
        Buffers buf = BUFFERS.get();
        if (buf.a.length < mcMax * kcMax) {
            buf.a = new float[mcMax * kcMax];
        }
        if (pre == null && buf.b.length < B_PAD + ncMax * kcMax) {
            buf.b = new float[Math.max(B_PAD + ncMax * kcMax, B_MIN_FLOATS)];
        }
        if (buf.tmp.length < mrK * nrK) {
            buf.tmp = new float[mrK * nrK];
        }
        float[] ap = buf.a;
        float[] bp = pre == null ? buf.b : pre.data;
        float[] tmp = buf.tmp;

        for (int jc = j0; jc < j1; jc += ncMax) {
            int nc = Math.min(ncMax, j1 - jc);
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                int bBlk;   // where this (kc, nc) block's first panel starts in bp
                if (pre == null) {
                    packB(b, bOff + pc * brs + jc * bcs, brs, bcs, kc, nc, nrK, bp, B_PAD);
                    bBlk = B_PAD;
                } else {
                    bBlk = B_PAD + pc * pre.nPad + jc * kc;   // panel jc/NR of k block pc (jc is a multiple of NR)
                }
                boolean add = accumulate || pc > 0;
                for (int ic = i0; ic < i1; ic += mcMax) {
                    int mc = Math.min(mcMax, i1 - ic);
                    int cBlk = cOff + ic * ldc + jc;
                    if (direct) {
                        // Few B panels per A block: packing A would cost as much as it saves. The kernel reads
                        // MR row-major rows of A in place, each sequentially.
                        int aBlk = aOff + ic * ars + pc;
                        for (int jr = 0; jr < nc; jr += nrK) {
                            int nr = Math.min(nrK, nc - jr);
                            int bBase = bBlk + jr * kc;
                            for (int ir = 0; ir < mc; ir += mrK) {
                                int rows = Math.min(mrK, mc - ir);
                                (rows <= halfMr ? halfK : kern).microDirect(kc, a, aBlk + ir * ars, ars, bp, bBase,
                                        c, cBlk + ir * ldc + jr, ldc, rows, nr, add, tmp);
                            }
                        }
                    } else {
                        packA(a, aOff + ic * ars + pc * acs, ars, acs, mc, kc, mrK, halfMr, ap);
                        for (int jr = 0; jr < nc; jr += nrK) {
                            int nr = Math.min(nrK, nc - jr);
                            int bBase = bBlk + jr * kc;
                            for (int ir = 0; ir < mc; ir += mrK) {
                                int rows = Math.min(mrK, mc - ir);
                                (rows <= halfMr ? halfK : kern).micro(kc, ap, ir * kc, bp, bBase, c,
                                        cBlk + ir * ldc + jr, ldc, rows, nr, add, tmp);
                            }
                        }
                    }
                    if (ep != null && pc + kc >= k) {
                        ep.apply(c, cBlk, ldc, mc, nc, jc);   // the block's last K pass: it is still in cache
                    }
                }
            }
        }
    }

    private static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }

    /**
     * Packs A(0:mc, 0:kc) (element (i, p) at a[base + i*rs + p*cs]) into MR-row panels:
     * ap[(ip*kc + p)*MR + r] = A(ip*MR + r, p), rows past mc zero-filled.
     */
    static void packA(float[] a, int base, int rs, int cs, int mc, int kc, int mr, float[] ap) {
        packA(a, base, rs, cs, mc, kc, mr, 0, ap);
    }

    /**
     * As above, except that a last panel of at most {@code tailMr} rows is packed {@code tailMr} rows wide (for
     * the half-height kernel): ap[(i0*kc + p)*tailMr + r] there.
     */
    static void packA(float[] a, int base, int rs, int cs, int mc, int kc, int mr, int tailMr, float[] ap) {
        for (int i0 = 0; i0 < mc; i0 += mr) {
            int rows = Math.min(mr, mc - i0);
            int dst = i0 * kc;
            if (rows <= tailMr) {
                for (int p = 0; p < kc; p++) {
                    int src = base + i0 * rs + p * cs;
                    int d = dst + p * tailMr;
                    int r = 0;
                    for (; r < rows; r++) {
                        ap[d + r] = a[src + r * rs];
                    }
                    for (; r < tailMr; r++) {
                        ap[d + r] = 0f;
                    }
                }
                continue;
            }
            if (rows == mr && cs == 1 && mr == 8 && VECTOR_PACK_A) {
                packA8Rows(a, base + i0 * rs, rs, kc, ap, dst);
            } else if (rows == mr && cs == 1) {
                // row-major A: read each row sequentially, scatter with stride MR
                for (int r = 0; r < mr; r++) {
                    int src = base + (i0 + r) * rs;
                    for (int p = 0; p < kc; p++) {
                        ap[dst + p * mr + r] = a[src + p];
                    }
                }
            } else if (rows == mr && rs == 1) {
                // transposed A (a gradient gᵀ): each k step's MR values are adjacent, one block copy each
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(a, base + i0 + p * cs, ap, dst + p * mr, mr);
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = base + i0 * rs + p * cs;
                    int d = dst + p * mr;
                    int r = 0;
                    for (; r < rows; r++) {
                        ap[d + r] = a[src + r * rs];
                    }
                    for (; r < mr; r++) {
                        ap[d + r] = 0f;
                    }
                }
            }
        }
    }

    /**
     * Transposes 8 x 16 blocks in registers where 512-bit vectors are native: the scalar copy above costs one
     * load and one stride-8 store per element (~10% of a large product); this costs 3 two-table permutes
     * (vpermi2ps) per 16 floats.
     */
    static final boolean VECTOR_PACK_A = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512
            && !Boolean.getBoolean("limbic.gemm.scalarpacka");
    private static final VectorSpecies<Float> PS = FloatVector.SPECIES_512;
    private static final VectorSpecies<Integer> PI = IntVector.SPECIES_512;
    /**
     * (3 stages, lo/hi, 16) permute indexes for the 8 x 16 -> (16, 8) transpose; index i &lt; 16 picks lane i of
     * the first table, i &gt;= 16 lane i - 16 of the second. The data is permuted as ints (reinterpreted, free):
     * {@code selectFrom} takes indexes of the data's lane type, and float indexes cost a conversion per permute
     * (packA 128 x 256: 6.8 us with float indexes, 5.4 us with int, 14 us scalar).
     */
    private static final int[] TRANSPOSE_IDX = transposeIndexes();

    /**
     * Butterfly transpose of rows r0..r7 (16 columns p each) into 8 vectors o_j = [A(0..7, 2j), A(0..7, 2j+1)].
     * Stage s pairs vectors whose index differs in bit s (row bit s) and splits their 32 elements by column bit
     * s+1, so after 3 stages vector j holds columns 2j and 2j+1; the last stage also puts lanes in final order
     * (lane = (p &amp; 1)*8 + r). Worked out by simulating the element positions, then checked for all vectors.
     */
    private static int[] transposeIndexes() {
        int[][] at = new int[8][16];                   // at[v][lane] = r*16 + p of the element held there
        for (int v = 0; v < 8; v++) {
            for (int l = 0; l < 16; l++) {
                at[v][l] = v * 16 + l;
            }
        }
        int[] idx = new int[3 * 2 * 16];
        for (int s = 0; s < 3; s++) {
            int pBit = 1 << (s + 1);
            int[] lo = new int[16];
            int[] hi = new int[16];
            int nl = 0;
            int nh = 0;
            int[] va = at[0];
            int[] vb = at[1 << s];
            if (s < 2) {
                // natural order: the chosen half of the first table, then of the second
                for (int t = 0; t < 2; t++) {
                    int[] src = t == 0 ? va : vb;
                    for (int l = 0; l < 16; l++) {
                        if ((src[l] & pBit) == 0) {
                            lo[nl++] = t * 16 + l;
                        } else {
                            hi[nh++] = t * 16 + l;
                        }
                    }
                }
            } else {
                // final order: lane (p0 * 8 + r) of output j holds A(r, 2j + p0)
                for (int h = 0; h < 2; h++) {
                    int[] out = h == 0 ? lo : hi;
                    for (int lane = 0; lane < 16; lane++) {
                        int r = lane & 7;
                        int p0 = lane >> 3;
                        int want = -1;
                        for (int t = 0; t < 2 && want < 0; t++) {
                            int[] src = t == 0 ? va : vb;
                            for (int l = 0; l < 16; l++) {
                                int e = src[l];
                                if (e >> 4 == r && (e & 1) == p0 && ((e & pBit) != 0) == (h == 1)) {
                                    want = t * 16 + l;
                                    break;
                                }
                            }
                        }
                        out[lane] = want;
                    }
                }
            }
            int[][] next = new int[8][16];
            for (int v = 0; v < 8; v++) {
                if ((v & (1 << s)) != 0) {
                    continue;
                }
                int w = v | (1 << s);
                for (int l = 0; l < 16; l++) {
                    next[v][l] = lo[l] < 16 ? at[v][lo[l]] : at[w][lo[l] - 16];
                    next[w][l] = hi[l] < 16 ? at[v][hi[l]] : at[w][hi[l] - 16];
                }
            }
            at = next;
            for (int l = 0; l < 16; l++) {
                idx[s * 32 + l] = lo[l];
                idx[s * 32 + 16 + l] = hi[l];
            }
        }
        for (int j = 0; j < 8; j++) {
            for (int lane = 0; lane < 16; lane++) {
                if (at[j][lane] != (lane & 7) * 16 + 2 * j + (lane >> 3)) {
                    throw new AssertionError("packA transpose indexes are wrong at vector " + j + " lane " + lane);
                }
            }
        }
        return idx;
    }

    /** Packs 8 full row-major rows A(0:8, 0:kc) (row r at a[src + r*rs]) into ap[dst + p*8 + r]. */
    private static void packA8Rows(float[] a, int src, int rs, int kc, float[] ap, int dst) {
        IntVector s0l = IntVector.fromArray(PI, TRANSPOSE_IDX, 0);
        IntVector s0h = IntVector.fromArray(PI, TRANSPOSE_IDX, 16);
        IntVector s1l = IntVector.fromArray(PI, TRANSPOSE_IDX, 32);
        IntVector s1h = IntVector.fromArray(PI, TRANSPOSE_IDX, 48);
        IntVector s2l = IntVector.fromArray(PI, TRANSPOSE_IDX, 64);
        IntVector s2h = IntVector.fromArray(PI, TRANSPOSE_IDX, 80);
        int p = 0;
        for (; p + 16 <= kc; p += 16) {
            int q = src + p;
            IntVector r0 = FloatVector.fromArray(PS, a, q).reinterpretAsInts();
            IntVector r1 = FloatVector.fromArray(PS, a, q + rs).reinterpretAsInts();
            IntVector r2 = FloatVector.fromArray(PS, a, q + 2 * rs).reinterpretAsInts();
            IntVector r3 = FloatVector.fromArray(PS, a, q + 3 * rs).reinterpretAsInts();
            IntVector r4 = FloatVector.fromArray(PS, a, q + 4 * rs).reinterpretAsInts();
            IntVector r5 = FloatVector.fromArray(PS, a, q + 5 * rs).reinterpretAsInts();
            IntVector r6 = FloatVector.fromArray(PS, a, q + 6 * rs).reinterpretAsInts();
            IntVector r7 = FloatVector.fromArray(PS, a, q + 7 * rs).reinterpretAsInts();
            // stage 0: pairs (0,1) (2,3) (4,5) (6,7)
            IntVector t0 = s0l.selectFrom(r0, r1);
            IntVector t1 = s0h.selectFrom(r0, r1);
            IntVector t2 = s0l.selectFrom(r2, r3);
            IntVector t3 = s0h.selectFrom(r2, r3);
            IntVector t4 = s0l.selectFrom(r4, r5);
            IntVector t5 = s0h.selectFrom(r4, r5);
            IntVector t6 = s0l.selectFrom(r6, r7);
            IntVector t7 = s0h.selectFrom(r6, r7);
            // stage 1: pairs (0,2) (1,3) (4,6) (5,7)
            IntVector u0 = s1l.selectFrom(t0, t2);
            IntVector u2 = s1h.selectFrom(t0, t2);
            IntVector u1 = s1l.selectFrom(t1, t3);
            IntVector u3 = s1h.selectFrom(t1, t3);
            IntVector u4 = s1l.selectFrom(t4, t6);
            IntVector u6 = s1h.selectFrom(t4, t6);
            IntVector u5 = s1l.selectFrom(t5, t7);
            IntVector u7 = s1h.selectFrom(t5, t7);
            // stage 2: pairs (0,4) (1,5) (2,6) (3,7); vector j now holds columns p+2j, p+2j+1
            int d = dst + p * 8;
            s2l.selectFrom(u0, u4).reinterpretAsFloats().intoArray(ap, d);
            s2h.selectFrom(u0, u4).reinterpretAsFloats().intoArray(ap, d + 4 * 16);
            s2l.selectFrom(u1, u5).reinterpretAsFloats().intoArray(ap, d + 16);
            s2h.selectFrom(u1, u5).reinterpretAsFloats().intoArray(ap, d + 5 * 16);
            s2l.selectFrom(u2, u6).reinterpretAsFloats().intoArray(ap, d + 2 * 16);
            s2h.selectFrom(u2, u6).reinterpretAsFloats().intoArray(ap, d + 6 * 16);
            s2l.selectFrom(u3, u7).reinterpretAsFloats().intoArray(ap, d + 3 * 16);
            s2h.selectFrom(u3, u7).reinterpretAsFloats().intoArray(ap, d + 7 * 16);
        }
        for (; p < kc; p++) {
            int d = dst + p * 8;
            for (int r = 0; r < 8; r++) {
                ap[d + r] = a[src + r * rs + p];
            }
        }
    }

    /**
     * Packs B(0:kc, 0:nc) (element (p, j) at b[base + p*rs + j*cs]) into NR-column panels:
     * bp[bp0 + (jp*kc + p)*NR + jj] = B(p, jp*NR + jj), columns past nc zero-filled.
     */
    static void packB(float[] b, int base, int rs, int cs, int kc, int nc, int nr, float[] bp, int bp0) {
        if (cs == 1) {
            // row-major B: walk B row by row (sequential reads, friendly to the prefetcher and the TLB even when
            // rows are far apart) and drop each run of NR floats into its panel
            int fullCols = nc / nr * nr;
            for (int p = 0; p < kc; p++) {
                int src = base + p * rs;
                for (int j0 = 0; j0 < fullCols; j0 += nr) {
                    System.arraycopy(b, src + j0, bp, bp0 + j0 * kc + p * nr, nr);
                }
            }
        }
        for (int j0 = 0; j0 < nc; j0 += nr) {
            int cols = Math.min(nr, nc - j0);
            int dst = bp0 + j0 * kc;
            if (cols == nr && cs == 1) {
                continue; // packed below, row by row
            } else if (cols == nr && rs == 1 && VECTOR_PACK_A && nr % 8 == 0) {
                // transposed B (a Linear's Wᵀ): transpose 8 columns at a time in registers, as packA does for 8
                // rows, into a (kc, 8) scratch that stays in L1, then drop its 8-float rows into the panel
                float[] t8 = PACK_B_SCRATCH.get();
                if (t8.length < 8 * kc) {
                    t8 = new float[8 * kc];
                    PACK_B_SCRATCH.set(t8);
                }
                for (int g = 0; g < nr; g += 8) {
                    packA8Rows(b, base + (j0 + g) * cs, cs, kc, t8, 0);
                    for (int p = 0; p < kc; p++) {
                        System.arraycopy(t8, p * 8, bp, dst + p * nr + g, 8);
                    }
                }
            } else if (cols == nr && rs == 1) {
                // transposed B: walk each column sequentially, scatter with stride NR
                for (int jj = 0; jj < nr; jj++) {
                    int src = base + (j0 + jj) * cs;
                    for (int p = 0; p < kc; p++) {
                        bp[dst + p * nr + jj] = b[src + p];
                    }
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = base + p * rs + j0 * cs;
                    int d = dst + p * nr;
                    int jj = 0;
                    for (; jj < cols; jj++) {
                        bp[d + jj] = b[src + jj * cs];
                    }
                    for (; jj < nr; jj++) {
                        bp[d + jj] = 0f;
                    }
                }
            }
        }
    }

    /** (kc, 8) scratch of the transposed-B packing. */
    private static final ThreadLocal<float[]> PACK_B_SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    /** Writes the valid (mr, nr) corner of a spilled (MR, NR) tile into C. */
    static void mergeEdge(float[] tmp, int tileNr, float[] c, int cIdx, int ldc, int mr, int nr, boolean add) {
        for (int r = 0; r < mr; r++) {
            int t = r * tileNr;
            int o = cIdx + r * ldc;
            if (add) {
                for (int j = 0; j < nr; j++) {
                    c[o + j] += tmp[t + j];
                }
            } else {
                for (int j = 0; j < nr; j++) {
                    c[o + j] = tmp[t + j];
                }
            }
        }
    }

    /**
     * A register-blocked micro-kernel: C(mr, nr) (+)= Apanel(MR, kc) * Bpanel(kc, NR), with MR x NR accumulators
     * held in vector registers for the whole k loop. One subclass per species because the Vector API only
     * compiles to SIMD instructions when the species is a compile-time constant (a static final field).
     */
    abstract static class Kernel {
        final int mr;
        final int nr;
        /**
         * A kernel of MR/2 rows and the same NR for a last row panel of at most MR/2 rows (19 rows = 8 + 8 + 3 then
         * compute 20 rows instead of 24); null where there is none.
         */
        Kernel half;

        Kernel(int mr, int nr) {
            this.mr = mr;
            this.nr = nr;
        }

        Kernel withHalf(Kernel h) {
            if (h.nr != nr || 2 * h.mr != mr) {
                throw new IllegalArgumentException("half kernel must be " + mr / 2 + " x " + nr);
            }
            this.half = h;
            return this;
        }

        /** The float species of this kernel's width (NR is two vectors of it). */
        final VectorSpecies<Float> species() {
            return FloatVector.SPECIES_128.length() * 2 == nr ? FloatVector.SPECIES_128
                    : FloatVector.SPECIES_256.length() * 2 == nr ? FloatVector.SPECIES_256 : FloatVector.SPECIES_512;
        }

        /**
         * ap[aBase + p*MR + r] = A(r, p) (packed, zero-padded past mr), bp[bBase + p*NR + j] = B(p, j); writes C rows cIdx + r*ldc, r &lt; mr,
         * columns j &lt; nr; {@code add} adds to C instead of overwriting. {@code tmp} holds MR*NR floats.
         */
        abstract void micro(int kc, float[] ap, int aBase, float[] bp, int bBase,
                            float[] c, int cIdx, int ldc, int mr, int nr, boolean add, float[] tmp);

        /**
         * Same product with A read in place from row-major storage: a[aBase + r*ars + p] = A(r, p). Rows past
         * {@code mr} alias the last valid row, so no padding is needed.
         */
        abstract void microDirect(int kc, float[] a, int aBase, int ars, float[] bp, int bBase,
                                  float[] c, int cIdx, int ldc, int mr, int nr, boolean add, float[] tmp);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Micro-kernels. The bodies are deliberately identical apart from species and row count: 4 rows x 2 vectors
    // (8 accumulators + 2 B vectors + 1 broadcast = 11 registers) for 16-register AVX2/SSE hosts, 8 rows x
    // 2 vectors (19 registers) for 32-register AVX-512 hosts. Each k step does 2 vector loads, MR broadcasts and
    // 2*MR FMAs; the FMA chains per accumulator are independent, so latency is hidden once there are >= 8.

    /** 4 rows x 2 vectors of 128 bits = 4 x 8 tile, 8 accumulators. */
    static final class K128x4 extends Kernel {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_128;
        private static final int L = 4;
        private static final int MR = 4;
        private static final int NR = 2 * L;

        K128x4() {
            super(MR, NR);
        }

        @Override
        void micro(int kc, float[] ap, int aBase, float[] bp, int bBase,
                   float[] c, int cIdx, int ldc, int mr, int nr, boolean add, float[] tmp) {
            FloatVector c00 = FloatVector.zero(S); FloatVector c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S); FloatVector c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S); FloatVector c21 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S); FloatVector c31 = FloatVector.zero(S);
            for (int p = 0; p < kc; p++) {
                int ai = aBase + p * MR;
                int bi = bBase + p * NR;
                FloatVector b0 = FloatVector.fromArray(S, bp, bi);
                FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
                FloatVector x0 = FloatVector.broadcast(S, ap[ai]);
                c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
                FloatVector x1 = FloatVector.broadcast(S, ap[ai + 1]);
                c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
                FloatVector x2 = FloatVector.broadcast(S, ap[ai + 2]);
                c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
                FloatVector x3 = FloatVector.broadcast(S, ap[ai + 3]);
                c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
            }
            if (mr == MR && nr == NR) {
                if (add) {
                    c00.add(FloatVector.fromArray(S, c, cIdx)).intoArray(c, cIdx);
                    c01.add(FloatVector.fromArray(S, c, cIdx + L)).intoArray(c, cIdx + L);
                    c10.add(FloatVector.fromArray(S, c, cIdx + ldc)).intoArray(c, cIdx + ldc);
                    c11.add(FloatVector.fromArray(S, c, cIdx + ldc + L)).intoArray(c, cIdx + ldc + L);
                    c20.add(FloatVector.fromArray(S, c, cIdx + 2 * ldc)).intoArray(c, cIdx + 2 * ldc);
                    c21.add(FloatVector.fromArray(S, c, cIdx + 2 * ldc + L)).intoArray(c, cIdx + 2 * ldc + L);
                    c30.add(FloatVector.fromArray(S, c, cIdx + 3 * ldc)).intoArray(c, cIdx + 3 * ldc);
                    c31.add(FloatVector.fromArray(S, c, cIdx + 3 * ldc + L)).intoArray(c, cIdx + 3 * ldc + L);
                } else {
                    c00.intoArray(c, cIdx);
                    c01.intoArray(c, cIdx + L);
                    c10.intoArray(c, cIdx + ldc);
                    c11.intoArray(c, cIdx + ldc + L);
                    c20.intoArray(c, cIdx + 2 * ldc);
                    c21.intoArray(c, cIdx + 2 * ldc + L);
                    c30.intoArray(c, cIdx + 3 * ldc);
                    c31.intoArray(c, cIdx + 3 * ldc + L);
                }
            } else {
                c00.intoArray(tmp, 0 * L); c01.intoArray(tmp, 1 * L);
                c10.intoArray(tmp, 2 * L); c11.intoArray(tmp, 3 * L);
                c20.intoArray(tmp, 4 * L); c21.intoArray(tmp, 5 * L);
                c30.intoArray(tmp, 6 * L); c31.intoArray(tmp, 7 * L);
                mergeEdge(tmp, NR, c, cIdx, ldc, mr, nr, add);
            }
        }

        @Override
        void microDirect(int kc, float[] a, int aBase, int ars, float[] bp, int bBase,
                   float[] c, int cIdx, int ldc, int mr, int nr, boolean add, float[] tmp) {
            FloatVector c00 = FloatVector.zero(S); FloatVector c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S); FloatVector c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S); FloatVector c21 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S); FloatVector c31 = FloatVector.zero(S);
            // row starts; rows past mr repeat the last valid row (computed, never stored)
            int a0 = aBase;
            int a1 = 1 < mr ? a0 + ars : a0;
            int a2 = 2 < mr ? a1 + ars : a1;
            int a3 = 3 < mr ? a2 + ars : a2;
            for (int p = 0; p < kc; p++) {
                int bi = bBase + p * NR;
                FloatVector b0 = FloatVector.fromArray(S, bp, bi);
                FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
                FloatVector x0 = FloatVector.broadcast(S, a[a0 + p]);
                c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
                FloatVector x1 = FloatVector.broadcast(S, a[a1 + p]);
                c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
                FloatVector x2 = FloatVector.broadcast(S, a[a2 + p]);
                c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
                FloatVector x3 = FloatVector.broadcast(S, a[a3 + p]);
                c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
            }
            if (mr == MR && nr == NR) {
                if (add) {
                    c00.add(FloatVector.fromArray(S, c, cIdx)).intoArray(c, cIdx);
                    c01.add(FloatVector.fromArray(S, c, cIdx + L)).intoArray(c, cIdx + L);
                    c10.add(FloatVector.fromArray(S, c, cIdx + ldc)).intoArray(c, cIdx + ldc);
                    c11.add(FloatVector.fromArray(S, c, cIdx + ldc + L)).intoArray(c, cIdx + ldc + L);
                    c20.add(FloatVector.fromArray(S, c, cIdx + 2 * ldc)).intoArray(c, cIdx + 2 * ldc);
                    c21.add(FloatVector.fromArray(S, c, cIdx + 2 * ldc + L)).intoArray(c, cIdx + 2 * ldc + L);
                    c30.add(FloatVector.fromArray(S, c, cIdx + 3 * ldc)).intoArray(c, cIdx + 3 * ldc);
                    c31.add(FloatVector.fromArray(S, c, cIdx + 3 * ldc + L)).intoArray(c, cIdx + 3 * ldc + L);
                } else {
                    c00.intoArray(c, cIdx);
                    c01.intoArray(c, cIdx + L);
                    c10.intoArray(c, cIdx + ldc);
                    c11.intoArray(c, cIdx + ldc + L);
                    c20.intoArray(c, cIdx + 2 * ldc);
                    c21.intoArray(c, cIdx + 2 * ldc + L);
                    c30.intoArray(c, cIdx + 3 * ldc);
                    c31.intoArray(c, cIdx + 3 * ldc + L);
                }
            } else {
                c00.intoArray(tmp, 0 * L); c01.intoArray(tmp, 1 * L);
                c10.intoArray(tmp, 2 * L); c11.intoArray(tmp, 3 * L);
                c20.intoArray(tmp, 4 * L); c21.intoArray(tmp, 5 * L);
                c30.intoArray(tmp, 6 * L); c31.intoArray(tmp, 7 * L);
                mergeEdge(tmp, NR, c, cIdx, ldc, mr, nr, add);
            }
        }
    }

    /** 8 rows x 2 vectors of 128 bits = 8 x 8 tile, 16 accumulators. */
    static final class K128x8 extends Kernel {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_128;
        private static final int L = 4;
        private static final int MR = 8;
        private static final int NR = 2 * L;

        K128x8() {
            super(MR, NR);
        }

        @Override
        void micro(int kc, float[] ap, int aBase, float[] bp, int bBase,
                   float[] c, int cIdx, int ldc, int mr, int nr, boolean add, float[] tmp) {
            FloatVector c00 = FloatVector.zero(S); FloatVector c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S); FloatVector c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S); FloatVector c21 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S); FloatVector c31 = FloatVector.zero(S);
            FloatVector c40 = FloatVector.zero(S); FloatVector c41 = FloatVector.zero(S);
            FloatVector c50 = FloatVector.zero(S); FloatVector c51 = FloatVector.zero(S);
            FloatVector c60 = FloatVector.zero(S); FloatVector c61 = FloatVector.zero(S);
            FloatVector c70 = FloatVector.zero(S); FloatVector c71 = FloatVector.zero(S);
            for (int p = 0; p < kc; p++) {
                int ai = aBase + p * MR;
                int bi = bBase + p * NR;
                FloatVector b0 = FloatVector.fromArray(S, bp, bi);
                FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
                FloatVector x0 = FloatVector.broadcast(S, ap[ai]);
                c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
                FloatVector x1 = FloatVector.broadcast(S, ap[ai + 1]);
                c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
                FloatVector x2 = FloatVector.broadcast(S, ap[ai + 2]);
                c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
                FloatVector x3 = FloatVector.broadcast(S, ap[ai + 3]);
                c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
                FloatVector x4 = FloatVector.broadcast(S, ap[ai + 4]);
                c40 = x4.fma(b0, c40); c41 = x4.fma(b1, c41);
                FloatVector x5 = FloatVector.broadcast(S, ap[ai + 5]);
                c50 = x5.fma(b0, c50); c51 = x5.fma(b1, c51);
                FloatVector x6 = FloatVector.broadcast(S, ap[ai + 6]);
                c60 = x6.fma(b0, c60); c61 = x6.fma(b1, c61);
                FloatVector x7 = FloatVector.broadcast(S, ap[ai + 7]);
                c70 = x7.fma(b0, c70); c71 = x7.fma(b1, c71);
            }
            if (mr == MR && nr == NR) {
                if (add) {
                    c00.add(FloatVector.fromArray(S, c, cIdx)).intoArray(c, cIdx);
                    c01.add(FloatVector.fromArray(S, c, cIdx + L)).intoArray(c, cIdx + L);
                    c10.add(FloatVector.fromArray(S, c, cIdx + ldc)).intoArray(c, cIdx + ldc);
                    c11.add(FloatVector.fromArray(S, c, cIdx + ldc + L)).intoArray(c, cIdx + ldc + L);
                    c20.add(FloatVector.fromArray(S, c, cIdx + 2 * ldc)).intoArray(c, cIdx + 2 * ldc);
                    c21.add(FloatVector.fromArray(S, c, cIdx + 2 * ldc + L)).intoArray(c, cIdx + 2 * ldc + L);
                    c30.add(FloatVector.fromArray(S, c, cIdx + 3 * ldc)).intoArray(c, cIdx + 3 * ldc);
                    c31.add(FloatVector.fromArray(S, c, cIdx + 3 * ldc + L)).intoArray(c, cIdx + 3 * ldc + L);
                    c40.add(FloatVector.fromArray(S, c, cIdx + 4 * ldc)).intoArray(c, cIdx + 4 * ldc);
                    c41.add(FloatVector.fromArray(S, c, cIdx + 4 * ldc + L)).intoArray(c, cIdx + 4 * ldc + L);
                    c50.add(FloatVector.fromArray(S, c, cIdx + 5 * ldc)).intoArray(c, cIdx + 5 * ldc);
                    c51.add(FloatVector.fromArray(S, c, cIdx + 5 * ldc + L)).intoArray(c, cIdx + 5 * ldc + L);
                    c60.add(FloatVector.fromArray(S, c, cIdx + 6 * ldc)).intoArray(c, cIdx + 6 * ldc);
                    c61.add(FloatVector.fromArray(S, c, cIdx + 6 * ldc + L)).intoArray(c, cIdx + 6 * ldc + L);
                    c70.add(FloatVector.fromArray(S, c, cIdx + 7 * ldc)).intoArray(c, cIdx + 7 * ldc);
                    c71.add(FloatVector.fromArray(S, c, cIdx + 7 * ldc + L)).intoArray(c, cIdx + 7 * ldc + L);
                } else {
                    c00.intoArray(c, cIdx);
                    c01.intoArray(c, cIdx + L);
                    c10.intoArray(c, cIdx + ldc);
                    c11.intoArray(c, cIdx + ldc + L);
                    c20.intoArray(c, cIdx + 2 * ldc);
                    c21.intoArray(c, cIdx + 2 * ldc + L);
                    c30.intoArray(c, cIdx + 3 * ldc);
                    c31.intoArray(c, cIdx + 3 * ldc + L);
                    c40.intoArray(c, cIdx + 4 * ldc);
                    c41.intoArray(c, cIdx + 4 * ldc + L);
                    c50.intoArray(c, cIdx + 5 * ldc);
                    c51.intoArray(c, cIdx + 5 * ldc + L);
                    c60.intoArray(c, cIdx + 6 * ldc);
                    c61.intoArray(c, cIdx + 6 * ldc + L);
                    c70.intoArray(c, cIdx + 7 * ldc);
                    c71.intoArray(c, cIdx + 7 * ldc + L);
                }
            } else {
                c00.intoArray(tmp, 0 * L); c01.intoArray(tmp, 1 * L);
                c10.intoArray(tmp, 2 * L); c11.intoArray(tmp, 3 * L);
                c20.intoArray(tmp, 4 * L); c21.intoArray(tmp, 5 * L);
                c30.intoArray(tmp, 6 * L); c31.intoArray(tmp, 7 * L);
                c40.intoArray(tmp, 8 * L); c41.intoArray(tmp, 9 * L);
                c50.intoArray(tmp, 10 * L); c51.intoArray(tmp, 11 * L);
                c60.intoArray(tmp, 12 * L); c61.intoArray(tmp, 13 * L);
                c70.intoArray(tmp, 14 * L); c71.intoArray(tmp, 15 * L);
                mergeEdge(tmp, NR, c, cIdx, ldc, mr, nr, add);
            }
        }

        @Override
        void microDirect(int kc, float[] a, int aBase, int ars, float[] bp, int bBase,
                   float[] c, int cIdx, int ldc, int mr, int nr, boolean add, float[] tmp) {
            FloatVector c00 = FloatVector.zero(S); FloatVector c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S); FloatVector c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S); FloatVector c21 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S); FloatVector c31 = FloatVector.zero(S);
            FloatVector c40 = FloatVector.zero(S); FloatVector c41 = FloatVector.zero(S);
            FloatVector c50 = FloatVector.zero(S); FloatVector c51 = FloatVector.zero(S);
            FloatVector c60 = FloatVector.zero(S); FloatVector c61 = FloatVector.zero(S);
            FloatVector c70 = FloatVector.zero(S); FloatVector c71 = FloatVector.zero(S);
            // row starts; rows past mr repeat the last valid row (computed, never stored)
            int a0 = aBase;
            int a1 = 1 < mr ? a0 + ars : a0;
            int a2 = 2 < mr ? a1 + ars : a1;
            int a3 = 3 < mr ? a2 + ars : a2;
            int a4 = 4 < mr ? a3 + ars : a3;
            int a5 = 5 < mr ? a4 + ars : a4;
            int a6 = 6 < mr ? a5 + ars : a5;
            int a7 = 7 < mr ? a6 + ars : a6;
            for (int p = 0; p < kc; p++) {
                int bi = bBase + p * NR;
                FloatVector b0 = FloatVector.fromArray(S, bp, bi);
                FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
                FloatVector x0 = FloatVector.broadcast(S, a[a0 + p]);
                c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
                FloatVector x1 = FloatVector.broadcast(S, a[a1 + p]);
                c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
                FloatVector x2 = FloatVector.broadcast(S, a[a2 + p]);
                c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
                FloatVector x3 = FloatVector.broadcast(S, a[a3 + p]);
                c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
                FloatVector x4 = FloatVector.broadcast(S, a[a4 + p]);
                c40 = x4.fma(b0, c40); c41 = x4.fma(b1, c41);
                FloatVector x5 = FloatVector.broadcast(S, a[a5 + p]);
                c50 = x5.fma(b0, c50); c51 = x5.fma(b1, c51);
                FloatVector x6 = FloatVector.broadcast(S, a[a6 + p]);
                c60 = x6.fma(b0, c60); c61 = x6.fma(b1, c61);
                FloatVector x7 = FloatVector.broadcast(S, a[a7 + p]);
                c70 = x7.fma(b0, c70); c71 = x7.fma(b1, c71);
            }
            if (mr == MR && nr == NR) {
                if (add) {
                    c00.add(FloatVector.fromArray(S, c, cIdx)).intoArray(c, cIdx);
                    c01.add(FloatVector.fromArray(S, c, cIdx + L)).intoArray(c, cIdx + L);
                    c10.add(FloatVector.fromArray(S, c, cIdx + ldc)).intoArray(c, cIdx + ldc);
                    c11.add(FloatVector.fromArray(S, c, cIdx + ldc + L)).intoArray(c, cIdx + ldc + L);
                    c20.add(FloatVector.fromArray(S, c, cIdx + 2 * ldc)).intoArray(c, cIdx + 2 * ldc);
                    c21.add(FloatVector.fromArray(S, c, cIdx + 2 * ldc + L)).intoArray(c, cIdx + 2 * ldc + L);
                    c30.add(FloatVector.fromArray(S, c, cIdx + 3 * ldc)).intoArray(c, cIdx + 3 * ldc);
                    c31.add(FloatVector.fromArray(S, c, cIdx + 3 * ldc + L)).intoArray(c, cIdx + 3 * ldc + L);
                    c40.add(FloatVector.fromArray(S, c, cIdx + 4 * ldc)).intoArray(c, cIdx + 4 * ldc);
                    c41.add(FloatVector.fromArray(S, c, cIdx + 4 * ldc + L)).intoArray(c, cIdx + 4 * ldc + L);
                    c50.add(FloatVector.fromArray(S, c, cIdx + 5 * ldc)).intoArray(c, cIdx + 5 * ldc);
                    c51.add(FloatVector.fromArray(S, c, cIdx + 5 * ldc + L)).intoArray(c, cIdx + 5 * ldc + L);
                    c60.add(FloatVector.fromArray(S, c, cIdx + 6 * ldc)).intoArray(c, cIdx + 6 * ldc);
                    c61.add(FloatVector.fromArray(S, c, cIdx + 6 * ldc + L)).intoArray(c, cIdx + 6 * ldc + L);
                    c70.add(FloatVector.fromArray(S, c, cIdx + 7 * ldc)).intoArray(c, cIdx + 7 * ldc);
                    c71.add(FloatVector.fromArray(S, c, cIdx + 7 * ldc + L)).intoArray(c, cIdx + 7 * ldc + L);
                } else {
                    c00.intoArray(c, cIdx);
                    c01.intoArray(c, cIdx + L);
                    c10.intoArray(c, cIdx + ldc);
                    c11.intoArray(c, cIdx + ldc + L);
                    c20.intoArray(c, cIdx + 2 * ldc);
                    c21.intoArray(c, cIdx + 2 * ldc + L);
                    c30.intoArray(c, cIdx + 3 * ldc);
                    c31.intoArray(c, cIdx + 3 * ldc + L);
                    c40.intoArray(c, cIdx + 4 * ldc);
                    c41.intoArray(c, cIdx + 4 * ldc + L);
                    c50.intoArray(c, cIdx + 5 * ldc);
                    c51.intoArray(c, cIdx + 5 * ldc + L);
                    c60.intoArray(c, cIdx + 6 * ldc);
                    c61.intoArray(c, cIdx + 6 * ldc + L);
                    c70.intoArray(c, cIdx + 7 * ldc);
                    c71.intoArray(c, cIdx + 7 * ldc + L);
                }
            } else {
                c00.intoArray(tmp, 0 * L); c01.intoArray(tmp, 1 * L);
                c10.intoArray(tmp, 2 * L); c11.intoArray(tmp, 3 * L);
                c20.intoArray(tmp, 4 * L); c21.intoArray(tmp, 5 * L);
                c30.intoArray(tmp, 6 * L); c31.intoArray(tmp, 7 * L);
                c40.intoArray(tmp, 8 * L); c41.intoArray(tmp, 9 * L);
                c50.intoArray(tmp, 10 * L); c51.intoArray(tmp, 11 * L);
                c60.intoArray(tmp, 12 * L); c61.intoArray(tmp, 13 * L);
                c70.intoArray(tmp, 14 * L); c71.intoArray(tmp, 15 * L);
                mergeEdge(tmp, NR, c, cIdx, ldc, mr, nr, add);
            }
        }
    }

    /** 4 rows x 2 vectors of 256 bits = 4 x 16 tile, 8 accumulators. */
    static final class K256x4 extends Kernel {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
        private static final int L = 8;
        private static final int MR = 4;
        private static final int NR = 2 * L;

        K256x4() {
            super(MR, NR);
        }

        @Override
        void micro(int kc, float[] ap, int aBase, float[] bp, int bBase,
                   float[] c, int cIdx, int ldc, int mr, int nr, boolean add, float[] tmp) {
            FloatVector c00 = FloatVector.zero(S); FloatVector c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S); FloatVector c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S); FloatVector c21 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S); FloatVector c31 = FloatVector.zero(S);
            for (int p = 0; p < kc; p++) {
                int ai = aBase + p * MR;
                int bi = bBase + p * NR;
                FloatVector b0 = FloatVector.fromArray(S, bp, bi);
                FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
                FloatVector x0 = FloatVector.broadcast(S, ap[ai]);
                c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
                FloatVector x1 = FloatVector.broadcast(S, ap[ai + 1]);
                c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
                FloatVector x2 = FloatVector.broadcast(S, ap[ai + 2]);
                c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
                FloatVector x3 = FloatVector.broadcast(S, ap[ai + 3]);
                c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
            }
            if (mr == MR && nr == NR) {
                if (add) {
                    c00.add(FloatVector.fromArray(S, c, cIdx)).intoArray(c, cIdx);
                    c01.add(FloatVector.fromArray(S, c, cIdx + L)).intoArray(c, cIdx + L);
                    c10.add(FloatVector.fromArray(S, c, cIdx + ldc)).intoArray(c, cIdx + ldc);
                    c11.add(FloatVector.fromArray(S, c, cIdx + ldc + L)).intoArray(c, cIdx + ldc + L);
                    c20.add(FloatVector.fromArray(S, c, cIdx + 2 * ldc)).intoArray(c, cIdx + 2 * ldc);
                    c21.add(FloatVector.fromArray(S, c, cIdx + 2 * ldc + L)).intoArray(c, cIdx + 2 * ldc + L);
                    c30.add(FloatVector.fromArray(S, c, cIdx + 3 * ldc)).intoArray(c, cIdx + 3 * ldc);
                    c31.add(FloatVector.fromArray(S, c, cIdx + 3 * ldc + L)).intoArray(c, cIdx + 3 * ldc + L);
                } else {
                    c00.intoArray(c, cIdx);
                    c01.intoArray(c, cIdx + L);
                    c10.intoArray(c, cIdx + ldc);
                    c11.intoArray(c, cIdx + ldc + L);
                    c20.intoArray(c, cIdx + 2 * ldc);
                    c21.intoArray(c, cIdx + 2 * ldc + L);
                    c30.intoArray(c, cIdx + 3 * ldc);
                    c31.intoArray(c, cIdx + 3 * ldc + L);
                }
            } else {
                c00.intoArray(tmp, 0 * L); c01.intoArray(tmp, 1 * L);
                c10.intoArray(tmp, 2 * L); c11.intoArray(tmp, 3 * L);
                c20.intoArray(tmp, 4 * L); c21.intoArray(tmp, 5 * L);
                c30.intoArray(tmp, 6 * L); c31.intoArray(tmp, 7 * L);
                mergeEdge(tmp, NR, c, cIdx, ldc, mr, nr, add);
            }
        }

        @Override
        void microDirect(int kc, float[] a, int aBase, int ars, float[] bp, int bBase,
                   float[] c, int cIdx, int ldc, int mr, int nr, boolean add, float[] tmp) {
            FloatVector c00 = FloatVector.zero(S); FloatVector c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S); FloatVector c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S); FloatVector c21 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S); FloatVector c31 = FloatVector.zero(S);
            // row starts; rows past mr repeat the last valid row (computed, never stored)
            int a0 = aBase;
            int a1 = 1 < mr ? a0 + ars : a0;
            int a2 = 2 < mr ? a1 + ars : a1;
            int a3 = 3 < mr ? a2 + ars : a2;
            for (int p = 0; p < kc; p++) {
                int bi = bBase + p * NR;
                FloatVector b0 = FloatVector.fromArray(S, bp, bi);
                FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
                FloatVector x0 = FloatVector.broadcast(S, a[a0 + p]);
                c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
                FloatVector x1 = FloatVector.broadcast(S, a[a1 + p]);
                c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
                FloatVector x2 = FloatVector.broadcast(S, a[a2 + p]);
                c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
                FloatVector x3 = FloatVector.broadcast(S, a[a3 + p]);
                c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
            }
            if (mr == MR && nr == NR) {
                if (add) {
                    c00.add(FloatVector.fromArray(S, c, cIdx)).intoArray(c, cIdx);
                    c01.add(FloatVector.fromArray(S, c, cIdx + L)).intoArray(c, cIdx + L);
                    c10.add(FloatVector.fromArray(S, c, cIdx + ldc)).intoArray(c, cIdx + ldc);
                    c11.add(FloatVector.fromArray(S, c, cIdx + ldc + L)).intoArray(c, cIdx + ldc + L);
                    c20.add(FloatVector.fromArray(S, c, cIdx + 2 * ldc)).intoArray(c, cIdx + 2 * ldc);
                    c21.add(FloatVector.fromArray(S, c, cIdx + 2 * ldc + L)).intoArray(c, cIdx + 2 * ldc + L);
                    c30.add(FloatVector.fromArray(S, c, cIdx + 3 * ldc)).intoArray(c, cIdx + 3 * ldc);
                    c31.add(FloatVector.fromArray(S, c, cIdx + 3 * ldc + L)).intoArray(c, cIdx + 3 * ldc + L);
                } else {
                    c00.intoArray(c, cIdx);
                    c01.intoArray(c, cIdx + L);
                    c10.intoArray(c, cIdx + ldc);
                    c11.intoArray(c, cIdx + ldc + L);
                    c20.intoArray(c, cIdx + 2 * ldc);
                    c21.intoArray(c, cIdx + 2 * ldc + L);
                    c30.intoArray(c, cIdx + 3 * ldc);
                    c31.intoArray(c, cIdx + 3 * ldc + L);
                }
            } else {
                c00.intoArray(tmp, 0 * L); c01.intoArray(tmp, 1 * L);
                c10.intoArray(tmp, 2 * L); c11.intoArray(tmp, 3 * L);
                c20.intoArray(tmp, 4 * L); c21.intoArray(tmp, 5 * L);
                c30.intoArray(tmp, 6 * L); c31.intoArray(tmp, 7 * L);
                mergeEdge(tmp, NR, c, cIdx, ldc, mr, nr, add);
            }
        }
    }

    /** 8 rows x 2 vectors of 256 bits = 8 x 16 tile, 16 accumulators. */
    static final class K256x8 extends Kernel {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
        private static final int L = 8;
        private static final int MR = 8;
        private static final int NR = 2 * L;

        K256x8() {
            super(MR, NR);
        }

        @Override
        void micro(int kc, float[] ap, int aBase, float[] bp, int bBase,
                   float[] c, int cIdx, int ldc, int mr, int nr, boolean add, float[] tmp) {
            FloatVector c00 = FloatVector.zero(S); FloatVector c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S); FloatVector c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S); FloatVector c21 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S); FloatVector c31 = FloatVector.zero(S);
            FloatVector c40 = FloatVector.zero(S); FloatVector c41 = FloatVector.zero(S);
            FloatVector c50 = FloatVector.zero(S); FloatVector c51 = FloatVector.zero(S);
            FloatVector c60 = FloatVector.zero(S); FloatVector c61 = FloatVector.zero(S);
            FloatVector c70 = FloatVector.zero(S); FloatVector c71 = FloatVector.zero(S);
            for (int p = 0; p < kc; p++) {
                int ai = aBase + p * MR;
                int bi = bBase + p * NR;
                FloatVector b0 = FloatVector.fromArray(S, bp, bi);
                FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
                FloatVector x0 = FloatVector.broadcast(S, ap[ai]);
                c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
                FloatVector x1 = FloatVector.broadcast(S, ap[ai + 1]);
                c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
                FloatVector x2 = FloatVector.broadcast(S, ap[ai + 2]);
                c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
                FloatVector x3 = FloatVector.broadcast(S, ap[ai + 3]);
                c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
                FloatVector x4 = FloatVector.broadcast(S, ap[ai + 4]);
                c40 = x4.fma(b0, c40); c41 = x4.fma(b1, c41);
                FloatVector x5 = FloatVector.broadcast(S, ap[ai + 5]);
                c50 = x5.fma(b0, c50); c51 = x5.fma(b1, c51);
                FloatVector x6 = FloatVector.broadcast(S, ap[ai + 6]);
                c60 = x6.fma(b0, c60); c61 = x6.fma(b1, c61);
                FloatVector x7 = FloatVector.broadcast(S, ap[ai + 7]);
                c70 = x7.fma(b0, c70); c71 = x7.fma(b1, c71);
            }
            if (mr == MR && nr == NR) {
                if (add) {
                    c00.add(FloatVector.fromArray(S, c, cIdx)).intoArray(c, cIdx);
                    c01.add(FloatVector.fromArray(S, c, cIdx + L)).intoArray(c, cIdx + L);
                    c10.add(FloatVector.fromArray(S, c, cIdx + ldc)).intoArray(c, cIdx + ldc);
                    c11.add(FloatVector.fromArray(S, c, cIdx + ldc + L)).intoArray(c, cIdx + ldc + L);
                    c20.add(FloatVector.fromArray(S, c, cIdx + 2 * ldc)).intoArray(c, cIdx + 2 * ldc);
                    c21.add(FloatVector.fromArray(S, c, cIdx + 2 * ldc + L)).intoArray(c, cIdx + 2 * ldc + L);
                    c30.add(FloatVector.fromArray(S, c, cIdx + 3 * ldc)).intoArray(c, cIdx + 3 * ldc);
                    c31.add(FloatVector.fromArray(S, c, cIdx + 3 * ldc + L)).intoArray(c, cIdx + 3 * ldc + L);
                    c40.add(FloatVector.fromArray(S, c, cIdx + 4 * ldc)).intoArray(c, cIdx + 4 * ldc);
                    c41.add(FloatVector.fromArray(S, c, cIdx + 4 * ldc + L)).intoArray(c, cIdx + 4 * ldc + L);
                    c50.add(FloatVector.fromArray(S, c, cIdx + 5 * ldc)).intoArray(c, cIdx + 5 * ldc);
                    c51.add(FloatVector.fromArray(S, c, cIdx + 5 * ldc + L)).intoArray(c, cIdx + 5 * ldc + L);
                    c60.add(FloatVector.fromArray(S, c, cIdx + 6 * ldc)).intoArray(c, cIdx + 6 * ldc);
                    c61.add(FloatVector.fromArray(S, c, cIdx + 6 * ldc + L)).intoArray(c, cIdx + 6 * ldc + L);
                    c70.add(FloatVector.fromArray(S, c, cIdx + 7 * ldc)).intoArray(c, cIdx + 7 * ldc);
                    c71.add(FloatVector.fromArray(S, c, cIdx + 7 * ldc + L)).intoArray(c, cIdx + 7 * ldc + L);
                } else {
                    c00.intoArray(c, cIdx);
                    c01.intoArray(c, cIdx + L);
                    c10.intoArray(c, cIdx + ldc);
                    c11.intoArray(c, cIdx + ldc + L);
                    c20.intoArray(c, cIdx + 2 * ldc);
                    c21.intoArray(c, cIdx + 2 * ldc + L);
                    c30.intoArray(c, cIdx + 3 * ldc);
                    c31.intoArray(c, cIdx + 3 * ldc + L);
                    c40.intoArray(c, cIdx + 4 * ldc);
                    c41.intoArray(c, cIdx + 4 * ldc + L);
                    c50.intoArray(c, cIdx + 5 * ldc);
                    c51.intoArray(c, cIdx + 5 * ldc + L);
                    c60.intoArray(c, cIdx + 6 * ldc);
                    c61.intoArray(c, cIdx + 6 * ldc + L);
                    c70.intoArray(c, cIdx + 7 * ldc);
                    c71.intoArray(c, cIdx + 7 * ldc + L);
                }
            } else {
                c00.intoArray(tmp, 0 * L); c01.intoArray(tmp, 1 * L);
                c10.intoArray(tmp, 2 * L); c11.intoArray(tmp, 3 * L);
                c20.intoArray(tmp, 4 * L); c21.intoArray(tmp, 5 * L);
                c30.intoArray(tmp, 6 * L); c31.intoArray(tmp, 7 * L);
                c40.intoArray(tmp, 8 * L); c41.intoArray(tmp, 9 * L);
                c50.intoArray(tmp, 10 * L); c51.intoArray(tmp, 11 * L);
                c60.intoArray(tmp, 12 * L); c61.intoArray(tmp, 13 * L);
                c70.intoArray(tmp, 14 * L); c71.intoArray(tmp, 15 * L);
                mergeEdge(tmp, NR, c, cIdx, ldc, mr, nr, add);
            }
        }

        @Override
        void microDirect(int kc, float[] a, int aBase, int ars, float[] bp, int bBase,
                   float[] c, int cIdx, int ldc, int mr, int nr, boolean add, float[] tmp) {
            FloatVector c00 = FloatVector.zero(S); FloatVector c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S); FloatVector c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S); FloatVector c21 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S); FloatVector c31 = FloatVector.zero(S);
            FloatVector c40 = FloatVector.zero(S); FloatVector c41 = FloatVector.zero(S);
            FloatVector c50 = FloatVector.zero(S); FloatVector c51 = FloatVector.zero(S);
            FloatVector c60 = FloatVector.zero(S); FloatVector c61 = FloatVector.zero(S);
            FloatVector c70 = FloatVector.zero(S); FloatVector c71 = FloatVector.zero(S);
            // row starts; rows past mr repeat the last valid row (computed, never stored)
            int a0 = aBase;
            int a1 = 1 < mr ? a0 + ars : a0;
            int a2 = 2 < mr ? a1 + ars : a1;
            int a3 = 3 < mr ? a2 + ars : a2;
            int a4 = 4 < mr ? a3 + ars : a3;
            int a5 = 5 < mr ? a4 + ars : a4;
            int a6 = 6 < mr ? a5 + ars : a5;
            int a7 = 7 < mr ? a6 + ars : a6;
            for (int p = 0; p < kc; p++) {
                int bi = bBase + p * NR;
                FloatVector b0 = FloatVector.fromArray(S, bp, bi);
                FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
                FloatVector x0 = FloatVector.broadcast(S, a[a0 + p]);
                c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
                FloatVector x1 = FloatVector.broadcast(S, a[a1 + p]);
                c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
                FloatVector x2 = FloatVector.broadcast(S, a[a2 + p]);
                c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
                FloatVector x3 = FloatVector.broadcast(S, a[a3 + p]);
                c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
                FloatVector x4 = FloatVector.broadcast(S, a[a4 + p]);
                c40 = x4.fma(b0, c40); c41 = x4.fma(b1, c41);
                FloatVector x5 = FloatVector.broadcast(S, a[a5 + p]);
                c50 = x5.fma(b0, c50); c51 = x5.fma(b1, c51);
                FloatVector x6 = FloatVector.broadcast(S, a[a6 + p]);
                c60 = x6.fma(b0, c60); c61 = x6.fma(b1, c61);
                FloatVector x7 = FloatVector.broadcast(S, a[a7 + p]);
                c70 = x7.fma(b0, c70); c71 = x7.fma(b1, c71);
            }
            if (mr == MR && nr == NR) {
                if (add) {
                    c00.add(FloatVector.fromArray(S, c, cIdx)).intoArray(c, cIdx);
                    c01.add(FloatVector.fromArray(S, c, cIdx + L)).intoArray(c, cIdx + L);
                    c10.add(FloatVector.fromArray(S, c, cIdx + ldc)).intoArray(c, cIdx + ldc);
                    c11.add(FloatVector.fromArray(S, c, cIdx + ldc + L)).intoArray(c, cIdx + ldc + L);
                    c20.add(FloatVector.fromArray(S, c, cIdx + 2 * ldc)).intoArray(c, cIdx + 2 * ldc);
                    c21.add(FloatVector.fromArray(S, c, cIdx + 2 * ldc + L)).intoArray(c, cIdx + 2 * ldc + L);
                    c30.add(FloatVector.fromArray(S, c, cIdx + 3 * ldc)).intoArray(c, cIdx + 3 * ldc);
                    c31.add(FloatVector.fromArray(S, c, cIdx + 3 * ldc + L)).intoArray(c, cIdx + 3 * ldc + L);
                    c40.add(FloatVector.fromArray(S, c, cIdx + 4 * ldc)).intoArray(c, cIdx + 4 * ldc);
                    c41.add(FloatVector.fromArray(S, c, cIdx + 4 * ldc + L)).intoArray(c, cIdx + 4 * ldc + L);
                    c50.add(FloatVector.fromArray(S, c, cIdx + 5 * ldc)).intoArray(c, cIdx + 5 * ldc);
                    c51.add(FloatVector.fromArray(S, c, cIdx + 5 * ldc + L)).intoArray(c, cIdx + 5 * ldc + L);
                    c60.add(FloatVector.fromArray(S, c, cIdx + 6 * ldc)).intoArray(c, cIdx + 6 * ldc);
                    c61.add(FloatVector.fromArray(S, c, cIdx + 6 * ldc + L)).intoArray(c, cIdx + 6 * ldc + L);
                    c70.add(FloatVector.fromArray(S, c, cIdx + 7 * ldc)).intoArray(c, cIdx + 7 * ldc);
                    c71.add(FloatVector.fromArray(S, c, cIdx + 7 * ldc + L)).intoArray(c, cIdx + 7 * ldc + L);
                } else {
                    c00.intoArray(c, cIdx);
                    c01.intoArray(c, cIdx + L);
                    c10.intoArray(c, cIdx + ldc);
                    c11.intoArray(c, cIdx + ldc + L);
                    c20.intoArray(c, cIdx + 2 * ldc);
                    c21.intoArray(c, cIdx + 2 * ldc + L);
                    c30.intoArray(c, cIdx + 3 * ldc);
                    c31.intoArray(c, cIdx + 3 * ldc + L);
                    c40.intoArray(c, cIdx + 4 * ldc);
                    c41.intoArray(c, cIdx + 4 * ldc + L);
                    c50.intoArray(c, cIdx + 5 * ldc);
                    c51.intoArray(c, cIdx + 5 * ldc + L);
                    c60.intoArray(c, cIdx + 6 * ldc);
                    c61.intoArray(c, cIdx + 6 * ldc + L);
                    c70.intoArray(c, cIdx + 7 * ldc);
                    c71.intoArray(c, cIdx + 7 * ldc + L);
                }
            } else {
                c00.intoArray(tmp, 0 * L); c01.intoArray(tmp, 1 * L);
                c10.intoArray(tmp, 2 * L); c11.intoArray(tmp, 3 * L);
                c20.intoArray(tmp, 4 * L); c21.intoArray(tmp, 5 * L);
                c30.intoArray(tmp, 6 * L); c31.intoArray(tmp, 7 * L);
                c40.intoArray(tmp, 8 * L); c41.intoArray(tmp, 9 * L);
                c50.intoArray(tmp, 10 * L); c51.intoArray(tmp, 11 * L);
                c60.intoArray(tmp, 12 * L); c61.intoArray(tmp, 13 * L);
                c70.intoArray(tmp, 14 * L); c71.intoArray(tmp, 15 * L);
                mergeEdge(tmp, NR, c, cIdx, ldc, mr, nr, add);
            }
        }
    }

    /** 4 rows x 2 vectors of 512 bits = 4 x 32 tile, 8 accumulators. */
    static final class K512x4 extends Kernel {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
        private static final int L = 16;
        private static final int MR = 4;
        private static final int NR = 2 * L;

        K512x4() {
            super(MR, NR);
        }

        @Override
        void micro(int kc, float[] ap, int aBase, float[] bp, int bBase,
                   float[] c, int cIdx, int ldc, int mr, int nr, boolean add, float[] tmp) {
            FloatVector c00 = FloatVector.zero(S); FloatVector c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S); FloatVector c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S); FloatVector c21 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S); FloatVector c31 = FloatVector.zero(S);
            for (int p = 0; p < kc; p++) {
                int ai = aBase + p * MR;
                int bi = bBase + p * NR;
                FloatVector b0 = FloatVector.fromArray(S, bp, bi);
                FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
                FloatVector x0 = FloatVector.broadcast(S, ap[ai]);
                c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
                FloatVector x1 = FloatVector.broadcast(S, ap[ai + 1]);
                c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
                FloatVector x2 = FloatVector.broadcast(S, ap[ai + 2]);
                c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
                FloatVector x3 = FloatVector.broadcast(S, ap[ai + 3]);
                c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
            }
            if (mr == MR && nr == NR) {
                if (add) {
                    c00.add(FloatVector.fromArray(S, c, cIdx)).intoArray(c, cIdx);
                    c01.add(FloatVector.fromArray(S, c, cIdx + L)).intoArray(c, cIdx + L);
                    c10.add(FloatVector.fromArray(S, c, cIdx + ldc)).intoArray(c, cIdx + ldc);
                    c11.add(FloatVector.fromArray(S, c, cIdx + ldc + L)).intoArray(c, cIdx + ldc + L);
                    c20.add(FloatVector.fromArray(S, c, cIdx + 2 * ldc)).intoArray(c, cIdx + 2 * ldc);
                    c21.add(FloatVector.fromArray(S, c, cIdx + 2 * ldc + L)).intoArray(c, cIdx + 2 * ldc + L);
                    c30.add(FloatVector.fromArray(S, c, cIdx + 3 * ldc)).intoArray(c, cIdx + 3 * ldc);
                    c31.add(FloatVector.fromArray(S, c, cIdx + 3 * ldc + L)).intoArray(c, cIdx + 3 * ldc + L);
                } else {
                    c00.intoArray(c, cIdx);
                    c01.intoArray(c, cIdx + L);
                    c10.intoArray(c, cIdx + ldc);
                    c11.intoArray(c, cIdx + ldc + L);
                    c20.intoArray(c, cIdx + 2 * ldc);
                    c21.intoArray(c, cIdx + 2 * ldc + L);
                    c30.intoArray(c, cIdx + 3 * ldc);
                    c31.intoArray(c, cIdx + 3 * ldc + L);
                }
            } else {
                c00.intoArray(tmp, 0 * L); c01.intoArray(tmp, 1 * L);
                c10.intoArray(tmp, 2 * L); c11.intoArray(tmp, 3 * L);
                c20.intoArray(tmp, 4 * L); c21.intoArray(tmp, 5 * L);
                c30.intoArray(tmp, 6 * L); c31.intoArray(tmp, 7 * L);
                mergeEdge(tmp, NR, c, cIdx, ldc, mr, nr, add);
            }
        }

        @Override
        void microDirect(int kc, float[] a, int aBase, int ars, float[] bp, int bBase,
                   float[] c, int cIdx, int ldc, int mr, int nr, boolean add, float[] tmp) {
            FloatVector c00 = FloatVector.zero(S); FloatVector c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S); FloatVector c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S); FloatVector c21 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S); FloatVector c31 = FloatVector.zero(S);
            // row starts; rows past mr repeat the last valid row (computed, never stored)
            int a0 = aBase;
            int a1 = 1 < mr ? a0 + ars : a0;
            int a2 = 2 < mr ? a1 + ars : a1;
            int a3 = 3 < mr ? a2 + ars : a2;
            for (int p = 0; p < kc; p++) {
                int bi = bBase + p * NR;
                FloatVector b0 = FloatVector.fromArray(S, bp, bi);
                FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
                FloatVector x0 = FloatVector.broadcast(S, a[a0 + p]);
                c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
                FloatVector x1 = FloatVector.broadcast(S, a[a1 + p]);
                c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
                FloatVector x2 = FloatVector.broadcast(S, a[a2 + p]);
                c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
                FloatVector x3 = FloatVector.broadcast(S, a[a3 + p]);
                c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
            }
            if (mr == MR && nr == NR) {
                if (add) {
                    c00.add(FloatVector.fromArray(S, c, cIdx)).intoArray(c, cIdx);
                    c01.add(FloatVector.fromArray(S, c, cIdx + L)).intoArray(c, cIdx + L);
                    c10.add(FloatVector.fromArray(S, c, cIdx + ldc)).intoArray(c, cIdx + ldc);
                    c11.add(FloatVector.fromArray(S, c, cIdx + ldc + L)).intoArray(c, cIdx + ldc + L);
                    c20.add(FloatVector.fromArray(S, c, cIdx + 2 * ldc)).intoArray(c, cIdx + 2 * ldc);
                    c21.add(FloatVector.fromArray(S, c, cIdx + 2 * ldc + L)).intoArray(c, cIdx + 2 * ldc + L);
                    c30.add(FloatVector.fromArray(S, c, cIdx + 3 * ldc)).intoArray(c, cIdx + 3 * ldc);
                    c31.add(FloatVector.fromArray(S, c, cIdx + 3 * ldc + L)).intoArray(c, cIdx + 3 * ldc + L);
                } else {
                    c00.intoArray(c, cIdx);
                    c01.intoArray(c, cIdx + L);
                    c10.intoArray(c, cIdx + ldc);
                    c11.intoArray(c, cIdx + ldc + L);
                    c20.intoArray(c, cIdx + 2 * ldc);
                    c21.intoArray(c, cIdx + 2 * ldc + L);
                    c30.intoArray(c, cIdx + 3 * ldc);
                    c31.intoArray(c, cIdx + 3 * ldc + L);
                }
            } else {
                c00.intoArray(tmp, 0 * L); c01.intoArray(tmp, 1 * L);
                c10.intoArray(tmp, 2 * L); c11.intoArray(tmp, 3 * L);
                c20.intoArray(tmp, 4 * L); c21.intoArray(tmp, 5 * L);
                c30.intoArray(tmp, 6 * L); c31.intoArray(tmp, 7 * L);
                mergeEdge(tmp, NR, c, cIdx, ldc, mr, nr, add);
            }
        }
    }

    /** 8 rows x 2 vectors of 512 bits = 8 x 32 tile, 16 accumulators. */
    static final class K512x8 extends Kernel {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
        private static final int L = 16;
        private static final int MR = 8;
        private static final int NR = 2 * L;

        K512x8() {
            super(MR, NR);
        }

        @Override
        void micro(int kc, float[] ap, int aBase, float[] bp, int bBase,
                   float[] c, int cIdx, int ldc, int mr, int nr, boolean add, float[] tmp) {
            FloatVector c00 = FloatVector.zero(S); FloatVector c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S); FloatVector c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S); FloatVector c21 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S); FloatVector c31 = FloatVector.zero(S);
            FloatVector c40 = FloatVector.zero(S); FloatVector c41 = FloatVector.zero(S);
            FloatVector c50 = FloatVector.zero(S); FloatVector c51 = FloatVector.zero(S);
            FloatVector c60 = FloatVector.zero(S); FloatVector c61 = FloatVector.zero(S);
            FloatVector c70 = FloatVector.zero(S); FloatVector c71 = FloatVector.zero(S);
            for (int p = 0; p < kc; p++) {
                int ai = aBase + p * MR;
                int bi = bBase + p * NR;
                FloatVector b0 = FloatVector.fromArray(S, bp, bi);
                FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
                FloatVector x0 = FloatVector.broadcast(S, ap[ai]);
                c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
                FloatVector x1 = FloatVector.broadcast(S, ap[ai + 1]);
                c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
                FloatVector x2 = FloatVector.broadcast(S, ap[ai + 2]);
                c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
                FloatVector x3 = FloatVector.broadcast(S, ap[ai + 3]);
                c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
                FloatVector x4 = FloatVector.broadcast(S, ap[ai + 4]);
                c40 = x4.fma(b0, c40); c41 = x4.fma(b1, c41);
                FloatVector x5 = FloatVector.broadcast(S, ap[ai + 5]);
                c50 = x5.fma(b0, c50); c51 = x5.fma(b1, c51);
                FloatVector x6 = FloatVector.broadcast(S, ap[ai + 6]);
                c60 = x6.fma(b0, c60); c61 = x6.fma(b1, c61);
                FloatVector x7 = FloatVector.broadcast(S, ap[ai + 7]);
                c70 = x7.fma(b0, c70); c71 = x7.fma(b1, c71);
            }
            if (mr == MR && nr == NR) {
                if (add) {
                    c00.add(FloatVector.fromArray(S, c, cIdx)).intoArray(c, cIdx);
                    c01.add(FloatVector.fromArray(S, c, cIdx + L)).intoArray(c, cIdx + L);
                    c10.add(FloatVector.fromArray(S, c, cIdx + ldc)).intoArray(c, cIdx + ldc);
                    c11.add(FloatVector.fromArray(S, c, cIdx + ldc + L)).intoArray(c, cIdx + ldc + L);
                    c20.add(FloatVector.fromArray(S, c, cIdx + 2 * ldc)).intoArray(c, cIdx + 2 * ldc);
                    c21.add(FloatVector.fromArray(S, c, cIdx + 2 * ldc + L)).intoArray(c, cIdx + 2 * ldc + L);
                    c30.add(FloatVector.fromArray(S, c, cIdx + 3 * ldc)).intoArray(c, cIdx + 3 * ldc);
                    c31.add(FloatVector.fromArray(S, c, cIdx + 3 * ldc + L)).intoArray(c, cIdx + 3 * ldc + L);
                    c40.add(FloatVector.fromArray(S, c, cIdx + 4 * ldc)).intoArray(c, cIdx + 4 * ldc);
                    c41.add(FloatVector.fromArray(S, c, cIdx + 4 * ldc + L)).intoArray(c, cIdx + 4 * ldc + L);
                    c50.add(FloatVector.fromArray(S, c, cIdx + 5 * ldc)).intoArray(c, cIdx + 5 * ldc);
                    c51.add(FloatVector.fromArray(S, c, cIdx + 5 * ldc + L)).intoArray(c, cIdx + 5 * ldc + L);
                    c60.add(FloatVector.fromArray(S, c, cIdx + 6 * ldc)).intoArray(c, cIdx + 6 * ldc);
                    c61.add(FloatVector.fromArray(S, c, cIdx + 6 * ldc + L)).intoArray(c, cIdx + 6 * ldc + L);
                    c70.add(FloatVector.fromArray(S, c, cIdx + 7 * ldc)).intoArray(c, cIdx + 7 * ldc);
                    c71.add(FloatVector.fromArray(S, c, cIdx + 7 * ldc + L)).intoArray(c, cIdx + 7 * ldc + L);
                } else {
                    c00.intoArray(c, cIdx);
                    c01.intoArray(c, cIdx + L);
                    c10.intoArray(c, cIdx + ldc);
                    c11.intoArray(c, cIdx + ldc + L);
                    c20.intoArray(c, cIdx + 2 * ldc);
                    c21.intoArray(c, cIdx + 2 * ldc + L);
                    c30.intoArray(c, cIdx + 3 * ldc);
                    c31.intoArray(c, cIdx + 3 * ldc + L);
                    c40.intoArray(c, cIdx + 4 * ldc);
                    c41.intoArray(c, cIdx + 4 * ldc + L);
                    c50.intoArray(c, cIdx + 5 * ldc);
                    c51.intoArray(c, cIdx + 5 * ldc + L);
                    c60.intoArray(c, cIdx + 6 * ldc);
                    c61.intoArray(c, cIdx + 6 * ldc + L);
                    c70.intoArray(c, cIdx + 7 * ldc);
                    c71.intoArray(c, cIdx + 7 * ldc + L);
                }
            } else {
                c00.intoArray(tmp, 0 * L); c01.intoArray(tmp, 1 * L);
                c10.intoArray(tmp, 2 * L); c11.intoArray(tmp, 3 * L);
                c20.intoArray(tmp, 4 * L); c21.intoArray(tmp, 5 * L);
                c30.intoArray(tmp, 6 * L); c31.intoArray(tmp, 7 * L);
                c40.intoArray(tmp, 8 * L); c41.intoArray(tmp, 9 * L);
                c50.intoArray(tmp, 10 * L); c51.intoArray(tmp, 11 * L);
                c60.intoArray(tmp, 12 * L); c61.intoArray(tmp, 13 * L);
                c70.intoArray(tmp, 14 * L); c71.intoArray(tmp, 15 * L);
                mergeEdge(tmp, NR, c, cIdx, ldc, mr, nr, add);
            }
        }

        @Override
        void microDirect(int kc, float[] a, int aBase, int ars, float[] bp, int bBase,
                   float[] c, int cIdx, int ldc, int mr, int nr, boolean add, float[] tmp) {
            FloatVector c00 = FloatVector.zero(S); FloatVector c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S); FloatVector c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S); FloatVector c21 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S); FloatVector c31 = FloatVector.zero(S);
            FloatVector c40 = FloatVector.zero(S); FloatVector c41 = FloatVector.zero(S);
            FloatVector c50 = FloatVector.zero(S); FloatVector c51 = FloatVector.zero(S);
            FloatVector c60 = FloatVector.zero(S); FloatVector c61 = FloatVector.zero(S);
            FloatVector c70 = FloatVector.zero(S); FloatVector c71 = FloatVector.zero(S);
            // row starts; rows past mr repeat the last valid row (computed, never stored)
            int a0 = aBase;
            int a1 = 1 < mr ? a0 + ars : a0;
            int a2 = 2 < mr ? a1 + ars : a1;
            int a3 = 3 < mr ? a2 + ars : a2;
            int a4 = 4 < mr ? a3 + ars : a3;
            int a5 = 5 < mr ? a4 + ars : a4;
            int a6 = 6 < mr ? a5 + ars : a5;
            int a7 = 7 < mr ? a6 + ars : a6;
            for (int p = 0; p < kc; p++) {
                int bi = bBase + p * NR;
                FloatVector b0 = FloatVector.fromArray(S, bp, bi);
                FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
                FloatVector x0 = FloatVector.broadcast(S, a[a0 + p]);
                c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
                FloatVector x1 = FloatVector.broadcast(S, a[a1 + p]);
                c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
                FloatVector x2 = FloatVector.broadcast(S, a[a2 + p]);
                c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
                FloatVector x3 = FloatVector.broadcast(S, a[a3 + p]);
                c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
                FloatVector x4 = FloatVector.broadcast(S, a[a4 + p]);
                c40 = x4.fma(b0, c40); c41 = x4.fma(b1, c41);
                FloatVector x5 = FloatVector.broadcast(S, a[a5 + p]);
                c50 = x5.fma(b0, c50); c51 = x5.fma(b1, c51);
                FloatVector x6 = FloatVector.broadcast(S, a[a6 + p]);
                c60 = x6.fma(b0, c60); c61 = x6.fma(b1, c61);
                FloatVector x7 = FloatVector.broadcast(S, a[a7 + p]);
                c70 = x7.fma(b0, c70); c71 = x7.fma(b1, c71);
            }
            if (mr == MR && nr == NR) {
                if (add) {
                    c00.add(FloatVector.fromArray(S, c, cIdx)).intoArray(c, cIdx);
                    c01.add(FloatVector.fromArray(S, c, cIdx + L)).intoArray(c, cIdx + L);
                    c10.add(FloatVector.fromArray(S, c, cIdx + ldc)).intoArray(c, cIdx + ldc);
                    c11.add(FloatVector.fromArray(S, c, cIdx + ldc + L)).intoArray(c, cIdx + ldc + L);
                    c20.add(FloatVector.fromArray(S, c, cIdx + 2 * ldc)).intoArray(c, cIdx + 2 * ldc);
                    c21.add(FloatVector.fromArray(S, c, cIdx + 2 * ldc + L)).intoArray(c, cIdx + 2 * ldc + L);
                    c30.add(FloatVector.fromArray(S, c, cIdx + 3 * ldc)).intoArray(c, cIdx + 3 * ldc);
                    c31.add(FloatVector.fromArray(S, c, cIdx + 3 * ldc + L)).intoArray(c, cIdx + 3 * ldc + L);
                    c40.add(FloatVector.fromArray(S, c, cIdx + 4 * ldc)).intoArray(c, cIdx + 4 * ldc);
                    c41.add(FloatVector.fromArray(S, c, cIdx + 4 * ldc + L)).intoArray(c, cIdx + 4 * ldc + L);
                    c50.add(FloatVector.fromArray(S, c, cIdx + 5 * ldc)).intoArray(c, cIdx + 5 * ldc);
                    c51.add(FloatVector.fromArray(S, c, cIdx + 5 * ldc + L)).intoArray(c, cIdx + 5 * ldc + L);
                    c60.add(FloatVector.fromArray(S, c, cIdx + 6 * ldc)).intoArray(c, cIdx + 6 * ldc);
                    c61.add(FloatVector.fromArray(S, c, cIdx + 6 * ldc + L)).intoArray(c, cIdx + 6 * ldc + L);
                    c70.add(FloatVector.fromArray(S, c, cIdx + 7 * ldc)).intoArray(c, cIdx + 7 * ldc);
                    c71.add(FloatVector.fromArray(S, c, cIdx + 7 * ldc + L)).intoArray(c, cIdx + 7 * ldc + L);
                } else {
                    c00.intoArray(c, cIdx);
                    c01.intoArray(c, cIdx + L);
                    c10.intoArray(c, cIdx + ldc);
                    c11.intoArray(c, cIdx + ldc + L);
                    c20.intoArray(c, cIdx + 2 * ldc);
                    c21.intoArray(c, cIdx + 2 * ldc + L);
                    c30.intoArray(c, cIdx + 3 * ldc);
                    c31.intoArray(c, cIdx + 3 * ldc + L);
                    c40.intoArray(c, cIdx + 4 * ldc);
                    c41.intoArray(c, cIdx + 4 * ldc + L);
                    c50.intoArray(c, cIdx + 5 * ldc);
                    c51.intoArray(c, cIdx + 5 * ldc + L);
                    c60.intoArray(c, cIdx + 6 * ldc);
                    c61.intoArray(c, cIdx + 6 * ldc + L);
                    c70.intoArray(c, cIdx + 7 * ldc);
                    c71.intoArray(c, cIdx + 7 * ldc + L);
                }
            } else {
                c00.intoArray(tmp, 0 * L); c01.intoArray(tmp, 1 * L);
                c10.intoArray(tmp, 2 * L); c11.intoArray(tmp, 3 * L);
                c20.intoArray(tmp, 4 * L); c21.intoArray(tmp, 5 * L);
                c30.intoArray(tmp, 6 * L); c31.intoArray(tmp, 7 * L);
                c40.intoArray(tmp, 8 * L); c41.intoArray(tmp, 9 * L);
                c50.intoArray(tmp, 10 * L); c51.intoArray(tmp, 11 * L);
                c60.intoArray(tmp, 12 * L); c61.intoArray(tmp, 13 * L);
                c70.intoArray(tmp, 14 * L); c71.intoArray(tmp, 15 * L);
                mergeEdge(tmp, NR, c, cIdx, ldc, mr, nr, add);
            }
        }
    }
}
