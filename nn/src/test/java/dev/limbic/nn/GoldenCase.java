package dev.limbic.nn;

import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.Tensor;
import dev.limbic.tensor.io.SafeTensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.function.ThrowingConsumer;

/**
 * One PyTorch golden fixture from {@code ../shared/golden/cases} (or {@code -Dlimbic.golden=DIR}) or from the
 * project's own extra set {@code src/test/resources/golden-extra} (or {@code -Dlimbic.goldenExtra=DIR}; made by
 * {@code tools/golden/gen_nn_extra.py} in the same format, for cases the shared set lacks): metadata,
 * tensors by name, and comparisons with the tolerances the file itself states ({@code tol_forward} for
 * {@code out.*}, {@code tol_grad} for {@code grad.*}; I64 exactly). Tests discover their cases by the {@code op}
 * metadata, so a regenerated fixture set with other seeds or extra cases runs unchanged.
 */
public final class GoldenCase {

    /** Worst |a−e|/(atol+rtol|e|) per case and tensor, for the summary some tests print. */
    public static final Map<String, Double> WORST = new ConcurrentHashMap<>();

    private final Path file;
    private final SafeTensors st;
    private final Map<String, String> meta;

    private GoldenCase(Path file) throws IOException {
        this.file = file;
        this.st = SafeTensors.read(file);
        this.meta = st.metadata();
    }

