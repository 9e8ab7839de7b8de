package dev.limbic.data.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** MELD against the table and quirks of DATA.md §3. */
class MeldTest {

  record Expected(int utterances, int dialogues, int speakers, Map<String, Integer> emotions,
      Map<String, Integer> sentiments, int dialoguesWithGaps, int longestDialogue) {}

  @Test
  void rowsDialoguesSpeakersAndLabelsMatchDataMd() throws Exception {
    Path dir = SharedData.dir("meld");
    check(dir, Split.TRAIN, new Expected(9989, 1038, 260,
        Map.of("neutral", 4710, "joy", 1743, "surprise", 1205, "anger", 1109, "sadness", 683, "disgust", 271,
            "fear", 268),
        Map.of("neutral", 4710, "negative", 2945, "positive", 2334), 72, 24));
    check(dir, Split.DEV, new Expected(1109, 114, 47,
        Map.of("neutral", 470, "joy", 163, "surprise", 150, "anger", 153, "sadness", 111, "disgust", 22,
            "fear", 40),
        Map.of("neutral", 470, "negative", 406, "positive", 233), 2, -1));
    check(dir, Split.TEST, new Expected(2610, 280, 100,
        Map.of("neutral", 1256, "joy", 402, "surprise", 281, "anger", 345, "sadness", 208, "disgust", 68,
            "fear", 50),
        Map.of("neutral", 1256, "negative", 833, "positive", 521), 2, 33));
  }

  @Test
  void dialoguesAreOrderedByUtteranceIdWithGapsKept() throws Exception {
    List<MeldUtterance> train = Meld.load(SharedData.dir("meld"), Split.TRAIN).rows();
    List<Dialogue<MeldUtterance>> dialogues = Meld.dialogues(train);
    Map<String, Dialogue<MeldUtterance>> byId = Dialogue.byId(dialogues);
    assertThat(byId).doesNotContainKey("60"); // DATA.md: Dialogue_ID 60 is absent
    Dialogue<MeldUtterance> d1 = byId.get("1");
    assertThat(d1.turns()).extracting(MeldUtterance::utteranceId).containsExactly(0, 1, 2, 3, 4, 5, 8);
    assertThat(d1.turns().get(0).speaker()).isEqualTo("Joey");
    assertThat(d1.turns().get(0).text()).isEqualTo("But then who? The waitress I went out with last month?");
    // mean 9.6 utterances per dialogue
    assertThat((double) train.size() / dialogues.size()).isCloseTo(9.6, within(0.05));
    // quoted time field keeps its comma; curly apostrophe decoded as UTF-8
    assertThat(train.get(0).startTime()).isEqualTo("00:16:16,059");
    assertThat(train.get(0).text()).contains("company\u2019s");
  }

  @Test
  void repeatedShortUtterancesMatchDataMd() throws Exception {
    List<MeldUtterance> train = Meld.load(SharedData.dir("meld"), Split.TRAIN).rows();
    Map<String, Integer> counts = new java.util.HashMap<>();
    train.forEach(u -> counts.merge(u.text(), 1, Integer::sum));
    assertThat(counts.get("Hey!")).isEqualTo(79);
    assertThat(counts.get("Okay.")).isEqualTo(64);
    assertThat(train.size() - counts.size()).as("duplicate utterance strings in train").isEqualTo(1058);
  }

  private static void check(Path dir, Split split, Expected x) throws Exception {
    LoadResult<MeldUtterance> r = Meld.load(dir, split);
    assertThat(r.skipped()).isZero();
    List<MeldUtterance> rows = r.rows();
    assertThat(rows).as(split + " utterances").hasSize(x.utterances());
    List<Dialogue<MeldUtterance>> dialogues = Meld.dialogues(rows);
    assertThat(dialogues).as(split + " dialogues").hasSize(x.dialogues());
    Set<String> speakers = new HashSet<>();
    rows.forEach(u -> speakers.add(u.speaker()));
    assertThat(speakers).as(split + " speakers").hasSize(x.speakers());
    assertThat(Meld.EMOTIONS.byName(Meld.EMOTIONS.count(rows, MeldUtterance::emotion))).isEqualTo(x.emotions());
    assertThat(Meld.SENTIMENTS.byName(Meld.SENTIMENTS.count(rows, MeldUtterance::sentiment)))
        .isEqualTo(x.sentiments());
    long withGaps = dialogues.stream().filter(d -> {
      List<MeldUtterance> t = d.turns();
      return t.get(t.size() - 1).utteranceId() - t.get(0).utteranceId() + 1 != t.size() || t.get(0).utteranceId() != 0;
    }).count();
    assertThat(withGaps).as(split + " dialogues with Utterance_ID gaps").isEqualTo(x.dialoguesWithGaps());
    if (x.longestDialogue() > 0) {
      assertThat(dialogues.stream().mapToInt(Dialogue::size).max().orElseThrow()).isEqualTo(x.longestDialogue());
    }
    for (Dialogue<MeldUtterance> d : dialogues) {
      for (int i = 1; i < d.size(); i++) {
        assertThat(d.turns().get(i).utteranceId()).isGreaterThan(d.turns().get(i - 1).utteranceId());
      }
    }
  }
}
