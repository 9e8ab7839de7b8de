package dev.limbic.data.tokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limbic.tensor.DType;
import dev.limbic.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each normalisation and splitting rule, pairs, truncation, padding and file errors, on a small vocabulary. */
class WordPieceTokenizerTest {

  static final List<String> VOCAB = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", "un",
      "##aff", "##able", ",", "!", ".", "$", "5", "cafe", "i", "##\u0307", "\u4e2d", "\u56fd", "a", "##a", "—",
      "€", "##5", "Hello", "Café", "x", "[", "]", "mask");

  static WordPieceTokenizer tokenizer(WordPieceTokenizer.Config config) {
    return WordPieceTokenizer.fromVocabTxt(String.join("\n", VOCAB) + "\n", config, "test-vocab.txt");
  }

  static final WordPieceTokenizer UNCASED = tokenizer(WordPieceTokenizer.Config.uncased());

  static int[][] spans(int[]... spans) {
    return spans;
  }

  @Test
  void vocabTxtIdsAreLineNumbers() {
    assertThat(UNCASED.vocabSize()).isEqualTo(VOCAB.size());
    assertThat(UNCASED.tokenToId("hello")).isEqualTo(5);
    assertThat(UNCASED.idToToken(6)).isEqualTo("world");
    assertThat(UNCASED.padId()).isZero();
    assertThat(UNCASED.unkId()).isEqualTo(1);
    assertThat(UNCASED.clsId()).isEqualTo(2);
    assertThat(UNCASED.sepId()).isEqualTo(3);
    assertThat(UNCASED.maskId()).isEqualTo(4);
  }

  @Test
  void wrapsWithClsAndSepAndSpansTheOriginal() {
    Encoding e = UNCASED.encode("Hello, World!");
    assertThat(e.tokens()).containsExactly("[CLS]", "hello", ",", "world", "!", "[SEP]");
    assertThat(e.ids()).containsExactly(2, 5, 10, 6, 11, 3);
    assertThat(e.offsets()).isDeepEqualTo(spans(new int[] {-1, -1}, new int[] {0, 5}, new int[] {5, 6},
        new int[] {7, 12}, new int[] {12, 13}, new int[] {-1, -1}));
    assertThat(e.typeIds()).containsOnly(0);
  }

  @Test
  void cleanTextDropsControlsNulAndReplacementCharacter() {
    // NUL, U+FFFD, a zero-width space (Cf) and a C1 control vanish; the word stays one word
    Encoding e = UNCASED.encodeWithoutSpecialTokens("hel\u0000l\uFFFDo\u200B \u0085world");
    assertThat(e.tokens()).containsExactly("hello", "world");
    assertThat(e.offsets()).isDeepEqualTo(spans(new int[] {0, 7}, new int[] {10, 15}));
  }

  @Test
  void everyUnicodeWhitespaceSeparatesWords() {
    Encoding e = UNCASED.encodeWithoutSpecialTokens("\thello\u00A0world\u3000hello\r\nworld\u2028x");
    assertThat(e.tokens()).containsExactly("hello", "world", "hello", "world", "x");
    assertThat(e.offsets()[1]).containsExactly(7, 12);
    assertThat(e.offsets()[4]).containsExactly(26, 27);
  }

  @Test
  void lowerCasesOnlyWhenAsked() {
    assertThat(UNCASED.encodeWithoutSpecialTokens("HeLLo").tokens()).containsExactly("hello");
    WordPieceTokenizer cased = tokenizer(WordPieceTokenizer.Config.cased());
    assertThat(cased.encodeWithoutSpecialTokens("Hello hello HELLO").tokens())
        .containsExactly("Hello", "hello", "[UNK]");
  }

  @Test
  void stripsAccentsByNfdAndKeepsSpansOnTheOriginal() {
    // precomposed é (one char) and decomposed e + U+0301 (two chars) both become "cafe"
    Encoding e = UNCASED.encodeWithoutSpecialTokens("Café cafe\u0301 x");
    assertThat(e.tokens()).containsExactly("cafe", "cafe", "x");
    assertThat(e.offsets()).isDeepEqualTo(spans(new int[] {0, 4}, new int[] {5, 9}, new int[] {11, 12}));
    // cased keeps the accent
    assertThat(tokenizer(WordPieceTokenizer.Config.cased()).encodeWithoutSpecialTokens("Café").tokens())
        .containsExactly("Café");
  }

  @Test
  void lowerCasingThatLengthensTextKeepsOffsets() {
    // U+0130 lower-cases to "i" + U+0307 (two characters); with accents kept both map back to the one 'İ'
    WordPieceTokenizer.Config c = WordPieceTokenizer.Config.cased();
    WordPieceTokenizer lowerNoStrip = tokenizer(new WordPieceTokenizer.Config(true, true, false, true, "[UNK]",
        "[CLS]", "[SEP]", "[PAD]", "[MASK]", "##", 100, 0, 0, true));
    Encoding e = lowerNoStrip.encodeWithoutSpecialTokens("x \u0130");
    assertThat(e.tokens()).containsExactly("x", "i", "##\u0307");
    assertThat(e.offsets()).isDeepEqualTo(spans(new int[] {0, 1}, new int[] {2, 3}, new int[] {2, 3}));
    assertThat(c.lowercase()).isFalse();
    // with accent stripping (the uncased default) the dot goes first: 'İ' → "I" → "i"
    assertThat(UNCASED.encodeWithoutSpecialTokens("\u0130").tokens()).containsExactly("i");
  }

  @Test
  void splitsCjkIdeographsIntoWords() {
    Encoding e = UNCASED.encodeWithoutSpecialTokens("\u4e2d\u56fd");
    assertThat(e.tokens()).containsExactly("\u4e2d", "\u56fd");
    assertThat(e.offsets()).isDeepEqualTo(spans(new int[] {0, 1}, new int[] {1, 2}));
    WordPieceTokenizer noCjk = tokenizer(new WordPieceTokenizer.Config(true, false, true, true, "[UNK]", "[CLS]",
        "[SEP]", "[PAD]", "[MASK]", "##", 100, 0, 0, true));
    Encoding joined = noCjk.encodeWithoutSpecialTokens("\u4e2d\u56fd");
    assertThat(joined.tokens()).containsExactly("[UNK]");
    assertThat(joined.offsets()[0]).containsExactly(0, 2);
  }

  @Test
  void splitsAsciiSymbolsAndUnicodePunctuationButNotOtherSymbols() {
    // '$' is a symbol in Unicode but ASCII punctuation for BERT; '—' is Pd; '€' (Sc) is not punctuation
    Encoding e = UNCASED.encodeWithoutSpecialTokens("$5 hello—world €5");
    assertThat(e.tokens()).containsExactly("$", "5", "hello", "—", "world", "€", "##5");
    assertThat(e.offsets()[6]).containsExactly(16, 17);
  }

  @Test
  void greedyLongestMatchWithContinuations() {
    Encoding e = UNCASED.encodeWithoutSpecialTokens("unaffable");
    assertThat(e.tokens()).containsExactly("un", "##aff", "##able");
    assertThat(e.ids()).containsExactly(7, 8, 9);
    assertThat(e.offsets()).isDeepEqualTo(spans(new int[] {0, 2}, new int[] {2, 5}, new int[] {5, 9}));
  }

  @Test
  void aWordThatCannotBeSplitIsOneUnknown() {
    Encoding e = UNCASED.encodeWithoutSpecialTokens("hello unaffablez world");
    assertThat(e.tokens()).containsExactly("hello", "[UNK]", "world");
    assertThat(e.offsets()[1]).containsExactly(6, 16);
  }

  @Test
  void wordsOverOneHundredCharactersAreUnknown() {
    String hundred = "a".repeat(100);
    Encoding ok = UNCASED.encodeWithoutSpecialTokens(hundred);
    assertThat(ok.length()).isEqualTo(100);
    assertThat(ok.tokens()[0]).isEqualTo("a");
    assertThat(ok.tokens()[99]).isEqualTo("##a");
    Encoding tooLong = UNCASED.encodeWithoutSpecialTokens("x " + hundred + "a x");
    assertThat(tooLong.tokens()).containsExactly("x", "[UNK]", "x");
    assertThat(tooLong.offsets()[1]).containsExactly(2, 103);
    // the limit counts code points, not UTF-16 units: 60 astral characters are 120 units but 60 characters
    Encoding astral = UNCASED.encodeWithoutSpecialTokens("\uD83D\uDE00".repeat(60));
    assertThat(astral.tokens()).containsExactly("[UNK]");
    assertThat(astral.offsets()[0]).containsExactly(0, 120);
  }

  @Test
  void specialTokenStringsInTheTextBecomeTheirIds() {
    Encoding e = UNCASED.encode("hello [MASK] world");
    assertThat(e.tokens()).containsExactly("[CLS]", "hello", "[MASK]", "world", "[SEP]");
    assertThat(e.ids()[2]).isEqualTo(4);
    assertThat(e.offsets()[2]).containsExactly(6, 12);
    // lower-case "[mask]" is ordinary text (specials are matched before normalisation, case-sensitively)
    assertThat(UNCASED.encodeWithoutSpecialTokens("[mask]").tokens()).containsExactly("[", "mask", "]");
  }

  @Test
  void truncationKeepsTheSpecialTokens() {
    Encoding e = UNCASED.encode("hello world hello world", 4);
    assertThat(e.tokens()).containsExactly("[CLS]", "hello", "world", "[SEP]");
    assertThat(UNCASED.encode("hello", 10).length()).isEqualTo(3);
    assertThat(UNCASED.encode("hello world", 2).tokens()).containsExactly("[CLS]", "[SEP]");
    assertThatThrownBy(() -> UNCASED.encode("hello", 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxLength 1");
  }

  @Test
  void pairsGetSeparatorsAndSegmentIds() {
    Encoding e = UNCASED.encodePair("hello world", "cafe!", 32);
    assertThat(e.tokens()).containsExactly("[CLS]", "hello", "world", "[SEP]", "cafe", "!", "[SEP]");
    assertThat(e.typeIds()).containsExactly(0, 0, 0, 0, 1, 1, 1);
    assertThat(e.offsets()[4]).as("spans of the second text index the second text").containsExactly(0, 4);
  }

  @Test
  void pairTruncationIsLongestFirst() {
    String six = "hello world hello world hello world";
    // budget 7 - 3 = 4: the short second text (2) is kept whole, the first gets the rest
    Encoding e = UNCASED.encodePair(six, "cafe !", 7);
    assertThat(e.tokens()).containsExactly("[CLS]", "hello", "world", "[SEP]", "cafe", "!", "[SEP]");
    // equal lengths 5 and 5, budget 7: the first gets floor(7/2) = 3, the second 4 (Hugging Face's rule)
    String five = "hello world hello world hello";
    Encoding equal = UNCASED.encodePair(five, five, 10);
    assertThat(equal.length()).isEqualTo(10);
    assertThat(count(equal.typeIds(), 0) - 2).isEqualTo(3);
    assertThat(count(equal.typeIds(), 1) - 1).isEqualTo(4);
    // a longer first text loses tokens first: 6 and 4 in budget 7 → 4 and 3
    Encoding longer = UNCASED.encodePair(six, "hello world hello world", 10);
    assertThat(count(longer.typeIds(), 0) - 2).isEqualTo(4);
    assertThat(count(longer.typeIds(), 1) - 1).isEqualTo(3);
  }

  private static int count(int[] values, int v) {
    int n = 0;
    for (int x : values) {
      n += x == v ? 1 : 0;
    }
    return n;
  }

  @Test
  void batchesPadOnTheRightWithAMaskAndBecomeTensors() {
    BatchEncoding batch = UNCASED.encodeBatch(List.of("hello", "hello world !", ""), 16);
    assertThat(batch.batch()).isEqualTo(3);
    assertThat(batch.maxLen()).isEqualTo(5);
    assertThat(batch.ids()).containsExactly(2, 5, 3, 0, 0, 2, 5, 6, 11, 3, 2, 3, 0, 0, 0);
    assertThat(batch.attentionMask()).containsExactly(1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0);
    assertThat(batch.lengths()).containsExactly(3, 5, 2);
    Tensor ids = batch.idsTensor();
    assertThat(ids.shape()).containsExactly(3, 5);
    assertThat(ids.dtype()).isEqualTo(DType.I64);
    assertThat(ids.toLongArray()).containsExactly(2, 5, 3, 0, 0, 2, 5, 6, 11, 3, 2, 3, 0, 0, 0);
    assertThat(batch.attentionMaskTensor().toLongArray()).containsExactly(1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0,
        0);
    assertThat(batch.keyPaddingMaskTensor().toLongArray()).containsExactly(0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1,
        1, 1);
    assertThat(batch.typeIdsTensor().shape()).containsExactly(3, 5);
    assertThat(batch.lengthsTensor().toLongArray()).containsExactly(3, 5, 2);
  }

  @Test
  void fixedPaddingAndItsOverflowError() {
    Encoding[] rows = {UNCASED.encode("hello"), UNCASED.encodePair("hello", "world", 8)};
    BatchEncoding toLength = UNCASED.encodeBatchToLength(List.of("hello world hello world", "hello"), 4);
    assertThat(toLength.ids()).containsExactly(2, 5, 6, 3, 2, 5, 3, 0);
    assertThat(toLength.lengths()).containsExactly(4, 3);
    BatchEncoding fixed = BatchEncoding.pad(rows, UNCASED.padId(), 6);
    assertThat(fixed.maxLen()).isEqualTo(6);
    assertThat(fixed.typeIds()).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0);
    assertThatThrownBy(() -> BatchEncoding.pad(rows, 0, 4)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("row 1 has 5 tokens");
  }

  @Test
  void decodeGluesContinuationsAndDropsSpecials() {
    Encoding e = UNCASED.encode("Hello, unaffable world!");
    assertThat(UNCASED.decode(e.ids())).isEqualTo("hello, unaffable world!");
    assertThatThrownBy(() -> UNCASED.decode(new int[] {999})).hasMessageContaining("token id 999");
  }

  @Test
  void badVocabFilesNameTheFileAndLine(@TempDir Path dir) throws IOException {
    WordPieceTokenizer.Config c = WordPieceTokenizer.Config.uncased();
    Path blank = dir.resolve("blank.txt");
    Files.writeString(blank, "[PAD]\n[UNK]\n\n[CLS]\n");
    assertThatThrownBy(() -> WordPieceTokenizer.fromVocabTxt(blank, c)).isInstanceOf(TokenizerFileException.class)
        .hasMessageContaining(blank.toString() + " line 3").hasMessageContaining("empty token");
    Path repeated = dir.resolve("repeated.txt");
    Files.writeString(repeated, "[PAD]\n[UNK]\nhello\n[CLS]\nhello\n");
    assertThatThrownBy(() -> WordPieceTokenizer.fromVocabTxt(repeated, c))
        .hasMessageContaining(repeated + " line 5").hasMessageContaining("repeats line 3");
    Path noUnk = dir.resolve("nounk.txt");
    Files.writeString(noUnk, "[PAD]\n[CLS]\n[SEP]\n");
    assertThatThrownBy(() -> WordPieceTokenizer.fromVocabTxt(noUnk, c))
        .hasMessageContaining(noUnk.toString()).hasMessageContaining("\"[UNK]\" is not in the vocabulary");
    Path empty = dir.resolve("empty.txt");
    Files.writeString(empty, "");
    assertThatThrownBy(() -> WordPieceTokenizer.fromVocabTxt(empty, c)).hasMessageContaining("empty");
    Path latin1 = dir.resolve("latin1.txt");
    Files.write(latin1, "[UNK]\ncaf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> WordPieceTokenizer.fromVocabTxt(latin1, c))
        .hasMessageContaining(latin1.toString()).hasMessageContaining("not valid UTF-8");
    // Windows line ends are fine
    Path crlf = dir.resolve("crlf.txt");
    Files.writeString(crlf, String.join("\r\n", VOCAB));
    assertThat(WordPieceTokenizer.fromVocabTxt(crlf, c).encode("hello").ids()).containsExactly(2, 5, 3);
  }

  @Test
  void badTokenizerJsonNamesTheField() {
    assertThatThrownBy(() -> WordPieceTokenizer.fromTokenizerJson("{\"model\": {\"type\": \"BPE\", \"vocab\": {}}}",
        "tok.json")).isInstanceOf(TokenizerFileException.class).hasMessageContaining("tok.json")
        .hasMessageContaining("model.type is \"BPE\"");
    assertThatThrownBy(() -> WordPieceTokenizer.fromTokenizerJson("{\"model\": {\"vocab\": {\"[UNK]\": 0,}}}",
        "tok.json")).isInstanceOf(TokenizerFileException.class).hasMessageContaining("tok.json:1:");
    assertThatThrownBy(() -> WordPieceTokenizer.fromTokenizerJson(
        "{\"model\": {\"vocab\": {\"[UNK]\": 0, \"x\": \"1\"}}}", "tok.json"))
        .hasMessageContaining("tok.json model.vocab").hasMessageContaining("\"x\"");
    assertThatThrownBy(() -> WordPieceTokenizer.fromTokenizerJson(
        "{\"model\": {\"vocab\": {\"[UNK]\": 0, \"x\": 0}}}", "tok.json")).hasMessageContaining("share id 0");
    assertThatThrownBy(() -> WordPieceTokenizer.fromTokenizerJson("{\"model\": {\"vocab\": {\"[UNK]\": 0, "
        + "\"[CLS]\": 1, \"[SEP]\": 2, \"[PAD]\": 3}}, \"normalizer\": {\"type\": \"NFC\"}}", "tok.json"))
        .hasMessageContaining("normalizer.type \"NFC\" is not supported");
    assertThatThrownBy(() -> WordPieceTokenizer.fromTokenizerJson("{\"model\": {\"vocab\": {\"[UNK]\": 0}}, "
        + "\"post_processor\": {\"type\": \"BertProcessing\", \"cls\": [101], \"sep\": [\"[SEP]\", 1]}}", "tok.json"))
        .isInstanceOf(TokenizerFileException.class).hasMessageContaining("tok.json post_processor")
        .hasMessageContaining("\"cls\" must be [token, id]");
  }

  @Test
  void tokenizerJsonReadsNormalizerSwitchesAndSpecials() {
    String json = "{\"model\": {\"type\": \"WordPiece\", \"unk_token\": \"<unk>\", \"max_input_chars_per_word\": 3,"
        + " \"vocab\": {\"<unk>\": 0, \"<s>\": 1, \"</s>\": 2, \"[PAD]\": 3, \"Abc\": 4, \"abc\": 5, \"abcd\": 6}},"
        + " \"normalizer\": {\"type\": \"BertNormalizer\", \"lowercase\": false, \"strip_accents\": null,"
        + " \"clean_text\": true, \"handle_chinese_chars\": false},"
        + " \"post_processor\": {\"type\": \"BertProcessing\", \"sep\": [\"</s>\", 2], \"cls\": [\"<s>\", 1]}}";
    WordPieceTokenizer t = WordPieceTokenizer.fromTokenizerJson(json, "custom.json");
    assertThat(t.config().lowercase()).isFalse();
    assertThat(t.config().stripAccents()).isFalse();
    assertThat(t.config().truncationMaxLength()).isZero();
    Encoding e = t.encode("Abc abc abcd");
    assertThat(e.tokens()).containsExactly("<s>", "Abc", "abc", "<unk>", "</s>");
    assertThat(e.ids()).containsExactly(1, 4, 5, 0, 2);
  }

  @Test
  void addedTokensWithNormalizedFalseAreMatchedInTheRawText() {
    String json = "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": 0, \"[CLS]\": 1, \"[SEP]\": 2,"
        + " \"[PAD]\": 3, \"i\": 4, \"feel\": 5}}, \"normalizer\": {\"type\": \"BertNormalizer\"},"
        + " \"added_tokens\": [{\"id\": 6, \"content\": \"<Joy>\", \"normalized\": false, \"special\": false}]}";
    WordPieceTokenizer t = WordPieceTokenizer.fromTokenizerJson(json, "added.json");
    Encoding e = t.encode("I feel<Joy>");
    assertThat(e.tokens()).containsExactly("[CLS]", "i", "feel", "<Joy>", "[SEP]");
    assertThat(e.offsets()[3]).containsExactly(6, 11);
    assertThat(t.decode(e.ids())).isEqualTo("i feel <Joy>");
    // switching off special-token matching leaves [SEP] in the text to ordinary tokenisation
    WordPieceTokenizer.Config c = WordPieceTokenizer.Config.uncased();
    WordPieceTokenizer plain = tokenizer(new WordPieceTokenizer.Config(c.cleanText(), c.handleChineseChars(),
        c.stripAccents(), c.lowercase(), c.unkToken(), c.clsToken(), c.sepToken(), c.padToken(), c.maskToken(),
        c.continuingSubwordPrefix(), c.maxInputCharsPerWord(), 0, 0, false));
    assertThat(plain.encodeWithoutSpecialTokens("[MASK]").tokens()).containsExactly("[", "mask", "]");
  }
}
