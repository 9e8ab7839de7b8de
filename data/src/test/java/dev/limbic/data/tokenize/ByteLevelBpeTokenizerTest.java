package dev.limbic.data.tokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limbic.data.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GPT-2 pre-tokeniser's pitfalls, the byte table, merge order, RoBERTa specials and file errors. */
class ByteLevelBpeTokenizerTest {

  static final Pattern GPT2_REGEX = Pattern.compile(
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
      Pattern.UNICODE_CHARACTER_CLASS);

  static List<String> scannerPieces(String text) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int end : Gpt2PreTokenizer.split(text, 0, text.length())) {
      out.add(text.substring(start, end));
      start = end;
    }
    return out;
  }

  static List<String> regexPieces(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = GPT2_REGEX.matcher(text);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  @Test
  void preTokenizerPitfalls() {
    assertThat(scannerPieces("It's they're I'M")).containsExactly("It", "'s", " they", "'re", " I", "'", "M");
    assertThat(scannerPieces("   leading")).containsExactly("  ", " leading");
    assertThat(scannerPieces("a\n\nb")).containsExactly("a", "\n", "\n", "b");
    assertThat(scannerPieces("a  \nb")).containsExactly("a", "  ", "\n", "b");
    assertThat(scannerPieces("end  ")).containsExactly("end", "  ");
    assertThat(scannerPieces("x\u00A0y\u3000z")).containsExactly("x", "\u00A0", "y", "\u3000", "z");
    assertThat(scannerPieces("123abc !?")).containsExactly("123", "abc", " !?");
    // emoji (a surrogate pair), ZWJ, variation selector and combining marks are neither letters nor numbers
    assertThat(scannerPieces("hi \uD83D\uDC68\u200D\uD83D\uDC69!"))
        .containsExactly("hi", " \uD83D\uDC68\u200D\uD83D\uDC69!");
    assertThat(scannerPieces("cafe\u0301s")).containsExactly("cafe", "\u0301", "s");
    assertThat(scannerPieces("")).isEmpty();
  }

  @Test
  void scannerAgreesWithTheUnicodeRegexOnRandomText() {
    // an alphabet built around the rules' edges: apostrophes and contraction letters, every kind of space,
    // astral letters and digits, marks, emoji, ZWJ, variation selector, CJK, punctuation
    String[] alphabet = {"'", "s", "t", "r", "e", "v", "m", "l", "d", "S", "L", " ", " ", "\t", "\n", "\r",
        "\u00A0", "\u3000", "\u2028", "1", "\u0661", "\u00B2", "\u2167", "a", "Z", "\u00E9", "\u0301", "\u4E2D",
        "\uD835\uDC00", "\uD83D\uDE00", "\u200D", "\uFE0F", "!", ".", "-", "_", "$", "\u20AC", "\uD800\uDD07"};
    Random random = new Random(20261204);
    for (int trial = 0; trial < 3000; trial++) {
      StringBuilder sb = new StringBuilder();
      int n = random.nextInt(16);
      for (int i = 0; i < n; i++) {
        sb.append(alphabet[random.nextInt(alphabet.length)]);
      }
      String text = sb.toString();
      assertThat(scannerPieces(text)).as("pieces of \"%s\"", text.replace("\n", "\\n")).isEqualTo(regexPieces(text));
    }
  }

  @Test
  void byteTableIsGpt2s() {
    char[] table = ByteLevelBpeTokenizer.byteToUnicode();
    assertThat(table[' ']).isEqualTo('\u0120');
    assertThat(table['\n']).isEqualTo('\u010A');
    assertThat(table['A']).isEqualTo('A');
    assertThat(table[0xAD]).isEqualTo('\u0143'); // the last remapped byte
    assertThat(new String(table).chars().distinct().count()).isEqualTo(256);
  }

  /** A tiny RoBERTa-style vocabulary: specials, the 256 byte symbols, and the merges for "hello" and "world". */
  static String[] tinyRoberta() {
    String[] merges = {"h e", "l l", "he ll", "hell o", "\u0120 w", "o r", "\u0120w or", "l d", "\u0120wor ld",
        "\u0120 hello"};
    Map<String, Object> vocab = new LinkedHashMap<>();
    for (String s : new String[] {"<s>", "<pad>", "</s>", "<unk>"}) {
      vocab.put(s, (long) vocab.size());
    }
    for (char c : ByteLevelBpeTokenizer.byteToUnicode()) {
      vocab.put(String.valueOf(c), (long) vocab.size());
    }
    for (String m : merges) {
      vocab.put(m.replace(" ", ""), (long) vocab.size());
    }
    vocab.put("<mask>", (long) vocab.size());
    return new String[] {Json.write(vocab), "#version: 0.2\n" + String.join("\n", merges) + "\n"};
  }

  static ByteLevelBpeTokenizer roberta(boolean addPrefixSpace) {
    String[] files = tinyRoberta();
    return ByteLevelBpeTokenizer.of(files[0], "vocab.json", files[1], "merges.txt",
        ByteLevelBpeTokenizer.SpecialTokens.roberta(), addPrefixSpace);
  }

  @Test
  void robertaWrapsSingleTextsAndPairs() {
    ByteLevelBpeTokenizer t = roberta(false);
    assertThat(t.padId()).isEqualTo(1);
    Encoding e = t.encode("hello world");
    assertThat(e.tokens()).containsExactly("<s>", "hello", "\u0120world", "</s>");
    assertThat(e.ids()[0]).isZero();
    assertThat(e.ids()[3]).isEqualTo(2);
    assertThat(e.offsets()).isDeepEqualTo(new int[][] {{-1, -1}, {0, 5}, {6, 11}, {-1, -1}});
    Encoding pair = t.encodePair("hello", "world", 16);
    assertThat(pair.tokens()).containsExactly("<s>", "hello", "</s>", "</s>", "w", "or", "ld", "</s>");
    assertThat(pair.typeIds()).as("RoBERTa has one token type").containsOnly(0);
    Encoding cut = t.encodePair("hello world hello world", "world", 7);
    assertThat(cut.length()).isEqualTo(7);
    assertThat(cut.tokens()).containsExactly("<s>", "hello", "\u0120world", "</s>", "</s>", "w", "</s>");
    assertThatThrownBy(() -> t.encodePair("a", "b", 3)).hasMessageContaining("maxLength 3");
  }

  @Test
  void prefixSpaceMakesTheFirstWordLookLikeTheOthers() {
    ByteLevelBpeTokenizer t = roberta(true);
    Encoding e = t.encode("hello world");
    assertThat(e.tokens()).containsExactly("<s>", "\u0120hello", "\u0120world", "</s>");
    assertThat(e.offsets()[1]).as("the added space is not in the text").containsExactly(0, 5);
    assertThat(t.decode(e.ids())).isEqualTo(" hello world");
  }

  @Test
  void maskInTheTextTakesTheSpaceBeforeIt() {
    ByteLevelBpeTokenizer t = roberta(false);
    Encoding e = t.encode("hello <mask>!");
    assertThat(e.tokens()).containsExactly("<s>", "hello", "<mask>", "!", "</s>");
    assertThat(e.ids()[2]).isEqualTo(t.maskId());
    assertThat(e.offsets()[2]).containsExactly(6, 12);
    assertThat(t.decode(e.ids())).as("special tokens are dropped").isEqualTo("hello!");
  }

  @Test
  void mergesApplyLowestRankFirst() {
    // "ab" ranks before "bc", so "abc" → "ab" + "c" although "bc" also exists
    Map<String, Object> vocab = new LinkedHashMap<>();
    for (String s : new String[] {"a", "b", "c", "ab", "bc"}) {
      vocab.put(s, (long) vocab.size());
    }
    ByteLevelBpeTokenizer t = ByteLevelBpeTokenizer.of(Json.write(vocab), "v.json", "a b\nb c\n", "m.txt", null,
        false);
    assertThat(t.encode("abc").tokens()).containsExactly("ab", "c");
    assertThat(t.encode("bcab").tokens()).containsExactly("bc", "ab");
    ByteLevelBpeTokenizer reversed = ByteLevelBpeTokenizer.of(Json.write(vocab), "v.json", "b c\na b\n", "m.txt",
        null, false);
    assertThat(reversed.encode("abc").tokens()).containsExactly("a", "bc");
    assertThatThrownBy(() -> t.encode("d")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("\"d\" is not in the vocabulary");
  }

  @Test
  void multiByteCharactersSplitAcrossTokensShareTheCharactersSpan() throws IOException {
    ByteLevelBpeTokenizer gpt2 = ByteLevelBpeGpt2ReferenceTest.gpt2();
    String text = "Hello \uD83C\uDF55";
    Encoding e = gpt2.encode(text);
    assertThat(e.offsets()[0]).containsExactly(0, 5);
    for (int t = 1; t < e.length(); t++) {
      assertThat(e.offsets()[t]).as("token %d %s", t, e.tokens()[t]).containsExactly(6, 8);
    }
    assertThat(gpt2.decode(new int[] {e.ids()[1]})).as("half an emoji decodes to U+FFFD").contains("\uFFFD");
    assertThat(gpt2.decode(e.ids())).isEqualTo(text);
  }

  @Test
  void badMergesNameFileAndLine(@TempDir Path dir) throws IOException {
    String vocab = tinyRoberta()[0];
    Path vocabFile = dir.resolve("vocab.json");
    Files.writeString(vocabFile, vocab);
    Path three = dir.resolve("three.txt");
    Files.writeString(three, "#version: 0.2\nh e\nhe l l\n");
    assertThatThrownBy(() -> ByteLevelBpeTokenizer.roberta(vocabFile, three, false))
        .isInstanceOf(TokenizerFileException.class).hasMessageContaining(three + " line 3")
        .hasMessageContaining("two symbols");
    Path unknown = dir.resolve("unknown.txt");
    Files.writeString(unknown, "h e\nx y\n");
    assertThatThrownBy(() -> ByteLevelBpeTokenizer.roberta(vocabFile, unknown, false))
        .hasMessageContaining(unknown + " line 2").hasMessageContaining("\"xy\", which is not in the vocabulary");
    Path repeated = dir.resolve("repeated.txt");
    Files.writeString(repeated, "h e\nl l\nh e\n");
    assertThatThrownBy(() -> ByteLevelBpeTokenizer.roberta(vocabFile, repeated, false))
        .hasMessageContaining(repeated + " line 3").hasMessageContaining("repeats " + repeated + " line 1");
    Path empty = dir.resolve("empty.txt");
    Files.writeString(empty, "#version: 0.2\n");
    assertThatThrownBy(() -> ByteLevelBpeTokenizer.roberta(vocabFile, empty, false))
        .hasMessageContaining(empty.toString()).hasMessageContaining("no merges");
  }

  @Test
  void badVocabularyFilesNameFileAndEntry(@TempDir Path dir) throws IOException {
    Path merges = dir.resolve("merges.txt");
    Files.writeString(merges, "a b\n");
    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\"a\": 0,\n \"b\": 1,\n}");
    assertThatThrownBy(() -> ByteLevelBpeTokenizer.gpt2(broken, merges)).isInstanceOf(TokenizerFileException.class)
        .hasMessageContaining(broken + ":3:");
    Path stringId = dir.resolve("string-id.json");
    Files.writeString(stringId, "{\"a\": 0, \"b\": \"1\", \"ab\": 2}");
    assertThatThrownBy(() -> ByteLevelBpeTokenizer.gpt2(stringId, merges)).hasMessageContaining(stringId.toString())
        .hasMessageContaining("\"b\" must map to a non-negative integer id");
    Path sharedId = dir.resolve("shared.json");
    Files.writeString(sharedId, "{\"a\": 0, \"b\": 0, \"ab\": 2}");
    assertThatThrownBy(() -> ByteLevelBpeTokenizer.gpt2(sharedId, merges)).hasMessageContaining("share id 0");
    Path noSpecials = dir.resolve("plain.json");
    Files.writeString(noSpecials, "{\"a\": 0, \"b\": 1, \"ab\": 2}");
    assertThatThrownBy(() -> ByteLevelBpeTokenizer.roberta(noSpecials, merges, false))
        .hasMessageContaining(noSpecials.toString()).hasMessageContaining("\"<s>\" is not in the vocabulary");
  }
}
