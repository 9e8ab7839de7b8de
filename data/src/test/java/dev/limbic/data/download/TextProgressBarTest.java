package dev.limbic.data.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limbic.data.download.ProgressListener.Progress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TextProgressBarTest {

  private static final long MIB = 1024 * 1024;

  @Test
  void rendersBarPercentBytesRateAndEta() {
    Progress p = new Progress("meld/train_sent_emo.csv", MIB / 2, 2 * MIB, 1.5 * MIB, Duration.ofSeconds(75));
    assertThat(TextProgressBar.render(p)).isEqualTo(
        "meld/train_sent_emo.csv [#####...............]  25%  512.0 KiB / 2.0 MiB  1.5 MiB/s  ETA 1:15");
  }

  @Test
  void rateAndEtaAreLeftOutUntilKnownAndEtaOnceComplete() {
    assertThat(TextProgressBar.render(new Progress("x", 0, 1000, 0, null)))
        .isEqualTo("x [....................]   0%  0 B / 1000 B");
    assertThat(TextProgressBar.render(new Progress("x", 1000, 1000, 2048, Duration.ZERO)))
        .isEqualTo("x [####################] 100%  1000 B / 1000 B  2.0 KiB/s");
  }

  @Test
  void formatsUnitsAndDurations() {
    assertThat(TextProgressBar.formatBytes(1023)).isEqualTo("1023 B");
    assertThat(TextProgressBar.formatBytes(1536)).isEqualTo("1.5 KiB");
    assertThat(TextProgressBar.formatBytes(12_900_000)).isEqualTo("12.3 MiB");
    assertThat(TextProgressBar.formatBytes(3L << 30)).isEqualTo("3.0 GiB");
    assertThat(TextProgressBar.formatDuration(Duration.ofMillis(200))).isEqualTo("0:01");
    assertThat(TextProgressBar.formatDuration(Duration.ofSeconds(59))).isEqualTo("0:59");
    assertThat(TextProgressBar.formatDuration(Duration.ofSeconds(3725))).isEqualTo("1:02:05");
  }

  @Test
  void onATerminalRedrawsOneLineWithCarriageReturns() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    TextProgressBar bar = new TextProgressBar(new PrintStream(buf, true, StandardCharsets.UTF_8), true);
    bar.fileStarted("d/a", 100, 0);
    bar.progress(new Progress("d/a", 50, 100, 10_000, Duration.ofSeconds(1)));
    bar.progress(new Progress("d/a", 100, 100, 10_000, Duration.ZERO));
    bar.fileFinished("d/a", Path.of("a"), false);
    String out = buf.toString(StandardCharsets.UTF_8);
    String first = "\r" + TextProgressBar.render(new Progress("d/a", 50, 100, 10_000, Duration.ofSeconds(1)));
    assertThat(out).startsWith(first);
    // The second draw is shorter (no ETA) and pads with spaces over the tail of the first.
    String second = TextProgressBar.render(new Progress("d/a", 100, 100, 10_000, Duration.ZERO));
    int pad = first.length() - 1 - second.length();
    assertThat(pad).isPositive();
    assertThat(out).isEqualTo(first + "\r" + second + " ".repeat(pad) + System.lineSeparator()
        + "d/a: done, SHA-256 verified" + System.lineSeparator());
  }

  @Test
  void withoutATerminalWritesPlainLinesAtQuarters() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    TextProgressBar bar = new TextProgressBar(new PrintStream(buf, true, StandardCharsets.UTF_8), false);
    bar.fileStarted("d/a", 1000, 0);
    for (long done = 100; done <= 1000; done += 100) {
      bar.progress(new Progress("d/a", done, 1000, 0, null));
    }
    bar.retrying("d/a", "HTTP 503 from the server", 2, 5, Duration.ofSeconds(2));
    bar.fileStarted("d/a", 1000, 600);
    bar.fileFinished("d/a", Path.of("a"), false);
    bar.fileFinished("d/b", Path.of("b"), true);
    String[] lines = buf.toString(StandardCharsets.UTF_8).split(System.lineSeparator());
    assertThat(lines).doesNotContain("\r");
    assertThat(lines).containsExactly(
        "d/a: downloading 1000 B",
        TextProgressBar.render(new Progress("d/a", 300, 1000, 0, null)),
        TextProgressBar.render(new Progress("d/a", 500, 1000, 0, null)),
        TextProgressBar.render(new Progress("d/a", 800, 1000, 0, null)),
        TextProgressBar.render(new Progress("d/a", 1000, 1000, 0, null)),
        "d/a: HTTP 503 from the server; retrying in 0:02 (attempt 2 of 5)",
        "d/a: resuming at 600 B of 1000 B",
        "d/a: done, SHA-256 verified",
        "d/b: already present, verified");
  }
}
