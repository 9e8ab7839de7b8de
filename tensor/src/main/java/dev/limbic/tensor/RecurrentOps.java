package dev.limbic.tensor;

import dev.limbic.tensor.backend.Backend;
import dev.limbic.tensor.backend.BinaryOp;
import dev.limbic.tensor.backend.ReduceOp;
import java.util.Arrays;

/**
 * Fused recurrent kernels with hand-written backward passes: single LSTM/GRU cells, and whole-sequence
 * recurrences for one layer and direction (the way cuDNN runs them).
 *
 * <p>The sequence ops take the input projections of every time step at once ({@code x·W_ihᵀ}, one large matmul
 * done by the caller), then run the recurrence as one autograd node: per step one {@code h·W_hhᵀ} product
 * accumulated into the step's gate buffer and one fused cell kernel, with no per-step graph nodes, tensors or
 * copies. The backward pass walks the steps in reverse with the cell's backward kernel and one
 * {@code dGates·W_hh} product per step; the weight gradient is one {@code (G·H, T·B)·(T·B, H)} product at the end.
 *
 * <p>Layouts are time-major ({@code (T, B, ·)}), so each step's rows are one dense block. {@code lengths} gives
 * PyTorch packed-sequence semantics: row b takes only its first {@code lengths[b]} steps (the reverse direction
 * starts at step {@code lengths[b] − 1}); outside them its state is carried unchanged and its output is 0, so
 * {@code hN}/{@code cN} are the states after each row's last valid step.
 *
 * <p>PyTorch's gate orders: LSTM i, f, g, o ({@code c' = f·c + i·g}, {@code h' = o·tanh(c')}); GRU r, z, n
 * ({@code n = tanh(gi_n + r·(W_hn h + b_hn))}, {@code h' = (1 − z)·n + z·h}).
 */
public final class RecurrentOps {
    private RecurrentOps() {
    }

    /** Output of a whole-sequence LSTM: {@code output} (T, B, H), final states {@code hN}, {@code cN} (B, H). */
    public record LstmSequence(Tensor output, Tensor hN, Tensor cN) {
    }

    /** Output of a whole-sequence GRU: {@code output} (T, B, H), final state {@code hN} (B, H). */
    public record GruSequence(Tensor output, Tensor hN) {
    }

    // ============================================================================================ single cells

    /**
     * One LSTM step from the gate pre-activations {@code gates} (B, 4H) = {@code x·W_ihᵀ + h·W_hhᵀ + b_ih + b_hh}
     * and the previous cell state {@code cPrev} (B, H). Returns {@code (2, B, H)}: index 0 is the new h, index 1
     * the new c (take them with {@code select(0, 0)} and {@code select(0, 1)}; their gradients meet in the packed
     * tensor).
     */
    public static Tensor lstmCell(Tensor gates, Tensor cPrev) {
        String op = "lstm_cell";
        requireFloating(op, "gates", gates);
        sameKind(op, "gates", gates, "cPrev", cPrev);
        if (gates.dim() != 2 || gates.size(1) % 4 != 0 || gates.size(1) == 0) {
            throw new IllegalArgumentException(op + ": gates must be (B, 4H) with H >= 1, got shape "
                    + Shapes.str(gates.shapeRef()));
        }
        int batch = gates.size(0);
        int hidden = gates.size(1) / 4;
        requireShape(op, "cPrev", cPrev, batch, hidden);
        Backend be = gates.backend();
        DType dt = gates.dtype();
        Tensor g = dense(gates);
        Tensor cp = dense(cPrev);
        Tensor packed = Tensor.emptyLike(be, dt, new int[] {2, batch, hidden});   // [h | c]
        Tensor act = Tensor.emptyLike(be, dt, new int[] {batch, 4 * hidden});   // (B, 4H) activated gates
        Tensor tanhC = Tensor.emptyLike(be, dt, new int[] {batch, hidden});     // (B, H)
        int bh = batch * hidden;
        be.lstmCellForward(batch, hidden, g.storage(), g.offset(), cp.storage(), cp.offset(), null, 0,
                act.storage(), 0, packed.storage(), 0, packed.storage(), bh, tanhC.storage(), 0, null, 0, 0);
        return Autograd.record(packed, op, new Tensor[] {gates, cPrev}, new Tensor[] {act, cp, tanhC}, (gOut, s) -> {
            Tensor go = gOut.contiguous();
            Tensor dGates = Tensor.emptyLike(be, dt, new int[] {batch, 4 * hidden});
            Tensor dcPrev = Tensor.emptyLike(be, dt, new int[] {batch, hidden});
            be.lstmCellBackward(batch, hidden, s[0].storage(), s[0].offset(), s[1].storage(), s[1].offset(),
                    s[2].storage(), s[2].offset(), go.storage(), go.offset(), go.storage(), go.offset() + bh,
                    dGates.storage(), 0, dcPrev.storage(), 0, null, 0, null, 0, 0);
            return new Tensor[] {dGates, dcPrev};
        });
    }

