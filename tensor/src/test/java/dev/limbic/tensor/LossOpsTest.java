package dev.limbic.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fused cross-entropy of {@link LossOps}: F64 gradient checks of every variant, agreement with the
 * reference decomposition {@code −(log_softmax(x)·w)[t]} on the host backend, and bad input.
 */
class LossOpsTest {

    static final long IGNORE = -100;

    static Tensor logits(long seed, DType dtype, int n, int c) {
        return Tensor.randn(seed, dtype, n, c).mul(2.0);
    }

    static Tensor targets(long... t) {
        return Tensor.ofLongs(t, t.length);
    }

    /** Reference decomposition from public ops (PyTorch 1.13's cross_entropy_loss_label_smoothing). */
    static Tensor reference(Tensor x, Tensor t, Tensor w, double eps, String reduction) {
        int n = x.size(0);
        int c = x.size(1);
        Tensor logp = x.logSoftmax(1);
        long[] tv = t.toLongArray();
        long[] safe = new long[n];
        double[] keep = new double[n];
        double[] wt = new double[n];
        double[] wv = w == null ? null : w.toDoubleArray();
        for (int i = 0; i < n; i++) {
            boolean ignored = tv[i] == IGNORE;
            safe[i] = ignored ? 0 : tv[i];
            keep[i] = ignored ? 0 : 1;
            wt[i] = ignored ? 0 : (wv == null ? 1 : wv[(int) tv[i]]);
        }
        Tensor keepT = Tensor.of(keep, n).to(x.dtype());
        Tensor wtT = Tensor.of(wt, n).to(x.dtype());
        Tensor nll = logp.gather(1, Tensor.ofLongs(safe, n, 1)).reshape(n).neg().mul(wtT);
        Tensor wFull = w == null ? Tensor.ones(x.dtype(), c) : w;
        Tensor smooth = logp.mul(wFull).sum(1, false).neg().mul(keepT);
        Tensor rows = nll.mul(1 - eps).add(smooth.mul(eps / c));
        double denom = 0;
        for (double v : wt) {
            denom += v;
        }
        return switch (reduction) {
            case "none" -> rows;
            case "sum" -> rows.sum();
            default -> rows.sum().div(denom);
        };
    }

    static Tensor fused(Tensor x, Tensor t, Tensor w, double eps, String reduction) {
        return switch (reduction) {
            case "none" -> LossOps.crossEntropyRows(x, t, w, IGNORE, eps);
            case "sum" -> LossOps.crossEntropySum(x, t, w, IGNORE, eps);
            default -> LossOps.crossEntropyMean(x, t, w, IGNORE, eps);
        };
    }

    @Test
    void gradientsOfEveryVariantPassTheF64Check() {
        Tensor t = targets(2, 0, IGNORE, 4, 1, 4);
        Tensor w = Tensor.of(new double[] {0.5, 1.5, 1.0, 2.0, 0.25}, 5);
        for (String reduction : List.of("none", "sum", "mean")) {
            for (Tensor weight : new Tensor[] {null, w}) {
                for (double eps : new double[] {0.0, 0.2}) {
                    Tensor x = logits(3, DType.F64, 6, 5);
                    String label = "cross_entropy " + reduction + (weight == null ? "" : " weighted") + " ε=" + eps;
                    GradCheck.assertGradients(label, in -> fused(in.get(0), t, weight, eps, reduction), x);
                    Tensor ref = reference(x, t, weight, eps, reduction);
                    Tensor got = fused(x, t, weight, eps, reduction);
                    assertClose(label, got.toDoubleArray(), ref.toDoubleArray(), 1e-12);
                }
            }
        }
    }

    @Test
    void f32MatchesTheDecompositionInValueAndGradient() {
        Tensor t = targets(6, 0, IGNORE, 3, 12, 5, 5, 1);
        Tensor w = Tensor.randn(9, DType.F32, 13).abs().add(0.1);
        for (String reduction : List.of("none", "sum", "mean")) {
            for (double eps : new double[] {0.0, 0.1}) {
                Tensor x1 = logits(5, DType.F32, 8, 13).requiresGrad(true);
                Tensor x2 = x1.detach().cloneTensor().requiresGrad(true);
                Tensor a = fused(x1, t, w, eps, reduction);
                Tensor b = reference(x2, t, w, eps, reduction);
                assertClose("value " + reduction, a.toDoubleArray(), b.toDoubleArray(), 1e-5);
                Tensor seed = Tensor.randn(2, DType.F32, a.shape());
                a.backward(seed);
                b.backward(seed);
                assertClose("grad " + reduction + " ε=" + eps, x1.grad().toDoubleArray(), x2.grad().toDoubleArray(),
                        1e-5);
            }
        }
    }

