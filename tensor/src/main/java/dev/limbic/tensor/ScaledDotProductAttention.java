package dev.limbic.tensor;

import dev.limbic.tensor.backend.Backend;
import dev.limbic.tensor.backend.BinaryOp;
import java.util.random.RandomGenerator;

/**
 * Multi-head scaled dot-product attention as one op with a hand-written backward:
 * {@code out = merge_h(dropout(softmax(scale·Q_h K_hᵀ + mask)) V_h)}.
 *
 * <p>Q, K and V are given in the projection layout {@code (B, T, H·d)} (head {@code h} is feature slice
 * {@code h·d:(h+1)·d}, as in PyTorch and Hugging Face) and may be strided views, such as the three column blocks
 * of one packed {@code (B, T, 3E)} projection: the batched products read every head in place and write the
 * output with its heads already merged into {@code (B, T, H·dv)}, so no split-heads or merge-heads copies are
 * made, forward or backward. The gradients come back in the same layout (for the packed form as one
 * {@code (B, T, 3E)} buffer). Composed from backend kernels (matmul, softmax, softmax backward, element-wise),
 * so every backend and dtype runs it; the reference decomposition into plain Tensor ops is in the tests.
 *
 * <p>Masks are additive and broadcast to {@code (B, H, T, S)}; they are not differentiated. A query row whose
 * mask is −∞ for every key has no key to attend to: PyTorch returns NaN there; this op returns zero
 * probabilities and a zero output row for it (and no gradient flows through it). Finite mask values (BERT's
 * −10000 or the dtype's most negative finite value) are ordinary additions, exactly as in Hugging Face.
 */
public final class ScaledDotProductAttention {
    /** Strides of a scalar broadcast over an (H, T, S) block. */
    private static final int[] ZERO_STRIDES = {0, 0, 0};

    private ScaledDotProductAttention() {
    }

    /**
     * @param output {@code (B, T, H·dv)}, differentiable in Q, K and V
     * @param probs  the attention probabilities {@code (B, H, T, S)} after dropout (what PyTorch's
     *               {@code need_weights} and Hugging Face's {@code output_attentions} return), detached; null
     *               unless asked for
     */
    public record Result(Tensor output, Tensor probs) {
    }

    /**
     * General (cross-)attention.
     *
     * @param q        {@code (B, T, H·d)}, any strides
     * @param k        {@code (B, S, H·d)}
     * @param v        {@code (B, S, H·dv)}
     * @param heads    number of heads H (divides both feature sizes)
     * @param scale    multiplies the scores, usually {@code 1/√d}
     * @param mask     additive mask broadcastable to {@code (B, H, T, S)}, or null; must not require grad
     * @param dropoutP probability of zeroing an attention probability (the rest scaled by {@code 1/(1−p)}); pass
     *                 0 outside training
     * @param rng      the dropout generator (masks drawn in {@code (B, H, T, S)} row-major order); may be null
     *                 when {@code dropoutP} is 0
     */
    public static Result attend(Tensor q, Tensor k, Tensor v, int heads, double scale, Tensor mask, double dropoutP,
            RandomGenerator rng, boolean needProbs) {
        check3d("q", q);
        check3d("k", k);
        check3d("v", v);
        TensorOps.requireSameDtype("attention q/k", q, k);
        TensorOps.requireSameDtype("attention q/v", q, v);
        int[] qs = q.shapeRef();
        int[] ks = k.shapeRef();
        int[] vs = v.shapeRef();
        if (ks[0] != qs[0] || vs[0] != qs[0]) {
            throw new IllegalArgumentException("attention: batch sizes differ: q " + Shapes.str(qs) + ", k "
                    + Shapes.str(ks) + ", v " + Shapes.str(vs));
        }
        if (ks[2] != qs[2]) {
            throw new IllegalArgumentException("attention: q " + Shapes.str(qs) + " and k " + Shapes.str(ks)
                    + " need the same feature size");
        }
        if (vs[1] != ks[1]) {
            throw new IllegalArgumentException("attention: k " + Shapes.str(ks) + " and v " + Shapes.str(vs)
                    + " need the same number of keys");
        }
        Geometry g = Geometry.of(qs[0], qs[1], ks[1], heads, qs[2], vs[2]);
        Work w = forward(g, q.detach(), k.detach(), v.detach(), scale, mask, dropoutP, rng, needProbs,
                Autograd.needsGrad(q, k, v));
        boolean[] wants = {q.requiresGrad(), k.requiresGrad(), v.requiresGrad()};
        Tensor out = Autograd.record(w.out, "scaled_dot_product_attention", new Tensor[] {q, k, v},
                w.saved(q.detach(), k.detach(), v.detach()), (gOut, s) -> {
                    Tensor dq = wants[0] ? Tensor.emptyLike(gOut.backend(), gOut.dtype(), qs) : null;
                    Tensor dk = wants[1] ? Tensor.emptyLike(gOut.backend(), gOut.dtype(), ks) : null;
                    Tensor dv = wants[2] ? Tensor.emptyLike(gOut.backend(), gOut.dtype(), vs) : null;
                    backward(g, gOut, s, scale, dq, dk, dv);
                    return new Tensor[] {dq, dk, dv};
                });
        return new Result(out, w.probsOut);
    }

