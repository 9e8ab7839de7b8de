package dev.limbic.app;

import dev.limbic.bench.BenchRunner;
import dev.limbic.tensor.backend.Parallel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the benchmark suites against the peers measured in the same run and prints the ratio table. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmark (JMH) next to OpenBLAS and PyTorch measured in the same run (../shared/peers) and "
                + "print Limbic/peer ratios. Suites: kernels (SGEMM, softmax, layer_norm, GELU, autograd overhead) "
                + "nn (LSTM, MHA, encoder layer, training loops (a)-(d)) and encoders (all-MiniLM-L6-v2 sentences/s "
                + "next to ONNX Runtime).",
            "The ./limbic launcher installs the peers' Debian packages on first use (bin/install-peers.sh)."})
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--quick", description = "fewer SGEMM shapes and shorter measurements (~2.5 min)")
    boolean quick;

    @Option(names = "--no-peers", description = "only Limbic's figures (no Python peers)")
    boolean noPeers;

    @Option(names = "--shared", description = "folder holding peers/ (default: $LIMBIC_SHARED, else ../shared beside the checkout)")
    Path shared;

    @Option(names = "--suite", defaultValue = "all", description = "kernels, nn, encoders or all (default: ${DEFAULT-VALUE})")
    String suite;

    @Option(names = "--out", defaultValue = "bench-results", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--rounds", defaultValue = "1", description = "measure peers and Limbic this many times, "
            + "alternating which goes first, and report the median ratio and its range (the machines here drift 2x "
            + "within minutes; 3 gives a median worth quoting) (default: ${DEFAULT-VALUE})")
    int rounds;

    @Override
    public Integer call() throws Exception {
        Path sharedDir = shared != null ? shared : defaultShared();
        if (!noPeers && !Files.isDirectory(sharedDir.resolve("peers"))) {
            throw new IllegalArgumentException("peer scripts not found in " + sharedDir.resolve("peers")
                    + "; pass --shared DIR or --no-peers");
        }
        if (!java.util.Set.of("all", "kernels", "nn", "encoders").contains(suite)) {
            throw new IllegalArgumentException("--suite must be kernels, nn, encoders or all, got '" + suite + "'");
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1, got " + rounds);
        }
        boolean all = suite.equals("all");
        String home = System.getProperty("limbic.home");
        Path ortJar = (home != null ? Path.of(home) : Path.of("").toAbsolutePath())
                .resolve("peers-ort/target/limbic-peer-ort.jar");
        BenchRunner.run(new BenchRunner.Config(sharedDir, out, quick, !noPeers, Parallel.threads(),
                all || suite.equals("kernels"), all || suite.equals("nn"), all || suite.equals("encoders"), ortJar,
                rounds),
                System.out);
        return 0;
    }

    static Path defaultShared() {
        String env = System.getenv("LIMBIC_SHARED");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String home = System.getProperty("limbic.home");
        Path root = home != null ? Path.of(home) : Path.of("").toAbsolutePath();
        return root.resolve("..").resolve("shared").normalize();
    }
}
