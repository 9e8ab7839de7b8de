package dev.limbic.tensor.vector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limbic.tensor.backend.Backends;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The kernels that evaluate exp, log, tanh or pow give bit-identical results in every JIT tier: a child JVM under
 * {@code -Xint} (everything interpreted, where the Vector API runs its per-lane Java fallbacks) and a default child
 * JVM, first call and after 20 000 warm-up calls (C2-compiled, where lanewise EXP/TANH/LOG/POW would call SVML
 * stubs), must print the same output hashes for every kernel at 128, 256 and 512 bits. Before the kernels used
 * {@link DeterministicMath}, these differed in the last bit and a resumed training run drifted from an
 * uninterrupted one.
 */
class KernelDeterminismTest {

    static final String WARMUP = "20000";

    @Test
    void sameBitsInterpretedAndCompiled() throws Exception {
        Assumptions.assumeTrue(Backends.vectorModulePresent(),
                "the Vector API backend needs the JVM flag --add-modules jdk.incubator.vector");
        Map<String, String[]> interpreted = probe("-Xint", "0");
        Map<String, String[]> compiled = probe("-Xbatch", WARMUP);
        assertThat(compiled.keySet()).isEqualTo(interpreted.keySet()).isNotEmpty();
        List<String> differing = new ArrayList<>();
        for (Map.Entry<String, String[]> e : compiled.entrySet()) {
            String xint = interpreted.get(e.getKey())[0];
            String cold = e.getValue()[0];
            String warm = e.getValue()[1];
            if (!xint.equals(cold) || !cold.equals(warm)) {
                differing.add(e.getKey() + ": -Xint " + xint + ", first call " + cold + ", after warm-up " + warm);
            }
        }
        assertThat(differing).as("kernels whose output bits depend on the JIT tier").isEmpty();
    }

    /** Runs {@link KernelDeterminismProbe} in a child JVM; returns kernel@bits → {cold hash, warm hash}. */
    static Map<String, String[]> probe(String jvmFlag, String warmup) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "--add-modules=jdk.incubator.vector", jvmFlag, "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), KernelDeterminismProbe.class.getName(),
                warmup, "128", "256", "512");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("probe %s finished", jvmFlag).isTrue();
        assertThat(p.exitValue()).as("probe %s exit status; output:%n%s", jvmFlag, out).isZero();
        Map<String, String[]> hashes = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length == 3 && f[0].contains("@")) {
                hashes.put(f[0], new String[] {f[1], f[2]});
            }
        }
        return hashes;
    }
}
