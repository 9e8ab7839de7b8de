package dev.limbic.tensor.vector;

import java.util.Arrays;
import java.util.Random;

/**
 * Throughput harness for {@link VectorGemm} while tuning (not a test). Prints GFLOP/s per shape: warm-up, then
 * the median of 7 repetitions, each looping the call for at least 200 ms.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp tensor/target/classes:tensor/target/test-classes \
 *        dev.limbic.tensor.vector.GemmTuning [bits] [MxKxN ...]
 * </pre>
 */
public final class GemmTuning {

    private static final int[][] SHAPES = {
        {64, 64, 64}, {128, 128, 128}, {256, 256, 256}, {512, 512, 512}, {1024, 1024, 1024}, {2048, 2048, 2048},
        {32, 384, 384}, {32, 768, 3072}, {4096, 384, 1536}, {128, 64, 128},
    };

    private GemmTuning() {
    }

    public static void main(String[] args) {
        VectorGemm gemm = args.length > 0 ? VectorGemm.forBits(Integer.parseInt(args[0])) : VectorGemm.preferred();
        int[][] shapes = SHAPES;
        if (args.length > 1) {
            shapes = new int[args.length - 1][];
            for (int i = 1; i < args.length; i++) {
                shapes[i - 1] = Arrays.stream(args[i].split("x")).mapToInt(Integer::parseInt).toArray();
            }
        }
        System.out.printf("kernel %dx%d  KC=%d MC=%d NC=%d%n", gemm.mr(), gemm.nr(),
                VectorGemm.KC, VectorGemm.MC, VectorGemm.NC);
        for (int[] s : shapes) {
            int m = s[0];
            int k = s[1];
            int n = s[2];
            Random rnd = new Random(1);
            float[] a = new float[m * k];
            float[] b = new float[k * n];
            float[] c = new float[m * n];
            for (int i = 0; i < a.length; i++) {
                a[i] = rnd.nextFloat() - 0.5f;
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = rnd.nextFloat() - 0.5f;
            }
            Runnable call = () -> gemm.sgemm(m, n, k, a, 0, k, 1, b, 0, n, 1, c, 0, n, false);
            long warmEnd = System.nanoTime() + 500_000_000L;
            while (System.nanoTime() < warmEnd) {
                call.run();
            }
            double[] perCall = new double[7];
            for (int r = 0; r < perCall.length; r++) {
                long t0 = System.nanoTime();
                long t;
                int it = 0;
                do {
                    call.run();
                    it++;
                    t = System.nanoTime() - t0;
                } while (t < 200_000_000L);
                perCall[r] = t / 1e9 / it;
            }
            Arrays.sort(perCall);
            double flop = 2.0 * m * n * k;
            System.out.printf("(%dx%d)@(%dx%d)  %7.1f GFLOP/s  best %7.1f  (%.1f us)%n", m, k, k, n,
                    flop / perCall[perCall.length / 2] / 1e9, flop / perCall[0] / 1e9,
                    perCall[perCall.length / 2] * 1e6);
        }
    }
}
