package dev.limbic.data;

import dev.limbic.data.download.DatasetManifest;
import dev.limbic.data.download.DatasetManifest.DatasetSpec;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the folder that holds a dataset. A data root contains one folder per dataset ({@code emobank/},
 * {@code dair-ai-emotion/}, {@code meld/}, {@code goemotions/}, {@code emorynlp/}), each with the files the
 * {@link DatasetManifest} lists. Roots are searched in this order:
 *
 * <ol>
 *   <li>an explicit directory (the CLI's {@code --data DIR}); when given, it is the only place searched, so a
 *       mistyped path fails instead of silently using another copy;</li>
 *   <li>the environment variable {@value #ENV_VAR};</li>
 *   <li>{@code ../shared/data} beside the checkout: for the working directory, the {@code limbic.home} system
 *       property (set by the {@code limbic} launcher) and the location of the running jar or classes, that
 *       folder and up to {@value #MAX_ANCESTORS} of its ancestors are tried as the checkout;</li>
 *   <li>the per-user cache, {@code $XDG_CACHE_HOME/limbic/data} or {@code ~/.cache/limbic/data} (where
 *       {@code limbic data download} puts files).</li>
 * </ol>
 *
 * A root qualifies for a dataset when every expected file is a regular file there. The explicit directory and
 * {@value #ENV_VAR} may also name the dataset folder itself. The environment, home folder, working directory and
 * code locations are injectable through {@link #builder()} so tests do not depend on the machine.
 */
public final class DataLocator {

  /** Environment variable naming a data root. */
  public static final String ENV_VAR = "LIMBIC_DATA";

  /** How many ancestors of a start folder are tried as the checkout holding {@code ../shared/data}. */
  public static final int MAX_ANCESTORS = 4;

  private static final String EXPLICIT_ORIGIN = "--data";
  private static final String SHARED_ORIGIN = "../shared/data beside ";
  private static final String CACHE_ORIGIN = "user cache";

  /** A place searched, and how it was chosen (for messages). */
  public record Candidate(String origin, Path root) {}

  private final Path explicit;
  private final Map<String, String> env;
  private final Path home;
  private final List<Path> checkoutStarts;
  private final DatasetManifest manifest;

  private DataLocator(Builder b) {
    this.explicit = b.explicit;
    this.env = Map.copyOf(b.env);
    this.home = b.home;
    this.checkoutStarts = List.copyOf(b.checkoutStarts);
    this.manifest = b.manifest != null ? b.manifest : DatasetManifest.builtIn();
  }

  /**
   * The locator for this process: real environment, {@code user.home}, {@code user.dir}, {@code limbic.home} and
   * the location of the data module's classes.
   *
   * @param explicitDataDir the {@code --data} value, or null when not given
   */
  public static DataLocator standard(Path explicitDataDir) {
    Builder b = builder().explicit(explicitDataDir).env(System.getenv())
        .home(Path.of(System.getProperty("user.home")))
        .checkoutStart(Path.of(System.getProperty("user.dir")));
    String limbicHome = System.getProperty("limbic.home");
    if (limbicHome != null && !limbicHome.isBlank()) {
      b.checkoutStart(Path.of(limbicHome));
    }
    codeLocation(DataLocator.class).ifPresent(b::checkoutStart);
    return b.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The folder (jar's folder or classes folder) {@code type} was loaded from, when it is a local file. */
  static Optional<Path> codeLocation(Class<?> type) {
    try {
      CodeSource cs = type.getProtectionDomain().getCodeSource();
      if (cs == null || cs.getLocation() == null || !"file".equals(cs.getLocation().getProtocol())) {
        return Optional.empty();
      }
      Path p = Path.of(cs.getLocation().toURI());
      return Optional.of(Files.isRegularFile(p) ? p.getParent() : p);
    } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
      return Optional.empty(); // no usable location (custom class loader); the other candidates still apply
    }
  }

  /** Where downloads go and the last place searched: {@code $XDG_CACHE_HOME/limbic/data} or {@code ~/.cache/…}. */
  public Path cacheRoot() {
    String xdg = env.get("XDG_CACHE_HOME");
    // The XDG spec says relative values are invalid and must be ignored.
    if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg, "limbic", "data").normalize();
    }
    return home.resolve(".cache").resolve("limbic").resolve("data").normalize();
  }

  /** Every root searched, in order, without duplicates. */
  public List<Candidate> candidates() {
    List<Candidate> out = new ArrayList<>();
    if (explicit != null) {
      out.add(new Candidate(EXPLICIT_ORIGIN, explicit.toAbsolutePath().normalize()));
      return out;
    }
    Set<Path> seen = new LinkedHashSet<>();
    String fromEnv = env.get(ENV_VAR);
    if (fromEnv != null && !fromEnv.isBlank()) {
      add(out, seen, ENV_VAR, Path.of(fromEnv));
    }
    for (Path start : checkoutStarts) {
      Path dir = start.toAbsolutePath().normalize();
      for (int i = 0; i <= MAX_ANCESTORS && dir != null; i++, dir = dir.getParent()) {
        Path parent = dir.getParent();
        if (parent != null) {
          Path shared = parent.resolve("shared").resolve("data");
          if (Files.isDirectory(shared)) {
            add(out, seen, SHARED_ORIGIN + dir, shared);
          }
        }
      }
    }
    add(out, seen, CACHE_ORIGIN, cacheRoot());
    return out;
  }

  private static void add(List<Candidate> out, Set<Path> seen, String origin, Path root) {
    Path norm = root.toAbsolutePath().normalize();
    if (seen.add(norm)) {
      out.add(new Candidate(origin, norm));
    }
  }

  /**
   * The folder holding every file of {@code dataset}.
   *
   * @throws IllegalArgumentException for an unknown dataset name (the message lists the known ones)
   * @throws DataNotFoundException when no searched place holds it; the message says where it looked
   */
  public Path locate(String dataset) {
    DatasetSpec spec = manifest.dataset(dataset);
    List<String> report = new ArrayList<>();
    List<Candidate> candidates = candidates();
    boolean envListed = false;
    boolean sharedListed = false;
    for (Candidate c : candidates) {
      if (explicit == null && !envListed && !c.origin().equals(ENV_VAR)) {
        report.add("  " + ENV_VAR + ": not set");
      }
      envListed = true;
      if (c.origin().equals(CACHE_ORIGIN) && !sharedListed) {
        for (Path start : checkoutStarts) {
          report.add("  ../shared/data: no shared/data folder beside " + start.toAbsolutePath().normalize()
              + " or its " + MAX_ANCESTORS + " parent folders");
        }
      }
      sharedListed |= c.origin().startsWith(SHARED_ORIGIN);
      List<Path> dirs = new ArrayList<>();
      dirs.add(c.root().resolve(spec.name()));
      if (c.origin().equals(EXPLICIT_ORIGIN) || c.origin().equals(ENV_VAR)) {
        dirs.add(c.root()); // the user may have pointed at the dataset folder itself
      }
      String best = null;
      for (Path dir : dirs) {
        if (!Files.isDirectory(dir)) {
          continue;
        }
        List<String> missing = missingFiles(spec, dir);
        if (missing.isEmpty()) {
          return dir;
        }
        if (best == null && missing.size() < spec.files().size()) {
          best = dir + " (incomplete, missing " + String.join(", ", missing) + ")";
        }
      }
      report.add("  " + c.origin() + ": " + (best != null ? best : dirs.get(0) + " (not found)"));
    }
    throw new DataNotFoundException(dataset, notFoundMessage(spec, report));
  }

  /** Like {@link #locate} but empty instead of throwing when the dataset is absent. */
  public Optional<Path> find(String dataset) {
    try {
      return Optional.of(locate(dataset));
    } catch (DataNotFoundException e) {
      return Optional.empty();
    }
  }

  private static List<String> missingFiles(DatasetSpec spec, Path dir) {
    List<String> missing = new ArrayList<>();
    for (String name : spec.fileNames()) {
      if (!Files.isRegularFile(dir.resolve(name))) {
        missing.add(name);
      }
    }
    return missing;
  }

  private String notFoundMessage(DatasetSpec spec, List<String> report) {
    StringBuilder sb = new StringBuilder();
    sb.append("Dataset '").append(spec.name()).append("' not found. Looked in:\n");
    for (String line : report) {
      sb.append(line).append('\n');
    }
    sb.append("To get it, run:  ./limbic data download ").append(spec.name())
        .append("   (fetches ").append(String.format(java.util.Locale.ROOT, "%.1f MB",
            spec.downloadBytes() / 1e6)).append(" into ").append(cacheRoot()).append(")\n");
    sb.append("or set ").append(ENV_VAR).append(" (or pass --data DIR) to a folder containing ")
        .append(spec.name()).append("/ with ").append(String.join(", ", spec.fileNames())).append('.');
    return sb.toString();
  }

  /** Configures a locator; every input defaults to empty/none so tests state exactly what exists. */
  public static final class Builder {
    private Path explicit;
    private Map<String, String> env = Map.of();
    private Path home = Path.of(System.getProperty("user.home"));
    private final List<Path> checkoutStarts = new ArrayList<>();
    private DatasetManifest manifest;

    private Builder() {}

    /** The {@code --data} directory, or null. */
    public Builder explicit(Path dir) {
      this.explicit = dir;
      return this;
    }

    /** Environment variables ({@value DataLocator#ENV_VAR}, {@code XDG_CACHE_HOME}). */
    public Builder env(Map<String, String> env) {
      this.env = Objects.requireNonNull(env);
      return this;
    }

    /** The user's home folder (for {@code ~/.cache}). */
    public Builder home(Path home) {
      this.home = Objects.requireNonNull(home);
      return this;
    }

    /** A folder inside (or being) the checkout; {@code ../shared/data} is looked for beside it and its parents. */
    public Builder checkoutStart(Path dir) {
      Path norm = Objects.requireNonNull(dir).toAbsolutePath().normalize();
      // the working directory, limbic.home and the jar's folder are often the same place: search and report once
      if (checkoutStarts.stream().noneMatch(d -> d.toAbsolutePath().normalize().equals(norm))) {
        checkoutStarts.add(dir);
      }
      return this;
    }

    /** The datasets and their expected files (default: the built-in manifest). */
    public Builder manifest(DatasetManifest m) {
      this.manifest = Objects.requireNonNull(m);
      return this;
    }

    public DataLocator build() {
      return new DataLocator(this);
    }
  }
}
