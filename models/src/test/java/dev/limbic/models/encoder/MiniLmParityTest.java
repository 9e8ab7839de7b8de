package dev.limbic.models.encoder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limbic.data.json.Json;
import dev.limbic.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * all-MiniLM-L6-v2 read from the ONNX file of the Maven Central jar against ONNX Runtime's outputs in
 * {@code limbic.refs.minilm}: hidden states of the sentences that have a {@code hidden_N_f32le.bin}, the normalised
 * mean embedding of every sentence, the 128-token truncation, and a padded batch against single runs. Token ids come
 * from the reference file, so the tokenizer is not involved.
 */
class MiniLmParityTest {
  private static final double HIDDEN_TOL = 1e-5;
  private static final double EMBEDDING_TOL = 1e-6;

  private static Path refs;
  private static List<Map<String, Object>> sentences;
  private static TransformerSentenceEncoder encoder;

  @BeforeAll
  static void load() throws IOException {
    refs = Path.of(System.getProperty("limbic.refs.minilm", "../shared/refs/minilm"));
    Assumptions.assumeTrue(Files.isDirectory(refs), "MiniLM parity needs ../shared/refs/minilm (set "
        + "-Dlimbic.refs.minilm)");
    sentences = new ArrayList<>();
    for (Object o : Json.parseLines(refs.resolve("sentences.jsonl"))) {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) o;
      sentences.add(m);
    }
    encoder = MiniLm.encoder(MiniLm.loadFromClasspath(), null);
  }

  static int[] ints(List<Object> values) {
    int[] out = new int[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Number) values.get(i)).intValue();
    }
    return out;
  }

  static int[] ids(Map<String, Object> sentence) {
    return ints(Json.array(sentence, "ids", "sentences.jsonl index " + sentence.get("index")));
  }

  static float[] floats(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[b.remaining() / 4];
    b.asFloatBuffer().get(out);
    return out;
  }

  static double maxAbsDiff(float[] a, float[] b) {
    assertThat(a).hasSameSizeAs(b);
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs((double) a[i] - b[i]));
    }
    return worst;
  }

  private static Tensor single(int[] ids) {
    int[] ones = new int[ids.length];
    java.util.Arrays.fill(ones, 1);
    return encoder.embedIds(ids, new int[ids.length], ones, null, 1, ids.length);
  }

  @Test
  void hiddenStatesMatchOnnxRuntime() throws IOException {
    Pattern name = Pattern.compile("hidden_(\\d+)_f32le\\.bin");
    List<Path> files;
    try (Stream<Path> s = Files.list(refs)) {
      files = s.filter(p -> name.matcher(p.getFileName().toString()).matches()).sorted().toList();
    }
    assertThat(files).as("hidden_N_f32le.bin files in " + refs).isNotEmpty();
    for (Path f : files) {
      Matcher m = name.matcher(f.getFileName().toString());
      assertThat(m.matches()).isTrue();
      long index = Long.parseLong(m.group(1));
      Map<String, Object> sentence = sentences.stream()
          .filter(x -> ((Number) x.get("index")).longValue() == index).findFirst().orElseThrow();
      int[] ids = ids(sentence);
      float[] expected = floats(f);
      int[] ones = new int[ids.length];
      java.util.Arrays.fill(ones, 1);
      float[] actual;
      try (var ignored = dev.limbic.tensor.GradMode.noGrad()) {
        actual = encoder.model().forward(ids, null, ones, 1, ids.length).lastHiddenState().toFloatArray();
      }
      double err = maxAbsDiff(actual, expected);
      System.out.printf("MiniLM hidden state, sentence %d (%d tokens): max abs %.3g%n", index, ids.length, err);
      assertThat(err).as("last_hidden_state of sentence " + index).isLessThanOrEqualTo(HIDDEN_TOL);
    }
  }

  @Test
  void everySentenceEmbeddingMatchesOnnxRuntime() throws IOException {
    float[] all = floats(refs.resolve("embeddings_f32le.bin"));
    int dim = encoder.dimension();
    assertThat(all.length).as("embeddings_f32le.bin rows × " + dim).isEqualTo(sentences.size() * dim);
    double worst = 0;
    for (int s = 0; s < sentences.size(); s++) {
      float[] expected = java.util.Arrays.copyOfRange(all, s * dim, (s + 1) * dim);
      float[] actual = single(ids(sentences.get(s))).toFloatArray();
      double err = maxAbsDiff(actual, expected);
      worst = Math.max(worst, err);
      assertThat(err).as("embedding of sentence index " + sentences.get(s).get("index"))
          .isLessThanOrEqualTo(EMBEDDING_TOL);
    }
    System.out.printf("MiniLM embeddings, %d sentences: worst max abs %.3g%n", sentences.size(), worst);
  }

  @Test
  void truncatedLongSentenceMatches() throws IOException {
    List<Object> cases = (List<Object>) Json.parse(refs.resolve("long_trunc128.json"));
    assertThat(cases).isNotEmpty();
    for (Object o : cases) {
      @SuppressWarnings("unchecked")
      Map<String, Object> c = (Map<String, Object>) o;
      int[] ids = ints(Json.array(c, "ids_trunc128", "long_trunc128.json"));
      List<Object> emb = Json.array(c, "embedding_trunc128", "long_trunc128.json");
      float[] expected = new float[emb.size()];
      for (int i = 0; i < expected.length; i++) {
        expected[i] = ((Number) emb.get(i)).floatValue();
      }
      double err = maxAbsDiff(single(ids).toFloatArray(), expected);
      System.out.printf("MiniLM truncated to %d tokens: max abs %.3g%n", ids.length, err);
      assertThat(err).isLessThanOrEqualTo(EMBEDDING_TOL);
    }
  }

  @Test
  void paddedBatchEqualsSingleRuns() {
    // every sentence in one right-padded batch: rows differ in length from 4 to the longest
    int n = sentences.size();
    int maxLen = 0;
    List<int[]> rows = new ArrayList<>();
    for (Map<String, Object> s : sentences) {
      int[] ids = ids(s);
      rows.add(ids);
      maxLen = Math.max(maxLen, ids.length);
    }
    int[] ids = new int[n * maxLen];
    int[] mask = new int[n * maxLen];
    for (int b = 0; b < n; b++) {
      int[] r = rows.get(b);
      System.arraycopy(r, 0, ids, b * maxLen, r.length);
      java.util.Arrays.fill(mask, b * maxLen, b * maxLen + r.length, 1);
    }
    float[] batch = encoder.embedIds(ids, null, mask, null, n, maxLen).toFloatArray();
    int dim = encoder.dimension();
    double worst = 0;
    for (int b = 0; b < n; b++) {
      float[] one = single(rows.get(b)).toFloatArray();
      worst = Math.max(worst, maxAbsDiff(java.util.Arrays.copyOfRange(batch, b * dim, (b + 1) * dim), one));
    }
    System.out.printf("MiniLM padded batch of %d (T=%d) vs single runs: max abs %.3g%n", n, maxLen, worst);
    assertThat(worst).isLessThanOrEqualTo(EMBEDDING_TOL);
  }
}