    /**
     * Self-attention on a packed projection {@code qkv (B, T, 3·E)} whose last dim holds {@code [q | k | v]}
     * (PyTorch's {@code in_proj} layout); the gradient is one {@code (B, T, 3E)} tensor. Other arguments as in
     * {@link #attend}.
     */
    public static Result attendPacked(Tensor qkv, int heads, double scale, Tensor mask, double dropoutP,
            RandomGenerator rng, boolean needProbs) {
        check3d("qkv", qkv);
        int[] s = qkv.shapeRef();
        if (s[2] % 3 != 0) {
            throw new IllegalArgumentException("attention: packed qkv " + Shapes.str(s)
                    + " must have a last dim of 3·embed_dim");
        }
        int e = s[2] / 3;
        Geometry g = Geometry.of(s[0], s[1], s[1], heads, e, e);
        Tensor base = qkv.detach();
        Tensor q = base.narrow(2, 0, e);
        Tensor k = base.narrow(2, e, e);
        Tensor v = base.narrow(2, 2 * e, e);
        Work w = forward(g, q, k, v, scale, mask, dropoutP, rng, needProbs, Autograd.needsGrad(qkv));
        Tensor out = Autograd.record(w.out, "scaled_dot_product_attention", new Tensor[] {qkv},
                w.saved(q, k, v), (gOut, sv) -> {
                    Tensor dqkv = Tensor.emptyLike(gOut.backend(), gOut.dtype(), s);
                    backward(g, gOut, sv, scale, dqkv.narrow(2, 0, e), dqkv.narrow(2, e, e),
                            dqkv.narrow(2, 2 * e, e));
                    return new Tensor[] {dqkv};
                });
        return new Result(out, w.probsOut);
    }

    private static void check3d(String name, Tensor t) {
        if (t.dim() != 3) {
            throw new IllegalArgumentException("attention: " + name + " must be (batch, seq, features), got shape "
                    + Shapes.str(t.shapeRef()));
        }
        Tensor.requireFloating("attention " + name, t.dtype());
    }

    /** Sizes: batch, query and key lengths, heads, per-head dims of q/k and of v. */
    private record Geometry(int b, int t, int s, int h, int d, int dv) {
        static Geometry of(int b, int t, int s, int heads, int qkFeatures, int vFeatures) {
            if (t <= 0 || s <= 0) {
                throw new IllegalArgumentException("attention: needs at least one query and one key, got " + t
                        + " queries and " + s + " keys");
            }
            if (heads <= 0 || qkFeatures % heads != 0 || vFeatures % heads != 0) {
                throw new IllegalArgumentException("attention: " + heads + " heads must divide the feature sizes ("
                        + qkFeatures + " for q/k, " + vFeatures + " for v)");
            }
            return new Geometry(b, t, s, heads, qkFeatures / heads, vFeatures / heads);
        }