    /**
     * One GRU step from the input projections {@code gi} (B, 3H) = {@code x·W_ihᵀ + b_ih}, the hidden
     * projections {@code gh} (B, 3H) = {@code hPrev·W_hhᵀ + b_hh} and {@code hPrev} (B, H). Returns the new h
     * (B, H).
     */
    public static Tensor gruCell(Tensor gi, Tensor gh, Tensor hPrev) {
        String op = "gru_cell";
        requireFloating(op, "gi", gi);
        sameKind(op, "gi", gi, "gh", gh);
        sameKind(op, "gi", gi, "hPrev", hPrev);
        if (gi.dim() != 2 || gi.size(1) % 3 != 0 || gi.size(1) == 0) {
            throw new IllegalArgumentException(op + ": gi must be (B, 3H) with H >= 1, got shape "
                    + Shapes.str(gi.shapeRef()));
        }
        int batch = gi.size(0);
        int hidden = gi.size(1) / 3;
        requireShape(op, "gh", gh, batch, 3 * hidden);
        requireShape(op, "hPrev", hPrev, batch, hidden);
        Backend be = gi.backend();
        DType dt = gi.dtype();
        Tensor giD = dense(gi);
        Tensor ghD = dense(gh);
        Tensor hp = dense(hPrev);
        Tensor h = Tensor.emptyLike(be, dt, new int[] {batch, hidden});
        Tensor act = Tensor.emptyLike(be, dt, new int[] {batch, 3 * hidden});   // (B, 3H) [r | z | n]
        be.gruCellForward(batch, hidden, giD.storage(), giD.offset(), ghD.storage(), ghD.offset(), hp.storage(),
                hp.offset(), act.storage(), 0, h.storage(), 0, null, 0, 0);
        return Autograd.record(h, op, new Tensor[] {gi, gh, hPrev}, new Tensor[] {act, ghD, hp}, (gOut, s) -> {
            Tensor go = gOut.contiguous();
            Tensor dGi = Tensor.emptyLike(be, dt, new int[] {batch, 3 * hidden});
            Tensor dGh = Tensor.emptyLike(be, dt, new int[] {batch, 3 * hidden});
            Tensor dhPrev = Tensor.emptyLike(be, dt, new int[] {batch, hidden});
            be.gruCellBackward(batch, hidden, s[0].storage(), s[0].offset(), s[1].storage(), s[1].offset(),
                    s[2].storage(), s[2].offset(), go.storage(), go.offset(), dGi.storage(), 0, dGh.storage(), 0,
                    dhPrev.storage(), 0, null, 0, 0);
            return new Tensor[] {dGi, dGh, dhPrev};
        });
    }

    // ============================================================================================ sequences

