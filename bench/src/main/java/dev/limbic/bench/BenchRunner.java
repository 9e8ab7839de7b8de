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
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The kernel benchmark set of issue #2: runs the peers (OpenBLAS via numpy, PyTorch) and Limbic's JMH benchmarks
 * back to back on this machine, then prints one table with both figures and their ratio, and writes it to
 * {@code <out>/bench-report.md} (atomically).
 */
public final class BenchRunner {

    /** What to run. {@code sharedDir} holds peers/; {@code outDir} receives JSON, logs and the report. */
    public record Config(Path sharedDir, Path outDir, boolean quick, boolean peers, int threads) {
    }

    /** One line of the report. {@code higherIsBetter}: GFLOP/s (ratio = Limbic/peer) vs times (peer/Limbic). */
    public record Row(String benchmark, String unit, double limbic, String peerName, double peer,
                      boolean higherIsBetter) {
        /** Speed relative to the peer: above 1 means Limbic is faster. NaN when the peer is missing. */
        public double ratio() {
            if (Double.isNaN(peer) || Double.isNaN(limbic)) {
                return Double.NaN;
            }
            return higherIsBetter ? limbic / peer : peer / limbic;
        }
    }

    private BenchRunner() {
    }

    public static List<Row> run(Config config, PrintStream out) throws IOException, RunnerException {
        Files.createDirectories(config.outDir());
        Progress progress = new Progress(out, config.peers() ? 20 : 0, config.peers() ? 12 : 0,
                config.peers() ? 5 : 0, config.quick() ? 40 : 80, 45, 45, 25, 1);
        PeerResults peers = new PeerResults();
        if (config.peers()) {
            peers = PeerResults.run(config.sharedDir().resolve("peers"), config.outDir().resolve("peers"),
                    config.quick(), true, false, progress);
        } else {
            progress.step("peers skipped (--no-peers)");
            progress.step("");
            progress.step("");
        }
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
        progress.step("report");

        List<Row> rows = new ArrayList<>();
        Map<String, Double> gemmUs = new HashMap<>();
        for (RunResult r : gemm) {
            gemmUs.put(r.getParams().getParam("mkn"), r.getPrimaryResult().getScore());
        }
        for (String s : shapes) {
            Double us = gemmUs.get(s);
            double gflops = us == null ? Double.NaN : SgemmBench.flops(s) / (us * 1e-6) / 1e9;
            rows.add(new Row("SGEMM " + gemmLabel(s), "GFLOP/s", gflops, "OpenBLAS (numpy)",
                    peers.sgemmGflops.getOrDefault(s, Double.NaN), true));
        }
        Map<String, Double> kernelMs = scores(kernels);
        addKernel(rows, kernelMs, peers, "softmaxInfer", "softmax 4096x512 infer", "softmax|infer");
        addKernel(rows, kernelMs, peers, "softmaxFwdBwd", "softmax 4096x512 fwd+bwd", "softmax|fwd_bwd");
        addKernel(rows, kernelMs, peers, "layerNormInfer", "layer_norm 4096x768 infer", "layernorm|infer");
        addKernel(rows, kernelMs, peers, "layerNormFwdBwd", "layer_norm 4096x768 fwd+bwd", "layernorm|fwd_bwd");
        addKernel(rows, kernelMs, peers, "geluInfer", "GELU (erf) 4M infer", "gelu|infer");
        addKernel(rows, kernelMs, peers, "geluFwdBwd", "GELU (erf) 4M fwd+bwd", "gelu|fwd_bwd");
        Map<String, Double> onlyMs = scores(kernelsOnly);
        String pre = " (kernel, preallocated output)";
        addKernel(rows, onlyMs, peers, "softmaxInfer", "softmax 4096x512 infer" + pre, "softmax|infer");
        addKernel(rows, onlyMs, peers, "softmaxFwdBwd", "softmax 4096x512 fwd+bwd" + pre, "softmax|fwd_bwd");
        addKernel(rows, onlyMs, peers, "layerNormInfer", "layer_norm 4096x768 infer" + pre, "layernorm|infer");
        addKernel(rows, onlyMs, peers, "layerNormFwdBwd", "layer_norm 4096x768 fwd+bwd" + pre, "layernorm|fwd_bwd");
        addKernel(rows, onlyMs, peers, "geluInfer", "GELU (erf) 4M infer" + pre, "gelu|infer");
        addKernel(rows, onlyMs, peers, "geluFwdBwd", "GELU (erf) 4M fwd+bwd" + pre, "gelu|fwd_bwd");
        Map<String, Double> overheadUs = scores(overhead);
        rows.add(new Row("op overhead: a + b, no grad (4x4)", "us", overheadUs.getOrDefault("addNoGrad", Double.NaN),
                "PyTorch", peers.overheadUs.getOrDefault("torch: a + b (no grad tensors)", Double.NaN), false));
        rows.add(new Row("autograd: record one tiny op (a + b)", "us", overheadUs.getOrDefault("addRecorded", Double.NaN),
                "PyTorch", peers.overheadUs.getOrDefault("torch: a + b, requires_grad (records graph)", Double.NaN), false));
        rows.add(new Row("autograd: (a + b).sum().backward()", "us", overheadUs.getOrDefault("addSumBackward", Double.NaN),
                "PyTorch", peers.overheadUs.getOrDefault("torch: (a + b).sum().backward()", Double.NaN), false));

        String report = render(rows, peers, config);
        out.println();
        out.println(report);
        writeAtomically(config.outDir().resolve("bench-report.md"), report);
        for (Path chart : BenchCharts.write(rows, config.outDir())) {
            out.println("chart: " + chart);
        }
        return rows;
    }

