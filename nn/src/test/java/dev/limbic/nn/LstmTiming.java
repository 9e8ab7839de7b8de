package dev.limbic.nn;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.GradMode;
import dev.limbic.tensor.Tensor;

/**
 * Rough wall-clock timing of the LSTM cases of ../shared/peers/torch_kernels.py (not a test, not JMH: for quick
 * looks while developing; the numbers are noisy on a shared machine). Run its main with the test classpath.
 */
public final class LstmTiming {
    private LstmTiming() {
    }

    public static void main(String[] args) {
        RecurrentImpl impl = args.length > 0 ? RecurrentImpl.valueOf(args[0]) : RecurrentImpl.FUSED_SEQUENCE;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        run("LSTM in384 h128 T32 B32", 384, 128, 32, 32, false, impl, reps);
        run("LSTM bidirectional", 384, 128, 32, 32, true, impl, reps);
        run("LSTM tiny in128 h128 T16 B16", 128, 128, 16, 16, false, impl, reps);
    }

    static void run(String label, int in, int hidden, int steps, int batch, boolean bi, RecurrentImpl impl,
                    int reps) {
        LSTM m = new LSTM(RecurrentConfig.of(in, hidden).withBidirectional(bi), Init.rng(0)).implementation(impl);
        Tensor x = Tensor.randn(1, DType.F32, batch, steps, in).requiresGrad(true);
        Tensor g = Tensor.randn(2, DType.F32, batch, steps, (bi ? 2 : 1) * hidden);
        double[] infer = new double[reps];
        double[] fb = new double[reps];
        for (int warm = 0; warm < 2; warm++) {
            for (int r = 0; r < reps; r++) {
                long t0 = System.nanoTime();
                try (GradMode.Scope ignored = GradMode.noGrad()) {
                    m.forward(x);
                }
                long t1 = System.nanoTime();
                x.zeroGrad();
                m.zeroGrad();
                m.forward(x).output().backward(g);
                long t2 = System.nanoTime();
                infer[r] = (t1 - t0) / 1e6;
                fb[r] = (t2 - t1) / 1e6;
            }
        }
        java.util.Arrays.sort(infer);
        java.util.Arrays.sort(fb);
        System.out.printf("%-32s %-15s infer %7.3f ms  fwd+bwd %7.3f ms (median of %d)%n", label, impl,
                infer[reps / 2], fb[reps / 2], reps);
    }
}
