package dev.limbic.data.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IEMOCAP is licence-restricted, so this test writes a small release tree in the documented format (DATA.md §6)
 * and checks the join, the dialogue grouping, the 4-way/6-way mappings (MODELS.md §3.1) and the session folds.
 */
class IemocapTest {

  @TempDir
  Path release;

  /** One turn of the fixture; {@code code == null} means the EmoEvaluation file does not list it. */
  record Turn(String id, double start, double end, String text, String code, double v, double a, double d) {}

  private final Map<String, List<Turn>> dialogs = new LinkedHashMap<>();

  @BeforeEach
  void writeFixture() throws IOException {
    dialog("Ses01F_impro01",
        new Turn("Ses01F_impro01_F000", 6.2901, 8.2357, "Excuse me.", "neu", 2.5, 2.5, 2.5),
        new Turn("Ses01F_impro01_M000", 7.5712, 10.4750, "Do you have your forms?", "fru", 2.0, 3.5, 3.5),
        new Turn("Ses01F_impro01_F001", 10.0100, 11.3925, "Yeah. [LAUGHTER]", "exc", 4.0, 4.0, 3.0),
        new Turn("Ses01F_impro01_M001", 14.8872, 18.0175, "Let me see them.", "hap", 3.5, 3.0, 3.0),
        new Turn("Ses01F_impro01_F002", 18.2000, 19.0000, "Okay.", null, 0, 0, 0));
    dialog("Ses01M_script01_1",
        new Turn("Ses01M_script01_1_F000", 1.0, 2.5, "You're late, again.", "ang", 1.5, 4.0, 4.5),
        new Turn("Ses01M_script01_1_M000", 2.6, 4.0, "I know, I'm sorry.", "sad", 2.0, 2.0, 2.0),
        new Turn("Ses01M_script01_1_M001", 4.2, 5.0, "[BREATHING]", "xxx", 2.5, 3.0, 3.0));
    dialog("Ses02F_impro02",
        new Turn("Ses02F_impro02_F000", 3.0, 4.0, "He's gone.", "sad", 1.5, 2.0, 2.0),
        new Turn("Ses02F_impro02_M000", 4.5, 5.5, "I see.", "neu", 3.0, 2.5, 3.0));
    dialog("Ses05M_impro03",
        new Turn("Ses05M_impro03_M000", 0.5, 2.0, "I got the job!", "exc", 4.5, 4.5, 3.5),
        new Turn("Ses05M_impro03_F000", 2.2, 3.0, "Again? Whatever.", "fru", 2.0, 3.0, 3.0),
        new Turn("Ses05M_impro03_M001", 3.1, 4.0, "Wait, what?", "sur", 3.0, 4.0, 2.5));
    for (Map.Entry<String, List<Turn>> e : dialogs.entrySet()) {
      write(e.getKey(), transcription(e.getValue(), true), evaluation(e.getValue()));
    }
    // a macOS AppleDouble copy next to a transcription must not be read as a dialog
    Files.writeString(transcriptions(1).resolve("._Ses01F_impro01.txt"), "\u0000binary");
  }

  private void dialog(String name, Turn... turns) {
    dialogs.put(name, List.of(turns));
  }

  private Path transcriptions(int session) {
    return release.resolve("Session" + session).resolve("dialog").resolve("transcriptions");
  }

  private void write(String dialog, String transcription, String evaluation) throws IOException {
    int session = Integer.parseInt(dialog.substring(3, 5));
    Path t = transcriptions(session);
    Path e = release.resolve("Session" + session).resolve("dialog").resolve("EmoEvaluation");
    Files.createDirectories(t);
    Files.createDirectories(e);
    Files.writeString(t.resolve(dialog + ".txt"), transcription);
    Files.writeString(e.resolve(dialog + ".txt"), evaluation);
  }

  /** {@code Ses01F_impro01_F000 [006.2901-008.2357]: Excuse me.}, plus one non-turn line. */
  static String transcription(List<Turn> turns, boolean withNonTurnLine) {
    StringBuilder s = new StringBuilder();
    for (Turn t : turns) {
      s.append(String.format(Locale.ROOT, "%s [%08.4f-%08.4f]: %s%n", t.id(), t.start(), t.end(), t.text()));
      if (withNonTurnLine && t == turns.get(0)) {
        s.append(t.id(), 0, t.id().lastIndexOf('_')).append("_MXX0 [GARBAGE]\n"); // no time span: not a turn
      }
    }
    return s.toString();
  }

  /** The EmoEvaluation layout: % header, then one block per annotated turn, blocks separated by blank lines. */
  static String evaluation(List<Turn> turns) {
    StringBuilder s = new StringBuilder("% [START_TIME - END_TIME] TURN_NAME EMOTION [V, A, D]\n\n");
    for (Turn t : turns) {
      if (t.code() == null) {
        continue;
      }
      s.append(String.format(Locale.ROOT, "[%.4f - %.4f]\t%s\t%s\t[%.4f, %.4f, %.4f]\n", t.start(), t.end(), t.id(),
          t.code(), t.v(), t.a(), t.d()));
      s.append("C-E1:\tNeutral;\t()\nC-E3:\tFrustration; Anger;\t(annoyed)\n");
      s.append("A-E3:\tval 2; act 4; dom  4;\t()\nA-F1:\tval 3; act 3; dom  3;\t()\n\n");
    }
    return s.toString();
  }

