package dev.limbic.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The fused optimiser updates of {@link OptimizerOps} against their formulas written out in double. */
class OptimizerOpsTest {

    @Test
    void adamAndAdamWFollowPyTorchFormulasForSeveralSteps() {
        for (boolean decoupled : new boolean[] {false, true}) {
            double lr = 3e-3;
            double b1 = 0.9;
            double b2 = 0.999;
            double eps = 1e-8;
            double wd = 0.05;
            Tensor p = Tensor.randn(1, DType.F64, 4, 3).requiresGrad(true);
            Tensor m = Tensor.zeros(DType.F64, 4, 3);
            Tensor v = Tensor.zeros(DType.F64, 4, 3);
            double[] pe = p.toDoubleArray();
            double[] me = new double[12];
            double[] ve = new double[12];
            for (int step = 1; step <= 4; step++) {
                Tensor g = Tensor.randn(10 + step, DType.F64, 4, 3);
                double[] gv = g.toDoubleArray();
                OptimizerOps.adamStep(p, g, m, v, step, lr, b1, b2, eps, wd, decoupled);
                for (int i = 0; i < 12; i++) {
                    double gi = gv[i];
                    if (decoupled) {
                        pe[i] *= 1 - lr * wd;
                    } else {
                        gi += wd * pe[i];
                    }
                    me[i] = b1 * me[i] + (1 - b1) * gi;
                    ve[i] = b2 * ve[i] + (1 - b2) * gi * gi;
                    double denom = Math.sqrt(ve[i]) / Math.sqrt(1 - Math.pow(b2, step)) + eps;
                    pe[i] -= lr / (1 - Math.pow(b1, step)) * me[i] / denom;
                }
                assertThat(p.toDoubleArray()).containsExactly(pe, org.assertj.core.data.Offset.offset(1e-15));
                assertThat(m.toDoubleArray()).containsExactly(me, org.assertj.core.data.Offset.offset(1e-15));
                assertThat(v.toDoubleArray()).containsExactly(ve, org.assertj.core.data.Offset.offset(1e-15));
            }
        }
    }

    @Test
    void sgdMomentumNesterovAndDecayFollowPyTorch() {
        double lr = 0.1;
        double mu = 0.9;
        double damp = 0.25;
        double wd = 0.01;
        for (boolean nesterov : new boolean[] {false, true}) {
            double dampening = nesterov ? 0.0 : damp;
            Tensor p = Tensor.randn(2, DType.F64, 5);
            Tensor buf = Tensor.zeros(DType.F64, 5);
            double[] pe = p.toDoubleArray();
            double[] be = new double[5];
            for (int step = 1; step <= 3; step++) {
                Tensor g = Tensor.randn(20 + step, DType.F64, 5);
                double[] gv = g.toDoubleArray();
                OptimizerOps.sgdStep(p, g, buf, step == 1, lr, mu, dampening, wd, nesterov);
                for (int i = 0; i < 5; i++) {
                    double d = gv[i] + wd * pe[i];
                    be[i] = step == 1 ? d : mu * be[i] + (1 - dampening) * d;
                    d = nesterov ? d + mu * be[i] : be[i];
                    pe[i] -= lr * d;
                }
                assertThat(p.toDoubleArray()).containsExactly(pe, org.assertj.core.data.Offset.offset(1e-15));
                assertThat(buf.toDoubleArray()).containsExactly(be, org.assertj.core.data.Offset.offset(1e-15));
            }
        }
        // plain SGD needs no buffer
        Tensor p = Tensor.of(new double[] {1, 2}, 2);
        OptimizerOps.sgdStep(p, Tensor.of(new double[] {10, -10}, 2), null, true, 0.1, 0, 0, 0, false);
        assertThat(p.toDoubleArray()).containsExactly(0.0, 3.0);
    }

