package dev.limbic.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limbic.tensor.GradMode;
import dev.limbic.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** "Restore best really restores": the best weights are a deep copy, and restoring puts them back bit for bit. */
class EarlyStoppingTest {

    static float[] weights(Linear lin) {
        return lin.weight().get().toFloatArray();
    }

    /** Changes the weights in place, as an optimiser step would. */
    static void perturb(Linear lin, double by) {
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            lin.weight().get().add_(Tensor.full(by, lin.weight().dtype(), lin.weight().shape()));
        }
    }

    @Test
    void restoreBestPutsBackTheWeightsOfTheBestEpochNotTheLast() {
        Linear lin = new Linear(3, 2, 7L);
        EarlyStopping es = new EarlyStopping(lin, EarlyStopping.Mode.MIN, 2, 0.0);
        double[] valLoss = {1.0, 0.5, 0.7, 0.9};
        float[] atBest = null;
        boolean stopped = false;
        for (int epoch = 0; epoch < valLoss.length && !stopped; epoch++) {
            perturb(lin, 0.25);   // "training" changes the live weights in place every epoch
            stopped = es.step(valLoss[epoch]);
            if (epoch == 1) {
                atBest = weights(lin);
            }
        }
        assertThat(stopped).isTrue();
        assertThat(es.bestEpoch()).isEqualTo(1);
        assertThat(es.best()).isEqualTo(0.5);
        assertThat(weights(lin)).isNotEqualTo(atBest);
        // the snapshot did not follow the in-place updates (a live reference would have)
        assertThat(es.bestState().get("weight").toFloatArray()).containsExactly(atBest);
        es.restoreBest();
        assertThat(weights(lin)).containsExactly(atBest);
        // and restoring copies: training on does not change the snapshot either
        perturb(lin, 1.0);
        assertThat(es.bestState().get("weight").toFloatArray()).containsExactly(atBest);
    }

    @Test
    void minDeltaPatienceAndMaxMode() {
        Linear lin = new Linear(2, 2, 1L);
        EarlyStopping es = new EarlyStopping(lin, EarlyStopping.Mode.MAX, 3, 0.01);
        assertThat(es.step(0.50)).isFalse();
        assertThat(es.improved()).isTrue();
        assertThat(es.step(0.505)).isFalse();   // +0.005 < min_delta: not an improvement
        assertThat(es.improved()).isFalse();
        assertThat(es.step(0.52)).isFalse();    // +0.02 > 0.01 from 0.50
        assertThat(es.bestEpoch()).isEqualTo(2);
        assertThat(es.step(0.1)).isFalse();
        assertThat(es.step(0.1)).isFalse();
        assertThat(es.step(0.1)).isTrue();
        assertThat(es.badEpochs()).isEqualTo(3);
        assertThat(es.epochs()).isEqualTo(6);
    }

    @Test
    void stateRoundTripAndBadInput() {
        Linear lin = new Linear(2, 2, 3L);
        EarlyStopping es = new EarlyStopping(lin, EarlyStopping.Mode.MIN, 2, 1e-4);
        es.step(0.3);
        es.step(0.4);
        EarlyStopping other = new EarlyStopping(new Linear(2, 2, 9L), EarlyStopping.Mode.MIN, 2, 1e-4);
        other.loadState(es.stateScalars(), es.bestState());
        assertThat(other.stateScalars()).isEqualTo(es.stateScalars());
        assertThat(other.step(0.5)).isTrue();
        EarlyStopping maxMode = new EarlyStopping(lin, EarlyStopping.Mode.MAX, 2, 1e-4);
        Map<String, String> state = es.stateScalars();
        assertThatThrownBy(() -> maxMode.loadState(state, es.bestState())).hasMessageContaining("field 'mode'");
        assertThatThrownBy(() -> es.step(Double.NaN)).hasMessageContaining("NaN");
        assertThatThrownBy(() -> new EarlyStopping(lin, EarlyStopping.Mode.MIN, 0, 0)).hasMessageContaining("patience");
        assertThatThrownBy(() -> new EarlyStopping(lin, EarlyStopping.Mode.MIN, 1, 0).restoreBest())
                .isInstanceOf(IllegalStateException.class);
    }
}
