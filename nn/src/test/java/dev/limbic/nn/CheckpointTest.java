package dev.limbic.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limbic.nn.loss.CrossEntropyLoss;
import dev.limbic.nn.optim.AdamW;
import dev.limbic.nn.optim.ClipGrad;
import dev.limbic.nn.optim.Optimizer;
import dev.limbic.nn.optim.SGD;
import dev.limbic.nn.optim.SequentialLR;
import dev.limbic.tensor.DType;
import dev.limbic.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training checkpoints: an interrupted run (N steps, checkpoint, fresh model + optimiser + scheduler, M more
 * steps) ends with parameters bit-identical to an uninterrupted N+M run; corrupt files and mismatched models or
 * optimisers fail with errors naming the file and the field.
 */
class CheckpointTest {

    @TempDir
    Path dir;

    static final int FEATURES = 6;
    static final int CLASSES = 3;
    static final int SAMPLES = 48;
    static final int BATCH = 8;
    static final long DATA_SEED = 4242;

    /** fc2(relu(fc1(x))) with an optional third layer (a different architecture). */
    static final class Mlp extends Module {
        final Linear fc1;
        final Linear fc2;
        final Linear fc3;

        Mlp(long seed, int hidden, boolean extra) {
            fc1 = registerModule("fc1", new Linear(FEATURES, hidden, Init.rng(seed)));
            fc2 = registerModule("fc2", new Linear(hidden, CLASSES, Init.rng(seed + 1)));
            fc3 = extra ? registerModule("fc3", new Linear(CLASSES, CLASSES, Init.rng(seed + 2))) : null;
        }

        Tensor forward(Tensor x) {
            Tensor y = fc2.forward(fc1.forward(x).relu());
            return fc3 == null ? y : fc3.forward(y);
        }
    }

    /** A deterministic synthetic set: x ~ N(0,1), labels from a fixed random linear map's argmax. */
    static final Tensor X = Tensor.randn(DATA_SEED, DType.F32, SAMPLES, FEATURES);
    static final Tensor Y = X.matmul(Tensor.randn(DATA_SEED + 1, DType.F32, FEATURES, CLASSES)).argmax(1, false);

    /** Training state of one run. */
    record Run(Mlp model, AdamW optimizer, SequentialLR scheduler) {
        static Run fresh(long modelSeed) {
            Mlp m = new Mlp(modelSeed, 16, false);
            AdamW opt = new AdamW(m.namedParameters(), 1e-2);
            SequentialLR sched = SequentialLR.warmupCosine(opt, 3, 0.1, 10, 1e-4);
            return new Run(m, opt, sched);
        }
    }

