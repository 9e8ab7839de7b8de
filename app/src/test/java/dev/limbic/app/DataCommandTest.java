package dev.limbic.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataCommandTest {

  private static String run(int expectedCode, String... args) {
    CliRun r = CliRun.run(args);
    assertThat(r.code()).as("exit code of limbic %s", String.join(" ", args)).isEqualTo(expectedCode);
    return r.out();
  }

  @Test
  void whereReportsAMissingDatasetAndHowToGetIt(@TempDir Path empty) {
    String out = run(1, "data", "where", "--data", empty.toString(), "emobank");
    assertThat(out).contains("emobank").contains("not found").contains("--data: " + empty.toAbsolutePath())
        .contains("./limbic data download");
  }

  @Test
  void whereFindsADatasetFolderWithAllItsFiles(@TempDir Path root) throws Exception {
    Path emobank = Files.createDirectories(root.resolve("emobank"));
    for (String f : new String[] {"emobank.csv", "reader.csv", "writer.csv", "meta.tsv"}) {
      Files.writeString(emobank.resolve(f), "x");
    }
    String out = run(0, "data", "where", "--data", root.toString(), "emobank");
    assertThat(out).contains(emobank.toAbsolutePath().normalize().toString());
  }

  @Test
  void listNamesEveryDatasetWithItsLicence() {
    String out = run(0, "data", "list");
    assertThat(out).contains("emobank", "dair-ai-emotion", "meld", "goemotions", "emorynlp", "CC-BY-SA");
  }
}