    private static void addKernel(List<Row> rows, Map<String, Double> limbic, PeerResults peers, String method,
                                  String label, String peerKey) {
        rows.add(new Row(label, "ms", limbic.getOrDefault(method, Double.NaN), "PyTorch",
                peers.kernelMs.getOrDefault(peerKey, Double.NaN), false));
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
        ChainedOptionsBuilder b = new OptionsBuilder()
                .include("^" + benchClass.getName().replace(".", "\\.") + "\\.")
                .forks(1)
                .warmupIterations(2)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(config.quick() ? 3 : 5)
                .measurementTime(TimeValue.seconds(1))
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

    static String render(List<Row> rows, PeerResults peers, Config config) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Limbic kernel benchmarks vs peers (same machine, same run)\n\n");
        sb.append("- date: ").append(LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME)).append('\n');
        sb.append("- JVM: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(Runtime.version()).append("; cores: ").append(Runtime.getRuntime().availableProcessors())
                .append("; limbic.threads: ").append(config.threads()).append('\n');
        sb.append("- Limbic backend in the JMH forks: vector (--add-modules jdk.incubator.vector); this JVM: ")
                .append(Backends.host().name()).append('\n');
        sb.append("- peer BLAS: ").append(peers.blas).append("; peers: OpenBLAS via numpy `np.matmul(out=)`, "
                + "PyTorch 2 threads (../shared/peers, run just before Limbic)\n");
        sb.append("- JMH: 1 fork, 2x1 s warm-up, ").append(config.quick() ? 3 : 5)
                .append("x1 s measurement, average time\n");
        sb.append("- ratio = speed relative to the peer (>1: Limbic faster): GFLOP/s Limbic/peer, times peer/Limbic\n");
        sb.append("- kernel rows without a suffix go through the Tensor API and allocate their outputs (and gradients),"
                + " as torch does; '(kernel, preallocated output)' rows call the backend with reused buffers. The gap"
                + " is the JVM zeroing every fresh array (~1 ms per 8 MB), which torch's caching allocator avoids.\n\n");
        sb.append("| benchmark | unit | Limbic | peer | peer figure | ratio |\n");
        sb.append("|---|---|---:|---|---:|---:|\n");
        for (Row r : rows) {
            sb.append("| ").append(r.benchmark()).append(" | ").append(r.unit()).append(" | ")
                    .append(fmt(r.limbic())).append(" | ").append(r.peerName()).append(" | ")
                    .append(fmt(r.peer())).append(" | ")
                    .append(Double.isNaN(r.ratio()) ? "-" : String.format(Locale.ROOT, "%.2fx", r.ratio()))
                    .append(" |\n");
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

    /** Entry point for running the set without the app jar: {@code BenchRunner [--quick] [--no-peers] [SHARED]}. */
    public static void main(String[] args) throws Exception {
        List<String> a = Arrays.asList(args);
        Path shared = a.stream().filter(s -> !s.startsWith("--")).findFirst().map(Path::of).orElse(Path.of("../shared"));
        run(new Config(shared, Path.of("bench-results"), a.contains("--quick"), !a.contains("--no-peers"),
                Parallel.threads()), System.out);
    }
}
