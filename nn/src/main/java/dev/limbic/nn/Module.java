package dev.limbic.nn;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.GradMode;
import dev.limbic.tensor.Tensor;
import dev.limbic.tensor.io.TensorFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Base of every layer and model: named parameters, buffers and child modules with Hugging Face / PyTorch-style
 * dotted names ({@code encoder.layer.0.attention.self.query.weight}), train/eval mode, state dicts and
 * safetensors checkpoints.
 *
 * <p>Subclasses register everything in their constructor, in a fixed order, so names, iteration order and
 * initialisation (from an explicit seed) are deterministic. Forward methods are ordinary methods of the
 * subclass: layers with one tensor in and one out also implement {@link Layer}.
 */
public abstract class Module {
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Boolean> persistentBuffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    // ---------------------------------------------------------------- registration

    protected final Parameter registerParameter(String name, Tensor value) {
        checkName(name);
        Parameter p = new Parameter(value);
        parameters.put(name, p);
        return p;
    }

    /** A non-learnable tensor; persistent buffers are part of the state dict (running statistics, masks). */
    protected final Tensor registerBuffer(String name, Tensor value, boolean persistent) {
        checkName(name);
        buffers.put(name, value);
        persistentBuffers.put(name, persistent);
        return value;
    }

    protected final <M extends Module> M registerModule(String name, M module) {
        checkName(name);
        if (module == this) {
            throw new IllegalArgumentException("a module cannot be its own child ('" + name + "')");
        }
        children.put(name, module);
        return module;
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("bad member name '" + name + "' in " + getClass().getSimpleName()
                    + ": names must be non-empty and must not contain '.'");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " already has a member named '" + name
                    + "'");
        }
    }

    /** The current value of a buffer registered by this module. */
    protected final Tensor buffer(String name) {
        Tensor t = buffers.get(name);
        if (t == null && !buffers.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " has no buffer '" + name + "'");
        }
        return t;
    }

    /** Replaces a buffer's value (state that evolves, such as a spiking layer's membrane potential). */
    protected final void setBuffer(String name, Tensor value) {
        if (!buffers.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " has no buffer '" + name + "'");
        }
        buffers.put(name, value);
    }

    // ---------------------------------------------------------------- traversal

    /** Every parameter of this module and its descendants, by dotted name, in registration order. */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collectParameters("", out);
        return out;
    }

    private void collectParameters(String prefix, Map<String, Parameter> out) {
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            out.put(prefix + e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Module> e : children.entrySet()) {
            e.getValue().collectParameters(prefix + e.getKey() + ".", out);
        }
    }

    public final List<Parameter> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Every buffer (persistent or not) by dotted name. */
    public final Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collectBuffers("", out, false);
        return out;
    }

    private void collectBuffers(String prefix, Map<String, Tensor> out, boolean persistentOnly) {
        for (Map.Entry<String, Tensor> e : buffers.entrySet()) {
            if (!persistentOnly || persistentBuffers.get(e.getKey())) {
                out.put(prefix + e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, Module> e : children.entrySet()) {
            e.getValue().collectBuffers(prefix + e.getKey() + ".", out, persistentOnly);
        }
    }

    /** Direct children by name. */
    public final Map<String, Module> namedChildren() {
        return Collections.unmodifiableMap(children);
    }

    /** This module ("" ) and every descendant by dotted name, depth first. */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", out);
        return out;
    }

    private void collectModules(String name, Map<String, Module> out) {
        out.put(name, this);
        for (Map.Entry<String, Module> e : children.entrySet()) {
            e.getValue().collectModules(name.isEmpty() ? e.getKey() : name + "." + e.getKey(), out);
        }
    }

    /** Total number of learnable scalars. */
    public final long parameterCount() {
        long n = 0;
        for (Parameter p : namedParameters().values()) {
            n += p.numel();
        }
        return n;
    }

    public final void zeroGrad() {
        for (Parameter p : namedParameters().values()) {
            p.zeroGrad();
        }
    }

    // ---------------------------------------------------------------- modes and conversion

    public final boolean isTraining() {
        return training;
    }

    /** Sets training mode on this module and every descendant (dropout active, statistics updated). */
    public Module train(boolean on) {
        this.training = on;
        for (Module c : children.values()) {
            c.train(on);
        }
        return this;
    }

    public final Module train() {
        return train(true);
    }

    public final Module eval() {
        return train(false);
    }

    /** Converts every parameter and floating buffer to {@code dtype} (F64 for gradient checks). */
    public Module to(DType dtype) {
        if (!dtype.isFloating()) {
            throw new IllegalArgumentException("Module.to: parameters must be F32 or F64, not " + dtype);
        }
        for (Module m : namedModules().values()) {
            for (Parameter p : m.parameters.values()) {
                if (p.dtype() != dtype) {
                    p.set(p.get().detach().to(dtype));
                }
            }
            for (Map.Entry<String, Tensor> e : m.buffers.entrySet()) {
                Tensor b = e.getValue();
                if (b != null && b.dtype().isFloating() && b.dtype() != dtype) {
                    e.setValue(b.to(dtype));
                }
            }
        }
        return this;
    }

    // ---------------------------------------------------------------- state dicts

    /**
     * Parameters (detached, sharing storage with the live tensors) and persistent buffers by dotted name. Use
     * {@link #stateDictCopy()} for a snapshot that later training cannot change.
     */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : namedParameters().entrySet()) {
            out.put(e.getKey(), e.getValue().get().detach());
        }
        Map<String, Tensor> bufs = new LinkedHashMap<>();
        collectBuffers("", bufs, true);
        for (Map.Entry<String, Tensor> e : bufs.entrySet()) {
            if (e.getValue() != null) {
                out.put(e.getKey(), e.getValue().detach());
            }
        }
        return out;
    }

    /** A deep copy of the state dict (for restoring the best weights after early stopping). */
    public final Map<String, Tensor> stateDictCopy() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : stateDict().entrySet()) {
            out.put(e.getKey(), e.getValue().cloneTensor());
        }
        return out;
    }

    /** What a non-strict load left out. */
    public record LoadResult(List<String> missingKeys, List<String> unexpectedKeys) {
        public LoadResult {
            missingKeys = List.copyOf(missingKeys);
            unexpectedKeys = List.copyOf(unexpectedKeys);
        }
    }

    /**
     * Copies {@code state} into this module's parameters and persistent buffers (values are converted to each
     * parameter's dtype). A tensor whose shape differs is always an error. With {@code strict}, missing and
     * unexpected names are errors too; every problem is listed in one {@link StateDictException}. Nothing is
     * modified when the load fails.
     */
    public final LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        return loadStateDict(state, strict, null);
    }

    private LoadResult loadStateDict(Map<String, Tensor> state, boolean strict, Path source) {
        Map<String, Parameter> params = namedParameters();
        Map<String, Tensor> bufs = new LinkedHashMap<>();
        collectBuffers("", bufs, true);
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> misShaped = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) {
                missing.add(e.getKey());
            } else if (!Arrays.equals(src.shape(), e.getValue().shape())) {
                misShaped.add(e.getKey() + ": checkpoint " + Arrays.toString(src.shape()) + ", model "
                        + Arrays.toString(e.getValue().shape()));
            } else if (!src.dtype().isFloating()) {
                misShaped.add(e.getKey() + ": checkpoint dtype " + src.dtype() + ", a parameter needs F32 or F64");
            }
        }
        for (Map.Entry<String, Tensor> e : bufs.entrySet()) {
            Tensor src = state.get(e.getKey());
            Tensor dst = e.getValue();
            if (src == null) {
                missing.add(e.getKey());
            } else if (dst != null && !Arrays.equals(src.shape(), dst.shape())) {
                misShaped.add(e.getKey() + ": checkpoint " + Arrays.toString(src.shape()) + ", model "
                        + Arrays.toString(dst.shape()));
            }
        }
        for (String k : state.keySet()) {
            if (!params.containsKey(k) && !bufs.containsKey(k)) {
                unexpected.add(k);
            }
        }
        if (!misShaped.isEmpty() || (strict && (!missing.isEmpty() || !unexpected.isEmpty()))) {
            throw new StateDictException(source, getClass().getSimpleName(), missing, unexpected, misShaped, strict);
        }
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                Tensor src = state.get(e.getKey());
                if (src != null) {
                    Tensor dst = e.getValue().get();
                    dst.copy_(src.dtype() == dst.dtype() ? src : src.to(dst.dtype()));
                }
            }
            for (Map.Entry<String, Module> e : namedModules().entrySet()) {
                e.getValue().loadOwnBuffers(state, e.getKey().isEmpty() ? "" : e.getKey() + ".");
            }
        }
        return new LoadResult(missing, unexpected);
    }

    private void loadOwnBuffers(Map<String, Tensor> state, String prefix) {
        for (Map.Entry<String, Tensor> e : buffers.entrySet()) {
            if (!persistentBuffers.get(e.getKey())) {
                continue;
            }
            Tensor src = state.get(prefix + e.getKey());
            if (src == null) {
                continue;
            }
            Tensor cur = e.getValue();
            Tensor value = cur != null && cur.dtype() != src.dtype() ? src.to(cur.dtype()) : src;
            e.setValue(value.cloneTensor());
        }
    }

    // ---------------------------------------------------------------- checkpoints

    /** Writes the state dict as safetensors, atomically (temp file, fsync, rename). */
    public final void save(Path file) throws IOException {
        save(file, Map.of());
    }

    public final void save(Path file, Map<String, String> metadata) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.putIfAbsent("format", "limbic-module");
        meta.putIfAbsent("module", getClass().getName());
        TensorFiles.save(stateDict(), meta, file);
    }

    /** Loads a safetensors checkpoint written by {@link #save} or by Hugging Face / PyTorch tooling. */
    public final LoadResult load(Path file, boolean strict) throws IOException {
        return loadStateDict(TensorFiles.load(file), strict, file);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        describe(sb, "", 0);
        return sb.toString();
    }

    private void describe(StringBuilder sb, String name, int depth) {
        sb.append("  ".repeat(depth)).append(name.isEmpty() ? "" : name + ": ").append(getClass().getSimpleName());
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            sb.append(' ').append(e.getKey()).append(Arrays.toString(e.getValue().shape()));
        }
        sb.append('\n');
        for (Map.Entry<String, Module> e : children.entrySet()) {
            e.getValue().describe(sb, e.getKey(), depth + 1);
        }
    }
}
