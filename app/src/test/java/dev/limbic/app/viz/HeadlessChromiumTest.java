package dev.limbic.app.viz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the HTML/SVG pictures in headless Chromium through {@code bin/check-pictures.sh}, the same check a person
 * runs by hand. Skipped (with the reason) where no Chromium is installed.
 */
class HeadlessChromiumTest {

  private static Optional<Path> chromium() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      for (String name : new String[] {"chromium", "chromium-browser"}) {
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  private static Path requireChromium() {
    Optional<Path> found = chromium();
    Assumptions.assumeTrue(found.isPresent(), "needs a chromium binary on the PATH (Debian: apt-get install chromium;"
        + " bin/check-pictures.sh installs it)");
    return found.get();
  }

  private static Path checkScript() {
    Path cwd = Path.of("").toAbsolutePath();
    for (Path root : new Path[] {cwd, cwd.getParent()}) {
      if (root != null && Files.isRegularFile(root.resolve("bin/check-pictures.sh"))) {
        return root.resolve("bin/check-pictures.sh");
      }
    }
    Assumptions.abort("bin/check-pictures.sh not found from " + cwd + " (run from the repository or app/)");
    return null;
  }

  private record Run(int exitCode, String output) {
  }

  private static Run run(List<String> command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + command);
    }
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  @Test
  void everyHtmlAndSvgPictureRendersInHeadlessChromium(@TempDir Path dir) throws Exception {
    requireChromium();
    Path script = checkScript();
    Path pictures = dir.resolve("pictures");
    LiminalPictures.write(PictureFixtures.thirtyEpochs(), PictureFixtures.predictions(300),
        PictureFixtures.attention(5), pictures);
    Run run = run(List.of("bash", script.toString(), pictures.toString(), dir.resolve("shots").toString()));
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("ok   heartbeat.html", "ok   aura.html", "ok   attention-map.svg")
        .doesNotContain("FAIL");
    for (String shot : new String[] {"heartbeat.html.png", "aura.html.png", "attention-map.svg.png"}) {
      assertThat(dir.resolve("shots").resolve(shot)).isNotEmptyFile();
    }
  }

  @Test
  void aBlankPageFailsTheCheckNamingTheFile(@TempDir Path dir) throws Exception {
    requireChromium();
    Path script = checkScript();
    Files.writeString(dir.resolve("blank.html"), "<!DOCTYPE html><html><body style=\"background:#fff\"></body></html>");
    Run run = run(List.of("bash", script.toString(), dir.toString()));
    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output()).contains("FAIL blank.html").contains("blank");
  }

  @Test
  void theHeartbeatAnimatesWithoutScript(@TempDir Path dir) throws Exception {
    Path chromium = requireChromium();
    LiminalPictures.write(PictureFixtures.thirtyEpochs(), null, null, dir);
    // the same page after 0.2 s and after 6 s of (virtual) time: the sweep, heart and read-out have moved on
    List<byte[]> shots = new ArrayList<>();
    for (int millis : new int[] {200, 6000}) {
      Path shot = dir.resolve("t" + millis + ".png");
      Path profile = Files.createTempDirectory(dir, "profile");
      Run run = run(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
          "--no-first-run", "--user-data-dir=" + profile, "--virtual-time-budget=" + millis,
          "--screenshot=" + shot, "--window-size=1200,800", dir.resolve(LiminalPictures.HEARTBEAT).toUri().toString()));
      assertThat(shot).as("screenshot after %d ms; chromium said:%n%s", millis, run.output()).isNotEmptyFile();
      shots.add(Files.readAllBytes(shot));
    }
    assertThat(Arrays.equals(shots.get(0), shots.get(1))).as("screenshots at 0.2 s and 6 s are identical").isFalse();
  }
}
