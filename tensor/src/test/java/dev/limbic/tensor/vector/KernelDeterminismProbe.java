package dev.limbic.tensor.vector;

import dev.limbic.tensor.SpikeSurrogate;
import dev.limbic.tensor.backend.UnaryOp;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import jdk.incubator.vector.VectorSpecies;

/**
 * Child-JVM entry of {@link KernelDeterminismTest}: runs every kernel that evaluates exp, log, tanh or a pow on the
 * same inputs, prints one line {@code kernel@bits coldHash warmHash} per kernel and width. The cold hash is the first
 * call's output (interpreted code); the warm hash the output after {@code warmup} more calls (C2-compiled code, unless
 * the JVM runs with -Xint). Hashes are FNV-1a over the outputs' canonical float bits.
 */
public final class KernelDeterminismProbe {
    private KernelDeterminismProbe() {
    }

    static final int N = 165;     // 165 = 41·4 + 1 = 20·8 + 5 = 10·16 + 5: vector body plus tail at every width
    static final int ROWS = 3;
    static final int COLS = 55;   // 3 × 55 = 165

    interface Kernel {
        float[] run(VectorSpecies<Float> s, float[] x, float[] positive, float[] g);
    }

    static Map<String, Kernel> kernels() {
        Map<String, Kernel> k = new LinkedHashMap<>();
        for (UnaryOp op : new UnaryOp[] {UnaryOp.EXP, UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.GELU_TANH}) {
            k.put(op.name(), (s, x, p, g) -> {
                float[] y = new float[N];
                VectorKernels.unary(op, s, x, 0, y, 0, N, 0, 0);
                return y;
            });
        }
        k.put("LOG", (s, x, p, g) -> {
            float[] y = new float[N];
            VectorKernels.unary(UnaryOp.LOG, s, p, 0, y, 0, N, 0, 0);
            return y;
        });
        k.put("POW(1.7)", (s, x, p, g) -> {
            float[] y = new float[N];
            VectorKernels.unary(UnaryOp.POW, s, p, 0, y, 0, N, 1.7, 0);
            return y;
        });
        k.put("GELU_TANH'", (s, x, p, g) -> {
            float[] gx = new float[N];
            VectorKernels.unaryBackward(UnaryOp.GELU_TANH, s, x, 0, x, 0, g, 0, gx, 0, N, 0, 0);
            return gx;
        });
        k.put("POW(1.7)'", (s, x, p, g) -> {
            float[] gx = new float[N];
            VectorKernels.unaryBackward(UnaryOp.POW, s, p, 0, p, 0, g, 0, gx, 0, N, 1.7, 0);
            return gx;
        });
        for (boolean log : new boolean[] {false, true}) {
            k.put(log ? "logSoftmax" : "softmax", (s, x, p, g) -> {
                float[] y = new float[N];
                VectorKernels.softmaxRows(log, s, x, 0, y, 0, 0, ROWS, COLS);
                return y;
            });
        }
        k.put("logSoftmax'", (s, x, p, g) -> {
            float[] y = new float[N];
            VectorKernels.softmaxRows(true, s, x, 0, y, 0, 0, ROWS, COLS);
            float[] gx = new float[N];
            VectorKernels.softmaxBackwardRows(true, s, y, 0, g, 0, gx, 0, 0, ROWS, COLS);
            return gx;
        });
        k.put("gaussianSurrogate'", (s, x, p, g) -> {
            float[] gx = new float[N];
            SpikingKernels.surrogateBackward(SpikeSurrogate.GAUSSIAN, s, 2f, 0.25f, 0.1f, 0.9f, x, 0, g, 0, gx, 0, N);
            return gx;
        });
        return k;
    }

    static long hash(float[] y) {
        long h = 0xcbf29ce484222325L;
        for (float v : y) {
            h = (h ^ Float.floatToIntBits(v)) * 0x100000001b3L;
        }
        return h;
    }

    /** args: warm-up calls per kernel and width (0 = cold call only), then the widths. */
    public static void main(String[] args) {
        int warmup = Integer.parseInt(args[0]);
        SplittableRandom rnd = new SplittableRandom(42);
        float[] x = new float[N];
        float[] positive = new float[N];
        float[] g = new float[N];
        for (int i = 0; i < N; i++) {
            x[i] = (float) (rnd.nextGaussian() * 3);
            positive[i] = (float) Math.abs(rnd.nextGaussian() * 5) + 1e-3f;
            g[i] = (float) rnd.nextGaussian();
        }
        Map<String, Kernel> kernels = kernels();
        for (int a = 1; a < args.length; a++) {
            int bits = Integer.parseInt(args[a]);
            VectorSpecies<Float> s = new VectorBackend(bits).species();
            for (Map.Entry<String, Kernel> e : kernels.entrySet()) {
                long cold = hash(e.getValue().run(s, x, positive, g));
                long warm = cold;
                for (int i = 0; i < warmup; i++) {
                    warm = hash(e.getValue().run(s, x, positive, g));
                }
                System.out.printf("%s@%d %016x %016x%n", e.getKey(), bits, cold, warm);
            }
        }
    }
}
