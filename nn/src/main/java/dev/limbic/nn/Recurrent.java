package dev.limbic.nn;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * What {@link LSTM} and {@link GRU} share: the configuration, PyTorch parameter names and initialisation, input
 * validation (every message names the layer, the tensor and the shapes), lengths and masks, and the layer loop
 * that wires directions and layers together around a per-direction recurrence.
 */
final class Recurrent {
    private Recurrent() {
    }

    /** Shape options shared by both layers (PyTorch's constructor arguments). */
    record Shape(int inputSize, int hiddenSize, int numLayers, boolean bidirectional, boolean batchFirst,
                 boolean bias) {
        Shape {
            if (inputSize <= 0 || hiddenSize <= 0 || numLayers <= 0) {
                throw new IllegalArgumentException("a recurrent layer needs inputSize, hiddenSize and numLayers >= 1,"
                        + " got inputSize=" + inputSize + " hiddenSize=" + hiddenSize + " numLayers=" + numLayers);
            }
        }

        int directions() {
            return bidirectional ? 2 : 1;
        }

        int layerInput(int layer) {
            return layer == 0 ? inputSize : directions() * hiddenSize;
        }
    }

    /** {@code weight_ih_l0}, {@code bias_hh_l1_reverse}, ... */
    static String name(String kind, int layer, int direction) {
        return kind + "_l" + layer + (direction == 1 ? "_reverse" : "");
    }

    /**
     * Registers every parameter in PyTorch's order (per layer, per direction: weight_ih, weight_hh, bias_ih,
     * bias_hh), each drawn U(±1/√H) from {@code rng} in that order, as PyTorch's reset_parameters does.
     */
    static void registerParameters(Module m, Shape s, int gates, RandomGenerator rng) {
        double bound = 1.0 / Math.sqrt(s.hiddenSize());
        int gh = gates * s.hiddenSize();
        for (int l = 0; l < s.numLayers(); l++) {
            for (int d = 0; d < s.directions(); d++) {
                m.registerParameter(name("weight_ih", l, d), Init.uniform(rng, bound, DType.F32, gh, s.layerInput(l)));
                m.registerParameter(name("weight_hh", l, d), Init.uniform(rng, bound, DType.F32, gh, s.hiddenSize()));
                if (s.bias()) {
                    m.registerParameter(name("bias_ih", l, d), Init.uniform(rng, bound, DType.F32, gh));
                    m.registerParameter(name("bias_hh", l, d), Init.uniform(rng, bound, DType.F32, gh));
                }
            }
        }
    }

    /** The parameters of one layer and direction; biases null without bias. */
    record Weights(Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh) {
    }

    static Weights weights(Shape s, int layer, int direction, Function<String, Tensor> lookup) {
        return new Weights(lookup.apply(name("weight_ih", layer, direction)),
                lookup.apply(name("weight_hh", layer, direction)),
                s.bias() ? lookup.apply(name("bias_ih", layer, direction)) : null,
                s.bias() ? lookup.apply(name("bias_hh", layer, direction)) : null);
    }

    // ============================================================================================ validation

    /** Checks x against the configuration; returns {B, T}. */
    static int[] checkInput(String who, Shape s, Tensor x, DType paramType) {
        if (x == null) {
            throw new IllegalArgumentException(who + ": input x is null");
        }
        String layout = s.batchFirst() ? "[B, T, " + s.inputSize() + "] (batch first)"
                : "[T, B, " + s.inputSize() + "] (time first)";
        if (x.dim() != 3 || x.size(2) != s.inputSize()) {
            throw new IllegalArgumentException(who + ": input x must be " + layout + ", got shape "
                    + Arrays.toString(x.shape()));
        }
        if (x.dtype() != paramType) {
            throw new IllegalArgumentException(who + ": input x is " + x.dtype() + " but the parameters are "
                    + paramType + "; convert one with to(DType)");
        }
        int batch = s.batchFirst() ? x.size(0) : x.size(1);
        int steps = s.batchFirst() ? x.size(1) : x.size(0);
        if (batch == 0 || steps == 0) {
            throw new IllegalArgumentException(who + ": input x " + Arrays.toString(x.shape())
                    + " has no batch rows or no time steps");
        }
        return new int[] {batch, steps};
    }

    /** An initial state must be [layers·D, B, H] (never batch first, as in PyTorch). */
    static void checkState(String who, String name, Shape s, Tensor state, int batch, DType paramType) {
        if (state == null) {
            return;
        }
        int[] expected = {s.numLayers() * s.directions(), batch, s.hiddenSize()};
        if (!Arrays.equals(state.shape(), expected)) {
            throw new IllegalArgumentException(who + ": " + name + " must have shape " + Arrays.toString(expected)
                    + " = [numLayers·directions, B, H] (not batch first), got " + Arrays.toString(state.shape()));
        }
        if (state.dtype() != paramType) {
            throw new IllegalArgumentException(who + ": " + name + " is " + state.dtype() + " but the parameters are "
                    + paramType);
        }
    }

    /** Per-row lengths in [0, T] (a row of length 0 keeps its initial state and outputs zeros). */
    static long[] checkLengths(String who, long[] lengths, int batch, int steps) {
        if (lengths == null) {
            return null;
        }
        if (lengths.length != batch) {
            throw new IllegalArgumentException(who + ": " + lengths.length + " lengths given for a batch of " + batch
                    + " rows");
        }
        for (int b = 0; b < batch; b++) {
            if (lengths[b] < 0 || lengths[b] > steps) {
                throw new IllegalArgumentException(who + ": lengths[" + b + "] = " + lengths[b] + " is outside [0, "
                        + steps + "] (the input has " + steps + " time steps)");
            }
        }
        return lengths;
    }

