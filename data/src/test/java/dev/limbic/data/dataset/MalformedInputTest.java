package dev.limbic.data.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad row, for every loader: FAIL throws naming file, line and problem; SKIP leaves the row out,
 * counts it, reports it, and still loads the good rows around it.
 */
class MalformedInputTest {

  @TempDir
  Path dir;

  interface Loader {
    LoadResult<?> load(Path dir, BadRowPolicy policy) throws IOException;
  }

  /** A file with two good rows and one bad one at {@code badLine}. */
  record Case(String name, String file, Loader loader, byte[] content, int badLine, String problem) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final String EMOBANK_HEADER = "id,split,V,A,D,text\n";
  private static final String MELD_HEADER =
      "Sr No.,Utterance,Speaker,Emotion,Sentiment,Dialogue_ID,Utterance_ID,Season,Episode,StartTime,EndTime\r\n";
  private static final String MELD_ROW_1 = "1,Hi.,Joey,joy,positive,0,0,1,1,\"00:00:01,000\",\"00:00:02,000\"\r\n";
  private static final String MELD_ROW_3 = "3,Bye.,Ross,neutral,neutral,0,2,1,1,\"00:00:05,000\",\"00:00:06,000\"\r\n";
  private static final String EMORY_HEADER =
      "Utterance,Speaker,Emotion,Scene_ID,Utterance_ID,Season,Episode,Start_Time,End_Time\n";
  private static final String EMORY_ROW_1 = "\"Hi, you.\",['Monica Geller'],Joyful,1,1,1,2,00:00:02.877,00:00:07.548\n";
  private static final String EMORY_ROW_3 = "Bye.,['Ross Geller'],Neutral,1,3,1,2,00:00:09.000,00:00:10.000\n";

  static Stream<Case> cases() {
    Loader emobank = (d, p) -> EmoBank.load(d, Split.TRAIN, p);
    Loader dairAi = (d, p) -> DairAiEmotion.load(d, Split.TRAIN, p);
    Loader meld = (d, p) -> Meld.load(d, Split.TRAIN, p);
    Loader goemotions = (d, p) -> GoEmotions.load(d, Split.TRAIN, p);
    Loader emory = (d, p) -> EmoryNlp.load(d, Split.TRAIN, p);
    return Stream.of(
        emobankCase("emobank unterminated quote", "b,train,3.0,3.0,3.0,\"never closed", "bad quoting"),
        emobankCase("emobank quote in unquoted field", "b,train,3.0,3.0,3.0,say \"hi\"", "bad quoting"),
        emobankCase("emobank text after closing quote", "b,train,3.0,3.0,3.0,\"say\" hi", "bad quoting"),
        emobankCase("emobank column count", "b,train,3.0,3.0,no D", "wrong column count: expected 6 fields, found 5"),
        emobankCase("emobank unknown split", "b,validation,3.0,3.0,3.0,x", "unknown label in column split"),
        emobankCase("emobank bad number", "b,train,3.O,3.0,3.0,x", "bad number in column V"),
        emobankCase("emobank NaN", "b,train,3.0,NaN,3.0,x", "bad number in column A"),
        emobankCase("emobank off scale", "b,train,3.0,3.0,5.5,x", "outside the 1–5 scale"),
        emobankCase("emobank duplicate id", "a,train,3.0,3.0,3.0,again", "duplicate id 'a' (first at line 2)"),
        new Case("emobank latin-1", EmoBank.FILE, emobank, concat(EMOBANK_HEADER + "a,train,3.0,3.0,3.0,one\n",
            latin1("b,train,3.0,3.0,3.0,caf\u00e9\n"), "c,train,3.0,3.0,3.0,\"two, \"\"quoted\"\"\"\n"), 3,
            "not valid UTF-8: byte 0xE9"),
        new Case("dair-ai unknown label", "train.txt", dairAi,
            utf8("i feel fine;joy\ni feel odd;happiness\ni feel low;sadness\n"), 2, "unknown label 'happiness'"),
        new Case("dair-ai no separator", "train.txt", dairAi,
            utf8("i feel fine;joy\ni feel odd\ni feel low;sadness\n"), 2, "wrong column count"),
        new Case("dair-ai empty line", "train.txt", dairAi,
            utf8("\ni feel fine;joy\ni feel low;sadness\n"), 1, "empty line"),
        new Case("dair-ai windows-1252", "train.txt", dairAi,
            concat("i feel fine;joy\n", new byte[] {'i', ' ', (byte) 0x93, 'x', ';', 'j', 'o', 'y', '\n'},
                "i feel low;sadness"), 2, "not valid UTF-8: byte 0x93 at byte 3"),
        new Case("meld unknown emotion", "train_sent_emo.csv", meld, utf8(MELD_HEADER + MELD_ROW_1
            + "2,Hm.,Ross,contempt,negative,0,1,1,1,\"00:00:03,000\",\"00:00:04,000\"\r\n" + MELD_ROW_3), 3,
            "unknown label in column Emotion: 'contempt'"),
        new Case("meld bad number", "train_sent_emo.csv", meld, utf8(MELD_HEADER + MELD_ROW_1
            + "2,Hm.,Ross,joy,positive,zero,1,1,1,\"00:00:03,000\",\"00:00:04,000\"\r\n" + MELD_ROW_3), 3,
            "bad number in column Dialogue_ID: 'zero'"),
        new Case("meld bad quoting", "train_sent_emo.csv", meld, utf8(MELD_HEADER + MELD_ROW_1
            + "2,Hm.,Ross,joy,positive,0,1,1,1,\"00:00:03,000,\"00:00:04,000\"\r\n" + MELD_ROW_3), 3,
            "bad quoting"),
        new Case("meld duplicate utterance", "train_sent_emo.csv", meld, utf8(MELD_HEADER + MELD_ROW_1
            + "2,Hm.,Ross,joy,positive,0,0,1,1,\"00:00:03,000\",\"00:00:04,000\"\r\n" + MELD_ROW_3), 3,
            "duplicate utterance (Dialogue_ID 0, Utterance_ID 0), first at line 2"),
        new Case("goemotions unknown label id", "train.tsv", goemotions,
            utf8("Nice.\t0\tid1\nHm.\t27,28\tid2\n\"So \"\"quoted\"\".\"\t3\tid3\n"), 2, "unknown label id 28"),
        new Case("goemotions bad label number", "train.tsv", goemotions,
            utf8("Nice.\t0\tid1\nHm.\t2,x\tid2\nOk.\t3\tid3\n"), 2, "bad number in label list '2,x'"),
        new Case("goemotions column count", "train.tsv", goemotions,
            utf8("Nice.\t0\tid1\nHm.\t2\nOk.\t3\tid3\n"), 2, "wrong column count: expected 3"),
        new Case("goemotions bad quoting", "train.tsv", goemotions,
            utf8("Nice.\t0\tid1\n\"Hm\" no.\t2\tid2\nOk.\t3\tid3\n"), 2, "bad quoting: unexpected ' '"),
        new Case("emorynlp bad speaker literal", "emorynlp_train_final.csv", emory, utf8(EMORY_HEADER + EMORY_ROW_1
            + "Hm.,Ross Geller,Mad,1,2,1,2,00:00:07.000,00:00:08.000\n" + EMORY_ROW_3), 3, "bad Speaker list literal"),
        new Case("emorynlp unknown emotion", "emorynlp_train_final.csv", emory, utf8(EMORY_HEADER + EMORY_ROW_1
            + "Hm.,['Ross Geller'],Angry,1,2,1,2,00:00:07.000,00:00:08.000\n" + EMORY_ROW_3), 3,
            "unknown label in column Emotion: 'Angry'"));
  }

