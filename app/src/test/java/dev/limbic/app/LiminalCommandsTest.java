package dev.limbic.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train liminal → eval → predict end to end on a tiny EmoBank the test writes, with the character-code encoder. */
class LiminalCommandsTest {

  @TempDir
  Path tmp;

  private Path tinyEmoBank() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("data").resolve("emobank"));
    StringBuilder sb = new StringBuilder("id,split,V,A,D,text\n");
    String[] words = {"joy", "grief", "calm", "rage", "bliss", "fear", "hope", "dread"};
    int id = 0;
    for (String split : new String[] {"train", "train", "train", "dev", "test"}) {
      for (int i = 0; i < words.length; i++) {
        double v = i % 2 == 0 ? 4.0 : 2.0;
        sb.append(String.format(Locale.ROOT, "id%d,%s,%.1f,%.1f,%.1f,\"%s %s number %d\"%n", id++, split, v,
            3.0 + (i % 3) * 0.3, 3.1, i % 2 == 0 ? "Such" : "So much", words[i], id));
      }
    }
    Files.writeString(dir.resolve("emobank.csv"), sb.toString());
    Files.writeString(dir.resolve("meta.tsv"), "id\tdocument\tcategory\tsubcategory\n");
    Files.writeString(dir.resolve("reader.csv"), "id,Arousal,Dominance,Valence,sd.Arousal,sd.Dominance,sd.Valence\n");
    Files.writeString(dir.resolve("writer.csv"), "id,Arousal,Dominance,Valence,sd.Arousal,sd.Dominance,sd.Valence\n");
    return dir.getParent();
  }

  @Test
  void withoutTheDataItSaysHowToGetItAndExitsWithTwo() {
    CliRun r = CliRun.run("train", "liminal", "--version", "v1", "--data", tmp.resolve("nothing").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("emobank").contains("./limbic data download emobank").contains("LIMBIC_DATA")
        .doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void trainEvalPredictEndToEnd() throws Exception {
    Path data = tinyEmoBank();
    Path out = tmp.resolve("run");
    CliRun t = CliRun.run("train", "liminal", "--version", "v6", "--encoder", "charcode", "--data", data.toString(),
        "--epochs", "2", "--phase2-epochs", "1", "--batch-size", "8", "--out", out.toString());
    assertThat(t.code()).as(t.err()).isZero();
    assertThat(t.out()).contains("Pearson r").contains("Hope");
    assertThat(t.err()).contains("epoch   3 (phase 2)").contains("phase 1");
    assertThat(out.resolve("results.json")).exists();
    assertThat(out.resolve("soul_memory.jsonl")).exists();
    assertThat(out.resolve("pictures").resolve("loss-curves.png")).exists();
    assertThat(out.resolve("pictures").resolve("heartbeat.html")).exists();
    assertThat(t.out()).contains("pictures: ");

    CliRun e = CliRun.run("eval", "--run", out.toString(), "--data", data.toString());
    assertThat(e.code()).as(e.err()).isZero();
    assertThat(e.out()).contains("on EmoBank test, n=8").contains("overall").contains("Hope/Faith/Love");

    CliRun p = CliRun.run("predict", "--run", out.toString(), "I am so happy today");
    assertThat(p.code()).as(p.err()).isZero();
    assertThat(p.out()).contains("I am so happy today").containsPattern("V [1-5]\\.\\d\\d  A [1-5]\\.\\d\\d  D")
        .contains("confidence per iteration:").contains("SoulKernel  Hope");

    // --resume on a finished run trains nothing more and reports the same figures
    CliRun again = CliRun.run("train", "liminal", "--version", "v6", "--encoder", "charcode", "--data", data.toString(),
        "--epochs", "2", "--phase2-epochs", "1", "--batch-size", "8", "--out", out.toString(), "--resume");
    assertThat(again.code()).as(again.err()).isZero();
  }

  @Test
  void miniLmRunsRecordTheirLayersAndEvalRebuildsThem() throws Exception {
    Path data = tinyEmoBank();
    Path out = tmp.resolve("run-minilm");
    CliRun t = CliRun.run("train", "liminal", "--version", "v1", "--data", data.toString(), "--epochs", "1",
        "--phase2-epochs", "0", "--batch-size", "8", "--cache", tmp.resolve("cache").toString(), "--out",
        out.toString());
    assertThat(t.code()).as(t.err()).isZero();
    assertThat(t.err()).contains("all-MiniLM-L6-v2/concat_all/mean/l2/max256");
    CliRun e = CliRun.run("eval", "--run", out.toString(), "--data", data.toString(),
        "--cache", tmp.resolve("cache").toString());
    assertThat(e.code()).as(e.err()).isZero();
    assertThat(e.out()).contains("all-MiniLM-L6-v2/concat_all").contains("on EmoBank test, n=8");
    CliRun p = CliRun.run("predict", "--run", out.toString(), "What a lovely day");
    assertThat(p.code()).as(p.err()).isZero();
    assertThat(p.out()).containsPattern("V [1-5]\\.\\d\\d");

    CliRun bad = CliRun.run("train", "liminal", "--version", "v1", "--data", data.toString(), "--layers", "concat:1,9",
        "--out", tmp.resolve("bad").toString());
    assertThat(bad.code()).isNotZero();
    assertThat(bad.err()).contains("--layers").contains("layer 9 does not exist").doesNotContain("\tat ");
  }

  @Test
  void layersAreReadBackFromTheModelId() {
    assertThat(LiminalSupport.layersOf("all-MiniLM-L6-v2/concat_all/mean/l2/max256")).isEqualTo("concat_all");
    assertThat(LiminalSupport.layersOf("all-MiniLM-L6-v2/last/mean/l2/max256 (fine-tuned)")).isEqualTo("last");
    assertThat(LiminalSupport.layersOf("all-MiniLM-L6-v2")).isEqualTo("last");
  }

  @Test
  void emojiGridFollowsTheSigns() {
    assertThat(LiminalSupport.mood(0.5, 0.5)).isEqualTo("excited");
    assertThat(LiminalSupport.mood(-0.5, 0.5)).isEqualTo("angry");
    assertThat(LiminalSupport.mood(-0.5, -0.5)).isEqualTo("sad");
    assertThat(LiminalSupport.mood(0.01, -0.01)).isEqualTo("neutral");
    assertThat(LiminalSupport.emoji(0.5, -0.5)).isEqualTo("\uD83D\uDE0C");
  }
}