    static long[] lengthsOf(int[] lengths) {
        if (lengths == null) {
            return null;
        }
        long[] out = new long[lengths.length];
        for (int i = 0; i < lengths.length; i++) {
            out[i] = lengths[i];
        }
        return out;
    }

    static long[] lengthsOf(String who, Tensor lengths) {
        if (lengths == null) {
            return null;
        }
        if (lengths.dtype().isFloating()) {
            throw new IllegalArgumentException(who + ": lengths must be an integer tensor (I64 or I32), got "
                    + lengths.dtype());
        }
        if (lengths.dim() != 1) {
            throw new IllegalArgumentException(who + ": lengths must be 1-D [B], got shape "
                    + Arrays.toString(lengths.shape()));
        }
        return lengths.toLongArray();
    }

    /** Lengths from a [B, T] mask whose valid positions (1) form a prefix of each row. */
    static long[] lengthsOfMask(String who, Tensor mask, int batch, int steps) {
        if (mask == null) {
            throw new IllegalArgumentException(who + ": mask is null");
        }
        if (mask.dim() != 2 || mask.size(0) != batch || mask.size(1) != steps) {
            throw new IllegalArgumentException(who + ": mask must have shape [" + batch + ", " + steps
                    + "] = [B, T] with 1 = valid, got " + Arrays.toString(mask.shape()));
        }
        double[] m = mask.toDoubleArray();
        long[] lengths = new long[batch];
        for (int b = 0; b < batch; b++) {
            int len = 0;
            for (int t = 0; t < steps; t++) {
                double v = m[b * steps + t];
                if (v != 0.0 && v != 1.0) {
                    throw new IllegalArgumentException(who + ": mask[" + b + ", " + t + "] = " + v
                            + "; the mask must hold 0 (padding) or 1 (valid)");
                }
                if (v == 1.0) {
                    if (len != t) {
                        throw new IllegalArgumentException(who + ": mask row " + b + " is not a prefix: position "
                                + t + " is valid after padding at " + len + " (valid steps must come first)");
                    }
                    len++;
                }
            }
            lengths[b] = len;
        }
        return lengths;
    }

    // ============================================================================================ layer loop

    /** One direction of one layer: (T, B, H) output in, initial states in, final states out. */
    interface Direction {
        /**
         * @param xT      (T, B, in) time-major input of this layer
         * @param h0, c0  (B, H) initial states or null (c0 always null for a GRU)
         * @return {output (T, B, H), hN (B, H), cN (B, H) or null}
         */
        Tensor[] run(Tensor xT, Weights w, Tensor h0, Tensor c0, long[] lengths, boolean reverse);
    }

    /**
     * Runs every layer and direction; returns {output, hN, cN (or null)} with output in the configured layout
     * ({@code [B, T, D·H]} or {@code [T, B, D·H]}) and the states as {@code [layers·D, B, H]}.
     */
    static Tensor[] run(Shape s, Tensor x, Tensor h0, Tensor c0, long[] lengths, Function<String, Tensor> lookup,
                        Direction direction) {
        // time-major, dense: the input projection of a layer is then one (T·B, in)·(in, G·H) product
        Tensor layerInput = s.batchFirst() ? x.transpose(0, 1).contiguous() : x;
        int dirs = s.directions();
        List<Tensor> hN = new ArrayList<>();
        List<Tensor> cN = new ArrayList<>();
        Tensor output = null;
        for (int l = 0; l < s.numLayers(); l++) {
            List<Tensor> outs = new ArrayList<>(dirs);
            for (int d = 0; d < dirs; d++) {
                int k = l * dirs + d;
                Tensor[] r = direction.run(layerInput, weights(s, l, d, lookup), h0 == null ? null : h0.select(0, k),
                        c0 == null ? null : c0.select(0, k), lengths, d == 1);
                outs.add(r[0]);
                hN.add(r[1]);
                if (r[2] != null) {
                    cN.add(r[2]);
                }
            }
            boolean last = l == s.numLayers() - 1;
            if (last && s.batchFirst()) {
                // one copy assembles the batch-first output from the time-major directions
                List<Tensor> views = new ArrayList<>(dirs);
                for (Tensor o : outs) {
                    views.add(o.transpose(0, 1));
                }
                output = Tensor.cat(views, 2);
            } else {
                layerInput = dirs == 1 ? outs.get(0) : Tensor.cat(outs, 2);
                output = layerInput;
            }
        }
        return new Tensor[] {output, Tensor.stack(hN, 0), cN.isEmpty() ? null : Tensor.stack(cN, 0)};
    }

    /** Rows (B, 1) that take step t (1) or carry their state (0), or null when every row takes it. */
    static Tensor stepMask(long[] lengths, int t) {
        if (lengths == null) {
            return null;
        }
        long[] m = new long[lengths.length];
        boolean all = true;
        for (int b = 0; b < m.length; b++) {
            m[b] = t < lengths[b] ? 1 : 0;
            all &= m[b] == 1;
        }
        return all ? null : Tensor.ofLongs(m, m.length, 1);
    }

    static Tensor lengthsTensor(long[] lengths) {
        return lengths == null ? null : Tensor.ofLongs(lengths, lengths.length);
    }
}
