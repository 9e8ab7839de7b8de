package dev.limbic.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Training workloads (a)–(c) of ../shared/peers/RESULTS-reference.md §4, one timed repetition per invocation as
 * torch_training.py times them: (a) one epoch of 10,000 samples, (b) and (c) 40 steps. Milliseconds per
 * repetition; the runner converts to samples/s and steps/s. (d) is {@link SnnBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class TrainingBench {
    private TrainingWorkloads.Mlp mlp;
    private TrainingWorkloads.Recursive recursive;
    private TrainingWorkloads.LstmClassifier lstm;

    @Setup
    public void setup() {
        mlp = new TrainingWorkloads.Mlp();
        recursive = new TrainingWorkloads.Recursive();
        lstm = new TrainingWorkloads.LstmClassifier();
    }

    @Benchmark
    public double mlpEpoch() {
        return mlp.epoch();
    }

    @Benchmark
    public double recursiveSteps() {
        return recursive.steps(TrainingWorkloads.Recursive.STEPS);
    }

    @Benchmark
    public double lstmSteps() {
        return lstm.steps(TrainingWorkloads.LstmClassifier.STEPS);
    }
}
