package dev.limbic.models.liminal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limbic.nn.Init;
import dev.limbic.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SoulMemoryTest {
  static final long SEED = 42;

  @TempDir
  Path tmp;

  static Tensor input() {
    return SoulMemoryChild.input(11);
  }

  private static SoulMemory.Entry entry(int i) {
    return new SoulMemory.Entry("2026-01-01T00:00:0" + (i % 10) + "Z", i * 0.1, i * 0.01, -i * 0.02,
        new double[] {i, i + 0.5, -i});
  }

  @Test
  void ringBufferKeepsTheLastCapacityEntries() {
    InMemorySoulMemory m = new InMemorySoulMemory(3);
    for (int i = 0; i < 5; i++) {
      m.store(entry(i));
    }
    assertThat(m.size()).isEqualTo(3);
    assertThat(m.entries().get(0).hope()).isEqualTo(0.2, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(m.lastRinse(2)).hasSize(2);
    assertThat(m.lastRinse(2).get(1)).containsExactly(4.0, 4.5, -4.0);
    m.reset();
    assertThat(m.size()).isZero();
  }

  @Test
  void fileStoreReadsBackTheLastCapacityEntriesExactly() throws IOException {
    Path f = tmp.resolve("soul.jsonl");
    try (FileSoulMemory m = FileSoulMemory.open(f, 4)) {
      for (int i = 0; i < 6; i++) {
        m.store(entry(i));
      }
    }
    assertThat(Files.readAllLines(f)).hasSize(6);
    try (FileSoulMemory m = FileSoulMemory.open(f, 4)) {
      assertThat(m.size()).isEqualTo(4);
      assertThat(m.entries().get(0).rinse()).containsExactly(2.0, 2.5, -2.0);
      assertThat(m.entries().get(3).love()).isEqualTo(-5 * 0.02);
      assertThat(m.warnings()).isEmpty();
      m.reset();
    }
    assertThat(Files.size(f)).isZero();
  }

  @Test
  void aTornLastLineIsReportedSkippedAndCutOff() throws IOException {
    Path f = tmp.resolve("torn.jsonl");
    try (FileSoulMemory m = FileSoulMemory.open(f)) {
      m.store(entry(1));
      m.store(entry(2));
    }
    Files.writeString(f, "{\"timestamp\":\"2026", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    try (FileSoulMemory m = FileSoulMemory.open(f)) {
      assertThat(m.size()).isEqualTo(2);
      assertThat(m.warnings()).singleElement().asString().contains(f.toAbsolutePath().toString())
          .contains("line 3").contains("incomplete");
      m.store(entry(3));
    }
    try (FileSoulMemory m = FileSoulMemory.open(f)) {
      assertThat(m.size()).isEqualTo(3);
      assertThat(m.warnings()).isEmpty();
    }
  }

  @Test
  void aMalformedEarlierLineIsAnErrorNamingFileAndLine() throws IOException {
    Path f = tmp.resolve("bad.jsonl");
    Files.writeString(f, "{\"timestamp\":\"t\",\"hope\":0,\"faith\":0,\"love\":0,\"rinse\":[1]}\n{oops}\n"
        + "{\"timestamp\":\"t\",\"hope\":0,\"faith\":0,\"love\":0,\"rinse\":[1]}\n");
    assertThatThrownBy(() -> FileSoulMemory.open(f)).isInstanceOf(IOException.class)
        .hasMessageContaining(f.toAbsolutePath().toString()).hasMessageContaining("line 2");
  }

  @Test
  void compactionKeepsTheFileBoundedAndTheEntriesIntact() throws IOException {
    Path f = tmp.resolve("long.jsonl");
    try (FileSoulMemory m = FileSoulMemory.open(f, 3)) {
      for (int i = 0; i < 95; i++) {
        m.store(entry(i));
      }
    }
    assertThat(Files.readAllLines(f).size()).isLessThan(30);
    try (FileSoulMemory m = FileSoulMemory.open(f, 3)) {
      assertThat(m.entries()).extracting(SoulMemory.Entry::hope)
          .containsExactly(92 * 0.1, 93 * 0.1, 94 * 0.1);
    }
  }

  @Test
  void aSecondProcessContinuesFromTheFirstOnesMemory() throws Exception {
    // what two consecutive calls give inside one process with one memory
    TinyRecursiveModel inProcess = new TinyRecursiveModel(LiminalConfig.of(LiminalVersion.V6), Init.rng(SEED),
        new InMemorySoulMemory());
    inProcess.forward(input());
    float[] expectedSecond = inProcess.forward(input()).pad().toFloatArray();
    float[] fresh = new TinyRecursiveModel(LiminalConfig.of(LiminalVersion.V6), Init.rng(SEED),
        new InMemorySoulMemory()).forward(input()).pad().toFloatArray();
    assertThat(expectedSecond).isNotEqualTo(fresh);

    Path f = tmp.resolve("heartbeat.jsonl");
    List<String> first = runChild(f);
    assertThat(first.get(0)).isEqualTo("start 0");
    List<String> second = runChild(f);
    assertThat(second.get(0)).isEqualTo("start 5");
    float[] got = new float[second.size() - 1];
    for (int i = 0; i < got.length; i++) {
      got[i] = Float.parseFloat(second.get(i + 1));
    }
    assertThat(got).containsExactly(expectedSecond);
  }

  private static List<String> runChild(Path file) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
      cmd.add("--add-modules=jdk.incubator.vector");
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(SoulMemoryChild.class.getName());
    cmd.add(file.toString());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(new String(err, StandardCharsets.UTF_8)).isZero();
    return new String(out, StandardCharsets.UTF_8).lines().toList();
  }
}