  private static Case emobankCase(String name, String badRow, String problem) {
    return new Case(name, EmoBank.FILE, (d, p) -> EmoBank.load(d, Split.TRAIN, p),
        utf8(EMOBANK_HEADER + "a,train,3.0,3.0,3.0,one\n" + badRow + "\nc,train,1.0,5.0,2.5,\"two, \"\"q\"\"\"\n"),
        3, problem);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void failModeNamesFileLineAndProblem(Case c) throws IOException {
    Path file = Files.write(dir.resolve(c.file()), c.content());
    assertThatThrownBy(() -> c.loader().load(dir, BadRowPolicy.FAIL))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageStartingWith(file + ":" + c.badLine() + ": ")
        .hasMessageContaining(c.problem())
        .satisfies(e -> {
          DatasetFormatException d = (DatasetFormatException) e;
          assertThat(d.file()).isEqualTo(file);
          assertThat(d.line()).isEqualTo(c.badLine());
        });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void skipModeCountsTheRowAndKeepsTheOthers(Case c) throws IOException {
    Path file = Files.write(dir.resolve(c.file()), c.content());
    LoadResult<?> r = c.loader().load(dir, BadRowPolicy.SKIP);
    assertThat(r.size()).isEqualTo(2);
    assertThat(r.skipped()).isEqualTo(1);
    assertThat(r.problems()).singleElement().satisfies(p -> {
      assertThat(p.file()).isEqualTo(file);
      assertThat(p.line()).isEqualTo(c.badLine());
      assertThat(p.problem()).contains(c.problem());
    });
  }

  @Test
  void skipModeKeepsOnlyTheFirstProblemsButCountsAll() throws IOException {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 25; i++) {
      s.append("bad line ").append(i).append(";nolabel\n");
    }
    s.append("i feel fine;joy\n");
    Files.writeString(dir.resolve("train.txt"), s);
    LoadResult<DairAiExample> r = DairAiEmotion.load(dir, Split.TRAIN, BadRowPolicy.SKIP);
    assertThat(r.rows()).containsExactly(new DairAiExample("i feel fine", DairAiEmotion.LABELS.id("joy")));
    assertThat(r.skipped()).isEqualTo(25);
    assertThat(r.problems()).hasSize(LoadResult.MAX_PROBLEMS);
    assertThat(r.problems().get(0).line()).isEqualTo(1);
    assertThat(r.problems().get(0).toString()).endsWith("train.txt:1: unknown label 'nolabel' (expected one of "
        + "[sadness, joy, love, anger, fear, surprise])");
  }

  @Test
  void goodRowsAroundTheBadOneAreParsedCorrectly() throws IOException {
    Files.write(dir.resolve(EmoBank.FILE), utf8(EMOBANK_HEADER + "a,train,3.0,3.0,3.0,one\nb,train,x,3,3,t\n"
        + "c,train,1.0,5.0,2.5,\"two, \"\"q\"\"\"\nd,dev,2,2,2,other split\n"));
    LoadResult<EmoBankExample> r = EmoBank.load(dir, Split.TRAIN, BadRowPolicy.SKIP);
    assertThat(r.rows()).containsExactly(new EmoBankExample("a", Split.TRAIN, 3, 3, 3, "one"),
        new EmoBankExample("c", Split.TRAIN, 1, 5, 2.5, "two, \"q\""));
  }

  @Test
  void aBadHeaderFailsEvenWhenSkipping() throws IOException {
    Files.writeString(dir.resolve(EmoBank.FILE), "id,split,V,A,text\na,train,3,3,x\n");
    assertThatThrownBy(() -> EmoBank.load(dir, Split.TRAIN, BadRowPolicy.SKIP))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageEndingWith(":1: header lacks column 'D' (found [id, split, V, A, text])");
    Files.writeString(dir.resolve(EmoBank.FILE), "");
    assertThatThrownBy(() -> EmoBank.load(dir, Split.TRAIN, BadRowPolicy.SKIP))
        .hasMessageContaining(":1: empty file");
  }

  @Test
  void emoBankGenreMetadataIsStrict() throws IOException {
    Files.writeString(dir.resolve(EmoBank.META_FILE), "id\tdocument\tcategory\tsubcategory\n"
        + "a\tdoc1\tblog\t \nb\tdoc2\tfiction\t \n");
    assertThat(EmoBank.genres(dir)).containsExactly(Map.entry("a", "blog"), Map.entry("b", "fiction"));
    Files.writeString(dir.resolve(EmoBank.META_FILE), "id\tdocument\tcategory\tsubcategory\n"
        + "a\tdoc1\tblog\t \na\tdoc2\tfiction\t \n");
    assertThatThrownBy(() -> EmoBank.genres(dir)).isInstanceOf(DatasetFormatException.class)
        .hasMessageEndingWith("meta.tsv:3: duplicate id 'a' (first at line 2)");
  }

  @Test
  void aMissingFileNamesIt() {
    assertThatThrownBy(() -> Meld.load(dir, Split.DEV))
        .isInstanceOf(NoSuchFileException.class).hasMessageContaining("dev_sent_emo.csv");
  }

  @Test
  void goEmotionsLabelFileMustBeTheOfficialList() throws IOException {
    Files.writeString(dir.resolve("train.tsv"), "Nice.\t0\tid1\n");
    Files.writeString(dir.resolve("emotions.txt"), String.join("\n", GoEmotions.LABELS.names()));
    assertThat(GoEmotions.load(dir, Split.TRAIN).size()).isEqualTo(1); // no trailing newline is fine
    Files.writeString(dir.resolve("emotions.txt"), "amusement\nadmiration\n");
    assertThatThrownBy(() -> GoEmotions.load(dir, Split.TRAIN, BadRowPolicy.SKIP))
        .hasMessageEndingWith("emotions.txt:1: label list differs from the official order: found 'amusement', "
            + "expected 'admiration'");
  }

  @Test
  void goEmotionsGroupingWithAnUnknownLabelNamesItsLine() throws IOException {
    Files.writeString(dir.resolve("ekman_mapping.json"), "{\n\"anger\": [\"anger\"],\n\"joy\": [\"happiness\"]\n}");
    assertThatThrownBy(() -> GoEmotions.ekman(dir)).isInstanceOf(DatasetFormatException.class)
        .hasMessageEndingWith("ekman_mapping.json:3: unknown label 'happiness' in group 'joy'");
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static byte[] concat(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object p : parts) {
      out.writeBytes(p instanceof byte[] b ? b : utf8((String) p));
    }
    return out.toByteArray();
  }
}