        int probsPerBatch() {
            return h * t * s;
        }
    }

    /** Forward results and what backward reads. */
    private record Work(Tensor out, Tensor probs, Tensor dropMask, Tensor dropped, Tensor probsOut) {
        Tensor[] saved(Tensor q, Tensor k, Tensor v) {
            return new Tensor[] {q, k, v, probs, dropMask, dropped};
        }
    }

    private static Work forward(Geometry g, Tensor q, Tensor k, Tensor v, double scale, Tensor mask,
            double dropoutP, RandomGenerator rng, boolean needProbs, boolean needGrad) {
        if (!(dropoutP >= 0 && dropoutP < 1)) {
            throw new IllegalArgumentException("attention: dropout probability must be in [0, 1), got " + dropoutP);
        }
        boolean dropout = dropoutP > 0;
        if (dropout && rng == null) {
            throw new IllegalArgumentException("attention: dropout " + dropoutP + " needs a random generator");
        }
        Backend be = q.backend();
        Tensor m = mask == null ? null : checkMask(mask, q, g);
        boolean[] emptyRows = m == null ? null : emptyRows(m);
        int per = g.probsPerBatch();
        // full (B, H, T, S) probabilities only when backward or the caller reads them; inference reuses one
        // (H, T, S) block per batch element, which stays in cache between softmax and the P·V product
        boolean keepAll = needGrad || needProbs;
        if (!dropout && emptyRows == null) {
            // one backend call for all heads (the Vector backend runs one fused task per head); the probabilities
            // are kept only when backward or the caller reads them
            Tensor out = Tensor.emptyLike(be, q.dtype(), new int[] {g.b, g.t, g.h * g.dv});   // (B, T, H·dv)
            Tensor kept = keepAll ? Tensor.emptyLike(be, q.dtype(), new int[] {g.b, g.h, g.t, g.s}) : null;
            be.attentionForward(g.b, g.h, g.t, g.s, g.d, g.dv, q.storage(), q.offset(), q.stridesRef(),
                    k.storage(), k.offset(), k.stridesRef(), v.storage(), v.offset(), v.stridesRef(), scale,
                    m == null ? null : m.storage(), m == null ? 0 : m.offset(),
                    m == null ? null : m.stridesRef(), kept == null ? null : kept.storage(), 0, out.storage(), 0);
            return new Work(out, kept, null, null, needProbs ? kept.detach() : null);
        }
        Tensor probs = Tensor.emptyLike(be, q.dtype(), keepAll ? new int[] {g.b, g.h, g.t, g.s}
                : new int[] {1, g.h, g.t, g.s});
        Tensor scores = Tensor.emptyLike(be, q.dtype(), new int[] {g.h, g.t, g.s});   // (H, T, S) scratch
        Tensor dropMask = dropout ? dropoutMask(be, q.dtype(), g, dropoutP, rng) : null;   // (B, H, T, S)
        Tensor dropped = dropout ? Tensor.emptyLike(be, q.dtype(), new int[] {g.b, g.h, g.t, g.s}) : null;
        Tensor out = Tensor.emptyLike(be, q.dtype(), new int[] {g.b, g.t, g.h * g.dv});   // (B, T, H·dv)
        int[] qst = q.stridesRef();
        int[] kst = k.stridesRef();
        int[] vst = v.stridesRef();
        int[] headShape = {g.h, g.t, g.s};
        int[] headStrides = {g.t * g.s, g.s, 1};
        Tensor scaleT = Tensor.scalar(scale, q.dtype()).toBackend(be);
        for (int b = 0; b < g.b; b++) {
            int pOff = keepAll ? b * per : 0;
            // scores[h] = Q_h K_hᵀ: head h of Q starts h·d features in; Kᵀ is K with swapped strides
            be.matmul(g.h, g.t, g.s, g.d,
                    q.storage(), q.offset() + b * qst[0], g.d * qst[2], qst[1], qst[2],
                    k.storage(), k.offset() + b * kst[0], g.d * kst[2], kst[2], kst[1],
                    scores.storage(), 0, g.t * g.s, g.s, false);
            // in place (Backend#binary allows it for a dense operand): scores ·= scale, then += mask
            be.binary(BinaryOp.MUL, headShape, scores.storage(), 0, headStrides, scaleT.storage(), scaleT.offset(),
                    ZERO_STRIDES, scores.storage(), 0);
            if (m != null) {
                int[] mst = m.stridesRef();
                be.binary(BinaryOp.ADD, headShape, scores.storage(), 0, headStrides, m.storage(),
                        m.offset() + b * mst[0], new int[] {mst[1], mst[2], mst[3]}, scores.storage(), 0);
            }
            be.softmax(false, scores.storage(), 0, probs.storage(), pOff, g.h * g.t, g.s);
            if (emptyRows != null) {
                zeroEmptyRows(be, probs, pOff, m, b, g, emptyRows);
            }
            Tensor used = probs;
            int usedOff = pOff;
            if (dropout) {
                be.binary(BinaryOp.MUL, headShape, probs.storage(), pOff, headStrides, dropMask.storage(), b * per,
                        headStrides, dropped.storage(), b * per);
                used = dropped;
                usedOff = b * per;
            }
            // out[b, :, h·dv:(h+1)·dv] = P_h V_h, written straight into the merged-heads layout
            be.matmul(g.h, g.t, g.dv, g.s,
                    used.storage(), usedOff, g.t * g.s, g.s, 1,
                    v.storage(), v.offset() + b * vst[0], g.dv * vst[2], vst[1], vst[2],
                    out.storage(), b * g.t * g.h * g.dv, g.dv, g.h * g.dv, false);
        }
        Tensor probsOut = needProbs ? (dropout ? dropped : probs).detach() : null;
        return new Work(out, keepAll ? probs : null, dropMask, dropped, probsOut);
    }

