package dev.limbic.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the peer scripts of ../shared/peers (numpy/OpenBLAS and PyTorch) and reads their JSON, so Limbic's
 * figures are compared with peers measured minutes apart on the same machine.
 */
final class PeerResults {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** GFLOP/s of {@code np.matmul(out=)} keyed by Limbic's {@code MxKxN} shape name. */
    final Map<String, Double> sgemmGflops = new LinkedHashMap<>();
    /** torch kernel timings keyed by "softmax|infer", "layernorm|fwd_bwd", ... (milliseconds). */
    final Map<String, Double> kernelMs = new LinkedHashMap<>();
    /** torch layer timings keyed by the lower-cased kernel label + "|infer"/"|fwd_bwd", e.g. "lstm|fwd_bwd". */
    final Map<String, Double> layerMs = new LinkedHashMap<>();
    /** torch training-loop figures (2 threads) keyed by "model|variant" as the script labels them. */
    final Map<String, Double> training = new LinkedHashMap<>();
    /** torch per-op overhead keyed by the script's op label (microseconds). */
    final Map<String, Double> overheadUs = new LinkedHashMap<>();
    /** ONNX Runtime (Java) MiniLM sentences/s keyed by workload ("natural_b1", "fixed128_b8", ...). */
    final Map<String, Double> ortSentencesPerSecond = new LinkedHashMap<>();
    final List<String> problems = new ArrayList<>();
    String blas = "?";

