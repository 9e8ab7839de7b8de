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
 * Multi-layer, optionally bidirectional LSTM with PyTorch {@code nn.LSTM} semantics and parameter names
 * ({@code weight_ih_l{k}} (4H, in_k), {@code weight_hh_l{k}} (4H, H), {@code bias_ih_l{k}}, {@code bias_hh_l{k}}
 * (4H), suffix {@code _reverse}; gate order i, f, g, o; every parameter U(±1/√H)), so PyTorch state dicts load
 * as they are.
 *
 * <p>Input {@code x} is {@code [B, T, in]} ({@code batchFirst}, the default here) or {@code [T, B, in]}; the
 * output is {@code [B, T, D·H]} (or {@code [T, B, D·H]}) with the forward direction's features first; initial
 * and final states are {@code [layers·D, B, H]} in the order l0, l0_reverse, l1, ... (never batch first).
 *
 * <p>Variable lengths behave like PyTorch packed sequences: each row b runs only its first {@code lengths[b]}
 * steps; past them its output is 0 and its state is not updated, so {@code hN}/{@code cN} are the states at its
 * last valid step, and the reverse direction starts at that step. A row of length 0 keeps its initial state.
 */
public final class LSTM extends Module {

    /**
     * {@code output} {@code [B, T, D·H]} (or {@code [T, B, D·H]}), {@code hN} and {@code cN}
     * {@code [layers·D, B, H]}.
     */
    public record Output(Tensor output, Tensor hN, Tensor cN) {
    }

    private final RecurrentConfig config;
    private final Recurrent.Shape shape;
    private RecurrentImpl impl = RecurrentImpl.FUSED_SEQUENCE;

    public LSTM(RecurrentConfig config, RandomGenerator rng) {
        this.config = config;
        this.shape = new Recurrent.Shape(config.inputSize(), config.hiddenSize(), config.numLayers(),
                config.bidirectional(), config.batchFirst(), config.bias());
        Recurrent.registerParameters(this, shape, 4, rng);
    }

    public LSTM(int inputSize, int hiddenSize, RandomGenerator rng) {
        this(RecurrentConfig.of(inputSize, hiddenSize), rng);
    }

    public RecurrentConfig config() {
        return config;
    }

    public RecurrentImpl implementation() {
        return impl;
    }

    /** Selects how the recurrence runs (all give the same results; the default is the fastest). */
    public LSTM implementation(RecurrentImpl implementation) {
        if (implementation == null) {
            throw new IllegalArgumentException("LSTM: implementation is null");
        }
        this.impl = implementation;
        return this;
    }

    /** Zero initial states, every row its full length. */
    public Output forward(Tensor x) {
        return forward(x, null, null, (long[]) null);
    }

    /** {@code h0}, {@code c0}: {@code [layers·D, B, H]} or null for zeros (each independently). */
    public Output forward(Tensor x, Tensor h0, Tensor c0) {
        return forward(x, h0, c0, (long[]) null);
    }

    /** Per-row lengths in [0, T] (packed-sequence semantics), or null for full length. */
    public Output forward(Tensor x, Tensor h0, Tensor c0, int[] lengths) {
        return forward(x, h0, c0, Recurrent.lengthsOf(lengths));
    }

    /** Per-row lengths as a 1-D integer tensor {@code [B]} (I64 or I32), or null for full length. */
    public Output forward(Tensor x, Tensor h0, Tensor c0, Tensor lengths) {
        return forward(x, h0, c0, Recurrent.lengthsOf(who(), lengths));
    }

    /**
     * Lengths from a {@code [B, T]} mask (1 = valid, 0 = padding; the valid steps of each row must come first),
     * whatever the input layout.
     */
    public Output forwardMasked(Tensor x, Tensor mask, Tensor h0, Tensor c0) {
        int[] bt = Recurrent.checkInput(who(), shape, x, parameterType());
        return forward(x, h0, c0, Recurrent.lengthsOfMask(who(), mask, bt[0], bt[1]));
    }

    private Output forward(Tensor x, Tensor h0, Tensor c0, long[] lengths) {
        Map<String, Parameter> params = namedParameters();
        return run(x, h0, c0, lengths, name -> params.get(name).get());
    }

