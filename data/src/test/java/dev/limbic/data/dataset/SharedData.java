package dev.limbic.data.dataset;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** The real dataset folders under {@code -Dlimbic.shared}/data; tests skip when they are absent. */
final class SharedData {
  private SharedData() {}

  static Path dir(String name) {
    String shared = System.getProperty("limbic.shared");
    Assumptions.assumeTrue(shared != null, "needs ../shared/data/" + name + " (set -Dlimbic.shared)");
    Path dir = Path.of(shared, "data", name);
    Assumptions.assumeTrue(Files.isDirectory(dir), "needs " + dir + " (../shared/data/" + name
        + "; set -Dlimbic.shared)");
    return dir;
  }
}
