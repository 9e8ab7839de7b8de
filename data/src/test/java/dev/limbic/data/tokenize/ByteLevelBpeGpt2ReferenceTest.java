package dev.limbic.data.tokenize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limbic.data.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * GPT-2's own vocabulary against the reference encodings of {@code refs/gpt2-bpe/cases.jsonl} (ids from the
 * npm gpt-3-encoder, confirmed by GPT-2's Python code and Hugging Face): exact ids, decode round-trip, and
 * offsets that cover the text in order.
 */
class ByteLevelBpeGpt2ReferenceTest {

  static ByteLevelBpeTokenizer gpt2() throws IOException {
    Path vocabDir = Path.of(System.getProperty("limbic.shared", "../shared")).resolve("vocab/gpt2");
    Assumptions.assumeTrue(Files.isDirectory(vocabDir),
        "the GPT-2 vocabulary needs ../shared/vocab/gpt2 (set -Dlimbic.shared); not found: " + vocabDir);
    return ByteLevelBpeTokenizer.gpt2(vocabDir.resolve("encoder.json"), vocabDir.resolve("vocab.bpe"));
  }

  static Path casesFile() {
    Path dir = Path.of(System.getProperty("limbic.refs.gpt2bpe", "../shared/refs/gpt2-bpe"));
    Assumptions.assumeTrue(Files.isDirectory(dir),
        "GPT-2 BPE reference cases need ../shared/refs/gpt2-bpe (set -Dlimbic.refs.gpt2bpe); not found: " + dir);
    return dir.resolve("cases.jsonl");
  }

  @Test
  void everyCaseMatchesIdsAndRoundTrips() throws IOException {
    ByteLevelBpeTokenizer bpe = gpt2();
    Path file = casesFile();
    List<Object> rows = Json.parseLines(file);
    assertThat(rows).isNotEmpty();
    for (Object row : rows) {
      @SuppressWarnings("unchecked")
      Map<String, Object> r = (Map<String, Object>) row;
      String text = Json.string(r, "text", file.toString());
      String label = "case " + r.get("index") + " " + text;
      int[] expected = WordPieceMiniLmReferenceTest.ints(Json.array(r, "ids", label));
      Encoding e = bpe.encode(text);
      assertThat(e.ids()).as(label).containsExactly(expected);
      assertThat(bpe.decode(e.ids())).as(label).isEqualTo(text);
      int previousEnd = 0;
      for (int t = 0; t < e.length(); t++) {
        int[] span = e.offsets()[t];
        assertThat(span[0]).as(label + " token " + t).isBetween(0, span[1]);
        assertThat(span[1]).as(label + " token " + t).isLessThanOrEqualTo(text.length());
        // spans never go backwards (tokens of one multi-byte character may share it)
        assertThat(span[1]).as(label + " token " + t).isGreaterThanOrEqualTo(previousEnd);
        previousEnd = span[1];
      }
    }
  }

  @Test
  void readsTheFullGpt2Vocabulary() throws IOException {
    ByteLevelBpeTokenizer bpe = gpt2();
    assertThat(bpe.vocabSize()).isEqualTo(50257);
    assertThat(bpe.tokenToId("<|endoftext|>")).isEqualTo(50256);
    assertThat(bpe.padId()).isEqualTo(50256);
    assertThat(bpe.encode("Hello world", 1).ids()).containsExactly(15496);
  }
}