    /**
     * Writes dq, dk, dv (any of them null to skip; 3-D targets with unit feature stride) from the output
     * gradient. {@code saved} = q, k, v, probs, dropout mask, dropped probs.
     */
    private static void backward(Geometry g, Tensor gOut, Tensor[] saved, double scale, Tensor dq, Tensor dk,
            Tensor dv) {
        Tensor q = saved[0];
        Tensor k = saved[1];
        Tensor v = saved[2];
        Tensor probs = saved[3];
        Tensor dropMask = saved[4];
        Tensor dropped = saved[5];
        Tensor go = gOut.contiguous();   // (B, T, H·dv)
        Backend be = go.backend();
        if (dropMask == null) {
            // one backend call for all heads (the Vector backend runs one fused task per head)
            be.attentionBackward(g.b, g.h, g.t, g.s, g.d, g.dv, q.storage(), q.offset(), q.stridesRef(),
                    k.storage(), k.offset(), k.stridesRef(), v.storage(), v.offset(), v.stridesRef(),
                    probs.storage(), probs.offset(), go.storage(), go.offset(), scale,
                    dq == null ? null : dq.storage(), dq == null ? 0 : dq.offset(), dq == null ? null : dq.stridesRef(),
                    dk == null ? null : dk.storage(), dk == null ? 0 : dk.offset(), dk == null ? null : dk.stridesRef(),
                    dv == null ? null : dv.storage(), dv == null ? 0 : dv.offset(),
                    dv == null ? null : dv.stridesRef());
            return;
        }
        int per = g.probsPerBatch();
        int[] headShape = {g.h, g.t, g.s};
        int[] headStrides = {g.t * g.s, g.s, 1};
        Tensor dP = Tensor.emptyLike(be, go.dtype(), headShape);   // (H, T, S) scratch
        Tensor dS = Tensor.emptyLike(be, go.dtype(), headShape);   // (H, T, S) scratch
        int[] qst = q.stridesRef();
        int[] kst = k.stridesRef();
        int[] vst = v.stridesRef();
        int ldo = g.h * g.dv;
        int goOff = go.offset();
        Tensor scaleT = Tensor.scalar(scale, go.dtype()).toBackend(be);
        for (int b = 0; b < g.b; b++) {
            int pOff = b * per;
            int gob = goOff + b * g.t * ldo;
            Tensor used = dropped != null ? dropped : probs;
            if (dv != null) {
                // dV_h = P_hᵀ dO_h (P after dropout)
                int[] st = dv.stridesRef();
                be.matmul(g.h, g.s, g.dv, g.t,
                        used.storage(), used.offset() + pOff, g.t * g.s, 1, g.s,
                        go.storage(), gob, g.dv, ldo, 1,
                        dv.storage(), dv.offset() + b * st[0], g.dv * st[2], st[1], false);
            }
            if (dq == null && dk == null) {
                continue;
            }
            // dP_h = dO_h V_hᵀ, then through dropout and the softmax: dS = P ⊙ (dP − Σ dP ⊙ P), times scale
            be.matmul(g.h, g.t, g.s, g.dv,
                    go.storage(), gob, g.dv, ldo, 1,
                    v.storage(), v.offset() + b * vst[0], g.dv * vst[2], vst[2], vst[1],
                    dP.storage(), 0, g.t * g.s, g.s, false);
            if (dropMask != null) {
                be.binary(BinaryOp.MUL, headShape, dP.storage(), 0, headStrides, dropMask.storage(),
                        dropMask.offset() + pOff, headStrides, dP.storage(), 0);
            }
            be.softmaxBackward(false, probs.storage(), probs.offset() + pOff, dP.storage(), 0, dS.storage(), 0,
                    g.h * g.t, g.s);
            be.binary(BinaryOp.MUL, headShape, dS.storage(), 0, headStrides, scaleT.storage(), scaleT.offset(),
                    ZERO_STRIDES, dS.storage(), 0);   // in place
            if (dq != null) {
                // dQ_h = dS_h K_h
                int[] st = dq.stridesRef();
                be.matmul(g.h, g.t, g.d, g.s,
                        dS.storage(), 0, g.t * g.s, g.s, 1,
                        k.storage(), k.offset() + b * kst[0], g.d * kst[2], kst[1], kst[2],
                        dq.storage(), dq.offset() + b * st[0], g.d * st[2], st[1], false);
            }
            if (dk != null) {
                // dK_h = dS_hᵀ Q_h
                int[] st = dk.stridesRef();
                be.matmul(g.h, g.s, g.d, g.t,
                        dS.storage(), 0, g.t * g.s, 1, g.s,
                        q.storage(), q.offset() + b * qst[0], g.d * qst[2], qst[1], qst[2],
                        dk.storage(), dk.offset() + b * st[0], g.d * st[2], st[1], false);
            }
        }
    }

