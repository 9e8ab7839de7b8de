package dev.limbic.bench;

import dev.limbic.tensor.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Workload (d) of ../shared/peers/RESULTS-reference.md §4: the 5-population LIF network, T = 100, B = 32, per
 * population and fused, as inference, forward with the graph recorded, and forward + backward (ms per batch).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SnnBench {
    private TrainingWorkloads.SnnPerPopulation perPopulation;
    private TrainingWorkloads.SnnFused fused;

    @Setup
    public void setup() {
        perPopulation = new TrainingWorkloads.SnnPerPopulation();
        fused = new TrainingWorkloads.SnnFused();
    }

    @Benchmark
    public Tensor perPopulationInfer() {
        return perPopulation.inference();
    }

    @Benchmark
    public Tensor perPopulationFwd() {
        return perPopulation.forwardWithGraph();
    }

    @Benchmark
    public double perPopulationFwdBwd() {
        return perPopulation.forwardBackward();
    }

    @Benchmark
    public Tensor fusedInfer() {
        return fused.inference();
    }

    @Benchmark
    public Tensor fusedFwd() {
        return fused.forwardWithGraph();
    }

    @Benchmark
    public double fusedFwdBwd() {
        return fused.forwardBackward();
    }
}
