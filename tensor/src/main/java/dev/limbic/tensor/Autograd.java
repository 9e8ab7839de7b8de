package dev.limbic.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reverse-mode engine: iterative topological sort (no recursion: LSTM and SNN graphs are long), then one pass. */
final class Autograd {
    private Autograd() {
    }

    /** Whether an op on these inputs must be recorded. */
    static boolean needsGrad(Tensor... inputs) {
        if (!GradMode.isEnabled()) {
            return false;
        }
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Attaches a node to {@code out} if recording is needed. {@code inputs} are the op's tensor inputs in the
     * order the rule returns gradients; {@code saved} the tensors the rule reads.
     */
    static Tensor record(Tensor out, String op, Tensor[] inputs, Tensor[] saved, Node.Rule rule) {
        if (!needsGrad(inputs)) {
            return out;
        }
        out.attach(new Node(op, inputs, saved, rule));
        return out;
    }

    static void backward(Tensor root, Tensor seed, boolean retainGraph) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward on a tensor that does not require grad (shape "
                    + Shapes.str(root.shape()) + "): no input of the graph has requiresGrad(true), or it was "
                    + "computed under GradMode.noGrad()");
        }
        if (seed == null) {
            if (root.numel() != 1) {
                throw new IllegalArgumentException("backward without a seed gradient needs a scalar output, got shape "
                        + Shapes.str(root.shape()) + "; pass a seed of that shape: backward(seed)");
            }
            seed = Tensor.full(1.0, root.dtype(), root.shape()).toBackend(root.storage().backend());
        } else {
            if (!java.util.Arrays.equals(seed.shape(), root.shape())) {
                throw new IllegalArgumentException("backward: seed gradient shape " + Shapes.str(seed.shape())
                        + " does not match output shape " + Shapes.str(root.shape()));
            }
            if (seed.dtype() != root.dtype()) {
                throw new IllegalArgumentException("backward: seed gradient dtype " + seed.dtype()
                        + " does not match output dtype " + root.dtype());
            }
        }
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            // storages handed to a tensor during this pass: a leaf adopts a gradient buffer without copying only
            // when nobody else can see it (not the caller's seed, not queued for another tensor, not adopted)
            Set<Storage> handedOut = Collections.newSetFromMap(new IdentityHashMap<>());
            handedOut.add(seed.storage());
            if (root.node() == null) {   // a leaf: its gradient is the seed
                root.accumulateGrad(seed, false);
                return;
            }
            List<Tensor> order = topologicalOrder(root);
            Map<Tensor, Tensor> grads = new IdentityHashMap<>();
            // running sums of several consumers' gradients that this pass allocated (safe to add into in place)
            Set<Tensor> owned = Collections.newSetFromMap(new IdentityHashMap<>());
            grads.put(root, seed);
            for (int idx = order.size() - 1; idx >= 0; idx--) {
                Tensor t = order.get(idx);
                Tensor g = grads.remove(t);
                // from here on g may be passed on as other tensors' gradient, so it must stop being summed into
                owned.remove(g);
                Node node = t.node();
                if (g == null) {
                    if (!retainGraph) {
                        node.release();
                    }
                    continue;
                }
                if (t.retainsGrad()) {
                    deliver(t, g, handedOut);
                }
                Tensor[] sinks = node.acceptsSinks() ? sinksFor(node, grads, owned) : null;
                Tensor[] inGrads = node.backward(g, sinks);
                if (!retainGraph) {
                    node.release();
                }
                for (int i = 0; i < node.inputs.length; i++) {
                    Tensor in = node.inputs[i];
                    Tensor gi = inGrads[i];
                    if (in == null || gi == null || !in.requiresGrad()) {
                        continue;
                    }
                    if (sinks != null && gi == sinks[i]) {
                        continue;   // the rule accumulated into the leaf's gradient or the engine's running sum
                    }
                    if (!java.util.Arrays.equals(gi.shape(), in.shape())) {
                        throw new IllegalStateException("internal: op '" + node.op + "' produced a gradient of shape "
                                + Shapes.str(gi.shape()) + " for an input of shape " + Shapes.str(in.shape()));
                    }
                    if (in.node() == null) {
                        deliver(in, gi, handedOut);
                    } else {
                        Tensor prev = grads.get(in);
                        handedOut.add(gi.storage());
                        if (prev == null) {
                            grads.put(in, gi);
                        } else if (owned.contains(prev)) {
                            prev.addInPlace(gi);   // a running sum only this engine holds: no new buffer
                        } else {
                            Tensor sum = prev.add(gi);
                            owned.add(sum);
                            handedOut.add(sum.storage());
                            grads.put(in, sum);
                        }
                    }
                }
            }
        }
    }

    /**
     * Buffers a {@link Node.SinkRule} may accumulate into: a leaf's own gradient (adopted or copied, so only the
     * leaf holds it) or a running sum this pass allocated. An input that appears twice gets none.
     */
    private static Tensor[] sinksFor(Node node, Map<Tensor, Tensor> grads, Set<Tensor> owned) {
        Tensor[] sinks = new Tensor[node.inputs.length];
        for (int i = 0; i < sinks.length; i++) {
            Tensor in = node.inputs[i];
            if (in == null || !in.requiresGrad()) {
                continue;
            }
            boolean repeated = false;
            for (int j = 0; j < sinks.length; j++) {
                repeated |= j != i && node.inputs[j] == in;
            }
            if (repeated) {
                continue;
            }
            Tensor candidate = in.node() == null ? in.grad() : grads.get(in);
            if (candidate != null && (in.node() != null ? owned.contains(candidate) : candidate.isWholeStorage())
                    && candidate.dtype() == in.dtype()
                    && candidate.storage().backend() == in.storage().backend()
                    && java.util.Arrays.equals(candidate.shapeRef(), in.shapeRef())) {
                sinks[i] = candidate;
            }
        }
        return sinks;
    }

    private static void deliver(Tensor target, Tensor g, Set<Storage> handedOut) {
        boolean adoptable = g.isWholeStorage() && !handedOut.contains(g.storage());
        handedOut.add(g.storage());
        target.accumulateGrad(g, adoptable);
    }

    /** Non-leaf tensors reachable from root, in topological order (inputs before outputs). */
    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Map<Tensor, Boolean> visited = new IdentityHashMap<>();
        ArrayDeque<Tensor> stack = new ArrayDeque<>();
        ArrayDeque<Integer> nextChild = new ArrayDeque<>();
        stack.push(root);
        nextChild.push(0);
        visited.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Tensor t = stack.peek();
            int i = nextChild.pop();
            Tensor[] inputs = t.node().inputs;
            if (i < inputs.length) {
                nextChild.push(i + 1);
                Tensor in = inputs[i];
                if (in != null && in.node() != null && in.requiresGrad() && visited.put(in, Boolean.TRUE) == null) {
                    stack.push(in);
                    nextChild.push(0);
                }
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }
}
