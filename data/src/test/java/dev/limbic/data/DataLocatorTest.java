package dev.limbic.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limbic.data.download.DatasetManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Search order and messages of {@link DataLocator}, on a fake file tree with injected environment and home. */
class DataLocatorTest {

  @TempDir Path tmp;

  private static final List<String> MELD_FILES =
      DatasetManifest.builtIn().dataset("meld").fileNames();

  /** Creates root/dataset with every expected file (empty: the locator checks presence, not content). */
  private static Path populate(Path root, String dataset) throws IOException {
    Path dir = Files.createDirectories(root.resolve(dataset));
    for (String f : DatasetManifest.builtIn().dataset(dataset).fileNames()) {
      Files.writeString(dir.resolve(f), "x");
    }
    return dir;
  }

  private DataLocator.Builder base() {
    return DataLocator.builder().env(Map.of()).home(tmp.resolve("home"));
  }

  @Test
  void explicitDirectoryWinsAndIsTheOnlyPlaceSearched() throws IOException {
    Path explicit = tmp.resolve("explicit");
    Path env = tmp.resolve("env");
    populate(explicit, "meld");
    populate(env, "meld");
    populate(env, "emobank");
    DataLocator locator = base().explicit(explicit).env(Map.of("LIMBIC_DATA", env.toString())).build();

    assertThat(locator.locate("meld")).isEqualTo(explicit.resolve("meld"));
    assertThat(locator.candidates()).extracting(DataLocator.Candidate::origin).containsExactly("--data");
    // emobank exists under LIMBIC_DATA, but an explicit --data that lacks it is an error, not a silent fallback.
    assertThatThrownBy(() -> locator.locate("emobank"))
        .isInstanceOf(DataNotFoundException.class)
        .hasMessageContaining("--data: " + explicit.resolve("emobank") + " (not found)")
        .hasMessageNotContaining(env.toString());
  }

  @Test
  void environmentVariableComesBeforeSharedDataAndCache() throws IOException {
    Path env = tmp.resolve("env");
    Path checkout = Files.createDirectories(tmp.resolve("work/limbic"));
    Path shared = tmp.resolve("work/shared/data");
    Path cache = tmp.resolve("home/.cache/limbic/data");
    populate(env, "meld");
    populate(shared, "meld");
    populate(cache, "meld");
    populate(shared, "goemotions");
    populate(cache, "emorynlp");
    DataLocator locator = base().env(Map.of("LIMBIC_DATA", env.toString())).checkoutStart(checkout).build();

    assertThat(locator.locate("meld")).isEqualTo(env.resolve("meld"));
    assertThat(locator.locate("goemotions")).isEqualTo(shared.resolve("goemotions"));
    assertThat(locator.locate("emorynlp")).isEqualTo(cache.resolve("emorynlp"));
    assertThat(locator.candidates()).extracting(DataLocator.Candidate::root)
        .containsExactly(env, shared, cache);
  }

  @Test
  void environmentVariableMayNameTheDatasetFolderItself() throws IOException {
    Path meld = populate(tmp.resolve("env"), "meld");
    DataLocator locator = base().env(Map.of("LIMBIC_DATA", meld.toString())).build();
    assertThat(locator.locate("meld")).isEqualTo(meld);
  }

  @Test
  void sharedDataIsFoundFromDeepInsideTheCheckoutAsFromTheClassesFolder() throws IOException {
    Path shared = tmp.resolve("work/shared/data");
    populate(shared, "emobank");
    Path classes = Files.createDirectories(tmp.resolve("work/wt-x/data/target/classes"));
    DataLocator locator = base().checkoutStart(classes).build();
    assertThat(locator.locate("emobank")).isEqualTo(shared.resolve("emobank"));
    assertThat(locator.candidates().get(0).origin()).isEqualTo("../shared/data beside " + tmp.resolve("work/wt-x"));
  }