    /** The mask expanded (a view) to {@code (B, H, T, S)}, after checking it. */
    private static Tensor checkMask(Tensor mask, Tensor q, Geometry g) {
        if (mask.requiresGrad()) {
            throw new IllegalArgumentException("attention: the additive mask is not differentiated; pass it "
                    + "detached (mask.detach())");
        }
        if (mask.dtype() != q.dtype() || mask.backend() != q.backend()) {
            throw new IllegalArgumentException("attention: mask is " + mask.dtype() + " on " + mask.backend().name()
                    + ", q is " + q.dtype() + " on " + q.backend().name() + "; convert the mask with to(DType)");
        }
        int[] full = {g.b, g.h, g.t, g.s};
        int[] ms = mask.shapeRef();
        boolean ok = ms.length <= 4;
        for (int i = 0; ok && i < ms.length; i++) {
            int target = full[4 - ms.length + i];
            ok = ms[i] == target || ms[i] == 1;
        }
        if (!ok) {
            throw new IllegalArgumentException("attention: mask shape " + Shapes.str(ms)
                    + " does not broadcast to (batch, heads, queries, keys) = " + Shapes.str(full));
        }
        return mask.detach().expand(full);
    }

    /**
     * Which rows of the expanded mask are −∞ for every key, indexed by the mask's own (non-broadcast) extent:
     * {@code [b·H·T + h·T + t]} with broadcast dims read at index 0. Null when there is none. Rejects NaN and +∞,
     * which would turn whole rows into NaN.
     */
    private static boolean[] emptyRows(Tensor m) {
        int[] sh = m.shapeRef();
        int[] st = m.stridesRef();
        HostStorage host = m.backend().toHost(m.storage());
        int nb = st[0] == 0 ? 1 : sh[0];
        int nh = st[1] == 0 ? 1 : sh[1];
        int nt = st[2] == 0 ? 1 : sh[2];
        int ns = st[3] == 0 ? 1 : sh[3];
        boolean[] empty = new boolean[nb * nh * nt];
        boolean any = false;
        for (int b = 0; b < nb; b++) {
            for (int h = 0; h < nh; h++) {
                for (int t = 0; t < nt; t++) {
                    int base = m.offset() + b * st[0] + h * st[1] + t * st[2];
                    boolean allMasked = ns > 0;
                    for (int j = 0; j < ns; j++) {
                        double v = host.getAsDouble(base + j * st[3]);
                        if (Double.isNaN(v) || v == Double.POSITIVE_INFINITY) {
                            throw new IllegalArgumentException("attention: the additive mask holds " + v
                                    + " at [" + b + ", " + h + ", " + t + ", " + j + "]; use 0 to keep a key and a "
                                    + "negative value or -Infinity to mask it");
                        }
                        allMasked &= v == Double.NEGATIVE_INFINITY;
                    }
                    empty[(b * nh + h) * nt + t] = allMasked;
                    any |= allMasked;
                }
            }
        }
        return any ? empty : null;
    }

