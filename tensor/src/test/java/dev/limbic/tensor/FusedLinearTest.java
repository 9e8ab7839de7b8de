package dev.limbic.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@link Tensor#linearGelu} / {@link Tensor#linearRelu} on the host backend (the Vector backend when the module is
 * present): recorded, they are exactly {@code linear} then the activation (same values, same gradients); without a
 * graph the activation runs in the GEMM epilogue and the weight may come from the packed-weight cache, which must
 * follow in-place updates of the weight.
 */
class FusedLinearTest {

    private static void assertClose(String what, float[] got, float[] ref, double tol) {
        assertThat(got).as(what + " length").hasSameSizeAs(ref);
        for (int i = 0; i < ref.length; i++) {
            if (!(Math.abs(got[i] - ref[i]) <= tol * Math.max(1, Math.abs(ref[i])))) {
                throw new AssertionError(what + "[" + i + "] = " + got[i] + ", expected " + ref[i]);
            }
        }
    }

    @Test
    void recordedFusedLinearIsLinearThenActivationWithTheSameGradients() {
        for (boolean gelu : new boolean[] {true, false}) {
            Tensor x = Tensor.randn(1, DType.F32, 2, 19, 37);
            Tensor w = Tensor.randn(2, DType.F32, 45, 37);
            Tensor b = Tensor.randn(3, DType.F32, 45);
            Tensor g = Tensor.randn(4, DType.F32, 2, 19, 45);
            Tensor[] leaves1 = {x.detach().requiresGrad(true), w.detach().requiresGrad(true),
                b.detach().requiresGrad(true)};
            Tensor[] leaves2 = {x.detach().requiresGrad(true), w.detach().requiresGrad(true),
                b.detach().requiresGrad(true)};
            Tensor fused = gelu ? leaves1[0].linearGelu(leaves1[1], leaves1[2])
                    : leaves1[0].linearRelu(leaves1[1], leaves1[2]);
            Tensor lin = leaves2[0].linear(leaves2[1], leaves2[2]);
            Tensor plain = gelu ? lin.gelu() : lin.relu();
            assertThat(fused.toFloatArray()).containsExactly(plain.toFloatArray());
            fused.backward(g);
            plain.backward(g);
            for (int i = 0; i < 3; i++) {
                assertThat(leaves1[i].grad().toFloatArray()).as("gradient of input " + i)
                        .containsExactly(leaves2[i].grad().toFloatArray());
            }
        }
    }

    @Test
    void unrecordedFusedLinearMatchesTheTwoOps() {
        Tensor x = Tensor.randn(5, DType.F32, 3, 7, 384);
        Tensor w = Tensor.randn(6, DType.F32, 100, 384).mul(0.05).requiresGrad(true);
        Tensor b = Tensor.randn(7, DType.F32, 100).requiresGrad(true);
        Tensor ref = x.linear(w, b).gelu();   // recorded: the unfused ops
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            for (int call = 0; call < 3; call++) {   // the second and third calls may use the packed weight
                assertClose("gelu call " + call, x.linearGelu(w, b).toFloatArray(), ref.toFloatArray(), 1e-5);
                assertClose("plain call " + call, x.linear(w, b).toFloatArray(), x.linear(w, b).toFloatArray(), 0);
            }
        }
    }

    @Test
    void linearAddIsLinearPlusResidualRecordedOrNot() {
        Tensor x = Tensor.randn(11, DType.F32, 2, 9, 40);
        Tensor w = Tensor.randn(12, DType.F32, 40, 40).requiresGrad(true);
        Tensor b = Tensor.randn(13, DType.F32, 40).requiresGrad(true);
        Tensor r = Tensor.randn(14, DType.F32, 2, 9, 40).requiresGrad(true);
        Tensor fused = x.linearAdd(w, b, r);
        Tensor plain = x.linear(w, b).add(r);
        assertThat(fused.toFloatArray()).containsExactly(plain.toFloatArray());
        fused.sum().backward();
        Tensor gr = r.grad().copy();
        r.zeroGrad();
        plain.sum().backward();
        assertThat(gr.toFloatArray()).containsExactly(r.grad().toFloatArray());
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            for (int call = 0; call < 3; call++) {
                assertClose("fused call " + call, x.linearAdd(w, b, r).toFloatArray(), plain.toFloatArray(), 1e-5);
            }
            // a residual that broadcasts takes the plain add
            Tensor row = Tensor.randn(15, DType.F32, 40);
            assertClose("broadcast residual", x.linearAdd(w, b, row).toFloatArray(),
                    x.linear(w, b).add(row).toFloatArray(), 0);
        }
    }

    @Test
    void inferenceSeesInPlaceWeightUpdates() {
        Tensor x = Tensor.randn(8, DType.F32, 19, 64);
        Tensor w = Tensor.randn(9, DType.F32, 48, 64).requiresGrad(true);
        for (int round = 0; round < 3; round++) {
            Tensor expected = x.linear(w.detach().copy(), null);   // a fresh storage: never cached
            try (GradMode.Scope ignored = GradMode.noGrad()) {
                for (int call = 0; call < 3; call++) {
                    assertClose("round " + round + " call " + call, x.linear(w, null).toFloatArray(),
                            expected.toFloatArray(), 1e-6);
                }
                w.copy_(Tensor.randn(10 + round, DType.F32, 48, 64));   // what loading a checkpoint does
            }
        }
    }
}
