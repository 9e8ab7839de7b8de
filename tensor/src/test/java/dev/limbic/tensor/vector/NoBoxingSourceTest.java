package dev.limbic.tensor.vector;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Guards the rule of docs/tensor.md, "No boxed vectors": in kernels that take the species as a parameter, vectors
 * are seeded with {@code VectorKernels.zeros(s)} / {@code splat(s, v)}, never {@code FloatVector.zero(s)} or
 * {@code FloatVector.broadcast(s, v)}, which the JIT does not specialise for a non-constant species (a loop
 * accumulator seeded by one is boxed on every iteration). Boxing changes no value, so no oracle test sees it;
 * this scan of the sources does. {@code VectorGemm} is exempt: its kernels use static final species.
 */
class NoBoxingSourceTest {
    private static final Pattern SEEDED_FROM_PARAMETER =
            Pattern.compile("FloatVector\\.(zero|broadcast)\\(\\s*(s|sp|species)\\b");

    @Test
    void kernelsSeedVectorsFromTypeProfiledLoads() throws IOException {
        Path dir = Path.of("src/main/java/dev/limbic/tensor/vector");
        assertTrue(Files.isDirectory(dir), "run from the tensor module: " + dir.toAbsolutePath());
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String code = lines.get(i).strip();
                    boolean comment = code.startsWith("*") || code.startsWith("/*") || code.startsWith("//");
                    if (!comment && SEEDED_FROM_PARAMETER.matcher(code).find()) {
                        offenders.add(f.getFileName() + ":" + (i + 1) + ": " + code);
                    }
                }
            }
        }
        assertTrue(offenders.isEmpty(), "use VectorKernels.zeros(s)/splat(s, v) instead:\n"
                + String.join("\n", offenders));
    }
}
