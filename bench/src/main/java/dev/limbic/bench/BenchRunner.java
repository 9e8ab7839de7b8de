package dev.limbic.bench;

import dev.limbic.tensor.backend.Backends;
import dev.limbic.tensor.backend.Parallel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs the peers (OpenBLAS via numpy, PyTorch) and Limbic's JMH benchmarks back to back on this machine, then
 * prints one table with both figures and their ratio, and writes it to {@code <out>/bench-report.md} (atomically).
 * Two suites: {@code kernels} (SGEMM, softmax, layer_norm, GELU, autograd overhead) and {@code nn} (LSTM, MHA,
 * the MiniLM-shaped encoder layer and the training workloads (a)–(d) of ../shared/peers/RESULTS-reference.md §4).
 */
public final class BenchRunner {

    /**
     * What to run. {@code sharedDir} holds peers/; {@code outDir} receives JSON, logs and the report.
     * {@code rounds}: how many times peers and Limbic are measured, alternating which goes first (see
     * {@link #run}); 1 = one pass, peers first.
     */
    public record Config(Path sharedDir, Path outDir, boolean quick, boolean peers, int threads, boolean kernelSuite,
                         boolean nnSuite, boolean encoderSuite, Path ortPeerJar, int rounds) {
        public Config {
            if (rounds < 1) {
                throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
            }
        }

        /** One round. */
        public Config(Path sharedDir, Path outDir, boolean quick, boolean peers, int threads, boolean kernelSuite,
                      boolean nnSuite, boolean encoderSuite, Path ortPeerJar) {
            this(sharedDir, outDir, quick, peers, threads, kernelSuite, nnSuite, encoderSuite, ortPeerJar, 1);
        }

        /** Every suite. */
        public Config(Path sharedDir, Path outDir, boolean quick, boolean peers, int threads) {
            this(sharedDir, outDir, quick, peers, threads, true, true, true, null);
        }

        /** The kernel and nn suites only (no encoder suite). */
        public Config(Path sharedDir, Path outDir, boolean quick, boolean peers, int threads, boolean kernelSuite,
                      boolean nnSuite) {
            this(sharedDir, outDir, quick, peers, threads, kernelSuite, nnSuite, false, null);
        }

        Config withOutDir(Path dir) {
            return new Config(sharedDir, dir, quick, peers, threads, kernelSuite, nnSuite, encoderSuite, ortPeerJar,
                    rounds);
        }
    }

    /**
     * One line of the report. {@code higherIsBetter}: GFLOP/s (ratio = Limbic/peer) vs times (peer/Limbic).
     * {@code roundRatios}: the ratio of each round when several were run (then {@code limbic} and {@code peer} are
     * the medians of the rounds' figures); empty for a single round.
     */
    public record Row(String benchmark, String unit, double limbic, String peerName, double peer,
                      boolean higherIsBetter, List<Double> roundRatios) {
        public Row {
            roundRatios = List.copyOf(roundRatios);
        }

        public Row(String benchmark, String unit, double limbic, String peerName, double peer,
                   boolean higherIsBetter) {
            this(benchmark, unit, limbic, peerName, peer, higherIsBetter, List.of());
        }

        /**
         * Speed relative to the peer: above 1 means Limbic is faster. NaN when the peer is missing. Over several
         * rounds, the median of the rounds' ratios (each taken from figures measured minutes apart, not the ratio
         * of two medians that may come from different rounds).
         */
        public double ratio() {
            if (!roundRatios.isEmpty()) {
                return median(roundRatios.stream().filter(r -> !Double.isNaN(r)).toList());
            }
            if (Double.isNaN(peer) || Double.isNaN(limbic)) {
                return Double.NaN;
            }
            return higherIsBetter ? limbic / peer : peer / limbic;
        }

        /** Smallest and largest per-round ratio ({NaN, NaN} for a single round or a missing peer). */
        public double[] ratioRange() {
            double lo = Double.NaN;
            double hi = Double.NaN;
            for (double r : roundRatios) {
                if (!Double.isNaN(r)) {
                    lo = Double.isNaN(lo) ? r : Math.min(lo, r);
                    hi = Double.isNaN(hi) ? r : Math.max(hi, r);
                }
            }
            return new double[] {lo, hi};
        }
    }