    public static GoldenCase load(Path file) {
        try {
            return new GoldenCase(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture folder, or null when neither the property nor {@code ../shared} provides it. */
    public static Path dir() {
        List<Path> candidates = new ArrayList<>();
        String prop = System.getProperty("limbic.golden");
        if (prop != null && !prop.isBlank()) {
            candidates.add(Paths.get(prop));
        }
        candidates.add(Paths.get("..", "shared", "golden", "cases"));
        candidates.add(Paths.get("..", "..", "shared", "golden", "cases"));
        for (Path p : candidates) {
            if (Files.isDirectory(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        return null;
    }

    /**
     * The project's extra fixture folder ({@code -Dlimbic.goldenExtra}, else {@code src/test/resources/golden-extra}
     * of the nn module, looked up from the module or the repository root), or null when absent.
     */
    public static Path extraDir() {
        List<Path> candidates = new ArrayList<>();
        String prop = System.getProperty("limbic.goldenExtra");
        if (prop != null && !prop.isBlank()) {
            candidates.add(Paths.get(prop));
        }
        candidates.add(Paths.get("src", "test", "resources", "golden-extra"));
        candidates.add(Paths.get("nn", "src", "test", "resources", "golden-extra"));
        for (Path p : candidates) {
            if (Files.isDirectory(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        return null;
    }

    /** The fixture folders that exist: the shared one first, then the project's extra one. */
    public static List<Path> dirs() {
        List<Path> out = new ArrayList<>();
        Path shared = dir();
        Path extra = extraDir();
        if (shared != null) {
            out.add(shared);
        }
        if (extra != null && !extra.equals(shared)) {
            out.add(extra);
        }
        return out;
    }

    /** Every {@code .safetensors} file of every folder of {@link #dirs()}, sorted by name within a folder. */
    public static List<Path> files() {
        List<Path> files = new ArrayList<>();
        for (Path dir : dirs()) {
            try (Stream<Path> s = Files.list(dir)) {
                files.addAll(s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }

    /**
     * One dynamic test per fixture (shared and extra folders) whose metadata matches {@code select}, named by the
     * file; a single skipped test with the reason when no folder exists or no fixture matches.
     */
    public static Stream<DynamicTest> cases(String what, Predicate<Map<String, String>> select,
            ThrowingConsumer<GoldenCase> body) {
        List<Path> dirs = dirs();
        if (dirs.isEmpty()) {
            return Stream.of(dynamicTest(what, () -> Assumptions.assumeTrue(false,
                    "golden fixtures not found: set -Dlimbic.golden or put ../shared beside the checkout, and "
                            + "-Dlimbic.goldenExtra for the project's extra set")));
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (Path f : files()) {
            GoldenCase c = load(f);
            if (select.test(c.meta)) {
                tests.add(dynamicTest(f.getFileName().toString(), () -> body.accept(c)));
            }
        }
        if (tests.isEmpty()) {
            return Stream.of(dynamicTest(what, () -> Assumptions.assumeTrue(false,
                    "no golden fixture in " + dirs + " matches " + what)));
        }
        return tests.stream();
    }

    /** Selects cases by their {@code op} metadata. */
    public static Predicate<Map<String, String>> op(String... ops) {
        return m -> {
            for (String o : ops) {
                if (o.equals(m.get("op"))) {
                    return true;
                }
            }
            return false;
        };
    }

    public String name() {
        return file.getFileName().toString();
    }

    public Path file() {
        return file;
    }

    public Map<String, String> metadata() {
        return meta;
    }

    public String meta(String key) {
        String v = meta.get(key);
        if (v == null) {
            throw new AssertionError(name() + ": metadata has no '" + key + "' (has " + meta.keySet() + ")");
        }
        return v;
    }

    public String metaOr(String key, String fallback) {
        return meta.getOrDefault(key, fallback);
    }

    public double metaDouble(String key) {
        return Double.parseDouble(meta(key).trim());
    }

    public int metaInt(String key) {
        return Integer.parseInt(meta(key).trim());
    }

    public boolean metaBool(String key) {
        return Boolean.parseBoolean(meta(key).trim().toLowerCase(Locale.ROOT));
    }

    /** The storage dtype of the case's float tensors (F32, or F64 for {@code *_f64}). */
    public DType dtype() {
        return "F64".equals(meta.get("dtype")) ? DType.F64 : DType.F32;
    }

    public boolean has(String name) {
        return st.contains(name);
    }

    /** Tensor names starting with {@code prefix}, in file order. */
    public List<String> names(String prefix) {
        return st.names().stream().filter(n -> n.startsWith(prefix)).toList();
    }

    /** A fresh tensor with the stored dtype (I32/I64 become I64). */
    public Tensor tensor(String name) {
        if (!st.contains(name)) {
            throw new AssertionError(name() + ": no tensor '" + name + "' (has " + st.names() + ")");
        }
        SafeTensors.Entry e = st.entry(name);
        long[] ls = e.shape();
        int[] shape = new int[ls.length];
        for (int i = 0; i < ls.length; i++) {
            shape[i] = Math.toIntExact(ls[i]);
        }
        return switch (e.dtype()) {
            case F32 -> Tensor.of(st.floats(name), shape);
            case F64 -> Tensor.of(st.doubles(name), shape);
            case I64, I32 -> Tensor.ofLongs(st.longs(name), shape);
            default -> throw new AssertionError(name + ": unexpected dtype " + e.dtype());
        };
    }

    /** {@link #tensor} as a leaf that requires grad. */
    public Tensor leaf(String name) {
        return tensor(name).requiresGrad(true);
    }

    /** rtol/atol for {@code out.*} (forward) or {@code grad.*} from the file's metadata. */
    public double[] tolerance(boolean gradient) {
        String key = gradient ? "tol_grad" : "tol_forward";
        String spec = meta.get(key);
        if (spec == null) {
            return dtype() == DType.F64 ? new double[] {1e-10, 1e-10}
                    : gradient ? new double[] {1e-3, 1e-4} : new double[] {1e-4, 1e-5};
        }
        Matcher r = Pattern.compile("rtol=([0-9.eE+-]+)").matcher(spec);
        Matcher a = Pattern.compile("atol=([0-9.eE+-]+)").matcher(spec);
        if (!r.find() || !a.find()) {
            throw new AssertionError(name() + ": cannot parse " + key + " '" + spec + "'");
        }
        return new double[] {Double.parseDouble(r.group(1)), Double.parseDouble(a.group(1))};
    }

    /** Compares {@code actual} with the stored {@code expectedName}; tolerance by prefix (grad.* vs the rest). */
    public void assertClose(String expectedName, Tensor actual) {
        boolean grad = expectedName.startsWith("grad.");
        assertClose(expectedName, actual, tolerance(grad));
    }

    public void assertClose(String expectedName, Tensor actual, double[] rtolAtol) {
        Tensor expected = tensor(expectedName);
        if (actual == null) {
            throw new AssertionError(name() + ": " + expectedName + ": no value computed (null)");
        }
        if (!java.util.Arrays.equals(expected.shape(), actual.shape())) {
            throw new AssertionError(name() + ": " + expectedName + ": shape " + java.util.Arrays.toString(
                    actual.shape()) + ", expected " + java.util.Arrays.toString(expected.shape()));
        }
        if (!expected.dtype().isFloating()) {
            long[] e = expected.toLongArray();
            long[] a = actual.to(DType.I64).toLongArray();
            for (int i = 0; i < e.length; i++) {
                if (e[i] != a[i]) {
                    throw new AssertionError(name() + ": " + expectedName + "[" + i + "] = " + a[i] + ", expected "
                            + e[i]);
                }
            }
            return;
        }
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        double rtol = rtolAtol[0];
        double atol = rtolAtol[1];
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < e.length; i++) {
            double tol = atol + rtol * Math.abs(e[i]);
            double err = Math.abs(a[i] - e[i]);
            if (!(err <= tol) && !(Double.isNaN(e[i]) && Double.isNaN(a[i])) && !(e[i] == a[i])) {
                throw new AssertionError(String.format(Locale.ROOT,
                        "%s: %s[%d] = %.9g, expected %.9g (|diff| %.3g > atol %.1g + rtol %.1g·|e|)", name(),
                        expectedName, i, a[i], e[i], err, atol, rtol));
            }
            double ratio = err / tol;
            if (ratio > worst) {
                worst = ratio;
                worstAt = i;
            }
        }
        WORST.merge(name(), worst, Math::max);
        if (worstAt < -1) {
            throw new AssertionError("unreachable");
        }
    }

    /** Exact comparison (spikes, argmax). */
    public void assertExact(String expectedName, Tensor actual) {
        assertClose(expectedName, actual, new double[] {0, 0});
    }

    @Override
    public String toString() {
        return name();
    }
}
