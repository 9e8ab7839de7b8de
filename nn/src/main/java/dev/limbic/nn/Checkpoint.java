package dev.limbic.nn;

import dev.limbic.nn.optim.Optimizer;
import dev.limbic.nn.optim.Scheduler;
import dev.limbic.nn.optim.StateReader;
import dev.limbic.tensor.Tensor;
import dev.limbic.tensor.io.SafeTensorsFormatException;
import dev.limbic.tensor.io.TensorFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A training checkpoint in one safetensors file: model weights, optimiser state, scheduler state, early-stopping
 * state, training counters and user metadata, written atomically (temporary file + rename), so a crash never
 * leaves a half-written checkpoint. Restoring all of it into a fresh model, optimiser and scheduler continues
 * training bit for bit (floats are stored exactly; doubles as round-tripping decimal strings).
 *
 * <p>Layout: tensors {@code model.<name>}, {@code optim.<buffer>.<param>}, {@code early_stopping.best.<name>};
 * metadata {@code format = limbic-checkpoint}, {@code version}, {@code model.class}, {@code optim.<key>},
 * {@code scheduler.<name>.<key>}, {@code early_stopping.<key>}, {@code counters.<key>} and {@code user.<key>}.
 *
 * <pre>{@code
 * Checkpoint.writer(model).optimizer(opt).scheduler(sched)
 *         .counters(new Checkpoint.TrainingCounters(epoch, step, best, seed)).metadata("run", "a").save(path);
 * TrainingCounters c = Checkpoint.restore(path, model, opt, sched);
 * }</pre>
 *
 * <p>Random streams cannot be captured from {@code SplittableRandom}; for resumable runs derive them from the
 * recorded seed and counters (for example a shuffle per epoch from {@code Init.rng(seed + epoch)}).
 */
public final class Checkpoint {
    public static final String FORMAT = "limbic-checkpoint";
    public static final String VERSION = "1";
    /** Name under which {@link Writer#scheduler(Scheduler)} stores a single scheduler. */
    public static final String DEFAULT_SCHEDULER = "lr";

    private static final String MODEL = "model.";
    private static final String OPTIM = "optim.";
    private static final String SCHEDULER = "scheduler.";
    private static final String EARLY = "early_stopping.";
    private static final String EARLY_BEST = "early_stopping.best.";
    private static final String COUNTERS = "counters.";
    private static final String USER = "user.";

    /**
     * Where training stands.
     *
     * @param epoch      completed epochs (or the current one: the caller's convention)
     * @param step       optimiser steps taken
     * @param bestMetric best validation metric so far (NaN if none)
     * @param rngSeed    the seed the run's random streams derive from
     */
    public record TrainingCounters(long epoch, long step, double bestMetric, long rngSeed) {
        public static TrainingCounters of(long epoch, long step) {
            return new TrainingCounters(epoch, step, Double.NaN, 0L);
        }
    }

    // ================================================================ writing

    /** Starts a checkpoint of {@code model}'s state dict. */
    public static Writer writer(Module model) {
        return new Writer(model);
    }

    /** Collects what goes into one checkpoint; {@link #save} writes it. */
    public static final class Writer {
        private final Module model;
        private Optimizer optimizer;
        private final Map<String, Scheduler> schedulers = new LinkedHashMap<>();
        private EarlyStopping earlyStopping;
        private TrainingCounters counters;
        private final Map<String, String> metadata = new LinkedHashMap<>();

        private Writer(Module model) {
            this.model = Objects.requireNonNull(model, "model");
        }

        public Writer optimizer(Optimizer value) {
            this.optimizer = Objects.requireNonNull(value, "optimizer");
            return this;
        }

        public Writer scheduler(Scheduler value) {
            return scheduler(DEFAULT_SCHEDULER, value);
        }

        /** A scheduler under a name (several may be stored: {@code warmup}, {@code plateau}). */
        public Writer scheduler(String name, Scheduler value) {
            if (name == null || name.isEmpty() || name.contains(".")) {
                throw new IllegalArgumentException("scheduler name must be non-empty without '.', got '" + name + "'");
            }
            schedulers.put(name, Objects.requireNonNull(value, "scheduler"));
            return this;
        }

