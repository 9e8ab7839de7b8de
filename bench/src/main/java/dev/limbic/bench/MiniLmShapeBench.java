package dev.limbic.bench;

import dev.limbic.nn.Embedding;
import dev.limbic.nn.Init;
import dev.limbic.nn.LayerNorm;
import dev.limbic.nn.TransformerEncoder;
import dev.limbic.nn.TransformerEncoderConfig;
import dev.limbic.tensor.GradMode;
import dev.limbic.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Sentences per second of a MiniLM-shaped encoder (all-MiniLM-L6-v2's sizes: hidden 384, 12 heads of 32, FFN 1536
 * with exact GELU, post-LN, 6 layers; random weights) on the workloads of peers-ort's {@code OrtMiniLmPeer}, so
 * the two can be set side by side:
 * <ul>
 *   <li>{@code naturalB1}: every token-id list of {@code sentences.jsonl} at its natural length, batch 1, in file
 *   order (one benchmark operation = one pass over the file);</li>
 *   <li>{@code fixed128B1/B8/B32}: the 128-token truncation in {@code long_trunc128.json}, repeated to batch N.</li>
 * </ul>
 * Each sentence runs the BERT embeddings (word + position + token type 0, LayerNorm), the encoder under
 * {@link GradMode#noGrad()}, and mean pooling with L2 normalisation on the host, as the peer does. No padding
 * occurs (every batch has one length), so no attention mask is passed; the peer passes an all-ones mask, which
 * means the same. The rate is the {@code sentences} counter (ops/s); the main score is passes per second.
 *
 * <p>The token ids come from {@code -Dlimbic.refs.minilm} (default {@code ../shared/refs/minilm}). Run on its own:
 * {@code java --add-modules jdk.incubator.vector -cp … org.openjdk.jmh.Main MiniLmShapeBench}, or the quick
 * timer {@code java --add-modules jdk.incubator.vector -cp … dev.limbic.bench.MiniLmShapeBench [seconds]}, which
 * measures like the ORT peer (warm-up, then the median of 5 timed repetitions).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MiniLmShapeBench {
    private static final int VOCAB = 30522;
    private static final int MAX_POSITIONS = 512;
    private static final int LAYERS = 6;

    /** Sentences encoded, reported by JMH as a rate next to the per-pass score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Sentences {
        public long sentences;

        @Setup(Level.Iteration)
        public void clear() {
            sentences = 0;
        }
    }

    /** The embeddings, encoder and pooling of one MiniLM-shaped model with random weights. */
    static final class Model {
        final TransformerEncoderConfig config = TransformerEncoderConfig.miniLm();
        final Embedding words;
        final Embedding positions;
        final Embedding tokenTypes;
        final LayerNorm embeddingNorm;
        final TransformerEncoder encoder;

        Model(long seed) {
            RandomGenerator rng = Init.rng(seed);
            int h = config.hidden();
            words = new Embedding(VOCAB, h, rng);
            positions = new Embedding(MAX_POSITIONS, h, rng);
            tokenTypes = new Embedding(2, h, rng);
            embeddingNorm = new LayerNorm(h, config.layerNormEps());
            encoder = new TransformerEncoder(config, LAYERS, rng);
            encoder.eval();
        }

        /** Mean-pooled, L2-normalised sentence embeddings {@code [batch][hidden]} of rows of equal length. */
        float[][] embed(long[][] ids) {
            int batch = ids.length;
            int len = ids[0].length;
            long[] flat = new long[batch * len];
            long[] pos = new long[batch * len];
            for (int b = 0; b < batch; b++) {
                System.arraycopy(ids[b], 0, flat, b * len, len);
                for (int t = 0; t < len; t++) {
                    pos[b * len + t] = t;
                }
            }
            try (GradMode.Scope ignored = GradMode.noGrad()) {
                Tensor x = words.forward(Tensor.ofLongs(flat, batch, len))          // (B, T, H)
                        .add(positions.forward(Tensor.ofLongs(pos, batch, len)))
                        .add(tokenTypes.forward(Tensor.ofLongs(new long[1], 1)));
                Tensor hidden = encoder.forward(embeddingNorm.forward(x));            // (B, T, H)
                return meanPoolNormalise(hidden.toFloatArray(), batch, len, config.hidden());
            }
        }
    }

    static float[][] meanPoolNormalise(float[] hidden, int batch, int len, int dim) {
        float[][] out = new float[batch][dim];
        for (int b = 0; b < batch; b++) {
            float[] o = out[b];
            for (int t = 0; t < len; t++) {
                int row = (b * len + t) * dim;
                for (int c = 0; c < dim; c++) {
                    o[c] += hidden[row + c];
                }
            }
            double norm = 0;
            for (int c = 0; c < dim; c++) {
                o[c] /= len;
                norm += o[c] * o[c];
            }
            float inv = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
            for (int c = 0; c < dim; c++) {
                o[c] *= inv;
            }
        }
        return out;
    }

    private Model model;
    private long[][][] natural;   // one batch of 1 per sentence
    private long[][] fixed1;
    private long[][] fixed8;
    private long[][] fixed32;

    @Setup
    public void setup() {
        model = new Model(11);
        Path refs = refsDir();
        natural = naturalIds(refs).stream().map(r -> new long[][] {r}).toArray(long[][][]::new);
        long[] long128 = long128Ids(refs);
        fixed1 = repeat(long128, 1);
        fixed8 = repeat(long128, 8);
        fixed32 = repeat(long128, 32);
    }

    @Benchmark
    public float[][] naturalB1(Sentences count) {
        float[][] last = null;
        for (long[][] sentence : natural) {
            last = model.embed(sentence);
        }
        count.sentences += natural.length;
        return last;
    }

    @Benchmark
    public float[][] fixed128B1(Sentences count) {
        count.sentences += 1;
        return model.embed(fixed1);
    }

    @Benchmark
    public float[][] fixed128B8(Sentences count) {
        count.sentences += 8;
        return model.embed(fixed8);
    }

    @Benchmark
    public float[][] fixed128B32(Sentences count) {
        count.sentences += 32;
        return model.embed(fixed32);
    }

    static Path refsDir() {
        Path refs = Path.of(System.getProperty("limbic.refs.minilm",
                System.getProperty("limbic.shared", "../shared") + "/refs/minilm"));
        if (!Files.isRegularFile(refs.resolve("sentences.jsonl"))) {
            throw new IllegalStateException("MiniLmShapeBench needs " + refs.toAbsolutePath()
                    + "/sentences.jsonl and long_trunc128.json (set -Dlimbic.refs.minilm)");
        }
        return refs;
    }

    static long[][] repeat(long[] row, int n) {
        long[][] out = new long[n][];
        Arrays.fill(out, row);
        return out;
    }

    /** The reference token ids (read by {@link MiniLmBench}, the real model's benchmark) widened to long. */
    static List<long[]> naturalIds(Path refs) {
        try {
            return MiniLmBench.naturalIds(refs).stream().map(MiniLmShapeBench::widen).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + refs.resolve("sentences.jsonl"), e);
        }
    }

    static long[] long128Ids(Path refs) {
        try {
            return widen(MiniLmBench.longIds(refs));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + refs.resolve("long_trunc128.json"), e);
        }
    }

    private static long[] widen(int[] ids) {
        long[] out = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = ids[i];
        }
        return out;
    }

    /**
     * Quick timer measuring as {@code OrtMiniLmPeer} does: {@code seconds} (default 2) of warm-up per workload,
     * then the median of 5 repetitions of at least 1 s. Prints sentences/s per workload.
     */
    public static void main(String[] args) {
        double warm = args.length > 0 ? Double.parseDouble(args[0]) : 2.0;
        String only = args.length > 1 ? args[1] : "";
        MiniLmShapeBench bench = new MiniLmShapeBench();
        bench.setup();
        Sentences count = new Sentences();
        record Workload(String name, Runnable pass) {
        }
        List<Workload> workloads = List.of(
                new Workload("natural_b1", () -> bench.naturalB1(count)),
                new Workload("fixed128_b1", () -> bench.fixed128B1(count)),
                new Workload("fixed128_b8", () -> bench.fixed128B8(count)),
                new Workload("fixed128_b32", () -> bench.fixed128B32(count)));
        for (Workload w : workloads) {
            if (!w.name.contains(only)) {
                continue;
            }
            long end = System.nanoTime() + (long) (warm * 1e9);
            while (System.nanoTime() < end) {
                w.pass.run();
            }
            double[] rates = new double[5];
            double[] cpuRates = new double[5];
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            for (int r = 0; r < rates.length; r++) {
                count.sentences = 0;
                long cpu0 = mx.getCurrentThreadCpuTime();
                long start = System.nanoTime();
                do {
                    w.pass.run();
                } while (System.nanoTime() - start < 1e9);
                rates[r] = count.sentences / ((System.nanoTime() - start) / 1e9);
                cpuRates[r] = count.sentences / ((mx.getCurrentThreadCpuTime() - cpu0) / 1e9);
            }
            String inOrder = Arrays.toString(Arrays.stream(rates).map(x -> Math.round(x * 10) / 10.0).toArray());
            Arrays.sort(rates);
            Arrays.sort(cpuRates);
            // per caller-CPU second: with -Dlimbic.threads=1, a figure that other processes on the machine
            // disturb much less than wall time
            System.out.printf("%-13s sentences/s median %8.2f  (min %8.2f, max %8.2f; in order %s); "
                    + "per caller-CPU s: median %8.2f%n", w.name, rates[2], rates[0], rates[4], inOrder,
                    cpuRates[2]);
        }
    }
}