    /**
     * The LSTM recurrence of one layer and direction over a whole sequence.
     *
     * @param xProj   (T, B, 4H) input projections {@code x_t·W_ihᵀ} of every step (biases not included)
     * @param wHh     (4H, H) recurrent weight
     * @param bIh     (4H) or null
     * @param bHh     (4H) or null
     * @param h0      (B, H) initial hidden state, or null for zeros
     * @param c0      (B, H) initial cell state, or null for zeros
     * @param lengths null (every row runs all T steps) or a 1-D integer tensor of B lengths in [0, T]
     * @param reverse run from step T−1 down to 0 (each row from its own last valid step)
     */
    public static LstmSequence lstmSequence(Tensor xProj, Tensor wHh, Tensor bIh, Tensor bHh, Tensor h0, Tensor c0,
                                            Tensor lengths, boolean reverse) {
        String op = "lstm_sequence";
        Dims d = sequenceDims(op, xProj, wHh, bIh, bHh, h0, 4);
        if (c0 != null) {
            sameKind(op, "xProj", xProj, "c0", c0);
            requireShape(op, "c0", c0, d.batch, d.hidden);
        }
        int steps = d.steps;
        int batch = d.batch;
        int hidden = d.hidden;
        int g4 = 4 * hidden;
        int bh = batch * hidden;
        Backend be = xProj.backend();
        DType dt = xProj.dtype();
        Tensor lens = lengthsOnBackend(op, lengths, batch, steps, be);
        Tensor w = dense(wHh);                                     // (4H, H)
        Tensor wT = transposed(w, g4, hidden);                     // (H, 4H): B operand of h·W_hhᵀ
        // states[k] for k in [0, T] is h after k steps in time order (reverse: states[t] is h after step t, and
        // states[T] is h0); rows T+1 .. 2T+1 hold c the same way, so output and final states are plain views
        Tensor packed = Tensor.emptyLike(be, dt, new int[] {2 * (steps + 1), batch, hidden});
        int cBase = (steps + 1) * bh;
        int first = reverse ? steps : 0;   // index of the initial state
        int last = reverse ? 0 : steps;    // index of the final state
        if (h0 != null) {
            copyInto(be, dense(h0), packed, first * bh, bh);
        }
        if (c0 != null) {
            copyInto(be, dense(c0), packed, cBase + first * bh, bh);
        }
        Tensor act = gatesPlusBias(be, dense(xProj), steps * batch, g4, bIh, bHh);   // (T, B, 4H), in place below
        Tensor tanhC = Tensor.emptyLike(be, dt, new int[] {steps, batch, hidden});   // (T, B, H)
        Storage ps = packed.storage();
        Storage ls = lens == null ? null : lens.storage();
        int lo = lens == null ? 0 : lens.offset();
        for (int s = 0; s < steps; s++) {
            int t = reverse ? steps - 1 - s : s;
            int prev = reverse ? t + 1 : t;
            int next = reverse ? t : t + 1;
            int gOff = t * batch * g4;
            be.matmul(1, batch, g4, hidden, ps, prev * bh, 0, hidden, 1, wT.storage(), 0, 0, g4, 1,
                    act.storage(), gOff, 0, g4, true);
            be.lstmCellForward(batch, hidden, act.storage(), gOff, ps, cBase + prev * bh, ps, prev * bh,
                    act.storage(), gOff, ps, next * bh, ps, cBase + next * bh, tanhC.storage(), t * bh, ls, lo, t);
        }
        Tensor[] inputs = {xProj, wHh, bIh, bHh, h0, c0};
        Tensor[] saved = {act, tanhC, packed.detach(), w};
        boolean hasBias = bIh != null || bHh != null;
        Autograd.record(packed, op, inputs, saved, (gOut, sv) -> {
            Tensor go = gOut.contiguous();
            Storage gs = go.storage();
            int gBase = go.offset();
            Storage actS = sv[0].storage();
            Storage tcS = sv[1].storage();
            Storage st = sv[2].storage();
            Storage wS = sv[3].storage();
            Tensor dGates = Tensor.emptyLike(be, dt, new int[] {steps, batch, g4});   // (T, B, 4H) = d xProj
            Tensor dh = Tensor.emptyLike(be, dt, new int[] {batch, hidden});           // running dL/dh
            Tensor dc = Tensor.emptyLike(be, dt, new int[] {batch, hidden});           // running dL/dc
            Storage dhS = dh.storage();
            Storage dcS = dc.storage();
            for (int s = steps - 1; s >= 0; s--) {
                int t = reverse ? steps - 1 - s : s;
                int prev = reverse ? t + 1 : t;
                int next = reverse ? t : t + 1;
                addInto(be, dhS, gs, gBase + next * bh, bh);
                addInto(be, dcS, gs, gBase + cBase + next * bh, bh);
                int gOff = t * batch * g4;
                be.lstmCellBackward(batch, hidden, actS, gOff, st, cBase + prev * bh, tcS, t * bh, dhS, 0, dcS, 0,
                        dGates.storage(), gOff, dcS, 0, dhS, 0, ls, lo, t);
                be.matmul(1, batch, hidden, g4, dGates.storage(), gOff, 0, g4, 1, wS, 0, 0, hidden, 1, dhS, 0, 0,
                        hidden, true);
            }
            Tensor dh0 = null;
            Tensor dc0 = null;
            if (h0 != null) {
                addInto(be, dhS, gs, gBase + first * bh, bh);
                dh0 = dh.reshape(h0.shapeRef());
            }
            if (c0 != null) {
                addInto(be, dcS, gs, gBase + cBase + first * bh, bh);
                dc0 = dc.reshape(c0.shapeRef());
            }
            Tensor dW = wHh.requiresGrad()
                    ? weightGrad(be, dt, dGates, st, reverse ? bh : 0, steps * batch, g4, hidden).reshape(wHh.shapeRef())
                    : null;
            Tensor dB = hasBias ? rowSum(be, dt, dGates, steps * batch, g4) : null;
            return new Tensor[] {dGates, dW, bIh == null ? null : dB.reshape(bIh.shapeRef()),
                bHh == null ? null : dB.reshape(bHh.shapeRef()), dh0, dc0};
        });
        Tensor output = packed.narrow(0, reverse ? 0 : 1, steps);
        Tensor hN = packed.select(0, last);
        Tensor cN = packed.select(0, steps + 1 + last);
        return new LstmSequence(maskPadding(output, lens, steps, batch), hN, cN);
    }