        public Writer earlyStopping(EarlyStopping value) {
            this.earlyStopping = Objects.requireNonNull(value, "earlyStopping");
            return this;
        }

        public Writer counters(TrainingCounters value) {
            this.counters = Objects.requireNonNull(value, "counters");
            return this;
        }

        /** A user metadata entry (stored as {@code user.<key>}). */
        public Writer metadata(String key, String value) {
            metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Writer metadata(Map<String, String> entries) {
            entries.forEach(this::metadata);
            return this;
        }

        /** Writes the checkpoint atomically (an existing file is replaced only once the new one is complete). */
        public void save(Path file) throws IOException {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("format", FORMAT);
            meta.put("version", VERSION);
            meta.put("model.class", model.getClass().getName());
            for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) {
                tensors.put(MODEL + e.getKey(), e.getValue());
            }
            if (optimizer != null) {
                for (Map.Entry<String, Tensor> e : optimizer.stateTensors().entrySet()) {
                    tensors.put(OPTIM + e.getKey(), e.getValue());
                }
                for (Map.Entry<String, String> e : optimizer.stateScalars().entrySet()) {
                    meta.put(OPTIM + e.getKey(), e.getValue());
                }
            }
            for (Map.Entry<String, Scheduler> s : schedulers.entrySet()) {
                for (Map.Entry<String, String> e : s.getValue().state().entrySet()) {
                    meta.put(SCHEDULER + s.getKey() + "." + e.getKey(), e.getValue());
                }
            }
            if (earlyStopping != null) {
                for (Map.Entry<String, String> e : earlyStopping.stateScalars().entrySet()) {
                    meta.put(EARLY + e.getKey(), e.getValue());
                }
                if (earlyStopping.bestState() != null) {
                    for (Map.Entry<String, Tensor> e : earlyStopping.bestState().entrySet()) {
                        tensors.put(EARLY_BEST + e.getKey(), e.getValue());
                    }
                }
            }
            if (counters != null) {
                meta.put(COUNTERS + "epoch", Long.toString(counters.epoch()));
                meta.put(COUNTERS + "step", Long.toString(counters.step()));
                meta.put(COUNTERS + "best_metric", Double.toString(counters.bestMetric()));
                meta.put(COUNTERS + "rng_seed", Long.toString(counters.rngSeed()));
            }
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                meta.put(USER + e.getKey(), e.getValue());
            }
            TensorFiles.save(tensors, meta, file);
        }
    }

    // ================================================================ reading

    private final Path file;
    private final Map<String, Tensor> tensors;
    private final Map<String, String> meta;

    private Checkpoint(Path file, Map<String, Tensor> tensors, Map<String, String> meta) {
        this.file = file;
        this.tensors = tensors;
        this.meta = meta;
    }

    /**
     * Opens and validates a checkpoint.
     *
     * @throws CheckpointException for a corrupt or truncated file, or one that is not a Limbic training checkpoint
     */
    public static Checkpoint read(Path file) throws IOException {
        Map<String, Tensor> tensors;
        Map<String, String> meta;
        try {
            dev.limbic.tensor.io.SafeTensors st = dev.limbic.tensor.io.SafeTensors.read(file);
            meta = st.metadata();
            tensors = new LinkedHashMap<>();
            for (String name : st.names()) {
                tensors.put(name, TensorFiles.tensor(st, name));
            }
        } catch (SafeTensorsFormatException e) {
            throw new CheckpointException(file, "file", "not a readable checkpoint: " + e.getMessage(), e);
        }
        String format = meta.get("format");
        if (!FORMAT.equals(format)) {
            throw new CheckpointException(file, "format", "field 'format' is "
                    + (format == null ? "missing" : "'" + format + "'") + ", not '" + FORMAT
                    + "': not a Limbic training checkpoint (a plain state dict loads with Module.load)", null);
        }
        if (!VERSION.equals(meta.get("version"))) {
            throw new CheckpointException(file, "version", "field 'version' is '" + meta.get("version")
                    + "'; this Limbic reads checkpoint version " + VERSION, null);
        }
        return new Checkpoint(file, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(meta));
    }

    /** Reads {@code file} and restores model, optimiser and scheduler (each may be null to skip it). */
    public static TrainingCounters restore(Path file, Module model, Optimizer optimizer, Scheduler scheduler)
            throws IOException {
        Checkpoint c = read(file);
        if (model != null) {
            c.restoreModel(model);
        }
        if (optimizer != null) {
            c.restoreOptimizer(optimizer);
        }
        if (scheduler != null) {
            c.restoreScheduler(scheduler);
        }
        return c.counters();
    }

    public Path file() {
        return file;
    }

    /** The user metadata (the {@code user.*} entries, prefix removed). */
    public Map<String, String> metadata() {
        return section(USER);
    }

    /** The model's tensors by their state-dict names. */
    public Map<String, Tensor> modelState() {
        return tensorSection(MODEL);
    }

    /** Loads the weights into {@code model} (strict: names and shapes must match exactly). */
    public void restoreModel(Module model) {
        try {
            model.loadStateDict(modelState(), true);
        } catch (StateDictException e) {
            throw new StateDictException(file, model.getClass().getSimpleName(), prefixed(e.missingKeys()),
                    prefixed(e.unexpectedKeys()), prefixed(e.shapeMismatches()), true);
        }
    }

    public boolean hasOptimizer() {
        return meta.containsKey(OPTIM + "type");
    }

    /** Restores the optimiser's state; a different optimiser type or parameter set is an error naming the field. */
    public void restoreOptimizer(Optimizer optimizer) {
        if (!hasOptimizer()) {
            throw new CheckpointException(file, OPTIM + "type", "holds no optimiser state (no field 'optim.type')",
                    null);
        }
        try {
            optimizer.loadState(tensorSection(OPTIM), section(OPTIM));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file, "optim", "optimiser state (fields 'optim.*'): " + e.getMessage(), e);
        }
    }

    public boolean hasScheduler(String name) {
        return meta.containsKey(SCHEDULER + name + ".type");
    }

    public void restoreScheduler(Scheduler scheduler) {
        restoreScheduler(DEFAULT_SCHEDULER, scheduler);
    }

    public void restoreScheduler(String name, Scheduler scheduler) {
        String prefix = SCHEDULER + name + ".";
        if (!hasScheduler(name)) {
            throw new CheckpointException(file, prefix + "type", "holds no scheduler '" + name + "' (no field '"
                    + prefix + "type')", null);
        }
        try {
            scheduler.loadState(section(prefix));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file, prefix.substring(0, prefix.length() - 1), "scheduler state (fields '"
                    + prefix + "*'): " + e.getMessage(), e);
        }
    }

    public boolean hasEarlyStopping() {
        return meta.containsKey(EARLY + "mode");
    }

    public void restoreEarlyStopping(EarlyStopping earlyStopping) {
        if (!hasEarlyStopping()) {
            throw new CheckpointException(file, EARLY + "mode", "holds no early-stopping state", null);
        }
        Map<String, Tensor> best = tensorSection(EARLY_BEST);
        try {
            earlyStopping.loadState(section(EARLY), best.isEmpty() ? null : best);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file, "early_stopping", "early-stopping state (fields 'early_stopping.*'): "
                    + e.getMessage(), e);
        }
    }

    /** The training counters ({@code counters.*}). */
    public TrainingCounters counters() {
        Map<String, String> c = section(COUNTERS);
        if (c.isEmpty()) {
            throw new CheckpointException(file, "counters", "holds no training counters (fields 'counters.*')", null);
        }
        StateReader read = new StateReader(c);
        try {
            return new TrainingCounters(read.longValue("epoch"), read.longValue("step"), read.decimal("best_metric"),
                    read.longValue("rng_seed"));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file, "counters", "training counters (fields 'counters.*'): "
                    + e.getMessage(), e);
        }
    }

    /** Every metadata entry of the file, unprefixed names included. */
    public Map<String, String> rawMetadata() {
        return meta;
    }

    private Map<String, String> section(String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : meta.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                out.put(e.getKey().substring(prefix.length()), e.getValue());
            }
        }
        return out;
    }

    private Map<String, Tensor> tensorSection(String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                out.put(e.getKey().substring(prefix.length()), e.getValue());
            }
        }
        return out;
    }

    private static List<String> prefixed(List<String> names) {
        List<String> out = new ArrayList<>(names.size());
        for (String n : names) {
            out.add(MODEL + n);
        }
        return out;
    }
}