    /**
     * Runs the ONNX Runtime peer jar ({@code peers-ort}, built by the launcher with {@code -Ppeers}) on the
     * reference token ids of ../shared/refs/minilm and records its sentences/s per workload.
     */
    void runOrt(Path peerJar, Path refsDir, int threads, boolean quick, Path outDir) throws IOException {
        if (peerJar == null || !Files.isRegularFile(peerJar)) {
            problems.add("ONNX Runtime peer jar not found (" + peerJar + "); build it with ./mvnw -Ppeers -pl "
                    + "peers-ort package (the ./limbic launcher does this for bench)");
            return;
        }
        if (!Files.isDirectory(refsDir)) {
            problems.add("ONNX Runtime peer: " + refsDir + " not found");
            return;
        }
        Files.createDirectories(outDir);
        Path out = outDir.resolve("ort-minilm.jsonl");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-jar", peerJar.toString(), refsDir.toString(),
                Integer.toString(threads)));
        if (quick) {
            cmd.add("--quick");
        }
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile())
                    .redirectError(outDir.resolve("ort-minilm.log").toFile()).start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                problems.add("ONNX Runtime peer: timed out after 10 minutes");
                return;
            }
            if (p.exitValue() != 0) {
                problems.add("ONNX Runtime peer exited " + p.exitValue() + " (log: " + outDir.resolve("ort-minilm.log")
                        + ")");
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problems.add("ONNX Runtime peer: interrupted");
            return;
        }
        for (String line : Files.readAllLines(out)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode row = JSON.readTree(line);
            ortSentencesPerSecond.put(row.path("workload").asText(), row.path("sentences_per_s").asDouble());
        }
    }

    /** Which peer scripts to run: the kernel set of issue #2 and/or the layer + training set of issue #3. */
    static PeerResults run(Path peersDir, Path outDir, boolean quick, boolean kernelSuite, boolean nnSuite,
                           Progress progress) throws IOException {
        PeerResults r = new PeerResults();
        Files.createDirectories(outDir);
        if (nnSuite) {
            // the full kernel script: --quick drops the B1 T32 encoder case the nn set compares with
            progress.step("peers: torch layers (MHA, encoder layer, LSTM)");
            Path layers = r.runScript(peersDir, "torch_kernels.py", quick ? List.of("--quick") : List.of(),
                    outDir.resolve("layers.json"));
            progress.step("peers: torch training loops (a)-(d), 2 threads");
            Path training = r.runScript(peersDir, "torch_training.py",
                    quick ? List.of("--quick") : List.of("--thread-list", "2"), outDir.resolve("training.json"));
            if (layers != null) {
                r.readKernels(layers);
            }
            if (training != null) {
                r.readTraining(training);
            }
        }
        if (!kernelSuite) {
            return r;
        }
        List<String> sgemmArgs = quick ? List.of("--quick", "--no-peak")
                : List.of("--passes", "1", "--reps", "5", "--no-peak");
        progress.step("peers: OpenBLAS SGEMM (numpy, 2 threads)");
        Path sgemm = r.runScript(peersDir, "sgemm_bench.py", sgemmArgs, outDir.resolve("sgemm.json"));
        progress.step("peers: torch kernels (softmax, layer_norm, GELU)");
        Path kernels = r.runScript(peersDir, "torch_kernels.py", List.of("--quick"), outDir.resolve("kernels.json"));
        progress.step("peers: torch per-op overhead");
        Path overhead = r.runScript(peersDir, "torch_overhead.py", List.of("--quick"), outDir.resolve("overhead.json"));
        if (sgemm != null) {
            r.readSgemm(sgemm);
        }
        if (kernels != null) {
            r.readKernels(kernels);
        }
        if (overhead != null) {
            r.readOverhead(overhead);
        }
        return r;
    }

    private Path runScript(Path peersDir, String script, List<String> args, Path out) {
        Path file = peersDir.resolve(script);
        if (!Files.isRegularFile(file)) {
            problems.add(script + ": not found in " + peersDir);
            return null;
        }
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", file.toString()));
        cmd.addAll(args);
        cmd.add("--out");
        cmd.add(out.toString());
        try {
            Files.deleteIfExists(out);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(out.resolveSibling(out.getFileName() + ".log").toFile()).start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                problems.add(script + ": timed out after 10 minutes");
                return null;
            }
            if (p.exitValue() != 0 || !Files.isRegularFile(out)) {
                problems.add(script + ": exited " + p.exitValue() + " (log: " + out + ".log; run bin/install-peers.sh"
                        + " if torch/numpy are missing)");
                return null;
            }
            return out;
        } catch (IOException e) {
            problems.add(script + ": could not start /usr/bin/python3 (" + e.getMessage() + ")");
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problems.add(script + ": interrupted");
            return null;
        }
    }

    private void readSgemm(Path file) throws IOException {
        JsonNode root = JSON.readTree(file.toFile());
        blas = root.path("env").path("blas_backend").asText("?");
        for (JsonNode row : root.path("rows")) {
            String key = row.path("M").asInt() + "x" + row.path("K").asInt() + "x" + row.path("N").asInt();
            sgemmGflops.merge(key, row.path("numpy_gflops").asDouble(), Math::max);
        }
    }

    private void readKernels(Path file) throws IOException {
        JsonNode root = JSON.readTree(file.toFile());
        for (JsonNode row : root.path("rows")) {
            String kernel = row.path("kernel").asText().toLowerCase(java.util.Locale.ROOT);
            String key = kernel.startsWith("softmax") ? "softmax"
                    : kernel.startsWith("layernorm") ? "layernorm"
                    : kernel.equals("gelu (erf)") ? "gelu" : null;
            if (key != null) {
                kernelMs.put(key + "|infer", row.path("fwd_infer_ms").asDouble());
                kernelMs.put(key + "|fwd_bwd", row.path("fwd_bwd_ms").asDouble());
            }
            layerMs.put(kernel + "|infer", row.path("fwd_infer_ms").asDouble());
            layerMs.put(kernel + "|fwd_bwd", row.path("fwd_bwd_ms").asDouble());
        }
    }

    private void readTraining(Path file) throws IOException {
        JsonNode root = JSON.readTree(file.toFile());
        for (JsonNode row : root.path("rows")) {
            if (row.path("threads").asInt(2) != 2) {
                continue;
            }
            training.put(row.path("model").asText() + "|" + row.path("variant").asText(), row.path("value").asDouble());
        }
    }

    private void readOverhead(Path file) throws IOException {
        JsonNode root = JSON.readTree(file.toFile());
        for (JsonNode row : root.path("rows")) {
            overheadUs.put(row.path("op").asText(), row.path("us").asDouble());
        }
    }
}
