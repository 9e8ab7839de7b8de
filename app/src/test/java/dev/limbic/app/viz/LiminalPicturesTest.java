package dev.limbic.app.viz;

import static dev.limbic.app.viz.PictureFixtures.byId;
import static dev.limbic.app.viz.PictureFixtures.elements;
import static dev.limbic.app.viz.PictureFixtures.parseXml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class LiminalPicturesTest {

  private static List<String> names(List<Path> files) {
    return files.stream().map(p -> p.getFileName().toString()).toList();
  }

  @Test
  void writesEveryPictureInOrderAndTheyParse(@TempDir Path dir) throws Exception {
    List<Path> files = LiminalPictures.write(PictureFixtures.thirtyEpochs(), PictureFixtures.predictions(200),
        PictureFixtures.attention(5), dir.resolve("pictures"));
    assertThat(names(files)).containsExactly(LiminalPictures.LOSS_CURVES, LiminalPictures.SCATTER,
        LiminalPictures.HEARTBEAT, LiminalPictures.AURA, LiminalPictures.ATTENTION, LiminalPictures.PULSE);
    for (Path f : files) {
      assertThat(f).exists().isNotEmptyFile();
      String name = f.getFileName().toString();
      if (name.endsWith(".png")) {
        BufferedImage image = ImageIO.read(f.toFile());
        assertThat(image).as(name).isNotNull();
        assertThat(image.getWidth()).as(name).isGreaterThanOrEqualTo(1000);
      } else {
        Document doc = parseXml(f); // well-formed, or this throws
        assertThat(doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "svg").getLength()).as(name)
            .isEqualTo(1);
        String text = Files.readString(f, StandardCharsets.UTF_8);
        assertThat(text).as(name).doesNotContain("NaN").doesNotContain("Infinity")
            // self-contained: nothing fetched, nothing executed; the only url() is the in-page clip path
            .doesNotContain("<script").doesNotContain("<link").doesNotContain(" src=").doesNotContain("href=")
            .doesNotContain("@import").doesNotContain("@font-face").doesNotContain("https:");
        assertThat(text.replace("url(#", "")).as(name).doesNotContain("url(");
      }
    }
    try (Stream<Path> left = Files.list(dir.resolve("pictures"))) {
      assertThat(left.map(p -> p.getFileName().toString())).as("no temp files left behind")
          .containsExactlyInAnyOrderElementsOf(names(files));
    }
  }

  @Test
  void heartbeatCarriesTheHandComputedRatesAndBreathing(@TempDir Path dir) throws Exception {
    LiminalPictures.write(PictureFixtures.fiveEpochs(), null, null, dir);
    Document doc = parseXml(dir.resolve(LiminalPictures.HEARTBEAT));
    List<Element> rows = elements(doc, "tr", null).stream().filter(e -> e.hasAttribute("data-bpm")).toList();
    assertThat(rows).hasSize(5);
    for (int t = 0; t < 5; t++) {
      Element row = rows.get(t);
      assertThat(Integer.parseInt(row.getAttribute("data-epoch"))).isEqualTo(t + 1);
      assertThat(Double.parseDouble(row.getAttribute("data-bpm"))).isCloseTo(PictureFixtures.BPM[t], within(1e-6));
      assertThat(Double.parseDouble(row.getAttribute("data-val-loss"))).isCloseTo(PictureFixtures.VAL[t],
          within(1e-6));
      // 60 + 40·(0.5 + 0.5·sin(t/3)) at the epoch number
      double breath = 60 + 40 * (0.5 + 0.5 * Math.sin((t + 1) / 3.0));
      assertThat(Double.parseDouble(row.getAttribute("data-breathing"))).isCloseTo(breath, within(1e-6));
    }
    assertThat(Double.parseDouble(rows.get(0).getAttribute("data-breathing"))).isCloseTo(86.5439, within(1e-4)); // 80 + 20·sin(1/3);
    List<Element> dots = elements(doc, "circle", "bpm");
    assertThat(dots).extracting(e -> Double.parseDouble(e.getAttribute("data-bpm")))
        .containsExactly(60.0, 140.0, 100.0, 60.0, 140.0);
    assertThat(byId(doc, "phase-boundary")).isNotNull();
    assertThat(byId(doc, "trace").getAttribute("d")).startsWith("M");
  }

  @Test
  void heartBeatsAtTheEpochsRate(@TempDir Path dir) throws Exception {
    LiminalPictures.write(PictureFixtures.fiveEpochs(), null, null, dir);
    Document doc = parseXml(dir.resolve(LiminalPictures.HEARTBEAT));
    double loop = Double.parseDouble(byId(doc, "heartbeat").getAttribute("data-loop-seconds"));
    Element pulse = (Element) byId(doc, "heart").getElementsByTagNameNS("*", "animateTransform").item(0);
    String[] values = pulse.getAttribute("values").split(";");
    double[] keyTimes = Arrays.stream(pulse.getAttribute("keyTimes").split(";")).mapToDouble(Double::parseDouble)
        .toArray();
    List<Double> peaks = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      if (values[i].equals("1.35")) {
        peaks.add(keyTimes[i] * loop);
      }
    }
    // drawn beats round(bpm/140 · 5): epoch 1 rests at 60 bpm (2 beats, 1 s apart); epoch 2 races at 140 bpm
    // (5 beats, 60/140 s apart); epoch 3 at 100 bpm (4 beats, 0.6 s apart)
    assertThat(peaks.get(1) - peaks.get(0)).isCloseTo(1.0, within(1e-4));
    for (int j = 3; j < 6; j++) {
      assertThat(peaks.get(j) - peaks.get(j - 1)).isCloseTo(60.0 / 140, within(1e-4));
    }
    assertThat(peaks.get(8) - peaks.get(7)).isCloseTo(0.6, within(1e-4));
    assertThat(peaks).hasSize(2 + 5 + 4 + 2 + 5);
    // the whole loop is the sum of every epoch's beats at its own rate
    assertThat(loop).isCloseTo(2 * 1.0 + 5 * 60.0 / 140 + 4 * 0.6 + 2 * 1.0 + 5 * 60.0 / 140, within(1e-5));
  }

  @Test
  void everyAnimationHasOrderedKeyTimesFromZeroToOne(@TempDir Path dir) throws Exception {
    LiminalPictures.write(PictureFixtures.thirtyEpochs(), null, null, dir);
    Document doc = parseXml(dir.resolve(LiminalPictures.HEARTBEAT));
    List<Element> animations = new ArrayList<>(elements(doc, "animate", null));
    animations.addAll(elements(doc, "animateTransform", null));
    assertThat(animations).hasSizeGreaterThan(30 + 3);
    for (Element a : animations) {
      if (!a.hasAttribute("keyTimes")) {
        continue;
      }
      double[] keys = Arrays.stream(a.getAttribute("keyTimes").split(";")).mapToDouble(Double::parseDouble)
          .toArray();
      assertThat(a.getAttribute("values").split(";")).as("values vs keyTimes").hasSize(keys.length);
      assertThat(keys[0]).isEqualTo(0.0);
      if (!"discrete".equals(a.getAttribute("calcMode"))) {
        assertThat(keys[keys.length - 1]).isEqualTo(1.0);
      }
      for (int i = 1; i < keys.length; i++) {
        assertThat(keys[i]).as("keyTimes ordered in %s", a.getAttribute("attributeName"))
            .isGreaterThanOrEqualTo(keys[i - 1]);
      }
    }
  }

  @Test
  void auraCellsCarryTheHandComputedSignals(@TempDir Path dir) throws Exception {
    List<RunHistory.Epoch> epochs = List.of(
        new RunHistory.Epoch(1, 1, 3.0, 1.0, 0.5, 0.5, 0.5, 1e-3),
        new RunHistory.Epoch(2, 1, 2.0, 1.5, 0.5, 0.5, 0.5, 1e-3),
        new RunHistory.Epoch(3, 2, 1.0, 1.2, 0.5, 0.5, 0.5, 1e-4));
    LiminalPictures.write(new RunHistory(epochs), null, null, dir);
    Document doc = parseXml(dir.resolve(LiminalPictures.AURA));
    // diff = 2, 0.5, 0.2; ∇val = 0.5, 0.1, −0.3 (max 0.5)
    double[][] expected = {
        {0.6, 0.9, 0.96}, // Hope = clip(1 − diff/5)
        {1.0, 0.2, -0.6}, // Faith = clip(∇val / max|∇val|)
        {0.0, 0.485225, 0.327492}, // Love = exp(−diff)·(1 − |Faith|)
        {0.5, 0.0, 0.0}, // Stress = clip(diff − 1.5)
        {0.0, 0.8, 0.4}}; // Clarity = 1 − |Faith|
    List<Element> cells = elements(doc, "rect", "cell");
    assertThat(cells).hasSize(15);
    String[] signals = LiminalSignals.Aura.SIGNALS;
    for (Element cell : cells) {
      int row = Arrays.asList(signals).indexOf(cell.getAttribute("data-signal"));
      int epoch = Integer.parseInt(cell.getAttribute("data-epoch"));
      assertThat(Double.parseDouble(cell.getAttribute("data-value")))
          .as("%s at epoch %d", signals[row], epoch).isCloseTo(expected[row][epoch - 1], within(1e-6));
    }
    // value labels are printed in the cells (3 epochs leave room)
    assertThat(elements(doc, "text", "value")).hasSize(15);
    assertThat(byId(doc, "colour-scale")).isNotNull();
    assertThat(byId(doc, "phase-boundary")).isNotNull();
    // colour scale: −1 violet, 0 white, +1 orange
    assertThat(AuraPage.colour(-1)).isEqualTo("#5e3c99");
    assertThat(AuraPage.colour(0)).isEqualTo("#f7f7f7");
    assertThat(AuraPage.colour(1)).isEqualTo("#e66101");
  }

  @Test
  void attentionMapShowsEveryCellWithItsValue(@TempDir Path dir) throws Exception {
    float[][] map = PictureFixtures.attention(5);
    LiminalPictures.write(PictureFixtures.fiveEpochs(), null, map, dir);
    Path svg = dir.resolve(LiminalPictures.ATTENTION);
    assertThat(Files.readString(svg)).startsWith("<?xml");
    Document doc = parseXml(svg);
    List<Element> cells = elements(doc, "rect", "cell");
    assertThat(cells).hasSize(25);
    for (Element cell : cells) {
      int i = Integer.parseInt(cell.getAttribute("data-row"));
      int j = Integer.parseInt(cell.getAttribute("data-col"));
      assertThat(Double.parseDouble(cell.getAttribute("data-value"))).isCloseTo(map[i][j], within(1e-6));
    }
    List<Element> labels = elements(doc, "text", "value");
    assertThat(labels).hasSize(25);
    assertThat(labels.get(0).getTextContent()).isEqualTo(String.format(java.util.Locale.ROOT, "%.2f", map[0][0]));
  }

  @Test
  void oneEpochDrawsAtRestWithoutNaN(@TempDir Path dir) throws Exception {
    RunHistory one = new RunHistory(List.of(new RunHistory.Epoch(1, 1, 2.0, 2.0, 0.4, 0.3, 0.2, 3e-3)));
    List<Path> files = LiminalPictures.write(one, PictureFixtures.predictions(1), new float[][] {{1f}}, dir);
    assertThat(names(files)).containsExactly(LiminalPictures.LOSS_CURVES, LiminalPictures.SCATTER,
        LiminalPictures.HEARTBEAT, LiminalPictures.AURA, LiminalPictures.ATTENTION, LiminalPictures.PULSE);
    Document heartbeat = parseXml(dir.resolve(LiminalPictures.HEARTBEAT));
    assertThat(elements(heartbeat, "circle", "bpm")).extracting(e -> e.getAttribute("data-bpm"))
        .containsExactly("60.000000");
    for (Path f : files) {
      if (!f.toString().endsWith(".png")) {
        assertThat(Files.readString(f)).as(f.getFileName().toString()).doesNotContain("NaN").doesNotContain("Infinity");
      }
    }
    // one row: Pearson r is undefined and says so
    assertThat(PngCharts.scatterTitle(PictureFixtures.predictions(1), 0)).contains("n/a (n < 2)");
  }

  @Test
  void constantLossBeatsAtRestAndFaithIsZero(@TempDir Path dir) throws Exception {
    List<RunHistory.Epoch> epochs = new ArrayList<>();
    for (int t = 1; t <= 4; t++) {
      epochs.add(new RunHistory.Epoch(t, 1, 4.18, 4.18, 0.1, 0.2, 0.3, 1e-3));
    }
    LiminalPictures.write(new RunHistory(epochs), null, null, dir);
    Document heartbeat = parseXml(dir.resolve(LiminalPictures.HEARTBEAT));
    assertThat(elements(heartbeat, "circle", "bpm")).extracting(e -> Double.parseDouble(e.getAttribute("data-bpm")))
        .containsOnly(60.0).hasSize(4);
    Document aura = parseXml(dir.resolve(LiminalPictures.AURA));
    assertThat(elements(aura, "rect", "cell")).filteredOn(e -> e.getAttribute("data-signal").equals("Faith"))
        .extracting(e -> Double.parseDouble(e.getAttribute("data-value"))).containsOnly(0.0);
    assertThat(Files.readString(dir.resolve(LiminalPictures.HEARTBEAT))).doesNotContain("NaN");
  }

  @Test
  void emptyOrMissingPredictionsWriteNoScatter(@TempDir Path dir) throws Exception {
    Predictions none = new Predictions("test", new float[0][3], new float[0][3]);
    List<Path> files = LiminalPictures.write(PictureFixtures.fiveEpochs(), none, null, dir.resolve("a"));
    assertThat(names(files)).containsExactly(LiminalPictures.LOSS_CURVES, LiminalPictures.HEARTBEAT,
        LiminalPictures.AURA, LiminalPictures.PULSE);
    assertThat(dir.resolve("a").resolve(LiminalPictures.SCATTER)).doesNotExist();
    assertThat(names(LiminalPictures.write(PictureFixtures.fiveEpochs(), null, null, dir.resolve("b"))))
        .doesNotContain(LiminalPictures.SCATTER);
  }

  @Test
  void scatterTitleNamesPearsonROrWhyItIsUndefined() {
    String title = PngCharts.scatterTitle(PictureFixtures.predictions(200), 0);
    double r = LiminalSignals.pearson(PictureFixtures.predictions(200).predictedColumn(0),
        PictureFixtures.predictions(200).targetColumn(0)).getAsDouble();
    assertThat(r).isGreaterThan(0.9);
    assertThat(title).isEqualTo(String.format(java.util.Locale.ROOT, "Valence: Pearson r = %.3f", r));
    float[][] constant = {{3, 3, 3}, {3, 3, 3}, {3, 3, 3}};
    float[][] target = {{1, 2, 3}, {2, 3, 4}, {4, 4, 4}};
    assertThat(PngCharts.scatterTitle(new Predictions("test", constant, target), 1))
        .isEqualTo("Arousal: Pearson r = n/a (constant column)");
  }

  @Test
  void sameInputGivesTheSameBytesAndRewritesInPlace(@TempDir Path dir) throws Exception {
    List<Path> first = LiminalPictures.write(PictureFixtures.fiveEpochs(), PictureFixtures.predictions(50),
        PictureFixtures.attention(4), dir.resolve("one"));
    List<Path> second = LiminalPictures.write(PictureFixtures.fiveEpochs(), PictureFixtures.predictions(50),
        PictureFixtures.attention(4), dir.resolve("two"));
    for (int i = 0; i < first.size(); i++) {
      assertThat(Files.readAllBytes(second.get(i))).as(first.get(i).getFileName().toString())
          .isEqualTo(Files.readAllBytes(first.get(i)));
    }
    // writing again over existing files replaces them and leaves no temp file
    LiminalPictures.write(PictureFixtures.thirtyEpochs(), null, null, dir.resolve("one"));
    assertThat(Files.readString(dir.resolve("one").resolve(LiminalPictures.HEARTBEAT))).contains("30 epochs");
    try (Stream<Path> left = Files.list(dir.resolve("one"))) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }

  @Test
  void badInputIsRejectedNamingTheField(@TempDir Path dir) {
    assertThatThrownBy(() -> new RunHistory.Epoch(3, 1, 1.0, Double.NaN, 0, 0, 0, 1e-3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("epoch 3").hasMessageContaining("valLoss");
    assertThatThrownBy(() -> new RunHistory.Epoch(3, 3, 1.0, 1.0, 0, 0, 0, 1e-3)).hasMessageContaining("phase");
    assertThatThrownBy(() -> new RunHistory(List.of())).hasMessageContaining("no epochs");
    assertThatThrownBy(() -> new RunHistory(List.of(new RunHistory.Epoch(2, 1, 1, 1, 0, 0, 0, 0),
        new RunHistory.Epoch(1, 1, 1, 1, 0, 0, 0, 0)))).hasMessageContaining("strictly increase");
    assertThatThrownBy(() -> new RunHistory(List.of(new RunHistory.Epoch(1, 2, 1, 1, 0, 0, 0, 0),
        new RunHistory.Epoch(2, 1, 1, 1, 0, 0, 0, 0)))).hasMessageContaining("phase 2 must come after phase 1");
    assertThatThrownBy(() -> new Predictions("test", new float[2][3], new float[3][3]))
        .hasMessageContaining("2 predicted rows but 3 target rows");
    assertThatThrownBy(() -> new Predictions("test", new float[][] {{1, 2}}, new float[][] {{1, 2, 3}}))
        .hasMessageContaining("predicted[0]");
    assertThatThrownBy(() -> new Predictions("dev", new float[][] {{1, Float.NaN, 3}}, new float[][] {{1, 2, 3}}))
        .hasMessageContaining("predicted[0][1] (Arousal)");
    assertThatThrownBy(() -> LiminalPictures.write(PictureFixtures.fiveEpochs(), null,
        new float[][] {{0.5f, 0.5f}, {1f}}, dir)).hasMessageContaining("row 1 has 1 values");
    assertThatThrownBy(() -> LiminalPictures.write(PictureFixtures.fiveEpochs(), null, new float[0][], dir))
        .hasMessageContaining("K = 0");
    // nothing was written before the input was rejected
    assertThat(dir.resolve(LiminalPictures.LOSS_CURVES)).doesNotExist();
  }
}
