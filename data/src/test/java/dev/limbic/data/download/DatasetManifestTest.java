package dev.limbic.data.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limbic.data.download.DatasetManifest.DatasetFile;
import dev.limbic.data.download.DatasetManifest.DatasetSpec;
import dev.limbic.data.json.JsonException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in manifest against the shared copies, and the parser's checks. */
class DatasetManifestTest {

  private static final Pattern PINNED_RAW_URL =
      Pattern.compile("https://raw\\.githubusercontent\\.com/[^/]+/[^/]+/[0-9a-f]{40}/.+");

  private static Path sharedData() {
    Path dir = Path.of(System.getProperty("limbic.shared", "../shared")).resolve("data");
    Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("SHA256SUMS")),
        "needs ../shared/data with SHA256SUMS (set -Dlimbic.shared)");
    return dir;
  }

  /** SHA256SUMS as "dataset/file" -> hash. */
  private static Map<String, String> sums(Path data) throws IOException {
    Map<String, String> out = new HashMap<>();
    for (String line : Files.readAllLines(data.resolve("SHA256SUMS"), StandardCharsets.US_ASCII)) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length == 2) {
        out.put(parts[1].replaceFirst("^\\./", ""), parts[0]);
      }
    }
    return out;
  }

  @Test
  void builtInManifestHasTheFiveDatasetsWithPinnedUrls() {
    DatasetManifest m = DatasetManifest.builtIn();
    assertThat(m.names()).containsExactly("emobank", "dair-ai-emotion", "meld", "goemotions", "emorynlp");
    for (DatasetSpec d : m.datasets().values()) {
      for (DatasetFile f : d.files()) {
        assertThat(f.url().toString()).as(d.name() + "/" + f.name()).matches(PINNED_RAW_URL);
      }
    }
  }

  @Test
  void everyLocalSizeAndHashMatchesTheSharedCopyAndSha256Sums() throws IOException {
    Path data = sharedData();
    Map<String, String> sums = sums(data);
    int checked = 0;
    for (DatasetSpec d : DatasetManifest.builtIn().datasets().values()) {
      for (DatasetFile f : d.files()) {
        String key = d.name() + "/" + f.name();
        Path file = data.resolve(d.name()).resolve(f.name());
        assertThat(file).as(key).isRegularFile();
        assertThat(f.localSha256()).as(key + " vs SHA256SUMS").isEqualTo(sums.get(key));
        assertThat(Files.size(file)).as(key + " size").isEqualTo(f.localSize());
        assertThat(Downloader.sha256Hex(file)).as(key + " bytes").isEqualTo(f.localSha256());
        checked++;
      }
    }
    // Every data file in SHA256SUMS (all but the project's own LICENSE.txt / SOURCE.txt) is in the manifest.
    long dataFiles = sums.keySet().stream()
        .filter(k -> !k.endsWith("/LICENSE.txt") && !k.endsWith("/SOURCE.txt")).count();
    assertThat(checked).isEqualTo(dataFiles).isEqualTo(19);
  }

  @Test
  void onlyDairAiValHasAFixupAndItDescribesTheExtraLeadingNewline() throws IOException {
    Path data = sharedData();
    for (DatasetSpec d : DatasetManifest.builtIn().datasets().values()) {
      for (DatasetFile f : d.files()) {
        boolean isVal = d.name().equals("dair-ai-emotion") && f.name().equals("val.txt");
        assertThat(f.fixup() != null).as(d.name() + "/" + f.name()).isEqualTo(isVal);
      }
    }
    DatasetFile val = DatasetManifest.builtIn().dataset("dair-ai-emotion").files().stream()
        .filter(f -> f.name().equals("val.txt")).findFirst().orElseThrow();
    // DATA.md section 2: upstream is the shared file plus one leading "\n" (204,241 vs 204,240 bytes).
    byte[] local = Files.readAllBytes(data.resolve("dair-ai-emotion/val.txt"));
    byte[] served = new byte[local.length + 1];
    served[0] = '\n';
    System.arraycopy(local, 0, served, 1, local.length);
    assertThat(val.size()).isEqualTo(204_241).isEqualTo(served.length);
    assertThat(val.localSize()).isEqualTo(204_240);
    Path tmp = Files.createTempFile("served-val", ".txt");
    try {
      Files.write(tmp, served);
      assertThat(Downloader.sha256Hex(tmp)).isEqualTo(val.sha256());
    } finally {
      Files.delete(tmp);
    }
  }

  /**
   * Every dataset end to end: a loopback server plays the upstream hosts (serving the shared bytes, with the
   * leading newline the GitHub val.txt has), the built-in manifest is pointed at it, and the downloaded folders
   * must equal the shared ones byte for byte.
   */
  @Test
  void downloadingTheBuiltInManifestFromALocalMirrorReproducesTheSharedCopies(@TempDir Path cache)
      throws Exception {
    Path data = sharedData();
    DatasetManifest builtIn = DatasetManifest.builtIn();
    try (LocalHttpServer server = new LocalHttpServer()) {
      for (DatasetSpec d : builtIn.datasets().values()) {
        for (DatasetFile f : d.files()) {
          byte[] local = Files.readAllBytes(data.resolve(d.name()).resolve(f.name()));
          byte[] served = local;
          if (f.fixup() != null) {
            served = new byte[local.length + 1];
            served[0] = '\n';
            System.arraycopy(local, 0, served, 1, local.length);
          }
          server.serve(f.url().getPath(), served);
        }
      }
      URI base = server.uri("/");
      DatasetManifest mirrored = builtIn.withUrls(u -> base.resolve(u.getRawPath()));
      Downloader downloader = Downloader.builder().manifest(mirrored).maxAttempts(1).build();

      List<Path> dirs = downloader.downloadAll(cache, ProgressListener.NONE);

      assertThat(dirs).hasSize(5);
      for (DatasetSpec d : builtIn.datasets().values()) {
        for (DatasetFile f : d.files()) {
          assertThat(Files.mismatch(cache.resolve(d.name()).resolve(f.name()),
              data.resolve(d.name()).resolve(f.name()))).as(d.name() + "/" + f.name()).isEqualTo(-1L);
        }
      }
    }
  }

  private static String manifestWithFile(String fileJson) {
    return "{\"format\": 1, \"datasets\": {\"toy\": {\"description\": \"d\", \"license\": \"l\", \"files\": ["
        + fileJson + "]}}}";
  }

  private static final String GOOD_HASH = "0".repeat(64);

  @Test
  void parserRejectsBadFieldsNamingWhere() {
    assertThatThrownBy(() -> DatasetManifest.parse(manifestWithFile(
        "{\"name\": \"a\", \"url\": \"https://x/a\", \"size\": 3, \"sha256\": \"ABC\"}"), "m.json"))
        .isInstanceOf(JsonException.class)
        .hasMessageContaining("m.json: datasets.toy.files[0]: \"sha256\" must be 64 lower-case hex digits");
    assertThatThrownBy(() -> DatasetManifest.parse(manifestWithFile(
        "{\"name\": \"a\", \"url\": \"ftp://x/a\", \"size\": 3, \"sha256\": \"" + GOOD_HASH + "\"}"), "m.json"))
        .hasMessageContaining("\"url\" must be http(s)");
    assertThatThrownBy(() -> DatasetManifest.parse(manifestWithFile(
        "{\"name\": \"../a\", \"url\": \"https://x/a\", \"size\": 3, \"sha256\": \"" + GOOD_HASH + "\"}"),
        "m.json"))
        .hasMessageContaining("\"name\" must be a plain file name");
    assertThatThrownBy(() -> DatasetManifest.parse(manifestWithFile(
        "{\"name\": \"a\", \"url\": \"https://x/a\", \"size\": 0, \"sha256\": \"" + GOOD_HASH + "\"}"), "m.json"))
        .hasMessageContaining("\"size\" must be positive");
    String file = "{\"name\": \"a\", \"url\": \"https://x/a\", \"size\": 3, \"sha256\": \"" + GOOD_HASH + "\"}";
    assertThatThrownBy(() -> DatasetManifest.parse(manifestWithFile(file + "," + file), "m.json"))
        .hasMessageContaining("file \"a\" listed twice");
    assertThatThrownBy(() -> DatasetManifest.parse(manifestWithFile(
        "{\"name\": \"a\", \"url\": \"https://x/a\", \"size\": 3, \"sha256\": \"" + GOOD_HASH
            + "\", \"fixup\": {\"op\": \"rot13\", \"size\": 3, \"sha256\": \"" + GOOD_HASH + "\"}}"), "m.json"))
        .hasMessageContaining("datasets.toy.files[0].fixup: unknown op \"rot13\"");
    assertThatThrownBy(() -> DatasetManifest.parse("{\"format\": 2, \"datasets\": {}}", "m.json"))
        .hasMessageContaining("unsupported manifest format 2");
  }
}
