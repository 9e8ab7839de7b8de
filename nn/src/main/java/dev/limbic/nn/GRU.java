package dev.limbic.nn;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.RecurrentOps;
import dev.limbic.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * Multi-layer, optionally bidirectional GRU with PyTorch {@code nn.GRU} semantics and parameter names (gate
 * order r, z, n in {@code [3H, ·]} weights; {@code n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))},
 * {@code h' = (1 − z)·n + z·h}; every parameter U(±1/√H)). Layouts, initial/final states and variable lengths
 * behave as in {@link LSTM}, without the cell state.
 */
public final class GRU extends Module {

    /** {@code output} {@code [B, T, D·H]} (or {@code [T, B, D·H]}) and {@code hN} {@code [layers·D, B, H]}. */
    public record Output(Tensor output, Tensor hN) {
    }

    private final RecurrentConfig config;
    private final Recurrent.Shape shape;
    private RecurrentImpl impl = RecurrentImpl.FUSED_SEQUENCE;

    public GRU(RecurrentConfig config, RandomGenerator rng) {
        this.config = config;
        this.shape = new Recurrent.Shape(config.inputSize(), config.hiddenSize(), config.numLayers(),
                config.bidirectional(), config.batchFirst(), config.bias());
        Recurrent.registerParameters(this, shape, 3, rng);
    }

    public GRU(int inputSize, int hiddenSize, RandomGenerator rng) {
        this(RecurrentConfig.of(inputSize, hiddenSize), rng);
    }

    public RecurrentConfig config() {
        return config;
    }

    public RecurrentImpl implementation() {
        return impl;
    }

    /** Selects how the recurrence runs (all give the same results; the default is the fastest). */
    public GRU implementation(RecurrentImpl implementation) {
        if (implementation == null) {
            throw new IllegalArgumentException("GRU: implementation is null");
        }
        this.impl = implementation;
        return this;
    }

    /** Zero initial state, every row its full length. */
    public Output forward(Tensor x) {
        return forward(x, null, (long[]) null);
    }

    /** {@code h0}: {@code [layers·D, B, H]} or null for zeros. */
    public Output forward(Tensor x, Tensor h0) {
        return forward(x, h0, (long[]) null);
    }

    /** Per-row lengths in [0, T] (packed-sequence semantics), or null for full length. */
    public Output forward(Tensor x, Tensor h0, int[] lengths) {
        return forward(x, h0, Recurrent.lengthsOf(lengths));
    }

    /** Per-row lengths as a 1-D integer tensor {@code [B]} (I64 or I32), or null for full length. */
    public Output forward(Tensor x, Tensor h0, Tensor lengths) {
        return forward(x, h0, Recurrent.lengthsOf(who(), lengths));
    }

    /** Lengths from a {@code [B, T]} mask (1 = valid, 0 = padding; valid steps first in each row). */
    public Output forwardMasked(Tensor x, Tensor mask, Tensor h0) {
        int[] bt = Recurrent.checkInput(who(), shape, x, parameterType());
        return forward(x, h0, Recurrent.lengthsOfMask(who(), mask, bt[0], bt[1]));
    }

    private Output forward(Tensor x, Tensor h0, long[] lengths) {
        Map<String, Parameter> params = namedParameters();
        return run(x, h0, lengths, name -> params.get(name).get());
    }

    /** The forward pass with the weights looked up by their state-dict names (gradient checks pass leaves). */
    Output run(Tensor x, Tensor h0, long[] lengths, Function<String, Tensor> weights) {
        String who = who();
        int[] bt = Recurrent.checkInput(who, shape, x, parameterType());
        Recurrent.checkState(who, "h0", shape, h0, bt[0], x.dtype());
        Recurrent.checkLengths(who, lengths, bt[0], bt[1]);
        RecurrentImpl mode = impl;
        Tensor lens = Recurrent.lengthsTensor(lengths);
        Tensor[] r = Recurrent.run(shape, x, h0, null, lengths, weights, (xT, w, h, c, len, reverse) -> {
            // one fused op: dW_ih comes out in W_ih's own layout and accumulates into its gradient in place
            Tensor xProj = xT.linear(w.wIh(), null);   // (T, B, 3H): every step's input projection at once
            if (mode == RecurrentImpl.FUSED_SEQUENCE) {
                RecurrentOps.GruSequence s = RecurrentOps.gruSequence(xProj, w.wHh(), w.bIh(), w.bHh(), h, lens,
                        reverse);
                return new Tensor[] {s.output(), s.hN(), null};
            }
            return stepLoop(mode, xProj, w, h, len, reverse);
        });
        return new Output(r[0], r[1]);
    }

    /** The recurrence as a loop of steps (FUSED_CELL and the COMPOSITE reference). */
    private Tensor[] stepLoop(RecurrentImpl mode, Tensor xProj, Recurrent.Weights w, Tensor h0, long[] lengths,
                              boolean reverse) {
        int steps = xProj.size(0);
        int batch = xProj.size(1);
        int hidden = shape.hiddenSize();
        Tensor h = h0 != null ? h0 : Tensor.zeros(xProj.dtype(), batch, hidden);
        Tensor x = w.bIh() == null ? xProj : xProj.add(w.bIh());
        Tensor wHhT = w.wHh().t();
        Tensor zero = Tensor.scalar(0.0, xProj.dtype());
        List<Tensor> outs = new ArrayList<>(Collections.nCopies(steps, (Tensor) null));
        for (int s = 0; s < steps; s++) {
            int t = reverse ? steps - 1 - s : s;
            Tensor gi = x.select(0, t);                                              // (B, 3H)
            Tensor gh = w.bHh() == null ? h.matmul(wHhT) : h.matmul(wHhT).add(w.bHh());   // (B, 3H)
            Tensor hNew;
            if (mode == RecurrentImpl.FUSED_CELL) {
                hNew = RecurrentOps.gruCell(gi, gh, h);
            } else {
                Tensor r = gi.narrow(1, 0, hidden).add(gh.narrow(1, 0, hidden)).sigmoid();
                Tensor z = gi.narrow(1, hidden, hidden).add(gh.narrow(1, hidden, hidden)).sigmoid();
                Tensor n = gi.narrow(1, 2 * hidden, hidden).add(r.mul(gh.narrow(1, 2 * hidden, hidden))).tanh();
                hNew = n.add(z.mul(h.sub(n)));   // (1 − z)·n + z·h
            }
            Tensor m = Recurrent.stepMask(lengths, t);   // rows past their length carry their state
            if (m == null) {
                h = hNew;
                outs.set(t, hNew);
            } else {
                h = Tensor.where(m, hNew, h);
                outs.set(t, Tensor.where(m, hNew, zero));
            }
        }
        return new Tensor[] {Tensor.stack(outs, 0), h, null};
    }

    private DType parameterType() {
        return parameters().get(0).dtype();
    }

    private String who() {
        return "GRU(" + config.inputSize() + "→" + config.hiddenSize() + ", layers=" + config.numLayers()
                + (config.bidirectional() ? ", bidirectional" : "") + ")";
    }
}
