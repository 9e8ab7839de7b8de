package dev.limbic.data.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** EmoryNLP against DATA.md §5. */
class EmoryNlpTest {

  @Test
  void rowsScenesAndLabelsMatchDataMd() throws Exception {
    Path dir = SharedData.dir("emorynlp");
    check(dir, Split.TRAIN, 7551, 659, Map.of("Neutral", 2485, "Joyful", 1677, "Scared", 941, "Mad", 785,
        "Peaceful", 638, "Powerful", 551, "Sad", 474));
    check(dir, Split.DEV, 954, 89, Map.of("Neutral", 322, "Joyful", 205, "Scared", 127, "Mad", 97,
        "Peaceful", 82, "Powerful", 70, "Sad", 51));
    check(dir, Split.TEST, 984, 79, Map.of("Neutral", 288, "Joyful", 217, "Scared", 116, "Peaceful", 111,
        "Powerful", 96, "Mad", 86, "Sad", 70));
  }

  @Test
  void speakerListLiteralsAreParsed() throws Exception {
    List<EmoryNlpUtterance> train = EmoryNlp.load(SharedData.dir("emorynlp"), Split.TRAIN).rows();
    assertThat(train.get(0).speakers()).containsExactly("Monica Geller");
    assertThat(train.get(0).sceneKey()).isEqualTo("s1_e2_c1");
    // a double-quoted literal (the name has an apostrophe) and multi-speaker lists occur in train
    assertThat(train).anyMatch(u -> u.speakers().equals(List.of("Phoebe's Assistant")));
    assertThat(train).anyMatch(u -> u.speakers().size() == 3);
    assertThat(train).allMatch(u -> !u.speakers().isEmpty() && u.speakers().stream().noneMatch(String::isEmpty));
  }

  private static void check(Path dir, Split split, int utterances, int scenes, Map<String, Integer> counts)
      throws Exception {
    LoadResult<EmoryNlpUtterance> r = EmoryNlp.load(dir, split);
    assertThat(r.skipped()).isZero();
    assertThat(r.rows()).as(split.name()).hasSize(utterances);
    List<Dialogue<EmoryNlpUtterance>> dialogues = EmoryNlp.dialogues(r.rows());
    assertThat(dialogues).as(split + " scenes").hasSize(scenes);
    assertThat(EmoryNlp.EMOTIONS.byName(EmoryNlp.EMOTIONS.count(r.rows(), EmoryNlpUtterance::emotion)))
        .isEqualTo(counts);
  }
}
