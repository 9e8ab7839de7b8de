package dev.limbic.data.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** dair-ai emotion against the table of DATA.md §2. */
class DairAiEmotionTest {

  @Test
  void labelIdsFollowHuggingFace() {
    assertThat(DairAiEmotion.LABELS.names()).containsExactly("sadness", "joy", "love", "anger", "fear", "surprise");
  }

  @Test
  void rowsAndClassCountsMatchDataMd() throws Exception {
    Path dir = SharedData.dir("dair-ai-emotion");
    check(dir, Split.TRAIN, 16_000, Map.of("joy", 5362, "sadness", 4666, "anger", 2159, "fear", 1937, "love", 1304,
        "surprise", 572));
    check(dir, Split.DEV, 2_000, Map.of("joy", 704, "sadness", 550, "anger", 275, "fear", 212, "love", 178,
        "surprise", 81));
    check(dir, Split.TEST, 2_000, Map.of("joy", 695, "sadness", 581, "anger", 275, "fear", 224, "love", 159,
        "surprise", 66));
  }

  @Test
  void textIsThePreprocessedLowerCaseAlphabet() throws Exception {
    LoadResult<DairAiExample> train = DairAiEmotion.load(SharedData.dir("dair-ai-emotion"), Split.TRAIN);
    assertThat(train.rows()).allMatch(e -> e.text().matches("[a-z ]+"));
    assertThat(train.rows().get(0).text()).isEqualTo("i didnt feel humiliated");
  }

  @Test
  void duplicateTextsMatchDataMd() throws Exception {
    Path dir = SharedData.dir("dair-ai-emotion");
    List<String> train = texts(dir, Split.TRAIN);
    List<String> val = texts(dir, Split.DEV);
    List<String> test = texts(dir, Split.TEST);
    // 31 duplicates inside train, 2 inside val; shared texts train/test 11, train/val 5, val/test 3
    assertThat(train.size() - new HashSet<>(train).size()).isEqualTo(31);
    assertThat(val.size() - new HashSet<>(val).size()).isEqualTo(2);
    assertThat(shared(train, test)).isEqualTo(11);
    assertThat(shared(train, val)).isEqualTo(5);
    assertThat(shared(val, test)).isEqualTo(3);
  }

  private static List<String> texts(Path dir, Split split) throws Exception {
    return DairAiEmotion.load(dir, split).rows().stream().map(DairAiExample::text).toList();
  }

  private static long shared(List<String> a, List<String> b) {
    Set<String> s = new HashSet<>(a);
    return b.stream().distinct().filter(s::contains).count();
  }

  private static void check(Path dir, Split split, int rows, Map<String, Integer> counts) throws Exception {
    LoadResult<DairAiExample> r = DairAiEmotion.load(dir, split);
    assertThat(r.size()).as(split.name()).isEqualTo(rows);
    assertThat(r.skipped()).isZero();
    assertThat(DairAiEmotion.LABELS.byName(DairAiEmotion.LABELS.count(r.rows(), DairAiExample::label)))
        .as(split.name()).isEqualTo(counts);
  }
}
