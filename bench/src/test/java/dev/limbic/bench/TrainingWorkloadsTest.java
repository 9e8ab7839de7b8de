package dev.limbic.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The benchmark workloads train (their loss falls) and are deterministic; timing lives in JMH, not here. */
class TrainingWorkloadsTest {

    @Test
    void mlpLearnsAndIsReproducible() {
        TrainingWorkloads.Mlp a = new TrainingWorkloads.Mlp();
        double first = a.epoch();
        double second = a.epoch();
        assertThat(first).isFinite();
        assertThat(second).isFinite();
        TrainingWorkloads.Mlp b = new TrainingWorkloads.Mlp();
        assertThat(b.epoch()).isEqualTo(first);
    }

    @Test
    void recursiveModelLossFalls() {
        TrainingWorkloads.Recursive r = new TrainingWorkloads.Recursive();
        double start = r.steps(1);
        double later = r.steps(3 * TrainingWorkloads.Recursive.STEPS);
        assertThat(later).isFinite().isLessThan(start);
    }

    @Test
    void lstmClassifierLossFalls() {
        TrainingWorkloads.LstmClassifier c = new TrainingWorkloads.LstmClassifier();
        double start = c.steps(20);
        double later = c.steps(60);
        assertThat(later).isFinite().isLessThan(start);
    }

    @Test
    void spikingNetworksFireAndBackpropagate() {
        for (TrainingWorkloads.Snn net : new TrainingWorkloads.Snn[] {new TrainingWorkloads.SnnPerPopulation(),
            new TrainingWorkloads.SnnFused()}) {
            double loss = net.forwardBackward();
            assertThat(loss).isFinite();
            // gradient reaches the input projection through 100 steps of surrogate spikes
            double norm = 0;
            for (float g : net.namedParameters().get("inp.weight").grad().toFloatArray()) {
                norm += g * g;
            }
            assertThat(norm).isGreaterThan(0);
        }
    }

    public static void main(String[] args) {
        TrainingWorkloads.Mlp a = new TrainingWorkloads.Mlp();
        TrainingWorkloads.Recursive r = new TrainingWorkloads.Recursive();
        for (int rep = 0; rep < 6; rep++) {
            long t0 = System.nanoTime();
            a.epoch();
            long t1 = System.nanoTime();
            r.steps(40);
            long t2 = System.nanoTime();
            System.out.printf("(a) %.0f samples/s   (b) %.1f steps/s%n", 10000 / ((t1 - t0) * 1e-9),
                    40 / ((t2 - t1) * 1e-9));
        }
    }
}