    /** The forward pass with the weights looked up by their state-dict names (gradient checks pass leaves). */
    Output run(Tensor x, Tensor h0, Tensor c0, long[] lengths, Function<String, Tensor> weights) {
        String who = who();
        int[] bt = Recurrent.checkInput(who, shape, x, parameterType());
        Recurrent.checkState(who, "h0", shape, h0, bt[0], x.dtype());
        Recurrent.checkState(who, "c0", shape, c0, bt[0], x.dtype());
        Recurrent.checkLengths(who, lengths, bt[0], bt[1]);
        RecurrentImpl mode = impl;
        Tensor lens = Recurrent.lengthsTensor(lengths);
        Tensor[] r = Recurrent.run(shape, x, h0, c0, lengths, weights, (xT, w, h, c, len, reverse) -> {
            // one fused op: dW_ih comes out in W_ih's own layout and accumulates into its gradient in place
            Tensor xProj = xT.linear(w.wIh(), null);   // (T, B, 4H): every step's input projection at once
            if (mode == RecurrentImpl.FUSED_SEQUENCE) {
                RecurrentOps.LstmSequence s = RecurrentOps.lstmSequence(xProj, w.wHh(), w.bIh(), w.bHh(), h, c, lens,
                        reverse);
                return new Tensor[] {s.output(), s.hN(), s.cN()};
            }
            return stepLoop(mode, xProj, w, h, c, len, reverse);
        });
        return new Output(r[0], r[1], r[2]);
    }

    /** The recurrence as a loop of steps (FUSED_CELL and the COMPOSITE reference). */
    private Tensor[] stepLoop(RecurrentImpl mode, Tensor xProj, Recurrent.Weights w, Tensor h0, Tensor c0,
                              long[] lengths, boolean reverse) {
        int steps = xProj.size(0);
        int batch = xProj.size(1);
        int hidden = shape.hiddenSize();
        Tensor h = h0 != null ? h0 : Tensor.zeros(xProj.dtype(), batch, hidden);
        Tensor c = c0 != null ? c0 : Tensor.zeros(xProj.dtype(), batch, hidden);
        Tensor x = xProj;
        if (w.bIh() != null) {
            x = x.add(w.bIh()).add(w.bHh());
        }
        Tensor wHhT = w.wHh().t();
        Tensor zero = Tensor.scalar(0.0, xProj.dtype());
        List<Tensor> outs = new ArrayList<>(Collections.nCopies(steps, (Tensor) null));
        for (int s = 0; s < steps; s++) {
            int t = reverse ? steps - 1 - s : s;
            Tensor gates = x.select(0, t).add(h.matmul(wHhT));   // (B, 4H)
            Tensor hNew;
            Tensor cNew;
            if (mode == RecurrentImpl.FUSED_CELL) {
                Tensor packed = RecurrentOps.lstmCell(gates, c);   // (2, B, H)
                hNew = packed.select(0, 0);
                cNew = packed.select(0, 1);
            } else {
                Tensor i = gates.narrow(1, 0, hidden).sigmoid();
                Tensor f = gates.narrow(1, hidden, hidden).sigmoid();
                Tensor g = gates.narrow(1, 2 * hidden, hidden).tanh();
                Tensor o = gates.narrow(1, 3 * hidden, hidden).sigmoid();
                cNew = f.mul(c).add(i.mul(g));
                hNew = o.mul(cNew.tanh());
            }
            Tensor m = Recurrent.stepMask(lengths, t);   // rows past their length carry their state
            if (m == null) {
                h = hNew;
                c = cNew;
                outs.set(t, hNew);
            } else {
                h = Tensor.where(m, hNew, h);
                c = Tensor.where(m, cNew, c);
                outs.set(t, Tensor.where(m, hNew, zero));
            }
        }
        return new Tensor[] {Tensor.stack(outs, 0), h, c};
    }

    private DType parameterType() {
        return parameters().get(0).dtype();
    }

    private String who() {
        return "LSTM(" + config.inputSize() + "→" + config.hiddenSize() + ", layers=" + config.numLayers()
                + (config.bidirectional() ? ", bidirectional" : "") + ")";
    }
}