    /** Zero probabilities for batch element b's rows that see no key (softmax of all −∞ gave NaN there). */
    private static void zeroEmptyRows(Backend be, Tensor probs, int pOff, Tensor m, int b, Geometry g,
            boolean[] empty) {
        int[] st = m.stridesRef();
        int nh = st[1] == 0 ? 1 : g.h;
        int nt = st[2] == 0 ? 1 : g.t;
        int mb = st[0] == 0 ? 0 : b;
        for (int h = 0; h < g.h; h++) {
            for (int t = 0; t < g.t; t++) {
                if (empty[(mb * nh + (st[1] == 0 ? 0 : h)) * nt + (st[2] == 0 ? 0 : t)]) {
                    be.fill(probs.storage(), pOff + (h * g.t + t) * g.s, g.s, 0.0);
                }
            }
        }
    }

    /** {@code (B, H, T, S)} of 0 (dropped) and {@code 1/(1−p)} (kept), drawn in row-major order. */
    private static Tensor dropoutMask(Backend be, DType dtype, Geometry g, double p, RandomGenerator rng) {
        int n = g.b * g.probsPerBatch();
        HostStorage h = HostStorage.allocate(dtype, n);
        double keep = 1.0 / (1.0 - p);
        for (int i = 0; i < n; i++) {
            double v = rng.nextDouble() >= p ? keep : 0.0;
            if (dtype == DType.F32) {
                h.f32()[i] = (float) v;
            } else {
                h.f64()[i] = v;
            }
        }
        return Tensor.contiguousOf(be.fromHost(h), new int[] {g.b, g.h, g.t, g.s});
    }
}
