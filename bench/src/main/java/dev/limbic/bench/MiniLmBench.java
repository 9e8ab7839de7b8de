package dev.limbic.bench;

import dev.limbic.data.json.Json;
import dev.limbic.models.encoder.MiniLm;
import dev.limbic.models.encoder.TransformerSentenceEncoder;
import dev.limbic.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The real all-MiniLM-L6-v2 (weights from the bundled ONNX file) embedding sentences, the same workloads the ONNX
 * Runtime peer ({@code peers-ort}) times: {@code naturalB1} embeds every sentence of
 * ../shared/refs/minilm/sentences.jsonl at its natural length, one at a time (33 sentences, mean 19 tokens); {@code
 * fixed128} embeds {@code batch} copies of the 128-token cut of sentence 63 in one batch. Token ids come from the
 * reference files on both sides, so no tokenizer is timed; mean pooling and L2 normalisation are included on both.
 * Scores are milliseconds per call; the runner turns them into sentences/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class MiniLmBench {

    /** Sentences per {@link #naturalB1()} call: read from the file at setup, recorded for the runner. */
    public static final String REFS_PROPERTY = "limbic.refs.minilm";

    @Param({"1", "8", "32"})
    public int batch;

    private TransformerSentenceEncoder encoder;
    private List<int[]> natural;
    private int[] fixedIds;    // (batch, 128)
    private int[] fixedOnes;   // (batch, 128)
    private int[] fixedZeros;  // (batch, 128)

    @Setup
    public void setup() throws IOException {
        Path refs = Path.of(System.getProperty(REFS_PROPERTY, "../shared/refs/minilm"));
        natural = naturalIds(refs);
        int[] long128 = longIds(refs);
        encoder = MiniLm.encoder(MiniLm.loadFromClasspath(), null);
        fixedIds = new int[batch * long128.length];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(long128, 0, fixedIds, b * long128.length, long128.length);
        }
        fixedOnes = new int[fixedIds.length];
        Arrays.fill(fixedOnes, 1);
        fixedZeros = new int[fixedIds.length];
    }

    static List<int[]> naturalIds(Path refs) throws IOException {
        List<int[]> out = new ArrayList<>();
        for (Object o : Json.parseLines(refs.resolve("sentences.jsonl"))) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) o;
            out.add(ints(Json.array(m, "ids", "sentences.jsonl index " + m.get("index"))));
        }
        return out;
    }

    static int[] longIds(Path refs) throws IOException {
        Object root = Json.parse(refs.resolve("long_trunc128.json"));
        @SuppressWarnings("unchecked")
        Map<String, Object> first = (Map<String, Object>) (root instanceof List<?> l ? l.get(0) : root);
        return ints(Json.array(first, "ids_trunc128", "long_trunc128.json"));
    }

    private static int[] ints(List<Object> values) {
        int[] out = new int[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) values.get(i)).intValue();
        }
        return out;
    }

    /** Number of sentences in sentences.jsonl (for sentences/s). */
    static int naturalCount(Path refs) throws IOException {
        return naturalIds(refs).size();
    }

    /** Every reference sentence, batch 1, natural length (only run at batch=1; the param is ignored). */
    @Benchmark
    public float naturalB1() {
        float acc = 0;
        for (int[] ids : natural) {
            int[] ones = new int[ids.length];
            Arrays.fill(ones, 1);
            Tensor e = encoder.embedIds(ids, new int[ids.length], ones, null, 1, ids.length);   // (1, 384)
            acc += e.toFloatArray()[0];
        }
        return acc;
    }

    /** {@code batch} sentences of 128 tokens in one forward pass. */
    @Benchmark
    public float fixed128() {
        Tensor e = encoder.embedIds(fixedIds, fixedZeros, fixedOnes, null, batch, fixedIds.length / batch);
        return e.toFloatArray()[0];
    }
}
