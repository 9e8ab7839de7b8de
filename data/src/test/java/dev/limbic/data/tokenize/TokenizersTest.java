package dev.limbic.data.tokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limbic.data.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BPE tokenizer.json and model-directory loading. */
class TokenizersTest {

  /** The tiny RoBERTa vocabulary as a Hugging Face tokenizer.json, merges in both of HF's spellings. */
  static String tinyRobertaTokenizerJson(boolean addPrefixSpace) {
    String[] files = ByteLevelBpeTokenizerTest.tinyRoberta();
    Map<String, Object> vocab = Json.parseObject(files[0], "vocab");
    List<Object> merges = new ArrayList<>();
    String[] lines = files[1].split("\n");
    for (int i = 1; i < lines.length; i++) {
      merges.add(i % 2 == 0 ? lines[i] : List.of(lines[i].split(" ")));
    }
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("type", "BPE");
    model.put("vocab", vocab);
    model.put("merges", merges);
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("model", model);
    root.put("pre_tokenizer", Map.of("type", "ByteLevel", "add_prefix_space", addPrefixSpace, "use_regex", true));
    root.put("post_processor", Map.of("type", "RobertaProcessing", "cls", List.of("<s>", 0L),
        "sep", List.of("</s>", 2L)));
    root.put("added_tokens", List.of(Map.of("id", (long) vocab.size() - 1, "content", "<mask>")));
    return Json.write(root);
  }

  @Test
  void bpeTokenizerJsonMatchesTheVocabAndMergesFiles() {
    ByteLevelBpeTokenizer fromJson = ByteLevelBpeTokenizer.fromTokenizerJson(tinyRobertaTokenizerJson(true),
        "tokenizer.json");
    ByteLevelBpeTokenizer fromFiles = ByteLevelBpeTokenizerTest.roberta(true);
    assertThat(fromJson.addPrefixSpace()).isTrue();
    assertThat(fromJson.specialTokens()).isEqualTo(fromFiles.specialTokens());
    for (String text : new String[] {"hello world", "hello <mask>", "world, hello!", ""}) {
      Encoding a = fromJson.encode(text);
      Encoding b = fromFiles.encode(text);
      assertThat(a.ids()).as(text).containsExactly(b.ids());
      assertThat(a.offsets()).as(text).isDeepEqualTo(b.offsets());
    }
  }

  @Test
  void bpeTokenizerJsonErrorsNameTheField() {
    String good = tinyRobertaTokenizerJson(false);
    assertThatThrownBy(() -> ByteLevelBpeTokenizer.fromTokenizerJson(good.replace("\"l l\"", "\"l l x\""), "t.json"))
        .isInstanceOf(TokenizerFileException.class).hasMessageContaining("t.json model.merges[1]");
    assertThatThrownBy(() -> ByteLevelBpeTokenizer.fromTokenizerJson(good.replace("\"BPE\"", "\"Unigram\""),
        "t.json")).hasMessageContaining("model.type is \"Unigram\"");
    assertThatThrownBy(() -> ByteLevelBpeTokenizer.fromTokenizerJson(
        good.replace("\"ByteLevel\"", "\"Whitespace\""), "t.json"))
        .hasMessageContaining("pre_tokenizer.type \"Whitespace\" is not supported");
  }

  @Test
  void directoryLoadingPicksTheRightTokenizer(@TempDir Path root) throws IOException {
    Path bert = Files.createDirectory(root.resolve("bert"));
    Files.writeString(bert.resolve("vocab.txt"), String.join("\n", WordPieceTokenizerTest.VOCAB));
    Files.writeString(bert.resolve("tokenizer_config.json"), "{\"do_lower_case\": false}");
    Tokenizer cased = Tokenizers.fromDirectory(bert);
    assertThat(cased).isInstanceOf(WordPieceTokenizer.class);
    assertThat(cased.encode("Hello").tokens()).containsExactly("[CLS]", "Hello", "[SEP]");

    Path roberta = Files.createDirectory(root.resolve("roberta"));
    String[] files = ByteLevelBpeTokenizerTest.tinyRoberta();
    Files.writeString(roberta.resolve("vocab.json"), files[0]);
    Files.writeString(roberta.resolve("merges.txt"), files[1]);
    Tokenizer bpe = Tokenizers.fromDirectory(roberta);
    assertThat(bpe.encode("hello").tokens()).containsExactly("<s>", "hello", "</s>");
    assertThat(bpe.padId()).isEqualTo(1);

    Path hub = Files.createDirectory(root.resolve("minilm"));
    try (InputStream in = getClass().getResourceAsStream(WordPieceMiniLmReferenceTest.TOKENIZER_RESOURCE)) {
      Files.copy(in, hub.resolve("tokenizer.json"));
    }
    assertThat(Tokenizers.fromDirectory(hub).encode("Yes.").ids()).containsExactly(101, 2748, 1012, 102);

    Path bpeHub = Files.createDirectory(root.resolve("bpe-hub"));
    Files.writeString(bpeHub.resolve("tokenizer.json"), tinyRobertaTokenizerJson(false));
    assertThat(Tokenizers.fromDirectory(bpeHub)).isInstanceOf(ByteLevelBpeTokenizer.class);

    Path empty = Files.createDirectory(root.resolve("empty"));
    assertThatThrownBy(() -> Tokenizers.fromDirectory(empty)).isInstanceOf(TokenizerFileException.class)
        .hasMessageContaining(empty.toString()).hasMessageContaining("tokenizer.json, vocab.txt");
  }
}