    /**
     * The GRU recurrence of one layer and direction over a whole sequence.
     *
     * @param xProj   (T, B, 3H) input projections {@code x_t·W_ihᵀ} of every step (biases not included)
     * @param wHh     (3H, H) recurrent weight
     * @param bIh     (3H) or null
     * @param bHh     (3H) or null (it sits inside the reset gate's product, so it is kept apart from bIh)
     * @param h0      (B, H) initial state, or null for zeros
     * @param lengths null or a 1-D integer tensor of B lengths in [0, T]
     * @param reverse run from step T−1 down to 0 (each row from its own last valid step)
     */
    public static GruSequence gruSequence(Tensor xProj, Tensor wHh, Tensor bIh, Tensor bHh, Tensor h0,
                                          Tensor lengths, boolean reverse) {
        String op = "gru_sequence";
        Dims d = sequenceDims(op, xProj, wHh, bIh, bHh, h0, 3);
        int steps = d.steps;
        int batch = d.batch;
        int hidden = d.hidden;
        int g3 = 3 * hidden;
        int bh = batch * hidden;
        Backend be = xProj.backend();
        DType dt = xProj.dtype();
        Tensor lens = lengthsOnBackend(op, lengths, batch, steps, be);
        Tensor w = dense(wHh);                                     // (3H, H)
        Tensor wT = transposed(w, g3, hidden);                     // (H, 3H)
        Tensor states = Tensor.emptyLike(be, dt, new int[] {steps + 1, batch, hidden});   // as in lstmSequence
        int first = reverse ? steps : 0;
        int last = reverse ? 0 : steps;
        if (h0 != null) {
            copyInto(be, dense(h0), states, first * bh, bh);
        }
        Tensor gi = gatesPlusBias(be, dense(xProj), steps * batch, g3, bIh, null);      // (T, B, 3H)
        Tensor gh = Tensor.emptyLike(be, dt, new int[] {steps, batch, g3});                // (T, B, 3H)
        if (bHh != null) {
            Tensor b = dense(bHh);
            be.copy(new int[] {steps * batch, g3}, b.storage(), b.offset(), new int[] {0, 1}, gh.storage(), 0,
                    new int[] {g3, 1});
        }
        Tensor act = Tensor.emptyLike(be, dt, new int[] {steps, batch, g3});               // (T, B, 3H) [r | z | n]
        Storage ss = states.storage();
        Storage ls = lens == null ? null : lens.storage();
        int lo = lens == null ? 0 : lens.offset();
        for (int s = 0; s < steps; s++) {
            int t = reverse ? steps - 1 - s : s;
            int prev = reverse ? t + 1 : t;
            int next = reverse ? t : t + 1;
            int gOff = t * batch * g3;
            be.matmul(1, batch, g3, hidden, ss, prev * bh, 0, hidden, 1, wT.storage(), 0, 0, g3, 1,
                    gh.storage(), gOff, 0, g3, true);
            be.gruCellForward(batch, hidden, gi.storage(), gOff, gh.storage(), gOff, ss, prev * bh, act.storage(),
                    gOff, ss, next * bh, ls, lo, t);
        }
        Tensor[] inputs = {xProj, wHh, bIh, bHh, h0};
        Tensor[] saved = {act, gh, states.detach(), w};
        Autograd.record(states, op, inputs, saved, (gOut, sv) -> {
            Tensor go = gOut.contiguous();
            Storage gs = go.storage();
            int gBase = go.offset();
            Storage actS = sv[0].storage();
            Storage ghS = sv[1].storage();
            Storage st = sv[2].storage();
            Storage wS = sv[3].storage();
            Tensor dGi = Tensor.emptyLike(be, dt, new int[] {steps, batch, g3});   // (T, B, 3H) = d xProj
            Tensor dGh = Tensor.emptyLike(be, dt, new int[] {steps, batch, g3});   // (T, B, 3H)
            Tensor dh = Tensor.emptyLike(be, dt, new int[] {batch, hidden});       // running dL/dh
            Storage dhS = dh.storage();
            for (int s = steps - 1; s >= 0; s--) {
                int t = reverse ? steps - 1 - s : s;
                int prev = reverse ? t + 1 : t;
                int next = reverse ? t : t + 1;
                addInto(be, dhS, gs, gBase + next * bh, bh);
                int gOff = t * batch * g3;
                be.gruCellBackward(batch, hidden, actS, gOff, ghS, gOff, st, prev * bh, dhS, 0, dGi.storage(), gOff,
                        dGh.storage(), gOff, dhS, 0, ls, lo, t);
                be.matmul(1, batch, hidden, g3, dGh.storage(), gOff, 0, g3, 1, wS, 0, 0, hidden, 1, dhS, 0, 0,
                        hidden, true);
            }
            Tensor dh0 = null;
            if (h0 != null) {
                addInto(be, dhS, gs, gBase + first * bh, bh);
                dh0 = dh.reshape(h0.shapeRef());
            }
            Tensor dW = wHh.requiresGrad()
                    ? weightGrad(be, dt, dGh, st, reverse ? bh : 0, steps * batch, g3, hidden).reshape(wHh.shapeRef())
                    : null;
            Tensor dbIh = bIh == null ? null : rowSum(be, dt, dGi, steps * batch, g3).reshape(bIh.shapeRef());
            Tensor dbHh = bHh == null ? null : rowSum(be, dt, dGh, steps * batch, g3).reshape(bHh.shapeRef());
            return new Tensor[] {dGi, dW, dbIh, dbHh, dh0};
        });
        Tensor output = states.narrow(0, reverse ? 0 : 1, steps);
        return new GruSequence(maskPadding(output, lens, steps, batch), states.select(0, last));
    }