  @Test
  void joinsTranscriptionsWithEvaluationsInSessionDialogAndTranscriptOrder() throws IOException {
    LoadResult<IemocapUtterance> r = Iemocap.load(release);
    assertThat(r.skipped()).isZero();
    List<Turn> expected = new ArrayList<>();
    dialogs.values().forEach(expected::addAll);
    assertThat(r.rows()).extracting(IemocapUtterance::turnId)
        .containsExactlyElementsOf(expected.stream().map(Turn::id).toList());
    for (int i = 0; i < expected.size(); i++) {
      Turn t = expected.get(i);
      IemocapUtterance u = r.rows().get(i);
      assertThat(u.text()).isEqualTo(t.text());
      assertThat(u.start()).isEqualTo(t.start());
      assertThat(u.end()).isEqualTo(t.end());
      assertThat(u.session()).isEqualTo(Integer.parseInt(t.id().substring(3, 5)));
      assertThat(u.dialogId()).isEqualTo(t.id().substring(0, t.id().lastIndexOf('_')));
      assertThat(u.speaker()).isEqualTo(t.id().substring(0, 5) + t.id().charAt(t.id().lastIndexOf('_') + 1));
      assertThat(u.improvised()).isEqualTo(t.id().contains("_impro"));
      if (t.code() == null) {
        assertThat(u.evaluation()).isEmpty();
        assertThat(u.code()).isEmpty();
      } else {
        assertThat(u.evaluation()).contains(new IemocapEvaluation(t.code(), t.v(), t.a(), t.d()));
      }
    }
  }