    @Test
    void nonContiguousLogitsAndI32TargetsWork() {
        Tensor base = logits(11, DType.F64, 4, 5).requiresGrad(true);   // (C, N) transposed to (N, C)
        Tensor t32 = Tensor.ofInts(new int[] {0, 3, 2, 1, 3}, 5);
        Tensor viaView = LossOps.crossEntropyMean(base.t(), t32, null, IGNORE, 0.0);
        Tensor viaCopy = reference(base.t().contiguous(), t32.to(DType.I64), null, 0.0, "mean");
        assertThat(viaView.item()).isCloseTo(viaCopy.item(), org.assertj.core.data.Offset.offset(1e-12));
        viaView.backward();
        assertThat(base.grad().shape()).containsExactly(4, 5);
        GradCheck.assertGradients("transposed logits", in -> LossOps.crossEntropyMean(in.get(0).t(), t32, null,
                IGNORE, 0.1), logits(12, DType.F64, 4, 5));
    }

    @Test
    void ignoredRowsGetZeroLossAndZeroGradient() {
        Tensor x = logits(4, DType.F64, 3, 4).requiresGrad(true);
        Tensor rows = LossOps.crossEntropyRows(x, targets(1, IGNORE, 2), null, IGNORE, 0.3);
        assertThat(rows.get(1)).isZero();
        rows.sum().backward();
        for (int c = 0; c < 4; c++) {
            assertThat(x.grad().get(1, c)).isZero();
        }
        // a custom ignore index that is also a class id ignores that class
        Tensor r2 = LossOps.crossEntropyRows(x.detach(), targets(1, 3, 2), null, 3, 0.0);
        assertThat(r2.get(1)).isZero();
        assertThat(LossOps.crossEntropyWeightSum(x.detach(), targets(1, 3, 2), null, 3)).isEqualTo(2.0);
    }

    @Test
    void badInputIsRejectedWithTheFieldAndShape() {
        Tensor x = logits(1, DType.F32, 3, 4);
        assertThatThrownBy(() -> LossOps.crossEntropyMean(x, targets(0, 4, 1), null, IGNORE, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("target[1] = 4")
                .hasMessageContaining("4 classes");
        assertThatThrownBy(() -> LossOps.crossEntropyMean(x, targets(0, -1, 1), null, IGNORE, 0))
                .hasMessageContaining("target[1] = -1");
        assertThatThrownBy(() -> LossOps.crossEntropyMean(x, targets(0, 1), null, IGNORE, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("target shape [2]");
        assertThatThrownBy(() -> LossOps.crossEntropyMean(x, Tensor.zeros(3), null, IGNORE, 0))
                .hasMessageContaining("class indices (I64 or I32), got F32");
        assertThatThrownBy(() -> LossOps.crossEntropyMean(x.reshape(12), targets(0), null, IGNORE, 0))
                .hasMessageContaining("logits must be (N, C)");
        assertThatThrownBy(() -> LossOps.crossEntropyMean(x, targets(0, 1, 2), Tensor.ones(3), IGNORE, 0))
                .hasMessageContaining("weight shape [3]");
        assertThatThrownBy(() -> LossOps.crossEntropyMean(x, targets(0, 1, 2), Tensor.ones(DType.F64, 4), IGNORE,
                0)).hasMessageContaining("dtype mismatch");
        assertThatThrownBy(() -> LossOps.crossEntropyMean(x, targets(0, 1, 2), null, IGNORE, 1.5))
                .hasMessageContaining("label_smoothing");
        assertThatThrownBy(() -> LossOps.crossEntropyMean(x, targets(IGNORE, IGNORE, IGNORE), null, IGNORE, 0))
                .hasMessageContaining("all 3 targets equal ignore_index -100");
        assertThatThrownBy(() -> LossOps.crossEntropyMean(x, targets(0, 0, IGNORE),
                Tensor.of(new float[] {0, 1, 1, 1}, 4), IGNORE, 0)).hasMessageContaining("sum to 0");
        // the sum of an all-ignored batch is a well-defined 0
        assertThat(LossOps.crossEntropySum(x, targets(IGNORE, IGNORE, IGNORE), null, IGNORE, 0).item()).isZero();
    }

    static void assertClose(String what, double[] got, double[] ref, double tol) {
        assertThat(got).as(what + " length").hasSameSizeAs(ref);
        for (int i = 0; i < ref.length; i++) {
            assertThat(Math.abs(got[i] - ref[i])).as(what + " [" + i + "] " + got[i] + " vs " + ref[i])
                    .isLessThanOrEqualTo(tol * Math.max(1, Math.abs(ref[i])));
        }
    }
}
