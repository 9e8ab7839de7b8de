package dev.limbic.data.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** GoEmotions against DATA.md §4. */
class GoEmotionsTest {

  // label counts train / dev / test, DATA.md §4
  private static final Object[][] LABEL_COUNTS = {
      {"neutral", 14219, 1766, 1787}, {"admiration", 4130, 488, 504}, {"approval", 2939, 397, 351},
      {"gratitude", 2662, 358, 352}, {"annoyance", 2470, 303, 320}, {"amusement", 2328, 303, 264},
      {"curiosity", 2191, 248, 284}, {"love", 2086, 252, 238}, {"disapproval", 2022, 292, 267},
      {"optimism", 1581, 209, 186}, {"anger", 1567, 195, 198}, {"joy", 1452, 172, 161},
      {"confusion", 1368, 152, 153}, {"sadness", 1326, 143, 156}, {"disappointment", 1269, 163, 151},
      {"realization", 1110, 127, 145}, {"caring", 1087, 153, 135}, {"surprise", 1060, 129, 141},
      {"excitement", 853, 96, 103}, {"disgust", 793, 97, 123}, {"desire", 641, 77, 83}, {"fear", 596, 90, 78},
      {"remorse", 545, 68, 56}, {"embarrassment", 303, 35, 37}, {"nervousness", 164, 21, 23},
      {"relief", 153, 18, 11}, {"pride", 111, 15, 16}, {"grief", 77, 13, 6}};

  @Test
  void rowsLabelsPerExampleAndLabelCountsMatchDataMd() throws Exception {
    Path dir = SharedData.dir("goemotions");
    check(dir, Split.TRAIN, 43_410, Map.of(1, 36_308, 2, 6_541, 3, 532, 4, 28, 5, 1));
    check(dir, Split.DEV, 5_426, Map.of(1, 4_548, 2, 809, 3, 62, 4, 7));
    check(dir, Split.TEST, 5_427, Map.of(1, 4_590, 2, 774, 3, 61, 4, 2));
  }

  @Test
  void csvStyleQuotedTextsAreUnescaped() throws Exception {
    List<GoEmotionsExample> train = GoEmotions.load(SharedData.dir("goemotions"), Split.TRAIN).rows();
    // DATA.md: texts containing '"' are wrapped in quotes with inner quotes doubled (line 124 of train.tsv:
    // "Three words, no subtlety. ""Dude. Stop. Seriously."" "<TAB>3<TAB>eetq9g0)
    GoEmotionsExample e = train.stream().filter(x -> x.id().equals("eetq9g0")).findFirst().orElseThrow();
    assertThat(e.text()).isEqualTo("Three words, no subtlety. \"Dude. Stop. Seriously.\" ");
    assertThat(e.labels()).containsExactly(3);
  }

  @Test
  void ekmanAndSentimentGroupingsCoverEveryLabel() throws Exception {
    Path dir = SharedData.dir("goemotions");
    LabelGrouping ekman = GoEmotions.ekman(dir);
    assertThat(ekman.groups().names())
        .containsExactly("anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral");
    assertThat(ekman.groups().name(ekman.group(GoEmotions.LABELS.id("nervousness")))).isEqualTo("fear");
    assertThat(ekman.groups().name(ekman.group(GoEmotions.LABELS.id("neutral")))).isEqualTo("neutral");
    assertThat(ekman.map(List.of(GoEmotions.LABELS.id("joy"), GoEmotions.LABELS.id("love"),
        GoEmotions.LABELS.id("grief")))).containsExactly(3, 4);
    LabelGrouping sentiment = GoEmotions.sentiment(dir);
    assertThat(sentiment.groups().names()).containsExactly("positive", "negative", "ambiguous", "neutral");
    assertThat(sentiment.groups().name(sentiment.group(GoEmotions.LABELS.id("curiosity")))).isEqualTo("ambiguous");
  }

  @Test
  void duplicateTextsMatchDataMd() throws Exception {
    Path dir = SharedData.dir("goemotions");
    List<String> train = GoEmotions.load(dir, Split.TRAIN).rows().stream().map(GoEmotionsExample::text).toList();
    Set<String> trainSet = new HashSet<>(train);
    // 183 duplicate texts in train, 32 texts shared train/test, 41 train/dev
    assertThat(train.size() - trainSet.size()).isEqualTo(183);
    assertThat(shared(trainSet, GoEmotions.load(dir, Split.TEST).rows())).isEqualTo(32);
    assertThat(shared(trainSet, GoEmotions.load(dir, Split.DEV).rows())).isEqualTo(41);
  }

  private static long shared(Set<String> texts, List<GoEmotionsExample> other) {
    return other.stream().map(GoEmotionsExample::text).distinct().filter(texts::contains).count();
  }

  private static void check(Path dir, Split split, int rows, Map<Integer, Integer> perExample) throws Exception {
    LoadResult<GoEmotionsExample> r = GoEmotions.load(dir, split);
    assertThat(r.skipped()).isZero();
    assertThat(r.rows()).as(split.name()).hasSize(rows);
    Map<Integer, Integer> hist = new LinkedHashMap<>();
    r.rows().forEach(e -> hist.merge(e.labels().size(), 1, Integer::sum));
    assertThat(hist).as(split + " labels per example").isEqualTo(perExample);
    int[] counts = GoEmotions.labelCounts(r.rows());
    for (Object[] row : LABEL_COUNTS) {
      assertThat(counts[GoEmotions.LABELS.id((String) row[0])]).as(split + " " + row[0])
          .isEqualTo((Integer) row[1 + split.ordinal()]);
    }
  }
}
