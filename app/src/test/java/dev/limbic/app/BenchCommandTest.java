package dev.limbic.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad arguments to {@code limbic bench} are refused in one line before anything is measured. */
class BenchCommandTest {

  @Test
  void zeroRoundsIsRefusedWithTheOptionNamed(@TempDir Path out) {
    CliRun r = CliRun.run("bench", "--no-peers", "--rounds", "0", "--out", out.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--rounds must be at least 1, got 0").doesNotContain("\tat ");
  }

  @Test
  void anUnknownSuiteIsRefusedWithTheChoices(@TempDir Path out) {
    CliRun r = CliRun.run("bench", "--no-peers", "--suite", "gpu", "--out", out.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--suite must be kernels, nn, encoders or all, got 'gpu'").doesNotContain("\tat ");
  }
}
