package dev.limbic.nn.loss;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.GradCheck;
import dev.limbic.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * F64 central-difference gradient checks of every loss on small shapes, for each reduction and option
 * (class weights, ignore_index, label smoothing, pos_weight, log targets, classes-last sequences), with respect
 * to the input and, where PyTorch differentiates it, the target.
 */
class LossGradCheckTest {

    static final List<Reduction> REDUCTIONS = List.of(Reduction.MEAN, Reduction.SUM, Reduction.NONE);

    static Tensor randn(long seed, int... shape) {
        return Tensor.randn(seed, DType.F64, shape);
    }

    static Tensor probabilities(long seed, int... shape) {
        return randn(seed, shape).softmax(shape.length - 1);
    }

    @Test
    void mseAndL1() {
        for (Reduction r : REDUCTIONS) {
            GradCheck.assertGradients("mse " + r, in -> new MSELoss(r).forward(in.get(0), in.get(1)),
                    randn(1, 3, 4), randn(2, 3, 4));
            // keep |x − y| away from the kink at 0
            Tensor y = randn(4, 3, 4);
            Tensor x = y.add(randn(3, 3, 4).sign().mul(0.5)).add(randn(5, 3, 4).mul(0.1));
            GradCheck.assertGradients("l1 " + r, in -> new L1Loss(r).forward(in.get(0), in.get(1)), x, y);
        }
    }

    @Test
    void bceWithLogitsIncludingPosWeightWeightAndTheTarget() {
        Tensor x = randn(6, 4, 5).mul(3);
        Tensor t = Tensor.rand(7, DType.F64, 4, 5);
        Tensor pw = Tensor.of(new double[] {0.5, 1.0, 2.0, 3.0, 0.25}, 5);
        Tensor w = Tensor.rand(8, DType.F64, 4, 1).add(0.5);
        for (Reduction r : REDUCTIONS) {
            GradCheck.assertGradients("bce " + r, in -> new BCEWithLogitsLoss(r).forward(in.get(0), in.get(1)), x, t);
            GradCheck.assertGradients("bce pos_weight+weight " + r,
                    in -> new BCEWithLogitsLoss(w, pw, r).forward(in.get(0), in.get(1)), x, t);
        }
        // exactly at x = 0 the analytic gradient is σ(0) − t = 0.5 − t (no subgradient of abs/relu)
        Tensor zero = Tensor.zeros(DType.F64, 1).requiresGrad(true);
        new BCEWithLogitsLoss().forward(zero, Tensor.of(new double[] {0.25}, 1)).backward();
        assertThat(zero.grad().toDoubleArray()[0]).isEqualTo(0.25);
        GradCheck.assertGradients("bce at 0", in -> new BCEWithLogitsLoss(null, pw.narrow(0, 0, 1),
                Reduction.SUM).forward(in.get(0), in.get(1)), Tensor.zeros(DType.F64, 1), Tensor.of(new double[] {
                    0.3}, 1));
    }

    @Test
    void klDivergenceForEveryReductionAndLogTargets() {
        Tensor x = probabilities(9, 3, 5).log();
        Tensor t = probabilities(10, 3, 5);
        for (Reduction r : List.of(Reduction.MEAN, Reduction.SUM, Reduction.NONE, Reduction.BATCH_MEAN)) {
            GradCheck.assertGradients("kl " + r, in -> new KLDivLoss(r, false).forward(in.get(0), in.get(1)), x, t);
            GradCheck.assertGradients("kl log_target " + r,
                    in -> new KLDivLoss(r, true).forward(in.get(0), in.get(1)), x, t.log());
        }
        // a zero target contributes 0 and a finite gradient
        Tensor tz = Tensor.of(new double[] {0.0, 0.4, 0.6}, 1, 3);
        Tensor xz = probabilities(11, 1, 3).log().requiresGrad(true);
        Tensor loss = new KLDivLoss().forward(xz, tz);
        assertThat(loss.item()).isFinite();
        loss.backward();
        assertThat(xz.grad().toDoubleArray()).doesNotContain(Double.NaN);
    }

