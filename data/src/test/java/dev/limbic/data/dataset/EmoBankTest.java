package dev.limbic.data.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/** EmoBank against the facts of DATA.md §1. */
class EmoBankTest {

  @Test
  void splitSizesMatchTheOfficialSplit() throws Exception {
    Path dir = SharedData.dir("emobank");
    Set<String> ids = new HashSet<>();
    int[] expected = {8062, 1000, 1000};
    for (Split split : Split.values()) {
      LoadResult<EmoBankExample> r = EmoBank.load(dir, split);
      assertThat(r.size()).as(split.name()).isEqualTo(expected[split.ordinal()]);
      assertThat(r.skipped()).isZero();
      assertThat(r.rows()).allMatch(e -> e.split() == split);
      r.rows().forEach(e -> ids.add(e.id()));
    }
    assertThat(ids).hasSize(10_062); // ids unique over the whole file
  }

  @Test
  void labelStatisticsMatchDataMd() throws Exception {
    Path dir = SharedData.dir("emobank");
    List<EmoBankExample> train = EmoBank.load(dir, Split.TRAIN).rows();
    // mean / sd / min / max, DATA.md §1 (3 decimals)
    checkStats(train, EmoBankExample::valence, 2.978, 0.350, 1.20, 4.60);
    checkStats(train, EmoBankExample::arousal, 3.044, 0.262, 1.80, 4.40);
    checkStats(train, EmoBankExample::dominance, 3.063, 0.211, 2.00, 4.20);
    List<EmoBankExample> dev = EmoBank.load(dir, Split.DEV).rows();
    checkMeanSd(dev, EmoBankExample::valence, 2.962, 0.340);
    checkMeanSd(dev, EmoBankExample::arousal, 3.031, 0.251);
    checkMeanSd(dev, EmoBankExample::dominance, 3.061, 0.202);
    List<EmoBankExample> test = EmoBank.load(dir, Split.TEST).rows();
    checkMeanSd(test, EmoBankExample::valence, 2.978, 0.345);
    checkMeanSd(test, EmoBankExample::arousal, 3.034, 0.246);
    checkMeanSd(test, EmoBankExample::dominance, 3.065, 0.210);

    assertThat(pearson(train, EmoBankExample::valence, EmoBankExample::arousal)).isCloseTo(0.047, within(5e-4));
    assertThat(pearson(train, EmoBankExample::valence, EmoBankExample::dominance)).isCloseTo(0.379, within(5e-4));
    assertThat(pearson(train, EmoBankExample::arousal, EmoBankExample::dominance)).isCloseTo(0.211, within(5e-4));
  }

  @Test
  void quotedTextsAreUnescaped() throws Exception {
    List<EmoBankExample> train = EmoBank.load(SharedData.dir("emobank"), Split.TRAIN).rows();
    // first data line: 110CYL068_1036_1079,train,…,"Remember what she said in my last letter? """
    assertThat(train.get(0).id()).isEqualTo("110CYL068_1036_1079");
    assertThat(train.get(0).text()).isEqualTo("Remember what she said in my last letter? \"");
  }

  @Test
  void genresPerSplitMatchDataMd() throws Exception {
    Path dir = SharedData.dir("emobank");
    Map<String, String> genres = EmoBank.genres(dir);
    // genre counts train / dev / test, DATA.md §1
    Map<String, List<Integer>> expected = Map.of("fiction", List.of(2205, 274, 274), "letters",
        List.of(1133, 140, 140), "blog", List.of(1070, 133, 133), "newspaper", List.of(1052, 131, 131), "SemEval",
        List.of(956, 118, 118), "essays", List.of(909, 113, 113), "travel-guides", List.of(737, 91, 91));
    for (Split split : Split.values()) {
      Map<String, Integer> counts = new HashMap<>();
      for (EmoBankExample e : EmoBank.load(dir, split).rows()) {
        assertThat(genres).containsKey(e.id());
        counts.merge(genres.get(e.id()), 1, Integer::sum);
      }
      Map<String, Integer> want = new HashMap<>();
      expected.forEach((g, c) -> want.put(g, c.get(split.ordinal())));
      assertThat(counts).as(split.name()).isEqualTo(want);
    }
  }

  @Test
  void textStatisticsMatchDataMd() throws Exception {
    Path dir = SharedData.dir("emobank");
    List<EmoBankExample> all = new ArrayList<>();
    Map<String, Set<Split>> splitsOfText = new HashMap<>();
    for (Split split : Split.values()) {
      for (EmoBankExample e : EmoBank.load(dir, split).rows()) {
        all.add(e);
        splitsOfText.computeIfAbsent(e.text(), t -> new HashSet<>()).add(split);
      }
    }
    // 156 duplicate texts, 34 texts in more than one split, mean 15.0 whitespace tokens, max 116
    assertThat(all.size() - splitsOfText.size()).isEqualTo(156);
    assertThat(splitsOfText.values().stream().filter(s -> s.size() > 1).count()).isEqualTo(34);
    double mean = all.stream().mapToInt(e -> tokens(e.text())).average().orElseThrow();
    assertThat(mean).isCloseTo(15.0, within(0.05));
    assertThat(all.stream().mapToInt(e -> tokens(e.text())).max().orElseThrow()).isEqualTo(116);
  }

  private static int tokens(String s) {
    String t = s.strip();
    return t.isEmpty() ? 0 : t.split("\\s+").length;
  }

  private static void checkStats(List<EmoBankExample> rows, ToDoubleFunction<EmoBankExample> f, double mean,
      double sd, double min, double max) {
    checkMeanSd(rows, f, mean, sd);
    assertThat(rows.stream().mapToDouble(f).min().orElseThrow()).isCloseTo(min, within(1e-9));
    assertThat(rows.stream().mapToDouble(f).max().orElseThrow()).isCloseTo(max, within(1e-9));
  }

  private static void checkMeanSd(List<EmoBankExample> rows, ToDoubleFunction<EmoBankExample> f, double mean,
      double sd) {
    double m = rows.stream().mapToDouble(f).average().orElseThrow();
    double ss = rows.stream().mapToDouble(f).map(x -> (x - m) * (x - m)).sum();
    assertThat(m).isCloseTo(mean, within(5e-4));
    assertThat(Math.sqrt(ss / rows.size())).isCloseTo(sd, within(5e-4));
  }

  private static double pearson(List<EmoBankExample> rows, ToDoubleFunction<EmoBankExample> fx,
      ToDoubleFunction<EmoBankExample> fy) {
    double mx = rows.stream().mapToDouble(fx).average().orElseThrow();
    double my = rows.stream().mapToDouble(fy).average().orElseThrow();
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (EmoBankExample e : rows) {
      double dx = fx.applyAsDouble(e) - mx;
      double dy = fy.applyAsDouble(e) - my;
      sxy += dx * dy;
      sxx += dx * dx;
      syy += dy * dy;
    }
    return sxy / Math.sqrt(sxx * syy);
  }
}