    /** The rows of mini-batch {@code step}: each epoch's order is a seeded shuffle, so no RNG state is needed. */
    static long[] batchRows(long step) {
        int perEpoch = SAMPLES / BATCH;
        long epoch = step / perEpoch;
        int[] perm = new int[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            perm[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(DATA_SEED * 31 + epoch);
        for (int i = SAMPLES - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        long[] rows = new long[BATCH];
        int start = (int) (step % perEpoch) * BATCH;
        for (int i = 0; i < BATCH; i++) {
            rows[i] = perm[start + i];
        }
        return rows;
    }

    static void train(Run run, long fromStep, long toStep) {
        CrossEntropyLoss ce = new CrossEntropyLoss();
        for (long step = fromStep; step < toStep; step++) {
            Tensor idx = Tensor.ofLongs(batchRows(step), BATCH);
            run.optimizer.zeroGrad();
            Tensor loss = ce.forward(run.model.forward(X.indexSelect(0, idx)), Y.indexSelect(0, idx));
            loss.backward();
            ClipGrad.clipGradNorm(run.model.parameters(), 1.0);
            run.optimizer.step();
            run.scheduler.step();
        }
    }

    static int[] bits(Tensor t) {
        float[] f = t.toFloatArray();
        int[] b = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            b[i] = Float.floatToRawIntBits(f[i]);
        }
        return b;
    }

    @Test
    void resumedTrainingIsBitIdenticalToAnUninterruptedRun() throws IOException {
        int n = 9;   // crosses an epoch boundary (6 batches per epoch) and the end of the warm-up
        int m = 8;
        Run straight = Run.fresh(11);
        train(straight, 0, n + m);

        Run first = Run.fresh(11);
        train(first, 0, n);
        Path file = dir.resolve("run.safetensors");
        Checkpoint.writer(first.model).optimizer(first.optimizer).scheduler(first.scheduler)
                .counters(new Checkpoint.TrainingCounters(n / 6, n, 0.25, DATA_SEED)).metadata("experiment", "resume")
                .save(file);

        Run resumed = Run.fresh(999);   // different initial weights: everything must come from the file
        Checkpoint.TrainingCounters c = Checkpoint.restore(file, resumed.model, resumed.optimizer, resumed.scheduler);
        assertThat(c).isEqualTo(new Checkpoint.TrainingCounters(1, n, 0.25, DATA_SEED));
        assertThat(Checkpoint.read(file).metadata()).containsEntry("experiment", "resume");
        assertThat(resumed.optimizer.lr()).isEqualTo(first.optimizer.lr());
        train(resumed, c.step(), n + m);

        for (Map.Entry<String, Parameter> e : straight.model.namedParameters().entrySet()) {
            assertThat(bits(resumed.model.namedParameters().get(e.getKey()).get())).as(e.getKey())
                    .containsExactly(bits(e.getValue().get()));
        }
        Map<String, Tensor> a = straight.optimizer.stateTensors();
        Map<String, Tensor> b = resumed.optimizer.stateTensors();
        assertThat(b.keySet()).isEqualTo(a.keySet());
        for (String k : a.keySet()) {
            assertThat(bits(b.get(k))).as(k).containsExactly(bits(a.get(k)));
        }
        assertThat(resumed.optimizer.stateScalars()).isEqualTo(straight.optimizer.stateScalars());
        assertThat(resumed.scheduler.state()).isEqualTo(straight.scheduler.state());
    }

    @Test
    void earlyStoppingStateTravelsWithTheCheckpoint() throws IOException {
        Mlp model = new Mlp(1, 8, false);
        EarlyStopping es = new EarlyStopping(model, EarlyStopping.Mode.MIN, 3, 1e-4);
        es.step(0.9);
        Path file = dir.resolve("es.safetensors");
        Checkpoint.writer(model).earlyStopping(es).counters(Checkpoint.TrainingCounters.of(1, 6)).save(file);
        Mlp other = new Mlp(2, 8, false);
        EarlyStopping es2 = new EarlyStopping(other, EarlyStopping.Mode.MIN, 3, 1e-4);
        Checkpoint ck = Checkpoint.read(file);
        ck.restoreEarlyStopping(es2);
        assertThat(es2.stateScalars()).isEqualTo(es.stateScalars());
        es2.restoreBest();
        assertThat(bits(other.fc1.weight().get())).containsExactly(bits(model.fc1.weight().get()));
        assertThat(ck.hasOptimizer()).isFalse();
        assertThat(ck.counters().bestMetric()).isNaN();
    }

    @Test
    void corruptFilesFailNamingTheFile() throws IOException {
        Run run = Run.fresh(3);
        train(run, 0, 2);
        Path good = dir.resolve("good.safetensors");
        Checkpoint.writer(run.model).optimizer(run.optimizer).scheduler(run.scheduler)
                .counters(Checkpoint.TrainingCounters.of(0, 2)).save(good);

        Path truncated = dir.resolve("truncated.safetensors");
        byte[] bytes = Files.readAllBytes(good);
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> Checkpoint.read(truncated)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("truncated.safetensors");

        Path garbage = dir.resolve("garbage.safetensors");
        byte[] junk = "{\"model.w\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]".getBytes(
                StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + junk.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(junk.length).put(junk);
        Files.write(garbage, buf.array());
        assertThatThrownBy(() -> Checkpoint.read(garbage)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("garbage.safetensors");

        Path plain = dir.resolve("plain.safetensors");
        run.model.save(plain);
        assertThatThrownBy(() -> Checkpoint.read(plain)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("plain.safetensors").hasMessageContaining("format")
                .satisfies(e -> assertThat(((CheckpointException) e).field()).isEqualTo("format"));
    }

    @Test
    void mismatchedModelsAndOptimisersFailNamingFileAndField() throws IOException {
        Run run = Run.fresh(5);
        train(run, 0, 2);
        Path file = dir.resolve("ck.safetensors");
        Checkpoint.writer(run.model).optimizer(run.optimizer).scheduler(run.scheduler)
                .counters(Checkpoint.TrainingCounters.of(0, 2)).save(file);
        Checkpoint ck = Checkpoint.read(file);

        Mlp wider = new Mlp(5, 17, false);
        assertThatThrownBy(() -> ck.restoreModel(wider)).isInstanceOf(StateDictException.class)
                .hasMessageContaining("ck.safetensors").hasMessageContaining("model.fc1.weight")
                .hasMessageContaining("[16, 6]").hasMessageContaining("[17, 6]");
        Mlp deeper = new Mlp(5, 16, true);
        float[] before = deeper.fc1.weight().get().toFloatArray();
        assertThatThrownBy(() -> ck.restoreModel(deeper)).isInstanceOf(StateDictException.class)
                .hasMessageContaining("ck.safetensors").hasMessageContaining("missing")
                .hasMessageContaining("model.fc3.weight");
        assertThat(deeper.fc1.weight().get().toFloatArray()).containsExactly(before);   // nothing loaded

        Optimizer sgd = new SGD(run.model.namedParameters(), 0.1);
        assertThatThrownBy(() -> ck.restoreOptimizer(sgd)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("ck.safetensors").hasMessageContaining("optim")
                .hasMessageContaining("'type'").hasMessageContaining("AdamW").hasMessageContaining("SGD");
        AdamW onOtherParams = new AdamW(new Mlp(5, 16, true).namedParameters(), 1e-2);
        assertThatThrownBy(() -> ck.restoreOptimizer(onOtherParams)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("group.0.params");
        dev.limbic.nn.optim.StepLR step = new dev.limbic.nn.optim.StepLR(run.optimizer, 3);
        assertThatThrownBy(() -> ck.restoreScheduler(step)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("scheduler.lr").hasMessageContaining("SequentialLR");
        assertThatThrownBy(() -> ck.restoreScheduler("plateau", step)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("scheduler.plateau.type");
        assertThatThrownBy(() -> ck.restoreEarlyStopping(new EarlyStopping(run.model, EarlyStopping.Mode.MIN, 1,
                0))).hasMessageContaining("early-stopping");
    }
}
