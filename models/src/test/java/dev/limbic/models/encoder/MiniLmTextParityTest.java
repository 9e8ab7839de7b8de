package dev.limbic.models.encoder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limbic.data.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The whole default path a user takes: {@link MiniLm#fromClasspath()} (the real WordPiece tokenizer from the
 * tokenizer.json of the weights jar, then the encoder) on the raw text of every reference sentence, against ONNX
 * Runtime's normalised embeddings. The texts go in as one list, so they are batched with padding.
 */
class MiniLmTextParityTest {

  @Test
  void textsEmbedLikeOnnxRuntime() throws IOException {
    Path refs = Path.of(System.getProperty("limbic.refs.minilm", "../shared/refs/minilm"));
    Assumptions.assumeTrue(Files.isDirectory(refs), "needs ../shared/refs/minilm (set -Dlimbic.refs.minilm)");
    List<String> texts = new ArrayList<>();
    for (Object o : Json.parseLines(refs.resolve("sentences.jsonl"))) {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) o;
      texts.add(Json.string(m, "text", "sentences.jsonl index " + m.get("index")));
    }
    float[] expected = MiniLmParityTest.floats(refs.resolve("embeddings_f32le.bin")); // (N, 384)
    TransformerSentenceEncoder encoder = MiniLm.fromClasspath();
    assertThat(encoder.dimension() * texts.size()).isEqualTo(expected.length);
    float[] actual = encoder.embed(texts).toFloatArray(); // (N, 384)
    double worst = MiniLmParityTest.maxAbsDiff(actual, expected);
    System.out.printf("MiniLM text -> embedding, %d sentences: max abs error %.3g%n", texts.size(), worst);
    assertThat(worst).isLessThanOrEqualTo(1e-6);
  }
}