    /** Median of the values (NaN when empty); the mean of the middle two for an even count. */
    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /**
     * Folds the rounds' rows (same benchmarks in the same order) into one row per benchmark: median Limbic and peer
     * figures (NaNs left out) and every round's ratio.
     */
    static List<Row> combine(List<List<Row>> rounds) {
        List<Row> first = rounds.get(0);
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < first.size(); i++) {
            Row proto = first.get(i);
            List<Double> limbic = new ArrayList<>();
            List<Double> peer = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            for (List<Row> round : rounds) {
                Row r = round.get(i);
                if (!r.benchmark().equals(proto.benchmark())) {
                    throw new IllegalStateException("rounds list different benchmarks at row " + i + ": '"
                            + proto.benchmark() + "' and '" + r.benchmark() + "'");
                }
                if (!Double.isNaN(r.limbic())) {
                    limbic.add(r.limbic());
                }
                if (!Double.isNaN(r.peer())) {
                    peer.add(r.peer());
                }
                ratios.add(r.ratio());
            }
            out.add(new Row(proto.benchmark(), proto.unit(), median(limbic), proto.peerName(), median(peer),
                    proto.higherIsBetter(), ratios));
        }
        return out;
    }

    private BenchRunner() {
    }

    /**
     * Runs the configured suites {@code config.rounds()} times and returns one row per benchmark. The peers run
     * first in odd rounds and last in even ones, so a machine that drifts faster or slower over the run (these VMs
     * move 2x within minutes) biases the rounds in opposite directions; each round's table goes to
     * {@code <out>/round-N/}, and the combined table (median figures, median and range of the per-round ratios) to
     * {@code <out>/bench-report.md}.
     */
    public static List<Row> run(Config config, PrintStream out) throws IOException, RunnerException {
        Files.createDirectories(config.outDir());
        Progress progress = new Progress(out, estimates(config));
        List<List<Row>> rounds = new ArrayList<>();
        PeerResults lastPeers = null;
        List<String> problems = new ArrayList<>();   // every round's, for the combined report
        for (int round = 1; round <= config.rounds(); round++) {
            Config rc = config.rounds() == 1 ? config : config.withOutDir(config.outDir().resolve("round-" + round));
            Files.createDirectories(rc.outDir());
            boolean peersFirst = round % 2 == 1;
            PeerResults peers = peersFirst ? runPeers(rc, progress) : null;
            List<Function<PeerResults, Row>> pending = new ArrayList<>();
            if (config.kernelSuite()) {
                kernelSuite(rc, progress, pending);
            }
            if (config.nnSuite()) {
                nnSuite(rc, progress, pending);
            }
            if (config.encoderSuite() && peersFirst) {
                runOrtPeer(rc, peers, progress);
            }
            if (config.encoderSuite()) {
                encoderSuite(rc, progress, pending);
            }
            if (!peersFirst) {
                peers = runPeers(rc, progress);
                if (config.encoderSuite()) {
                    runOrtPeer(rc, peers, progress);
                }
            }
            List<Row> rows = new ArrayList<>();
            for (Function<PeerResults, Row> row : pending) {
                rows.add(row.apply(peers));
            }
            rounds.add(rows);
            for (String problem : peers.problems) {
                problems.add(config.rounds() > 1 ? "round " + round + ": " + problem : problem);
            }
            lastPeers = peers;
            if (config.rounds() > 1) {
                writeAtomically(rc.outDir().resolve("bench-report.md"), render(rows, peers, rc));
            }
        }
        progress.step("report");
        List<Row> rows = rounds.size() == 1 ? rounds.get(0) : combine(rounds);
        lastPeers.problems.clear();
        lastPeers.problems.addAll(problems);
        String report = render(rows, lastPeers, config);
        out.println();
        out.println(report);
        writeAtomically(config.outDir().resolve("bench-report.md"), report);
        for (Path chart : BenchCharts.write(rows, config.outDir())) {
            out.println("chart: " + chart);
        }
        return rows;
    }

    /** Seconds per progress step, for the ETA, in the order {@link #run} takes them. */
    private static double[] estimates(Config config) {
        List<Integer> round = new ArrayList<>();
        if (config.nnSuite()) {
            round.addAll(config.peers() ? List.of(60, 90) : List.of(0, 0));
        }
        if (config.kernelSuite()) {
            round.addAll(config.peers() ? List.of(20, 12, 5) : List.of(0, 0, 0));
            round.addAll(List.of(config.quick() ? 40 : 80, 45, 45, 25));
        }
        if (config.nnSuite()) {
            round.addAll(List.of(120, 180, 70, 130));
        }
        if (config.encoderSuite()) {
            round.addAll(List.of(config.peers() ? 30 : 0, 100));
        }
        List<Integer> all = new ArrayList<>();
        for (int r = 0; r < config.rounds(); r++) {
            all.addAll(round);   // the same steps, in another order in even rounds: the total is what matters
        }
        all.add(1);
        return all.stream().mapToDouble(Integer::doubleValue).toArray();
    }

    private static PeerResults runPeers(Config config, Progress progress) throws IOException {
        if (config.peers()) {
            return PeerResults.run(config.sharedDir().resolve("peers"), config.outDir().resolve("peers"),
                    config.quick(), config.kernelSuite(), config.nnSuite(), progress);
        }
        progress.step("peers skipped (--no-peers)");
        for (int i = 1; i < (config.nnSuite() ? 2 : 0) + (config.kernelSuite() ? 3 : 0); i++) {
            progress.step("");
        }
        return new PeerResults();
    }

    /** Rows are functions of the peers' results, which may be measured after Limbic's (even rounds). */
    private static void kernelSuite(Config config, Progress progress, List<Function<PeerResults, Row>> rows)
            throws RunnerException {
        String[] shapes = config.quick()
                ? new String[] {"64x64x64", "256x256x256", "1024x1024x1024", "32x384x384", "32x768x3072",
                    "4096x384x1536", "128x64x128"}
                : SgemmBench.SHAPES;
        progress.step("Limbic: SGEMM (JMH, " + shapes.length + " shapes)");
        Collection<RunResult> gemm = jmh(config, SgemmBench.class, shapes, "sgemm");
        progress.step("Limbic: softmax / layer_norm / GELU (JMH)");
        Collection<RunResult> kernels = jmh(config, KernelBench.class, null, "kernels");
        progress.step("Limbic: the same kernels with preallocated outputs (JMH)");
        Collection<RunResult> kernelsOnly = jmh(config, KernelOnlyBench.class, null, "kernels-only");
        progress.step("Limbic: autograd overhead (JMH)");
        Collection<RunResult> overhead = jmh(config, OverheadBench.class, null, "overhead");

        Map<String, Double> gemmUs = new HashMap<>();
        for (RunResult r : gemm) {
            gemmUs.put(r.getParams().getParam("mkn"), r.getPrimaryResult().getScore());
        }
        for (String s : shapes) {
            Double us = gemmUs.get(s);
            double gflops = us == null ? Double.NaN : SgemmBench.flops(s) / (us * 1e-6) / 1e9;
            rows.add(p -> new Row("SGEMM " + gemmLabel(s), "GFLOP/s", gflops, "OpenBLAS (numpy)",
                    p.sgemmGflops.getOrDefault(s, Double.NaN), true));
        }
        Map<String, Double> kernelMs = scores(kernels);
        addKernel(rows, kernelMs, "softmaxInfer", "softmax 4096x512 infer", "softmax|infer");
        addKernel(rows, kernelMs, "softmaxFwdBwd", "softmax 4096x512 fwd+bwd", "softmax|fwd_bwd");
        addKernel(rows, kernelMs, "layerNormInfer", "layer_norm 4096x768 infer", "layernorm|infer");
        addKernel(rows, kernelMs, "layerNormFwdBwd", "layer_norm 4096x768 fwd+bwd", "layernorm|fwd_bwd");
        addKernel(rows, kernelMs, "geluInfer", "GELU (erf) 4M infer", "gelu|infer");
        addKernel(rows, kernelMs, "geluFwdBwd", "GELU (erf) 4M fwd+bwd", "gelu|fwd_bwd");
        Map<String, Double> onlyMs = scores(kernelsOnly);
        String pre = " (kernel, preallocated output)";
        addKernel(rows, onlyMs, "softmaxInfer", "softmax 4096x512 infer" + pre, "softmax|infer");
        addKernel(rows, onlyMs, "softmaxFwdBwd", "softmax 4096x512 fwd+bwd" + pre, "softmax|fwd_bwd");
        addKernel(rows, onlyMs, "layerNormInfer", "layer_norm 4096x768 infer" + pre, "layernorm|infer");
        addKernel(rows, onlyMs, "layerNormFwdBwd", "layer_norm 4096x768 fwd+bwd" + pre, "layernorm|fwd_bwd");
        addKernel(rows, onlyMs, "geluInfer", "GELU (erf) 4M infer" + pre, "gelu|infer");
        addKernel(rows, onlyMs, "geluFwdBwd", "GELU (erf) 4M fwd+bwd" + pre, "gelu|fwd_bwd");
        Map<String, Double> overheadUs = scores(overhead);
        addTorchRows(rows, "us", overheadUs, p -> p.overheadUs, "", new String[][] {
            {"addNoGrad", "op overhead: a + b, no grad (4x4)", "torch: a + b (no grad tensors)"},
            {"addRecorded", "autograd: record one tiny op (a + b)", "torch: a + b, requires_grad (records graph)"},
            {"addSumBackward", "autograd: (a + b).sum().backward()", "torch: (a + b).sum().backward()"},
        });
    }

    /** Layers (PyTorch's torch_kernels.py cases) and the training loops (torch_training.py, 2 threads). */
    private static void nnSuite(Config config, Progress progress, List<Function<PeerResults, Row>> rows)
            throws RunnerException {
        progress.step("Limbic: LSTM layers (JMH)");
        Map<String, Double> lstm = scores(jmh(config, LstmBench.class, null, "lstm", true));
        progress.step("Limbic: MHA and the MiniLM-shaped encoder layer (JMH)");
        Map<String, Double> attention = scores(jmh(config, AttentionBench.class, null, "attention", true));
        progress.step("Limbic: training loops (a)-(c) (JMH)");
        Map<String, Double> training = scores(jmh(config, TrainingBench.class, null, "training", true));
        progress.step("Limbic: LIF spiking network (d) (JMH)");
        Map<String, Double> snn = scores(jmh(config, SnnBench.class, null, "snn", true));

        addTorchRows(rows, "ms", lstm, p -> p.layerMs, "", new String[][] {
            {"lstmInfer", "LSTM in384 h128 T32 B32 infer", "lstm|infer"},
            {"lstmFwdBwd", "LSTM in384 h128 T32 B32 fwd+bwd", "lstm|fwd_bwd"},
            {"lstmBidirectionalInfer", "LSTM bidirectional infer", "lstm bidirectional|infer"},
            {"lstmBidirectionalFwdBwd", "LSTM bidirectional fwd+bwd", "lstm bidirectional|fwd_bwd"},
            {"lstmTinyInfer", "LSTM tiny in128 h128 T16 B16 infer", "lstm tiny|infer"},
            {"lstmTinyFwdBwd", "LSTM tiny fwd+bwd", "lstm tiny|fwd_bwd"},
        });
        addTorchRows(rows, "ms", attention, p -> p.layerMs, "", new String[][] {
            {"mhaInfer", "MHA B8 T128 d384 h6 infer", "mha self-attn|infer"},
            {"mhaFwdBwd", "MHA B8 T128 d384 h6 fwd+bwd", "mha self-attn|fwd_bwd"},
            {"encoderInfer", "encoder layer B8 T128 d384 h12 ffn1536 infer", "encoder layer (minilm)|infer"},
            {"encoderFwdBwd", "encoder layer B8 T128 fwd+bwd", "encoder layer (minilm)|fwd_bwd"},
            {"encoderSmallInfer", "encoder layer B1 T32 infer", "encoder layer (minilm) b1 t32|infer"},
            {"encoderSmallFwdBwd", "encoder layer B1 T32 fwd+bwd", "encoder layer (minilm) b1 t32|fwd_bwd"},
        });
        double mlpMs = training.getOrDefault("mlpEpoch", Double.NaN);
        rows.add(p -> new Row("(a) MLP 384-256-4 AdamW, batch 32", "samples/s",
                TrainingWorkloads.Mlp.SAMPLES / (mlpMs / 1e3), "PyTorch",
                p.training.getOrDefault("(a) MLP 384-256-4 AdamW|manual randperm indexing", Double.NaN), true));
        rows.add(p -> new Row("(b) tiny recursive model, AdamW + clip", "steps/s",
                TrainingWorkloads.Recursive.STEPS / (training.getOrDefault("recursiveSteps", Double.NaN) / 1e3),
                "PyTorch", p.training.getOrDefault(
                        "(b) tiny recursive (3 iters) AdamW+clip|batch 16, 1..8 tokens", Double.NaN), true));
        rows.add(p -> new Row("(c) LSTM classifier + focal, AdamW", "steps/s",
                TrainingWorkloads.LstmClassifier.STEPS / (training.getOrDefault("lstmSteps", Double.NaN) / 1e3),
                "PyTorch", p.training.getOrDefault(
                        "(c) LSTM classifier + focal, AdamW|seq 10, batch 32, h128", Double.NaN), true));
        addTorchRows(rows, "ms/batch", snn, p -> p.training, "(d) LIF SNN 5 pops, T=100, B=32|", new String[][] {
            {"perPopulationInfer", "(d) SNN per population: inference", "one Linear per projection: fwd (inference_mode)"},
            {"perPopulationFwd", "(d) SNN per population: fwd (graph)", "one Linear per projection: fwd (autograd)"},
            {"perPopulationFwdBwd", "(d) SNN per population: fwd+bwd", "one Linear per projection: fwd+bwd"},
            {"fusedInfer", "(d) SNN fused 384-wide: inference", "fused 384-wide middle: fwd (inference_mode)"},
            {"fusedFwd", "(d) SNN fused 384-wide: fwd (graph)", "fused 384-wide middle: fwd (autograd)"},
            {"fusedFwdBwd", "(d) SNN fused 384-wide: fwd+bwd", "fused 384-wide middle: fwd+bwd"},
        });
    }

    /**
     * all-MiniLM-L6-v2 sentences/s against ONNX Runtime (Java, same thread count) on the same token ids: natural
     * lengths at batch 1, and 128 tokens at batch 1, 8 and 32.
     */
    private static void encoderSuite(Config config, Progress progress, List<Function<PeerResults, Row>> rows)
            throws RunnerException, IOException {
        Path refs = config.sharedDir().resolve("refs").resolve("minilm");
        progress.step("Limbic: MiniLM sentences/s (JMH)");
        String refsArg = "-D" + MiniLmBench.REFS_PROPERTY + "=" + refs.toAbsolutePath();
        Map<String, Double> natural = scores(jmh(config, "^" + MiniLmBench.class.getName().replace(".", "\\.")
                + "\\.naturalB1$", Map.of("batch", new String[] {"1"}), "minilm-natural", refsArg));
        Map<String, Double> fixed = new HashMap<>();
        for (RunResult r : jmh(config, "^" + MiniLmBench.class.getName().replace(".", "\\.") + "\\.fixed128$",
                Map.of("batch", new String[] {"1", "8", "32"}), "minilm-fixed128", refsArg)) {
            fixed.put(r.getParams().getParam("batch"), r.getPrimaryResult().getScore());
        }
        int sentences = Files.isDirectory(refs) ? MiniLmBench.naturalCount(refs) : 0;
        String peer = "ONNX Runtime (Java)";
        rows.add(p -> new Row("MiniLM-L6 natural lengths (" + sentences + " sentences, mean 19 tokens), batch 1",
                "sentences/s", sentences / (natural.getOrDefault("naturalB1", Double.NaN) / 1e3), peer,
                p.ortSentencesPerSecond.getOrDefault("natural_b1", Double.NaN), true));
        for (String b : new String[] {"1", "8", "32"}) {
            rows.add(p -> new Row("MiniLM-L6 128 tokens, batch " + b, "sentences/s",
                    Integer.parseInt(b) / (fixed.getOrDefault(b, Double.NaN) / 1e3), peer,
                    p.ortSentencesPerSecond.getOrDefault("fixed128_b" + b, Double.NaN), true));
        }
    }

    /** The ONNX Runtime peer of the encoder suite (a progress step either way). */
    private static void runOrtPeer(Config config, PeerResults peers, Progress progress) throws IOException {
        if (config.peers()) {
            progress.step("peers: ONNX Runtime (Java) MiniLM, " + config.threads() + " threads");
            peers.runOrt(config.ortPeerJar(), config.sharedDir().resolve("refs").resolve("minilm"), config.threads(),
                    config.quick(), config.outDir().resolve("peers"));
        } else {
            progress.step("");
        }
    }

    private static void addKernel(List<Function<PeerResults, Row>> rows, Map<String, Double> limbic, String method,
                                  String label, String peerKey) {
        addTorchRows(rows, "ms", limbic, p -> p.kernelMs, "", new String[][] {{method, label, peerKey}});
    }

    /**
     * One lower-is-better row per {@code {JMH method, label, peer key}} against PyTorch: Limbic's figure from
     * {@code limbic}, the peer's from the map {@code peerFigures} picks, under {@code peerKeyPrefix + key}.
     */
    private static void addTorchRows(List<Function<PeerResults, Row>> rows, String unit, Map<String, Double> limbic,
                                     Function<PeerResults, Map<String, Double>> peerFigures, String peerKeyPrefix,
                                     String[][] table) {
        for (String[] t : table) {
            rows.add(p -> new Row(t[1], unit, limbic.getOrDefault(t[0], Double.NaN), "PyTorch",
                    peerFigures.apply(p).getOrDefault(peerKeyPrefix + t[2], Double.NaN), false));
        }
    }

    private static Map<String, Double> scores(Collection<RunResult> results) {
        Map<String, Double> m = new HashMap<>();
        for (RunResult r : results) {
            String bench = r.getParams().getBenchmark();
            m.put(bench.substring(bench.lastIndexOf('.') + 1), r.getPrimaryResult().getScore());
        }
        return m;
    }

    static String gemmLabel(String mkn) {
        String[] p = mkn.split("x");
        return "(" + p[0] + "x" + p[1] + ")@(" + p[1] + "x" + p[2] + ")";
    }

    private static Collection<RunResult> jmh(Config config, Class<?> benchClass, String[] shapes, String tag)
            throws RunnerException {
        return jmh(config, benchClass, shapes, tag, false);
    }

    /**
     * {@code heavy}: operations of 10-300 ms (layers, training loops) get {@value #HEAVY_WARMUP_ITERATIONS} x 2 s
     * of warm-up. With 2 x 1 s C2 was still compiling the big forward/backward methods in the first measured
     * iteration (one SNN run measured 343 ms there and 93-100 ms after); with 4 x 2 s the encoder layer's fwd+bwd
     * still measured 133 ms in its first iteration and 92 ms in the second (its first call takes ~2.8 s, and a
     * 30 s loop settles near 75-85 ms only after 10-20 s), so the average mixed warm-up into the figure.
     */
    static final int HEAVY_WARMUP_ITERATIONS = 8;

    private static Collection<RunResult> jmh(Config config, Class<?> benchClass, String[] shapes, String tag,
                                             boolean heavy) throws RunnerException {
        ChainedOptionsBuilder b = new OptionsBuilder()
                .include("^" + benchClass.getName().replace(".", "\\.") + "\\.")
                .forks(1)
                .warmupIterations(heavy ? HEAVY_WARMUP_ITERATIONS : 2)
                .warmupTime(TimeValue.seconds(heavy ? 2 : 1))
                .measurementIterations(config.quick() ? 3 : 5)
                .measurementTime(TimeValue.seconds(heavy ? 2 : 1))
                .jvmArgsAppend("--add-modules=jdk.incubator.vector", "-Xmx8g", "-Xss4m",
                        "-Dlimbic.threads=" + config.threads())
                .shouldFailOnError(true)
                .verbosity(VerboseMode.NORMAL)
                .result(config.outDir().resolve("jmh-" + tag + ".json").toString())
                .resultFormat(org.openjdk.jmh.results.format.ResultFormatType.JSON);
        if (shapes != null) {
            b.param("mkn", shapes);
        }
        return new Runner(b.build()).run();
    }

    /** A heavy JMH run of the benchmarks matching {@code include}, with the given params and extra fork flags. */
    private static Collection<RunResult> jmh(Config config, String include, Map<String, String[]> params, String tag,
                                             String... jvmArgs) throws RunnerException {
        ChainedOptionsBuilder b = new OptionsBuilder()
                .include(include)
                .forks(1)
                .warmupIterations(HEAVY_WARMUP_ITERATIONS)
                .warmupTime(TimeValue.seconds(2))
                .measurementIterations(config.quick() ? 3 : 5)
                .measurementTime(TimeValue.seconds(2))
                .jvmArgsAppend("--add-modules=jdk.incubator.vector", "-Xmx8g", "-Xss4m",
                        "-Dlimbic.threads=" + config.threads())
                .jvmArgsAppend(jvmArgs)
                .shouldFailOnError(true)
                .verbosity(VerboseMode.NORMAL)
                .result(config.outDir().resolve("jmh-" + tag + ".json").toString())
                .resultFormat(org.openjdk.jmh.results.format.ResultFormatType.JSON);
        params.forEach(b::param);
        return new Runner(b.build()).run();
    }

    static String render(List<Row> rows, PeerResults peers, Config config) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Limbic benchmarks vs peers (same machine, same run)\n\n");
        sb.append("- date: ").append(LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME)).append('\n');
        sb.append("- JVM: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(Runtime.version()).append("; cores: ").append(Runtime.getRuntime().availableProcessors())
                .append("; limbic.threads: ").append(config.threads()).append('\n');
        sb.append("- Limbic backend in the JMH forks: vector (--add-modules jdk.incubator.vector); this JVM: ")
                .append(Backends.host().name()).append('\n');
        if (config.encoderSuite()) {
            sb.append("- MiniLM rows: the real all-MiniLM-L6-v2 on the token ids of ../shared/refs/minilm (no tokenizer"
                    + " timed), mean pooling + L2 included; peer: ONNX Runtime 1.20.0 Java, full graph optimisation, "
                    + "intra-op threads = limbic.threads\n");
        }
        sb.append("- peer BLAS: ").append(peers.blas).append("; peers: OpenBLAS via numpy `np.matmul(out=)`, "
                + "PyTorch 2 threads (../shared/peers)\n");
        boolean combined = rows.stream().anyMatch(r -> !r.roundRatios().isEmpty());
        if (combined) {
            sb.append("- ").append(config.rounds()).append(" rounds, the peers measured before Limbic in odd rounds "
                    + "and after it in even ones; Limbic and peer columns are the medians of the rounds' figures, "
                    + "ratio is the median of the rounds' ratios (each from one round's pair), range their min-max; "
                    + "each round's table is in round-N/bench-report.md\n");
        } else {
            sb.append("- one round: the peers measured just before Limbic\n");
        }
        int iters = config.quick() ? 3 : 5;
        sb.append("- JMH: 1 fork, average time; kernels: 2x1 s warm-up, ").append(iters)
                .append("x1 s measurement; layers and training loops: ").append(HEAVY_WARMUP_ITERATIONS)
                .append("x2 s warm-up, ").append(iters)
                .append("x2 s measurement\n");
        sb.append("- ratio = speed relative to the peer (>1: Limbic faster): GFLOP/s Limbic/peer, times peer/Limbic\n");
        sb.append("- kernel rows without a suffix go through the Tensor API and allocate their outputs (and gradients),"
                + " as torch does; '(kernel, preallocated output)' rows call the backend with reused buffers. The gap"
                + " is the JVM zeroing every fresh array (~1 ms per 8 MB), which torch's caching allocator avoids.\n\n");
        sb.append(combined ? "| benchmark | unit | Limbic | peer | peer figure | ratio | range |\n"
                : "| benchmark | unit | Limbic | peer | peer figure | ratio |\n");
        sb.append(combined ? "|---|---|---:|---|---:|---:|---:|\n" : "|---|---|---:|---|---:|---:|\n");
        for (Row r : rows) {
            sb.append("| ").append(r.benchmark()).append(" | ").append(r.unit()).append(" | ")
                    .append(fmt(r.limbic())).append(" | ").append(r.peerName()).append(" | ")
                    .append(fmt(r.peer())).append(" | ")
                    .append(Double.isNaN(r.ratio()) ? "-" : String.format(Locale.ROOT, "%.2fx", r.ratio()));
            if (combined) {
                double[] range = r.ratioRange();
                sb.append(" | ").append(Double.isNaN(range[0]) ? "-"
                        : String.format(Locale.ROOT, "%.2f-%.2fx", range[0], range[1]));
            }
            sb.append(" |\n");
        }
        if (!peers.problems.isEmpty()) {
            sb.append("\nPeer problems (their columns show '-'):\n");
            for (String p : peers.problems) {
                sb.append("- ").append(p).append('\n');
            }
        }
        return sb.toString();
    }

    private static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.3f", v);
    }

    static void writeAtomically(Path target, String text) throws IOException {
        Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), target.getFileName().toString(), ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Entry point for running the set without the app jar:
     * {@code BenchRunner [--quick] [--no-peers] [--kernels | --nn | --encoders] [SHARED]}.
     */
    public static void main(String[] args) throws Exception {
        List<String> a = Arrays.asList(args);
        Path shared = a.stream().filter(s -> !s.startsWith("--")).findFirst().map(Path::of).orElse(Path.of("../shared"));
        boolean onlyKernels = a.contains("--kernels");
        boolean onlyNn = a.contains("--nn");
        boolean onlyEncoders = a.contains("--encoders");
        boolean all = !onlyKernels && !onlyNn && !onlyEncoders;
        run(new Config(shared, Path.of("bench-results"), a.contains("--quick"), !a.contains("--no-peers"),
                Parallel.threads(), all || onlyKernels, all || onlyNn, all || onlyEncoders,
                Path.of("peers-ort/target/limbic-peer-ort.jar")), System.out);
    }
}
