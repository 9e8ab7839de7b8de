package dev.limbic.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.limbic.tensor.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * PyTorch parity on the op-level golden fixtures in {@code ../shared/golden/cases} (DESIGN.md, test discipline 3).
 *
 * <p>Every {@code .safetensors} file there becomes one dynamic test named by the file. The test reads the op and
 * its hyper-parameters from the file's metadata (nothing seed-specific is hard-coded), builds the inputs as leaves
 * (F32 or F64 as stored), runs the op through the public tensor API, seeds backward with the {@code grad_out.*}
 * tensors and compares every {@code out.*} with {@code tol_forward} and every {@code grad.*} with
 * {@code tol_grad} ({@code |a - e| <= atol + rtol |e|}; I64 exactly). Cases for layers, losses, optimisers and
 * schedulers are reported as skipped: the nn module covers them. {@code linear_*}, {@code embedding_*} and the
 * BERT layer are run here through plain tensor ops.
 */
class GoldenParityTest {

    /** Worst error/tolerance ratio per case (printed after the run). */
    private static final Map<String, Double> WORST = new ConcurrentHashMap<>();

    private static final Set<String> UNARY = Set.of("gelu_erf", "gelu_tanh", "gelu", "tanh", "sigmoid", "relu",
            "exp", "log", "sqrt");