    @Test
    void crossEntropyWithWeightsIgnoreIndexSmoothingAndSequences() {
        Tensor target = Tensor.ofLongs(new long[] {1, -100, 4, 0, 4, 2}, 6);
        Tensor w = Tensor.of(new double[] {1.0, 0.5, 2.0, 1.5, 0.75}, 5);
        for (Reduction r : REDUCTIONS) {
            for (Tensor weight : new Tensor[] {null, w}) {
                for (double eps : new double[] {0.0, 0.15}) {
                    CrossEntropyLoss ce = new CrossEntropyLoss(weight, -100, eps, r);
                    GradCheck.assertGradients("ce " + r + " weighted=" + (weight != null) + " ε=" + eps,
                            in -> ce.forward(in.get(0), target), randn(12, 6, 5).mul(2));
                }
            }
            // (B, T, C) classes last with (B, T) targets, and a single (C) row with a 0-d target
            Tensor seqTarget = Tensor.ofLongs(new long[] {0, 2, -100, 1, 1, 0}, 2, 3);
            CrossEntropyLoss ce = new CrossEntropyLoss(r).withLabelSmoothing(0.1);
            GradCheck.assertGradients("ce (B,T,C) " + r, in -> ce.forward(in.get(0), seqTarget), randn(13, 2, 3, 3));
            GradCheck.assertGradients("ce (C) " + r, in -> ce.forward(in.get(0), Tensor.ofLongs(new long[] {2})
                    .reshape()), randn(14, 4));
        }
        Tensor none = new CrossEntropyLoss(Reduction.NONE).forward(randn(15, 2, 3, 4),
                Tensor.ofLongs(new long[] {0, 1, 2, 3, -100, 3}, 2, 3));
        assertThat(none.shape()).containsExactly(2, 3);
        assertThat(none.get(1, 1)).isZero();
    }

    @Test
    void focalLossWithAndWithoutWeightsAndSmallGamma() {
        Tensor target = Tensor.ofLongs(new long[] {1, 3, 4, 0, -100, 2}, 6);
        Tensor w = Tensor.of(new double[] {1.0, 0.5, 2.0, 1.5, 0.75}, 5);
        for (Reduction r : REDUCTIONS) {
            for (double gamma : new double[] {0.0, 0.5, 1.2, 2.0}) {
                FocalLoss fl = new FocalLoss(1.1, gamma, null, -100, r);
                GradCheck.assertGradients("focal γ=" + gamma + " " + r, in -> fl.forward(in.get(0), target),
                        randn(16, 6, 5));
                GradCheck.assertGradients("focal weighted γ=" + gamma + " " + r,
                        in -> fl.withWeight(w).forward(in.get(0), target), randn(17, 6, 5));
            }
        }
        // γ = 0, α = 1 is plain per-row cross-entropy; the weighted mean is over rows, not Σw
        Tensor x = randn(18, 6, 5);
        Tensor t = Tensor.ofLongs(new long[] {1, 3, 4, 0, 1, 2}, 6);
        double ceRows = new CrossEntropyLoss(w, -100, 0, Reduction.SUM).forward(x, t).item();
        double focal0 = new FocalLoss(1.0, 0.0).withWeight(w).forward(x, t).item();
        assertThat(focal0).isCloseTo(ceRows / 6, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void focalLossOfAPerfectlyConfidentRowHasAFiniteGradientForSmallGamma() {
        Tensor x = Tensor.of(new double[] {0, 800, 0}, 1, 3).requiresGrad(true);   // CE = 0 exactly
        Tensor loss = new FocalLoss(1.0, 0.5).forward(x, Tensor.ofLongs(new long[] {1}, 1));
        assertThat(loss.item()).isZero();
        loss.backward();
        assertThat(x.grad().toDoubleArray()).containsOnly(0.0);
    }
}
