package dev.limbic.data.tokenize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limbic.data.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MiniLM tokenizer.json from the langchain4j jar against Hugging Face's reference tokenisation of every
 * sentence in {@code refs/minilm/sentences.jsonl} (ids, tokens, spans) and the 128-token truncation case.
 */
class WordPieceMiniLmReferenceTest {

  static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-tokenizer.json";

  static WordPieceTokenizer tokenizer;

  @BeforeAll
  static void load() throws IOException {
    try (InputStream in = WordPieceMiniLmReferenceTest.class.getResourceAsStream(TOKENIZER_RESOURCE)) {
      assertThat(in).as("the langchain4j MiniLM jar (test dependency) carries " + TOKENIZER_RESOURCE).isNotNull();
      tokenizer = WordPieceTokenizer.fromTokenizerJson(in, TOKENIZER_RESOURCE);
    }
  }

  static Path refsDir() {
    Path dir = Path.of(System.getProperty("limbic.refs.minilm", "../shared/refs/minilm"));
    Assumptions.assumeTrue(Files.isDirectory(dir),
        "MiniLM reference outputs need ../shared/refs/minilm (set -Dlimbic.refs.minilm); not found: " + dir);
    return dir;
  }

  @Test
  void readsTheTokenizerJsonSettings() {
    WordPieceTokenizer.Config c = tokenizer.config();
    assertThat(tokenizer.vocabSize()).isEqualTo(30522);
    assertThat(c.lowercase()).isTrue();
    assertThat(c.stripAccents()).as("strip_accents null follows lowercase").isTrue();
    assertThat(c.handleChineseChars()).isTrue();
    assertThat(c.maxInputCharsPerWord()).isEqualTo(100);
    assertThat(c.truncationMaxLength()).isEqualTo(128);
    assertThat(c.paddingLength()).isEqualTo(128);
    assertThat(tokenizer.padId()).isZero();
    assertThat(tokenizer.unkId()).isEqualTo(100);
    assertThat(tokenizer.clsId()).isEqualTo(101);
    assertThat(tokenizer.sepId()).isEqualTo(102);
    assertThat(tokenizer.maskId()).isEqualTo(103);
  }

  @Test
  void everyReferenceSentenceMatchesIdsTokensAndSpans() throws IOException {
    Path file = refsDir().resolve("sentences.jsonl");
    List<Object> rows = Json.parseLines(file);
    assertThat(rows).isNotEmpty();
    for (Object row : rows) {
      @SuppressWarnings("unchecked")
      Map<String, Object> r = (Map<String, Object>) row;
      String text = Json.string(r, "text", file.toString());
      String label = "sentence " + r.get("index") + " " + text;
      Encoding e = tokenizer.encode(text);
      assertThat(e.ids()).as(label).containsExactly(ints(Json.array(r, "ids", label)));
      assertThat(e.tokens()).as(label).containsExactly(Json.array(r, "tokens", label).toArray(String[]::new));
      assertThat(e.typeIds()).as(label).containsOnly(0);
      List<Object> spans = Json.array(r, "char_spans", label);
      for (int t = 0; t < spans.size(); t++) {
        int[] ref = ints((List<?>) spans.get(t));
        // The reference spans count code points (Python str indices); Encoding counts UTF-16 units.
        int[] expected = ref[0] < 0 ? ref
            : new int[] {text.offsetByCodePoints(0, ref[0]), text.offsetByCodePoints(0, ref[1])};
        assertThat(e.offsets()[t]).as(label + " span of token " + t + " " + e.tokens()[t])
            .containsExactly(expected);
      }
    }
  }

  @Test
  void truncationTo128MatchesTheReference() throws IOException {
    Path dir = refsDir();
    List<Object> cases = listOf(Json.parse(dir.resolve("long_trunc128.json")));
    Map<Integer, String> texts = new java.util.HashMap<>();
    for (Object row : Json.parseLines(dir.resolve("sentences.jsonl"))) {
      @SuppressWarnings("unchecked")
      Map<String, Object> r = (Map<String, Object>) row;
      texts.put((int) Json.integer(r, "index", "sentences.jsonl"), Json.string(r, "text", "sentences.jsonl"));
    }
    assertThat(cases).isNotEmpty();
    for (Object c : cases) {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) c;
      int index = (int) Json.integer(m, "index", "long_trunc128.json");
      int[] expected = ints(Json.array(m, "ids_trunc128", "long_trunc128.json"));
      Encoding full = tokenizer.encode(texts.get(index));
      assertThat(full.length()).as("sentence %d is longer than the cut", index).isGreaterThan(expected.length);
      Encoding cut = tokenizer.encode(texts.get(index), expected.length);
      assertThat(cut.ids()).containsExactly(expected);
      assertThat(cut.tokens()[expected.length - 1]).isEqualTo("[SEP]");
    }
  }

  private static List<Object> listOf(Object v) {
    if (v instanceof List<?> l) {
      return new ArrayList<>(l);
    }
    return List.of(v);
  }

  static int[] ints(List<?> values) {
    int[] out = new int[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Number) values.get(i)).intValue();
    }
    return out;
  }
}
