package dev.limbic.nn.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Every loss rejects bad input with an IllegalArgumentException naming the loss, the argument and the shapes. */
class LossBadInputTest {

    @Test
    void elementwiseLossesRequireMatchingFloatingOperands() {
        Tensor x = Tensor.zeros(2, 3);
        assertThatThrownBy(() -> new MSELoss().forward(x, Tensor.zeros(3, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MSELoss").hasMessageContaining("[3, 2]").hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> new L1Loss().forward(x, Tensor.zeros(DType.F64, 2, 3)))
                .hasMessageContaining("L1Loss").hasMessageContaining("F64");
        assertThatThrownBy(() -> new MSELoss().forward(x, Tensor.ofLongs(new long[6], 2, 3)))
                .hasMessageContaining("target must be F32 or F64, got I64");
        assertThatThrownBy(() -> new BCEWithLogitsLoss().forward(x, Tensor.zeros(2)))
                .hasMessageContaining("BCEWithLogitsLoss");
        assertThatThrownBy(() -> new BCEWithLogitsLoss(null, Tensor.ones(4), Reduction.MEAN).forward(x,
                Tensor.zeros(2, 3))).hasMessageContaining("pos_weight shape [4]");
        assertThatThrownBy(() -> new KLDivLoss().forward(x, Tensor.zeros(2, 4)))
                .hasMessageContaining("KLDivLoss");
        assertThatThrownBy(() -> new MSELoss(Reduction.BATCH_MEAN).forward(x, x))
                .hasMessageContaining("only defined for KLDivLoss");
        assertThatThrownBy(() -> new MSELoss().forward(Tensor.zeros(0, 3), Tensor.zeros(0, 3)))
                .hasMessageContaining("empty");
        assertThat(new MSELoss(Reduction.SUM).forward(Tensor.zeros(0, 3), Tensor.zeros(0, 3)).item()).isZero();
    }

    @Test
    void crossEntropyNamesTargetRangeShapeAndDtypeProblems() {
        Tensor logits = Tensor.zeros(4, 3);
        assertThatThrownBy(() -> new CrossEntropyLoss().forward(logits, Tensor.ofLongs(new long[] {0, 1, 3, 2}, 4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("target[2] = 3")
                .hasMessageContaining("3 classes");
        assertThatThrownBy(() -> new CrossEntropyLoss().forward(logits, Tensor.ofLongs(new long[3], 3)))
                .hasMessageContaining("target shape [3]").hasMessageContaining("[4, 3]");
        assertThatThrownBy(() -> new CrossEntropyLoss().forward(logits, Tensor.zeros(4)))
                .hasMessageContaining("class indices (I64 or I32), got F32");
        assertThatThrownBy(() -> new CrossEntropyLoss().forward(Tensor.ofLongs(new long[12], 4, 3),
                Tensor.ofLongs(new long[4], 4))).hasMessageContaining("must be F32 or F64");
        assertThatThrownBy(() -> new CrossEntropyLoss().withWeight(Tensor.ones(4)).forward(logits,
                Tensor.ofLongs(new long[4], 4))).hasMessageContaining("weight shape [4]");
        assertThatThrownBy(() -> new CrossEntropyLoss().forward(logits, Tensor.ofLongs(new long[] {-100, -100, -100,
                -100}, 4))).hasMessageContaining("all 4 targets equal ignore_index -100");
        assertThatThrownBy(() -> new CrossEntropyLoss().withLabelSmoothing(-0.1))
                .hasMessageContaining("label_smoothing");
        // PyTorch's (N, C, d) layout is recognised and explained rather than guessed at
        assertThatThrownBy(() -> new CrossEntropyLoss().forward(Tensor.zeros(2, 5, 7), Tensor.ofLongs(new long[14],
                2, 7))).hasMessageContaining("classes last");
        assertThat(new CrossEntropyLoss(Reduction.SUM).forward(logits, Tensor.ofLongs(new long[] {-100, -100, -100,
                -100}, 4)).item()).isZero();
    }

    @Test
    void focalLossValidatesItsParameters() {
        assertThatThrownBy(() -> new FocalLoss(1.0, -1.0)).hasMessageContaining("gamma");
        assertThatThrownBy(() -> new FocalLoss(Double.NaN, 1.0)).hasMessageContaining("alpha");
        assertThatThrownBy(() -> new FocalLoss(1.0, 1.0).withWeight(Tensor.of(new float[] {1, -1}, 2)))
                .hasMessageContaining(">= 0");
        assertThatThrownBy(() -> new FocalLoss(1.0, 1.0).forward(Tensor.zeros(2, 3), Tensor.ofLongs(new long[] {0, 5},
                2))).hasMessageContaining("target[1] = 5");
        assertThatThrownBy(() -> new FocalLoss(1.0, 1.0).forward(Tensor.zeros(2, 3), Tensor.ofLongs(new long[] {-100,
                -100}, 2))).hasMessageContaining("all 2 targets");
    }
}