  @Test
  void cacheFollowsXdgCacheHomeWhenAbsoluteAndIgnoresARelativeOne() throws IOException {
    Path xdg = tmp.resolve("xdg");
    DataLocator withXdg = base().env(Map.of("XDG_CACHE_HOME", xdg.toString())).build();
    assertThat(withXdg.cacheRoot()).isEqualTo(xdg.resolve("limbic/data"));
    populate(xdg.resolve("limbic/data"), "dair-ai-emotion");
    assertThat(withXdg.locate("dair-ai-emotion")).isEqualTo(xdg.resolve("limbic/data/dair-ai-emotion"));

    DataLocator relative = base().env(Map.of("XDG_CACHE_HOME", "rel/cache")).build();
    assertThat(relative.cacheRoot()).isEqualTo(tmp.resolve("home/.cache/limbic/data"));
  }

  @Test
  void notFoundMessageSaysWhereItLookedAndHowToGetTheData() throws IOException {
    Path env = tmp.resolve("env");
    Path partial = Files.createDirectories(env.resolve("meld"));
    Files.writeString(partial.resolve(MELD_FILES.get(0)), "x"); // incomplete copy
    Path checkout = Files.createDirectories(tmp.resolve("work/limbic"));
    Files.createDirectories(tmp.resolve("work/shared/data"));
    DataLocator locator = base().env(Map.of("LIMBIC_DATA", env.toString())).checkoutStart(checkout).build();

    assertThatThrownBy(() -> locator.locate("meld"))
        .isInstanceOf(DataNotFoundException.class)
        .satisfies(e -> assertThat(((DataNotFoundException) e).dataset()).isEqualTo("meld"))
        .hasMessageStartingWith("Dataset 'meld' not found. Looked in:")
        .hasMessageContaining("LIMBIC_DATA: " + partial + " (incomplete, missing "
            + String.join(", ", MELD_FILES.subList(1, MELD_FILES.size())) + ")")
        .hasMessageContaining("../shared/data beside " + checkout + ": " + tmp.resolve("work/shared/data/meld")
            + " (not found)")
        .hasMessageContaining("user cache: " + tmp.resolve("home/.cache/limbic/data/meld") + " (not found)")
        .hasMessageContaining("./limbic data download meld")
        .hasMessageContaining("into " + tmp.resolve("home/.cache/limbic/data"))
        .hasMessageContaining("set LIMBIC_DATA (or pass --data DIR) to a folder containing meld/ with "
            + String.join(", ", MELD_FILES));
  }

  @Test
  void unsetEnvironmentAndMissingSharedFolderAreReportedInSearchOrder() throws IOException {
    Path start = Files.createDirectories(tmp.resolve("elsewhere/app/target"));
    // the same folder given twice (working directory = the jar's folder) is searched and reported once
    DataLocator locator = base().checkoutStart(start).checkoutStart(start.resolve("..").resolve("target")).build();
    assertThat(locator.find("goemotions")).isEmpty();
    assertThatThrownBy(() -> locator.locate("goemotions")).hasMessageContaining(
        "Looked in:\n"
            + "  LIMBIC_DATA: not set\n"
            + "  ../shared/data: no shared/data folder beside " + start + " or its 4 parent folders\n"
            + "  user cache: " + tmp.resolve("home/.cache/limbic/data/goemotions") + " (not found)\n"
            + "To get it, run:  ./limbic data download goemotions");
  }

  @Test
  void unknownDatasetListsTheKnownOnes() {
    assertThatThrownBy(() -> base().build().locate("iemocap"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown dataset 'iemocap'; known: emobank, dair-ai-emotion, meld, goemotions, emorynlp");
  }

  @Test
  void theStandardLocatorFindsTheRealSharedData() {
    Path shared = Path.of(System.getProperty("limbic.shared", "../shared")).resolve("data").toAbsolutePath()
        .normalize();
    Assumptions.assumeTrue(Files.isDirectory(shared.resolve("meld")), "needs ../shared/data (set -Dlimbic.shared)");
    Assumptions.assumeTrue(System.getenv("LIMBIC_DATA") == null, "LIMBIC_DATA is set; it would take precedence");
    for (String name : DatasetManifest.builtIn().names()) {
      assertThat(DataLocator.standard(null).locate(name)).isEqualTo(shared.resolve(name));
    }
  }
}