    // ============================================================================================ helpers

    private record Dims(int steps, int batch, int hidden) {
    }

    private static Dims sequenceDims(String op, Tensor xProj, Tensor wHh, Tensor bIh, Tensor bHh, Tensor h0,
                                     int gates) {
        requireFloating(op, "xProj", xProj);
        sameKind(op, "xProj", xProj, "wHh", wHh);
        if (wHh.dim() != 2 || wHh.size(1) == 0 || wHh.size(0) != gates * wHh.size(1)) {
            throw new IllegalArgumentException(op + ": wHh must be (" + gates + "H, H) with H >= 1, got shape "
                    + Shapes.str(wHh.shapeRef()));
        }
        int hidden = wHh.size(1);
        if (xProj.dim() != 3 || xProj.size(2) != gates * hidden) {
            throw new IllegalArgumentException(op + ": xProj must be (T, B, " + gates * hidden + ") for hidden size "
                    + hidden + ", got shape " + Shapes.str(xProj.shapeRef()));
        }
        if (xProj.size(0) == 0 || xProj.size(1) == 0) {
            throw new IllegalArgumentException(op + ": xProj " + Shapes.str(xProj.shapeRef())
                    + " has no time steps or no batch rows");
        }
        for (Tensor b : new Tensor[] {bIh, bHh}) {
            if (b != null) {
                sameKind(op, "xProj", xProj, "bias", b);
                requireShape(op, "bias", b, gates * hidden);
            }
        }
        if (h0 != null) {
            sameKind(op, "xProj", xProj, "h0", h0);
            requireShape(op, "h0", h0, xProj.size(1), hidden);
        }
        return new Dims(xProj.size(0), xProj.size(1), hidden);
    }