    static Path goldenDir() {
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

    @TestFactory
    Stream<DynamicTest> goldenCases() throws IOException {
        Path dir = goldenDir();
        // a skipped dynamic test (not an aborted factory) so the reason shows up in the test report
        if (dir == null) {
            return skipped("golden fixtures not found: set -Dlimbic.golden or put ../shared beside the checkout");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        }
        if (files.isEmpty()) {
            return skipped("golden fixtures not found: " + dir + " has no .safetensors files");
        }
        return files.stream().map(f -> dynamicTest(f.getFileName().toString(), () -> runCase(f)));
    }

    private static Stream<DynamicTest> skipped(String reason) {
        return Stream.of(dynamicTest("golden fixtures", () -> Assumptions.assumeTrue(false, reason)));
    }

    @AfterAll
    static void printWorstRatios() {
        if (WORST.isEmpty()) {
            return;
        }
        Map<String, Double> sorted = new TreeMap<>(WORST);
        String worstCase = null;
        double worst = -1;
        StringBuilder sb = new StringBuilder("golden parity on the '"
                + dev.limbic.tensor.backend.Backends.host().name()
                + "' backend, worst |a-e|/(atol+rtol|e|) per case:\n");
        for (Map.Entry<String, Double> e : sorted.entrySet()) {
            sb.append(String.format(Locale.ROOT, "  %-40s %.4f%n", e.getKey(), e.getValue()));
            if (e.getValue() > worst) {
                worst = e.getValue();
                worstCase = e.getKey();
            }
        }
        sb.append(String.format(Locale.ROOT, "  overall worst: %.4f (%s)", worst, worstCase));
        System.out.println(sb);
    }

    // ------------------------------------------------------------------ one case

    /** A loaded case: its metadata and tensors, and the leaves whose gradients are checked. */
    private static final class Case {
        final String file;
        final SafeTensors st;
        final Map<String, String> meta;
        final Map<String, Tensor> leaves = new LinkedHashMap<>();   // "input.x" / "param.weight" -> leaf
        final Map<String, Tensor> outs = new LinkedHashMap<>();     // "out.y" -> computed
        final List<Runnable> postChecks = new ArrayList<>();        // case-specific checks after backward

        Case(String file, SafeTensors st) {
            this.file = file;
            this.st = st;
            this.meta = st.metadata();
        }

        String meta(String key) {
            String v = meta.get(key);
            if (v == null) {
                throw new AssertionError(file + ": metadata has no '" + key + "'");
            }
            return v;
        }

        String metaOr(String key, String fallback) {
            return meta.getOrDefault(key, fallback);
        }

        /** The leaf {@code input.name} or {@code param.name}. */
        Tensor in(String name) {
            Tensor t = leaves.get(name);
            if (t == null) {
                throw new AssertionError(file + ": no tensor '" + name + "' (has " + st.names() + ")");
            }
            return t;
        }

        Tensor opt(String name) {
            return leaves.get(name);
        }

        void out(String name, Tensor t) {
            outs.put("out." + name, t);
        }
    }

    private static Tensor load(SafeTensors st, String name) {
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

    private static void runCase(Path file) throws IOException {
        String fileName = file.getFileName().toString();
        SafeTensors st = SafeTensors.read(file);
        Case c = new Case(fileName, st);
        String op = c.metaOr("op", "");
        String kind = kindOf(op);
        Assumptions.assumeTrue(kind != null, "nn-level case, covered by the nn module (op '" + op + "')");

        for (String name : st.names()) {
            if (name.startsWith("input.") || name.startsWith("param.")) {
                Tensor t = load(st, name);
                if (st.contains(gradName(name))) {
                    t.requiresGrad(true);
                }
                c.leaves.put(name, t);
            }
        }

        switch (kind) {
            case "matmul" -> matmul(c);
            case "binary" -> binary(c, op);
            case "reduce" -> reduce(c, op);
            case "softmax" -> c.out("y", c.in("input.x").softmax(intMeta(c, "dim")));
            case "log_softmax" -> c.out("y", c.in("input.x").logSoftmax(intMeta(c, "dim")));
            case "layer_norm" -> layerNorm(c);
            case "unary" -> unary(c, op);
            case "linear" -> c.out("y", linear(c.in("input.x"), c.in("param.weight"), c.opt("param.bias")));
            case "embedding" -> embedding(c);
            case "bert" -> bertLayer(c);
            default -> throw new AssertionError("unreachable kind " + kind);
        }

        // every expected output must have been computed
        for (String name : st.names()) {
            if (name.startsWith("out.")) {
                assertTrue(c.outs.containsKey(name), fileName + ": the test computed no '" + name + "'");
            }
        }

        // backward: seed each output that has a grad_out with it (sum_k <out_k, grad_out_k>)
        List<String> seeded = new ArrayList<>();
        for (String name : st.names()) {
            if (name.startsWith("grad_out.")) {
                seeded.add(name.substring("grad_out.".length()));
            }
        }
        if (!seeded.isEmpty()) {
            if (seeded.size() == 1) {
                Tensor y = c.outs.get("out." + seeded.get(0));
                assertNotNull(y, fileName + ": no output for grad_out." + seeded.get(0));
                y.backward(load(st, "grad_out." + seeded.get(0)));
            } else {
                Tensor total = null;
                for (String s : seeded) {
                    Tensor term = c.outs.get("out." + s).mul(load(st, "grad_out." + s)).sum();
                    total = total == null ? term : total.add(term);
                }
                total.backward();
            }
        }

        double[] tolF = tolerance(c, "tol_forward");
        double worst = 0;
        List<String> failures = new ArrayList<>();
        for (String name : st.names()) {
            if (name.startsWith("out.")) {
                worst = Math.max(worst, compare(c, name, c.outs.get(name), tolF, failures));
            }
        }
        boolean anyGrad = st.names().stream().anyMatch(n -> n.startsWith("grad.") && !n.startsWith("grad_out."));
        if (anyGrad) {
            double[] tolG = tolerance(c, "tol_grad");
            for (String name : st.names()) {
                if (name.startsWith("grad.")) {
                    String leafName = leafOfGrad(name);
                    Tensor leaf = c.in(leafName);
                    Tensor g = leaf.grad();
                    if (g == null) {
                        failures.add(name + ": no gradient reached " + leafName);
                        continue;
                    }
                    worst = Math.max(worst, compare(c, name, g, tolG, failures));
                }
            }
        }
        WORST.put(fileName, worst);
        c.postChecks.forEach(Runnable::run);
        if (!failures.isEmpty()) {
            fail(fileName + " (op " + op + "): " + failures.size() + " mismatching tensors\n  "
                    + String.join("\n  ", failures));
        }
    }

    /** The test family of an op, or null for nn-level cases. */
    private static String kindOf(String op) {
        return switch (op) {
            case "matmul", "bmm" -> "matmul";
            case "add", "sub", "mul", "div" -> "binary";
            case "sum", "mean", "max" -> "reduce";
            case "softmax" -> "softmax";
            case "log_softmax" -> "log_softmax";
            case "layer_norm" -> "layer_norm";
            case "linear" -> "linear";
            case "embedding" -> "embedding";
            case "bert_layer_post_ln" -> "bert";
            default -> UNARY.contains(op) ? "unary" : null;
        };
    }

    /** {@code input.x -> grad.x}, {@code param.w -> grad.param.w}. */
    private static String gradName(String leaf) {
        return leaf.startsWith("input.") ? "grad." + leaf.substring("input.".length()) : "grad." + leaf;
    }

    private static String leafOfGrad(String grad) {
        String rest = grad.substring("grad.".length());
        return rest.startsWith("param.") ? rest : "input." + rest;
    }

    private static final Pattern TOL = Pattern.compile("rtol=(\\S+)\\s+atol=(\\S+)");

    private static double[] tolerance(Case c, String key) {
        Matcher m = TOL.matcher(c.meta(key));
        if (!m.find()) {
            throw new AssertionError(c.file + ": cannot parse " + key + " = '" + c.meta(key) + "'");
        }
        return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
    }

    private static int intMeta(Case c, String key) {
        return Integer.parseInt(c.meta(key).trim());
    }

    private static boolean boolMeta(Case c, String key, boolean fallback) {
        String v = c.meta.get(key);
        return v == null ? fallback : Boolean.parseBoolean(v.trim().toLowerCase(Locale.ROOT));
    }

    /** Compares one tensor; appends a message to {@code failures} and returns the worst error/tolerance ratio. */
    private static double compare(Case c, String name, Tensor actual, double[] tol, List<String> failures) {
        SafeTensors.Entry e = c.st.entry(name);
        Tensor expected = load(c.st, name);
        if (!Arrays.equals(actual.shape(), expected.shape())) {
            failures.add(name + ": shape " + Arrays.toString(actual.shape()) + ", expected "
                    + Arrays.toString(expected.shape()));
            return Double.POSITIVE_INFINITY;
        }
        DType want = switch (e.dtype()) {
            case F32 -> DType.F32;
            case F64 -> DType.F64;
            default -> DType.I64;
        };
        if (actual.dtype() != want) {
            failures.add(name + ": dtype " + actual.dtype() + ", expected " + want);
            return Double.POSITIVE_INFINITY;
        }
        if (want == DType.I64) {
            long[] a = actual.toLongArray();
            long[] x = expected.toLongArray();
            for (int i = 0; i < a.length; i++) {
                if (a[i] != x[i]) {
                    failures.add(name + "[" + i + "]: " + a[i] + ", expected exactly " + x[i]);
                    return Double.POSITIVE_INFINITY;
                }
            }
            return 0;
        }
        double[] a = actual.toDoubleArray();
        double[] x = expected.toDoubleArray();
        double rtol = tol[0];
        double atol = tol[1];
        double worst = 0;
        int bad = 0;
        int firstBad = -1;
        for (int i = 0; i < a.length; i++) {
            double err = Math.abs(a[i] - x[i]);
            double bound = atol + rtol * Math.abs(x[i]);
            double ratio = err / bound;
            if (!(err <= bound)) {
                bad++;
                if (firstBad < 0) {
                    firstBad = i;
                }
                ratio = Double.isNaN(ratio) ? Double.POSITIVE_INFINITY : ratio;
            }
            worst = Math.max(worst, ratio);
        }
        if (bad > 0) {
            failures.add(String.format(Locale.ROOT, "%s: %d of %d elements outside rtol=%g atol=%g, first [%d] "
                    + "actual %.9g expected %.9g, worst ratio %.3g", name, bad, a.length, rtol, atol, firstBad,
                    a[firstBad], x[firstBad], worst));
        }
        return worst;
    }

    // ------------------------------------------------------------------ op families

    private static void matmul(Case c) {
        Tensor a = c.in("input.a");
        Tensor b = c.in("input.b");
        // the files state transposes in metadata (transpose_a/transpose_b: "True"/"False"); if absent, the shapes
        // decide: a^T when a's last dim does not meet b's contracting dim
        boolean ta = c.meta.containsKey("transpose_a") ? boolMeta(c, "transpose_a", false)
                : a.dim() >= 2 && a.size(-1) != (b.dim() >= 2 ? b.size(-2) : b.size(0)) && a.size(-2) == b.size(-2);
        boolean tb = c.meta.containsKey("transpose_b") ? boolMeta(c, "transpose_b", false)
                : b.dim() >= 2 && (ta ? a.size(-2) : a.size(-1)) != b.size(-2);
        Tensor lhs = ta ? a.transpose(-1, -2) : a;
        Tensor rhs = tb ? b.transpose(-1, -2) : b;
        c.out("y", lhs.matmul(rhs));
    }

    private static void binary(Case c, String op) {
        Tensor a = c.in("input.a");
        Tensor b = c.in("input.b");
        Tensor y = switch (op) {
            case "add" -> a.add(b);
            case "sub" -> a.sub(b);
            case "mul" -> a.mul(b);
            case "div" -> a.div(b);
            default -> throw new AssertionError(op);
        };
        c.out("y", y);
    }

    private static void reduce(Case c, String op) {
        Tensor x = c.in("input.x");
        String dim = c.metaOr("dim", "all").trim();
        boolean keepdim = boolMeta(c, "keepdim", false);
        boolean all = dim.equals("all") || dim.equals("None");
        switch (op) {
            case "sum" -> c.out("y", all ? x.sum() : x.sum(Integer.parseInt(dim), keepdim));
            case "mean" -> c.out("y", all ? x.mean() : x.mean(Integer.parseInt(dim), keepdim));
            case "max" -> {
                if (all) {
                    c.out(c.st.contains("out.values") ? "values" : "y", x.max());
                } else {
                    Tensor.ValuesIndices vi = x.max(Integer.parseInt(dim), keepdim);
                    c.out("values", vi.values());
                    c.out("indices", vi.indices());
                }
            }
            default -> throw new AssertionError(op);
        }
    }

    private static void layerNorm(Case c) {
        Tensor x = c.in("input.x");
        double eps = Double.parseDouble(c.meta("eps"));
        int dims = parseIntList(c.metaOr("normalized_shape", "[" + x.size(-1) + "]")).length;
        c.out("y", x.layerNorm(dims, c.opt("param.weight"), c.opt("param.bias"), eps));
    }

    private static void unary(Case c, String op) {
        Tensor x = c.in("input.x");
        Tensor y = switch (op) {
            case "gelu_erf" -> x.gelu();
            case "gelu_tanh" -> x.geluTanh();
            case "gelu" -> "tanh".equals(c.metaOr("approximate", "none")) ? x.geluTanh() : x.gelu();
            case "tanh" -> x.tanh();
            case "sigmoid" -> x.sigmoid();
            case "relu" -> x.relu();
            case "exp" -> x.exp();
            case "log" -> x.log();
            case "sqrt" -> x.sqrt();
            default -> throw new AssertionError(op);
        };
        c.out("y", y);
    }

    /** {@code x @ weight^T + bias} with weight {@code [out, in]} (PyTorch Linear). */
    private static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        Tensor y = x.matmul(weight.t());
        return bias == null ? y : y.add(bias);
    }

    /** nn.Embedding through indexSelect; with padding_idx the padded positions pass no gradient to the row. */
    private static void embedding(Case c) {
        Tensor weight = c.in("param.weight");
        Tensor idx = c.in("input.indices");
        int[] outShape = Arrays.copyOf(idx.shape(), idx.dim() + 1);
        outShape[idx.dim()] = weight.size(1);
        Tensor y = weight.indexSelect(0, idx.reshape(-1)).reshape(outShape);
        String pad = c.metaOr("padding_idx", "None").trim();
        if (!pad.equals("None")) {
            Tensor isPad = idx.eq(Tensor.scalar(Long.parseLong(pad), DType.I64)).unsqueeze(-1);
            y = Tensor.where(isPad, y.detach(), y);
            int padRow = Integer.parseInt(pad);
            // the padding row's gradient must be exactly zero, whatever the tolerance
            c.postChecks.add(() -> {
                for (double v : weight.grad().select(0, padRow).toDoubleArray()) {
                    assertEquals(0.0, v, 0.0, c.file + ": gradient of padding row " + padRow + " must be exactly 0");
                }
            });
        }
        c.out("y", y);
    }

    /**
     * Hugging Face BertLayer (post-LN), explicit ops: q/k/v projections split into heads, scaled scores plus the
     * additive mask {@code (1 - mask) * mask_value}, softmax, context, output dense + residual + LayerNorm, GELU
     * intermediate, output dense + residual + LayerNorm.
     */
    private static void bertLayer(Case c) {
        Tensor x = c.in("input.hidden_states");
        Tensor mask = c.in("input.attention_mask");
        int hidden = intMeta(c, "hidden");
        int heads = intMeta(c, "heads");
        int headDim = c.meta.containsKey("head_dim") ? intMeta(c, "head_dim") : hidden / heads;
        double eps = Double.parseDouble(c.meta("layer_norm_eps"));
        double maskValue = maskValue(c, x.dtype());
        String act = c.metaOr("activation", "gelu (erf)");
        int batch = x.size(0);
        int seq = x.size(1);

        Tensor q = heads(linear(x, c.in("param.attention.self.query.weight"), c.in("param.attention.self.query.bias")),
                batch, seq, heads, headDim);
        Tensor k = heads(linear(x, c.in("param.attention.self.key.weight"), c.in("param.attention.self.key.bias")),
                batch, seq, heads, headDim);
        Tensor v = heads(linear(x, c.in("param.attention.self.value.weight"), c.in("param.attention.self.value.bias")),
                batch, seq, heads, headDim);
        Tensor ext = mask.to(x.dtype()).neg().add(1.0).mul(maskValue).reshape(batch, 1, 1, seq);
        Tensor scores = q.matmul(k.transpose(-1, -2)).div(Math.sqrt(headDim)).add(ext);
        Tensor probs = scores.softmax(-1);
        c.out("attention_probs", probs);
        Tensor ctx = probs.matmul(v).permute(0, 2, 1, 3).reshape(batch, seq, hidden);
        Tensor attnOut = linear(ctx, c.in("param.attention.output.dense.weight"),
                c.in("param.attention.output.dense.bias")).add(x)
                .layerNorm(c.in("param.attention.output.LayerNorm.weight"),
                        c.in("param.attention.output.LayerNorm.bias"), eps);
        c.out("attention_output", attnOut);
        Tensor pre = linear(attnOut, c.in("param.intermediate.dense.weight"), c.in("param.intermediate.dense.bias"));
        Tensor inter = act.contains("tanh") ? pre.geluTanh() : pre.gelu();
        c.out("intermediate", inter);
        Tensor y = linear(inter, c.in("param.output.dense.weight"), c.in("param.output.dense.bias")).add(attnOut)
                .layerNorm(c.in("param.output.LayerNorm.weight"), c.in("param.output.LayerNorm.bias"), eps);
        c.out("hidden_states", y);
    }

    /** {@code [B, T, H*dh] -> [B, H, T, dh]}. */
    private static Tensor heads(Tensor t, int batch, int seq, int heads, int headDim) {
        return t.reshape(batch, seq, heads, headDim).permute(0, 2, 1, 3);
    }

    /** A number, or {@code torch.finfo(dtype).min}: the most negative finite value of the case's dtype. */
    private static double maskValue(Case c, DType dtype) {
        String s = c.meta("mask_value").trim();
        if (s.startsWith("torch.finfo") || s.contains("finfo")) {
            return dtype == DType.F32 ? -Float.MAX_VALUE : -Double.MAX_VALUE;
        }
        return Double.parseDouble(s);
    }

    private static int[] parseIntList(String s) {
        String body = s.trim().replaceAll("[\\[\\]()\\s]", "");
        if (body.isEmpty()) {
            return new int[0];
        }
        return Arrays.stream(body.split(",")).filter(p -> !p.isEmpty()).mapToInt(Integer::parseInt).toArray();
    }
}
