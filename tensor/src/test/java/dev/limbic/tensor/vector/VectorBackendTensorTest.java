package dev.limbic.tensor.vector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.HostStorage;
import dev.limbic.tensor.Tensor;
import dev.limbic.tensor.backend.Backends;
import dev.limbic.tensor.backend.ReduceOp;
import dev.limbic.tensor.backend.ScalarBackend;
import dev.limbic.tensor.backend.UnaryOp;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Smoke test through the public {@link Tensor} API with the selected host backend (the Vector API backend when the
 * tests run with {@code --add-modules jdk.incubator.vector}): single ops against the scalar kernels on the same
 * data, and a small forward/backward graph in F32 (vector kernels) against the same graph in F64 (scalar kernels).
 */
class VectorBackendTensorTest {

    private static final ScalarBackend REF = new ScalarBackend();

    @BeforeEach
    void requireVectorModule() {
        Assumptions.assumeTrue(Backends.vectorModulePresent(),
                "the Vector API backend needs the JVM flag --add-modules jdk.incubator.vector");
        Assumptions.assumeFalse("scalar".equals(System.getProperty("limbic.backend")),
                "-Dlimbic.backend=scalar forces the scalar backend");
    }

    @Test
    void hostBackendIsTheVectorBackend() {
        assertThat(Backends.host().name()).startsWith("vector-");
    }

    @Test
    void singleOpsMatchScalarKernels() {
        int rows = 37;
        int cols = 129;
        Tensor x = Tensor.randn(3L, DType.F32, rows, cols).mul(4.0);
        float[] xf = x.toFloatArray();

        float[] ref = new float[rows * cols];
        REF.softmax(false, HostStorage.wrap(xf), 0, HostStorage.wrap(ref), 0, rows, cols);
        assertClose("softmax", x.softmax(1).toFloatArray(), ref, 1e-5);

        REF.unary(UnaryOp.GELU_ERF, HostStorage.wrap(xf), 0, HostStorage.wrap(ref), 0, rows * cols, 0, 0);
        assertClose("gelu", x.gelu().toFloatArray(), ref, 1e-5);

        float[] mean = new float[rows];
        float[] rstd = new float[rows];
        REF.layerNorm(HostStorage.wrap(xf), 0, null, null, HostStorage.wrap(ref), 0, HostStorage.wrap(mean),
                HostStorage.wrap(rstd), rows, cols, 1e-5);
        assertClose("layer_norm", x.layerNorm(null, null, 1e-5).toFloatArray(), ref, 1e-5);

        float[] colSums = new float[cols];
        REF.reduce(ReduceOp.SUM, HostStorage.wrap(xf), 0, 1, rows, cols, HostStorage.wrap(colSums), 0);
        assertClose("sum(0)", x.sum(0, false).toFloatArray(), colSums, 1e-4);

        Tensor bias = Tensor.randn(4L, DType.F32, cols);
        float[] bf = bias.toFloatArray();
        float[] added = x.add(bias).toFloatArray();
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                assertThat(added[r * cols + j]).isEqualTo(xf[r * cols + j] + bf[j]);
            }
        }

        Tensor w = Tensor.randn(5L, DType.F32, cols, 23);
        float[] prod = new float[rows * 23];
        REF.matmul(1, rows, 23, cols, HostStorage.wrap(xf), 0, 0, cols, 1, HostStorage.wrap(w.toFloatArray()), 0, 0,
                23, 1, HostStorage.wrap(prod), 0, 0, 23, false);
        assertClose("matmul", x.matmul(w).toFloatArray(), prod, 1e-4);
    }

    @Test
    void smallGraphForwardAndBackwardAgreeWithF64Reference() {
        Tensor x32 = Tensor.randn(11L, DType.F32, 6, 40, 64);
        Tensor w32 = Tensor.randn(12L, DType.F32, 64, 96).mul(0.125);
        Tensor b32 = Tensor.randn(13L, DType.F32, 96);
        Tensor g32 = Tensor.rand(14L, DType.F32, 96).add(0.5);
        Tensor x64 = x32.to(DType.F64);
        Tensor w64 = w32.to(DType.F64).requiresGrad(true);
        Tensor b64 = b32.to(DType.F64).requiresGrad(true);
        Tensor g64 = g32.to(DType.F64).requiresGrad(true);
        w32.requiresGrad(true);
        b32.requiresGrad(true);
        g32.requiresGrad(true);

        Tensor out32 = graph(x32, w32, b32, g32);
        Tensor out64 = graph(x64, w64, b64, g64);
        // F32 against F64 through a whole graph: float rounding compounds, so 1e-3 relative
        assertClose("forward", out32.toFloatArray(), toFloats(out64), 1e-3);
        out32.sum().backward();
        out64.sum().backward();
        assertClose("grad w", w32.grad().toFloatArray(), toFloats(w64.grad()), 1e-3);
        assertClose("grad b", b32.grad().toFloatArray(), toFloats(b64.grad()), 1e-3);
        assertClose("grad gamma", g32.grad().toFloatArray(), toFloats(g64.grad()), 1e-3);
    }

    /** log_softmax(layer_norm(gelu(x @ w + b)) · gamma) · (1 + tanh(x̄)), a little of everything. */
    private static Tensor graph(Tensor x, Tensor w, Tensor b, Tensor gamma) {
        Tensor h = x.matmul(w).add(b).gelu();
        Tensor n = h.layerNorm(gamma, null, 1e-5);
        return n.logSoftmax(2).mul(n.tanh().add(1.0)).mul(n.sigmoid());
    }

    private static float[] toFloats(Tensor t) {
        double[] d = t.toDoubleArray();
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    private static void assertClose(String what, float[] got, float[] ref, double tol) {
        assertThat(got).as(what).hasSameSizeAs(ref);
        for (int i = 0; i < ref.length; i++) {
            double bound = tol * Math.max(1.0, Math.abs(ref[i]));
            assertThat((double) got[i]).as(what + " element " + i)
                    .isCloseTo(ref[i], org.assertj.core.data.Offset.offset(bound));
        }
    }
}