    private static void requireFloating(String op, String name, Tensor t) {
        if (t == null) {
            throw new IllegalArgumentException(op + ": " + name + " is null");
        }
        Tensor.requireFloating(op + " (" + name + ")", t.dtype());
    }

    private static void sameKind(String op, String aName, Tensor a, String bName, Tensor b) {
        if (b == null) {
            throw new IllegalArgumentException(op + ": " + bName + " is null");
        }
        if (a.backend() != b.backend()) {
            throw new IllegalArgumentException(op + ": " + aName + " and " + bName + " live on different backends ("
                    + a.backend().name() + " and " + b.backend().name() + ")");
        }
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": " + aName + " is " + a.dtype() + " but " + bName + " is "
                    + b.dtype());
        }
    }

    private static void requireShape(String op, String name, Tensor t, int... shape) {
        if (!Arrays.equals(t.shapeRef(), shape)) {
            throw new IllegalArgumentException(op + ": " + name + " must have shape " + Shapes.str(shape) + ", got "
                    + Shapes.str(t.shapeRef()));
        }
    }

    /** The values of {@code t} as a dense block, without recording anything (the op records itself). */
    private static Tensor dense(Tensor t) {
        return t.isContiguous() ? t.detach() : t.copy();
    }

    /** {@code (cols, rows)} row-major copy of a dense {@code (rows, cols)} matrix. */
    private static Tensor transposed(Tensor m, int rows, int cols) {
        Backend be = m.backend();
        Tensor out = Tensor.emptyLike(be, m.dtype(), new int[] {cols, rows});
        be.copy(new int[] {cols, rows}, m.storage(), m.offset(), new int[] {1, cols}, out.storage(), 0,
                new int[] {rows, 1});
        return out;
    }

    private static void copyInto(Backend be, Tensor src, Tensor dst, int dstOff, int n) {
        be.copy(new int[] {n}, src.storage(), src.offset(), new int[] {1}, dst.storage(), dstOff, new int[] {1});
    }

    /** {@code acc[0 .. n) += src[srcOff .. srcOff + n)} on a dense accumulator. */
    private static void addInto(Backend be, Storage acc, Storage src, int srcOff, int n) {
        int[] unit = {1};
        be.binary(BinaryOp.ADD, new int[] {n}, acc, 0, unit, src, srcOff, unit, acc, 0);
    }

    /** A fresh (rows, cols) buffer holding {@code x} plus the biases broadcast over the rows. */
    private static Tensor gatesPlusBias(Backend be, Tensor x, int rows, int cols, Tensor b1, Tensor b2) {
        Tensor out = Tensor.emptyLike(be, x.dtype(), new int[] {rows, cols});
        int[] shape = {rows, cols};
        int[] dense = {cols, 1};
        int[] bcast = {0, 1};
        Tensor bias = b1 == null ? b2 : b2 == null ? b1 : null;
        if (b1 != null && b2 != null) {
            bias = Tensor.emptyLike(be, x.dtype(), new int[] {cols});
            Tensor d1 = dense(b1);
            Tensor d2 = dense(b2);
            be.binary(BinaryOp.ADD, new int[] {cols}, d1.storage(), d1.offset(), new int[] {1}, d2.storage(),
                    d2.offset(), new int[] {1}, bias.storage(), 0);
        }
        if (bias == null) {
            be.copy(shape, x.storage(), x.offset(), dense, out.storage(), 0, dense);
        } else {
            Tensor bd = dense(bias);
            be.binary(BinaryOp.ADD, shape, x.storage(), x.offset(), dense, bd.storage(), bd.offset(), bcast,
                    out.storage(), 0);
        }
        return out;
    }

    /** {@code dGᵀ·H}: (G, rows) times the (rows, hidden) states block at {@code statesOff}. */
    private static Tensor weightGrad(Backend be, DType dt, Tensor dG, Storage states, int statesOff, int rows, int g,
                                     int hidden) {
        Tensor dW = Tensor.emptyLike(be, dt, new int[] {g, hidden});
        be.matmul(1, g, hidden, rows, dG.storage(), 0, 0, 1, g, states, statesOff, 0, hidden, 1, dW.storage(), 0, 0,
                hidden, false);
        return dW;
    }

    /** Column sums of a dense (rows, cols) buffer. */
    private static Tensor rowSum(Backend be, DType dt, Tensor x, int rows, int cols) {
        Tensor out = Tensor.emptyLike(be, dt, new int[] {cols});
        be.reduce(ReduceOp.SUM, x.storage(), 0, 1, rows, cols, out.storage(), 0);
        return out;
    }

    /** The lengths as a dense I64 tensor on {@code be} after range checks, or null when absent. */
    private static Tensor lengthsOnBackend(String op, Tensor lengths, int batch, int steps, Backend be) {
        if (lengths == null) {
            return null;
        }
        if (lengths.dtype().isFloating()) {
            throw new IllegalArgumentException(op + ": lengths must be an integer tensor (I64 or I32), got "
                    + lengths.dtype());
        }
        if (lengths.dim() != 1 || lengths.size(0) != batch) {
            throw new IllegalArgumentException(op + ": lengths must have shape [" + batch + "] (one per batch row), "
                    + "got " + Shapes.str(lengths.shapeRef()));
        }
        long[] v = lengths.toLongArray();
        for (int b = 0; b < batch; b++) {
            if (v[b] < 0 || v[b] > steps) {
                throw new IllegalArgumentException(op + ": lengths[" + b + "] = " + v[b] + " is outside [0, " + steps
                        + "] (the sequence has " + steps + " steps)");
            }
        }
        Tensor host = Tensor.ofLongs(v, batch);
        return host.backend() == be ? host : host.toBackend(be).detach();
    }

    /** Zeroes each row's output past its length (PyTorch pads packed outputs with 0); differentiable. */
    private static Tensor maskPadding(Tensor output, Tensor lens, int steps, int batch) {
        if (lens == null) {
            return output;
        }
        long[] v = lens.toLongArray();
        long[] valid = new long[steps * batch];   // (T, B) 1 where step t is inside row b
        boolean padded = false;
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                valid[t * batch + b] = t < v[b] ? 1 : 0;
                padded |= t >= v[b];
            }
        }
        if (!padded) {
            return output;
        }
        Tensor mask = Tensor.ofLongs(valid, steps, batch, 1);
        Tensor zero = Tensor.scalar(0.0, output.dtype());
        if (mask.backend() != output.backend()) {
            mask = mask.toBackend(output.backend()).detach();
            zero = zero.toBackend(output.backend()).detach();
        }
        return Tensor.where(mask, output, zero);
    }
}