    @Test
    void nonContiguousParameterIsUpdatedThroughItsView() {
        Tensor base = Tensor.randn(3, DType.F32, 3, 4);
        Tensor view = base.t();   // (4, 3) strided
        Tensor dense = view.contiguous().cloneTensor();
        Tensor g = Tensor.randn(4, DType.F32, 4, 3);
        Tensor m1 = Tensor.zeros(4, 3);
        Tensor v1 = Tensor.zeros(4, 3);
        Tensor m2 = Tensor.zeros(4, 3);
        Tensor v2 = Tensor.zeros(4, 3);
        OptimizerOps.adamStep(view, g, m1, v1, 1, 0.1, 0.9, 0.999, 1e-8, 0.01, true);
        OptimizerOps.adamStep(dense, g, m2, v2, 1, 0.1, 0.9, 0.999, 1e-8, 0.01, true);
        assertThat(view.toFloatArray()).containsExactly(dense.toFloatArray());
    }

    @Test
    void updatesBumpVersionsSoStaleGraphsRefuseBackward() {
        Tensor p = Tensor.randn(5, DType.F32, 3).requiresGrad(true);
        Tensor y = p.mul(p).sum();   // saves p
        OptimizerOps.sgdStep(p, Tensor.ones(3), null, true, 0.1, 0, 0, 0, false);
        assertThatThrownBy(y::backward).hasMessageContaining("modified in place");
    }

    @Test
    void sumOfSquaresAndScaleInPlaceWorkOnAnyLayout() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertThat(OptimizerOps.sumOfSquares(x)).isEqualTo(91.0);
        assertThat(OptimizerOps.sumOfSquares(x.t())).isEqualTo(91.0);
        assertThat(OptimizerOps.sumOfSquares(Tensor.zeros(0))).isZero();
        Tensor view = x.t();
        int version = x.storage().version();
        OptimizerOps.scaleInPlace(view, 0.5);
        assertThat(x.toFloatArray()).containsExactly(0.5f, 1f, 1.5f, 2f, 2.5f, 3f);
        assertThat(x.storage().version()).isGreaterThan(version);
        OptimizerOps.scaleInPlace(x, 2.0);
        assertThat(x.toFloatArray()).containsExactly(1f, 2f, 3f, 4f, 5f, 6f);
        assertThatThrownBy(() -> OptimizerOps.sumOfSquares(Tensor.ofLongs(new long[] {1}, 1)))
                .hasMessageContaining("F32 or F64");
    }

    @Test
    void mismatchedOperandsAreRejected() {
        Tensor p = Tensor.zeros(2, 3);
        assertThatThrownBy(() -> OptimizerOps.adamStep(p, Tensor.zeros(3, 2), Tensor.zeros(2, 3),
                Tensor.zeros(2, 3), 1, 0.1, 0.9, 0.999, 1e-8, 0, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gradient shape [3, 2]");
        assertThatThrownBy(() -> OptimizerOps.adamStep(p, Tensor.zeros(2, 3), Tensor.zeros(DType.F64, 2, 3),
                Tensor.zeros(2, 3), 1, 0.1, 0.9, 0.999, 1e-8, 0, false)).hasMessageContaining("exp_avg dtype F64");
        assertThatThrownBy(() -> OptimizerOps.adamStep(p, Tensor.zeros(2, 3), Tensor.zeros(2, 3),
                Tensor.zeros(2, 3), 0, 0.1, 0.9, 0.999, 1e-8, 0, false)).hasMessageContaining("step must be >= 1");
        assertThatThrownBy(() -> OptimizerOps.adamStep(p, Tensor.zeros(2, 3), Tensor.zeros(3, 2).t(),
                Tensor.zeros(2, 3), 1, 0.1, 0.9, 0.999, 1e-8, 0, false)).hasMessageContaining("contiguous");
        assertThatThrownBy(() -> OptimizerOps.sgdStep(p, Tensor.zeros(2, 3), null, true, 0.1, 0.9, 0, 0, false))
                .hasMessageContaining("needs a momentum buffer");
    }
}