  @Test
  void dialoguesKeepTranscriptOrderAndSpeakers() throws IOException {
    List<Dialogue<IemocapUtterance>> ds = Iemocap.dialogues(Iemocap.load(release).rows());
    assertThat(ds).extracting(Dialogue::id).containsExactlyElementsOf(dialogs.keySet());
    Dialogue<IemocapUtterance> first = ds.get(0);
    assertThat(first.turns()).extracting(IemocapUtterance::speaker)
        .containsExactly("Ses01F", "Ses01M", "Ses01F", "Ses01M", "Ses01F");
    assertThat(first.turns()).extracting(IemocapUtterance::index).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void fourWayMergesExcitedIntoHappyAndDropsFrustration() throws IOException {
    List<IemocapUtterance> rows = Iemocap.load(release).rows();
    IemocapTask four = IemocapTask.FOUR_WAY;
    assertThat(four.labels().names()).containsExactly("angry", "happy", "sad", "neutral");
    assertThat(four.label("exc")).isEqualTo(four.label("hap")).isEqualTo(1);
    assertThat(four.label("fru")).isEqualTo(IemocapTask.UNLABELED);
    assertThat(four.label("xxx")).isEqualTo(IemocapTask.UNLABELED);
    assertThat(four.label("")).isEqualTo(IemocapTask.UNLABELED);
    // fixture: ang 1; hap 1 + exc 2; sad 2; neu 2
    assertThat(four.labels().byName(four.counts(rows)))
        .isEqualTo(Map.of("angry", 1, "happy", 3, "sad", 2, "neutral", 2));
    assertThat(four.labeled(rows)).hasSize(8);
  }

  @Test
  void sixWayKeepsExcitedAndFrustratedApart() throws IOException {
    List<IemocapUtterance> rows = Iemocap.load(release).rows();
    IemocapTask six = IemocapTask.SIX_WAY;
    assertThat(six.labels().names()).containsExactly("angry", "happy", "sad", "neutral", "excited", "frustrated");
    assertThat(six.labels().byName(six.counts(rows)))
        .isEqualTo(Map.of("angry", 1, "happy", 1, "sad", 2, "neutral", 2, "excited", 2, "frustrated", 2));
    assertThat(six.label("sur")).isEqualTo(IemocapTask.UNLABELED);
    // unlabeled turns stay in the dialogues as context
    assertThat(Iemocap.dialogues(rows).get(0).size()).isEqualTo(5);
  }

  @Test
  void sessionFolds() throws IOException {
    List<IemocapUtterance> rows = Iemocap.load(release).rows();
    SessionSplit sc = SessionSplit.SENTIC_CRYSTAL;
    assertThat(sc.select(rows, Split.TRAIN)).allMatch(u -> u.session() == 2).hasSize(2);
    assertThat(sc.select(rows, Split.DEV)).allMatch(u -> u.session() == 1).hasSize(8);
    assertThat(sc.select(rows, Split.TEST)).allMatch(u -> u.session() == 5).hasSize(3);

    assertThat(SessionSplit.SESSION5_TEST.select(rows, Split.TRAIN)).hasSize(10);
    assertThat(SessionSplit.SESSION5_TEST.select(rows, Split.DEV)).isEmpty();

    List<SessionSplit> folds = SessionSplit.leaveOneSessionOutFolds();
    assertThat(folds).hasSize(5);
    int tested = 0;
    for (int k = 1; k <= 5; k++) {
      SessionSplit fold = folds.get(k - 1);
      assertThat(fold.test()).containsExactly(k);
      assertThat(fold.train()).hasSize(4).doesNotContain(k);
      List<IemocapUtterance> test = fold.select(rows, Split.TEST);
      List<IemocapUtterance> train = fold.select(rows, Split.TRAIN);
      assertThat(test.size() + train.size()).isEqualTo(rows.size());
      int session = k;
      assertThat(test).allMatch(u -> u.session() == session);
      // speaker-independent: no actor on both sides
      assertThat(train).noneMatch(u -> test.stream().anyMatch(t -> t.speaker().equals(u.speaker())));
      tested += test.size();
    }
    assertThat(tested).isEqualTo(rows.size()); // every turn is tested exactly once
    assertThatThrownBy(() -> SessionSplit.leaveOneSessionOut(6)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void malformedEvaluationLinesFailOrAreSkipped() throws IOException {
    List<Turn> turns = dialogs.get("Ses02F_impro02");
    String good = evaluation(turns);
    Path eval = release.resolve("Session2/dialog/EmoEvaluation/Ses02F_impro02.txt");
    // each: evaluation text with one bad consensus line, its line number, the problem. The good file has the
    // % header on line 1, a blank line 2, the F000 block on lines 3-8 and the M000 block on lines 9-14.
    Object[][] cases = {
        {good.replace("\tsad\t", "\tsadness\t"), 3, "unknown label 'sadness' (expected one of [ang, dis, exc,"},
        {good.replace("[1.5000, 2.0000, 2.0000]", "[1.5.00, 2.0000, 2.0000]"), 3, "bad number '1.5.00' in [v, a, d]"},
        {good.replace("\tsad\t[", "  sad  ["), 3, "malformed evaluation line"},
        {good + "[9.0000 - 9.5000]\tSes02F_impro02_F007\tneu\t[3.0000, 3.0000, 3.0000]\n", 15,
            "evaluation for turn 'Ses02F_impro02_F007', which Ses02F_impro02.txt does not have"},
        {good + "[3.0000 - 4.0000]\tSes02F_impro02_F000\tneu\t[3.0000, 3.0000, 3.0000]\n", 15,
            "duplicate evaluation of turn 'Ses02F_impro02_F000', first at line 3"}};
    for (Object[] c : cases) {
      Files.writeString(eval, (String) c[0]);
      String problem = (String) c[2];
      assertThatThrownBy(() -> Iemocap.load(release)).as(problem).isInstanceOf(DatasetFormatException.class)
          .hasMessageStartingWith(eval + ":" + c[1] + ": " + problem);
      LoadResult<IemocapUtterance> r = Iemocap.load(release, BadRowPolicy.SKIP);
      assertThat(r.skipped()).as(problem).isEqualTo(1);
      assertThat(r.problems().get(0).line()).isEqualTo(((Integer) c[1]).longValue());
      assertThat(r.rows()).hasSize(13);
    }
  }

  @Test
  void malformedTranscriptionTurnsFailOrAreSkipped() throws IOException {
    List<Turn> turns = dialogs.get("Ses05M_impro03");
    Path t = transcriptions(5).resolve("Ses05M_impro03.txt");
    String good = transcription(turns, false);
    // line 2 belongs to another dialog; SKIP leaves it out and its evaluation becomes an orphan (a 2nd problem)
    Files.writeString(t, good.replace("Ses05M_impro03_F000 ", "Ses05M_impro04_F000 "));
    assertThatThrownBy(() -> Iemocap.load(release)).isInstanceOf(DatasetFormatException.class)
        .hasMessage(t + ":2: turn id 'Ses05M_impro04_F000' is not <Ses05M_impro03>_<F|M><number>");
    LoadResult<IemocapUtterance> r = Iemocap.load(release, BadRowPolicy.SKIP);
    assertThat(r.skipped()).isEqualTo(2);
    assertThat(r.rows()).hasSize(12).noneMatch(u -> u.turnId().contains("impro04"));
    assertThat(r.problems().get(1).problem()).contains("evaluation for turn 'Ses05M_impro03_F000'");

    Files.writeString(t, good + good.lines().findFirst().orElseThrow() + "\n");
    assertThatThrownBy(() -> Iemocap.load(release))
        .hasMessage(t + ":4: duplicate turn 'Ses05M_impro03_M000', first at line 1");

    Files.writeString(t, good);
    Files.delete(release.resolve("Session5/dialog/EmoEvaluation/Ses05M_impro03.txt"));
    assertThatThrownBy(() -> Iemocap.load(release)).isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("Ses05M_impro03.txt");
  }

  @Test
  void aFolderWithoutSessionsIsReported() {
    assertThatThrownBy(() -> Iemocap.load(release.resolve("Session1"))).isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("no Session<N> folders");
  }
}
