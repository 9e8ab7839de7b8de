package dev.limbic.data.download;

import dev.limbic.data.download.DatasetManifest.DatasetFile;
import dev.limbic.data.download.DatasetManifest.DatasetSpec;
import dev.limbic.data.download.DatasetManifest.Fixup;
import dev.limbic.data.download.ProgressListener.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fetches the files of a {@link DatasetManifest} dataset into a cache folder, verifying every byte.
 *
 * <p>For each file {@code NAME} of dataset {@code D} under {@code cacheRoot}:
 * <ol>
 *   <li>if {@code cacheRoot/D/NAME} exists with the manifest's size and SHA-256 it is kept (nothing fetched);</li>
 *   <li>otherwise the bytes stream into {@code NAME.part}; a {@code .part} left by an interrupted run is resumed
 *       with an HTTP {@code Range} request (a {@code 206} answer is appended, a {@code 200} answer from a server
 *       that ignores ranges restarts the file from byte 0);</li>
 *   <li>transient failures (connection errors, a stalled body, HTTP 408/429/5xx, a short body) are retried with
 *       exponential backoff, resuming from the bytes already on disk; other HTTP errors (404, 403, …) fail at
 *       once with the URL in the message;</li>
 *   <li>the complete {@code .part} must have the manifest's size and SHA-256, otherwise it is deleted and a
 *       {@link ChecksumMismatchException} names the file, expected and actual hash; a manifest
 *       {@link Fixup} is then applied and its result checked the same way;</li>
 *   <li>the verified file is fsync'ed and renamed atomically onto {@code NAME}.</li>
 * </ol>
 * So {@code NAME} is either absent or complete and verified; never a corrupt final file.
 */
public final class Downloader {

  /** Sleeps between retries; replaced in tests so they do not wait. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private static final String PART_SUFFIX = ".part";
  private static final String FIXUP_SUFFIX = ".fixup";
  private static final int BUFFER_BYTES = 64 * 1024;
  private static final long PROGRESS_INTERVAL_NANOS = 100_000_000L; // at most ~10 progress calls a second
  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)");

  private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "limbic-download-watchdog");
    t.setDaemon(true);
    return t;
  });

  private final DatasetManifest manifest;
  private final HttpClient client;
  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration requestTimeout;
  private final Duration stallTimeout;
  private final Sleeper sleeper;

  private Downloader(Builder b) {
    this.manifest = b.manifest;
    this.client = b.client != null ? b.client : HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(b.connectTimeout)
        .build();
    this.maxAttempts = b.maxAttempts;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.requestTimeout = b.requestTimeout;
    this.stallTimeout = b.stallTimeout;
    this.sleeper = b.sleeper;
  }

  /** A downloader over the built-in manifest with the default network settings. */
  public static Downloader create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public DatasetManifest manifest() {
    return manifest;
  }

  /**
   * Downloads (or verifies an existing copy of) every file of {@code dataset} into {@code cacheRoot/dataset} and
   * returns that folder.
   *
   * @throws IllegalArgumentException for an unknown dataset name (the message lists the known ones)
   * @throws DownloadException when a file cannot be fetched or does not verify
   */
  public Path download(String dataset, Path cacheRoot, ProgressListener listener) throws IOException {
    DatasetSpec spec = manifest.dataset(dataset);
    Objects.requireNonNull(listener, "listener (use ProgressListener.NONE)");
    Path dir = cacheRoot.resolve(spec.name());
    Files.createDirectories(dir);
    for (DatasetFile f : spec.files()) {
      downloadFile(spec.name() + "/" + f.name(), f, dir.resolve(f.name()), listener);
    }
    return dir;
  }

  /** {@link #download} for every dataset in manifest order; returns the folders. */
  public List<Path> downloadAll(Path cacheRoot, ProgressListener listener) throws IOException {
    List<Path> dirs = new ArrayList<>();
    for (String name : manifest.names()) {
      dirs.add(download(name, cacheRoot, listener));
    }
    return dirs;
  }

  /**
   * Fetches one file to {@code target} (see the class comment for the steps). {@code label} names the file in
   * progress events and errors.
   */
  public void downloadFile(String label, DatasetFile file, Path target, ProgressListener listener)
      throws IOException {
    if (Files.isRegularFile(target)) {
      if (Files.size(target) == file.localSize() && sha256Hex(target).equals(file.localSha256())) {
        listener.fileFinished(label, target, true);
        return;
      }
      // A final file that does not verify can only come from outside this class (edited, or truncated by a
      // crash of another tool); it must not survive as if it were the dataset.
      Files.delete(target);
    }
    Path part = target.resolveSibling(target.getFileName() + PART_SUFFIX);
    boolean freshRetryDone = false;
    while (true) {
      boolean resumed = fetchWithRetries(label, file, part, listener);
      String actual = sha256Hex(part);
      if (actual.equals(file.sha256())) {
        break;
      }
      Files.deleteIfExists(part);
      if (resumed && !freshRetryDone) {
        // The bytes kept from an earlier run may belong to another version of the file; one clean download
        // decides whether the mismatch is real.
        freshRetryDone = true;
        listener.retrying(label, "checksum mismatch after resuming a partial file; downloading it again from the"
            + " start", 1, maxAttempts, Duration.ZERO);
        continue;
      }
      throw new ChecksumMismatchException(label, target, file.url().toString(), file.sha256(), actual);
    }
    Path verified = part;
    if (file.fixup() != null) {
      verified = applyFixup(label, file, part, target);
    }
    fsync(verified);
    moveAtomically(verified, target);
    listener.fileFinished(label, target, false);
  }

  // ----------------------------------------------------------------------------------------------- transfer

  /** A failure worth another attempt; the partial file on disk is what the next attempt resumes from. */
  private static final class TransientFailure extends Exception {
    final Duration retryAfter;

    TransientFailure(String message, Duration retryAfter, Throwable cause) {
      super(message, cause, false, false);
      this.retryAfter = retryAfter;
    }
  }

  /** Runs attempts until {@code part} holds exactly {@code file.size()} bytes; returns whether it resumed. */
  private boolean fetchWithRetries(String label, DatasetFile file, Path part, ProgressListener listener)
      throws IOException {
    boolean resumed = false;
    for (int attempt = 1; ; attempt++) {
      try {
        resumed |= fetchOnce(label, file, part, listener);
        return resumed;
      } catch (TransientFailure t) {
        if (attempt >= maxAttempts) {
          long kept = Files.exists(part) ? Files.size(part) : 0;
          throw new DownloadException(label + ": giving up after " + maxAttempts + " attempts; last error: "
              + t.getMessage() + " (" + file.url() + ")."
              + (kept > 0 ? " The " + kept + " bytes received are kept in " + part + "; run the download again to"
                  + " resume." : ""), t.getCause());
        }
        Duration wait = backoff(attempt, t.retryAfter);
        listener.retrying(label, t.getMessage(), attempt + 1, maxAttempts, wait);
        try {
          sleeper.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException(label + ": interrupted while waiting to retry");
        }
      }
    }
  }

  private Duration backoff(int attempt, Duration retryAfter) {
    long millis = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
    Duration d = Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    if (retryAfter != null && retryAfter.compareTo(d) > 0) {
      // The server asked for a longer pause; honour it up to a minute so a bad header cannot stall us for hours.
      d = retryAfter.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : retryAfter;
    }
    return d;
  }

  /** One HTTP exchange; returns whether it continued an existing partial file. */
  private boolean fetchOnce(String label, DatasetFile file, Path part, ProgressListener listener)
      throws IOException, TransientFailure {
    long have = Files.exists(part) ? Files.size(part) : 0;
    if (have > file.size()) {
      Files.delete(part);
      have = 0;
    }
    if (have == file.size()) {
      return true; // complete from an earlier run; the caller verifies the hash
    }
    HttpRequest.Builder rb = HttpRequest.newBuilder(file.url())
        .timeout(requestTimeout)
        .header("User-Agent", "limbic-data-downloader")
        .GET();
    if (have > 0) {
      rb.header("Range", "bytes=" + have + "-");
    }
    HttpResponse<InputStream> response;
    try {
      response = client.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(label + ": interrupted");
    } catch (IOException e) {
      throw new TransientFailure("request failed: " + describe(e), null, e);
    }
    try (InputStream body = response.body()) {
      int status = response.statusCode();
      long start;
      if (status == 206) {
        start = contentRangeStart(response);
        if (start != have) {
          Files.deleteIfExists(part);
          throw new TransientFailure("server answered the range request from byte " + start + " instead of "
              + have + "; restarting the file", null, null);
        }
      } else if (status == 200) {
        start = 0; // no range asked, or the server ignored it: the body is the whole file
      } else if (status == 416) {
        Files.deleteIfExists(part);
        throw new TransientFailure("server rejected resuming at byte " + have + " (HTTP 416); restarting the file",
            null, null);
      } else if (status == 408 || status == 429 || status >= 500) {
        throw new TransientFailure("HTTP " + status + " from the server", retryAfter(response), null);
      } else {
        throw new DownloadException(label + ": HTTP " + status + " " + reason(status) + " for " + file.url()
            + (status == 404 || status == 410
                ? " — the file is no longer at this URL; the manifest (data module, datasets.json) needs a new"
                  + " source"
                : ""));
      }
      long expectedBody = file.size() - start;
      long contentLength = response.headers().firstValueAsLong("Content-Length").orElse(-1);
      if (contentLength >= 0 && contentLength != expectedBody) {
        Files.deleteIfExists(part);
        throw new DownloadException(label + ": " + file.url() + " announces " + contentLength + " bytes from byte "
            + start + ", expected " + expectedBody + " (file size " + file.size() + "); the upstream file changed"
            + " or the URL is wrong (the manifest needs updating)");
      }
      listener.fileStarted(label, file.size(), start);
      copyBody(label, file, part, body, start, listener);
      return start > 0;
    }
  }

  private void copyBody(String label, DatasetFile file, Path part, InputStream body, long start,
      ProgressListener listener) throws IOException, TransientFailure {
    AtomicLong lastData = new AtomicLong(System.nanoTime());
    AtomicBoolean stalled = new AtomicBoolean();
    long stallNanos = stallTimeout.toNanos();
    long period = Math.max(10, stallTimeout.toMillis() / 4);
    // HttpClient has no read timeout for a body: a watchdog closes a stream that stopped delivering bytes, which
    // ends the blocked read (as end of stream) and turns the stall into a retry that resumes.
    ScheduledFuture<?> watchdog = WATCHDOG.scheduleAtFixedRate(() -> {
      if (System.nanoTime() - lastData.get() > stallNanos && stalled.compareAndSet(false, true)) {
        try {
          body.close();
        } catch (IOException ignored) {
          // closing is best effort; the read loop sees end of stream or an exception either way
        }
      }
    }, period, period, TimeUnit.MILLISECONDS);
    long done = start;
    long attemptStart = System.nanoTime();
    long lastReport = 0;
    try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      out.truncate(start);
      out.position(start);
      byte[] buf = new byte[BUFFER_BYTES];
      while (true) {
        int n;
        try {
          n = body.read(buf);
        } catch (IOException e) {
          if (stalled.get()) {
            break;
          }
          throw new TransientFailure("connection lost after " + done + " of " + file.size() + " bytes: "
              + describe(e), null, e);
        }
        if (n < 0) {
          break;
        }
        lastData.set(System.nanoTime());
        if (done + n > file.size()) {
          out.close();
          Files.deleteIfExists(part);
          throw new DownloadException(label + ": " + file.url() + " serves more than the expected " + file.size()
              + " bytes; the upstream file changed or the URL is wrong (the manifest needs updating)");
        }
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
        while (bb.hasRemaining()) {
          out.write(bb);
        }
        done += n;
        long now = System.nanoTime();
        if (now - lastReport >= PROGRESS_INTERVAL_NANOS && done < file.size()) {
          lastReport = now;
          listener.progress(sample(label, done, start, file.size(), now - attemptStart));
        }
      }
      out.force(true);
    } finally {
      watchdog.cancel(false);
    }
    if (done < file.size()) {
      String why = stalled.get()
          ? "no data for " + stallTimeout.toSeconds() + " s"
          : "connection closed";
      throw new TransientFailure(why + " after " + done + " of " + file.size() + " bytes", null, null);
    }
    listener.progress(sample(label, done, start, file.size(), System.nanoTime() - attemptStart));
  }

  private static Progress sample(String label, long done, long start, long total, long elapsedNanos) {
    double seconds = elapsedNanos / 1e9;
    double rate = seconds > 0 ? (done - start) / seconds : 0;
    Duration eta = null;
    if (done >= total) {
      eta = Duration.ZERO;
    } else if (rate > 0 && done > start) {
      eta = Duration.ofMillis((long) Math.ceil((total - done) / rate * 1000));
    }
    return new Progress(label, done, total, rate, eta);
  }

  private static long contentRangeStart(HttpResponse<?> response) throws TransientFailure {
    String cr = response.headers().firstValue("Content-Range").orElse("");
    Matcher m = CONTENT_RANGE.matcher(cr.trim());
    if (!m.matches()) {
      throw new TransientFailure("HTTP 206 with an unreadable Content-Range \"" + cr + "\"", null, null);
    }
    return Long.parseLong(m.group(1));
  }

  private static Duration retryAfter(HttpResponse<?> response) {
    String v = response.headers().firstValue("Retry-After").orElse("").trim();
    if (v.matches("\\d{1,6}")) {
      return Duration.ofSeconds(Long.parseLong(v));
    }
    return null; // HTTP-date form or absent: our own backoff applies
  }

  private static String reason(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 410 -> "Gone";
      default -> "";
    };
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  // ----------------------------------------------------------------------------------------------- files

  private static Path applyFixup(String label, DatasetFile file, Path part, Path target) throws IOException {
    Fixup fx = file.fixup();
    Path fixed = target.resolveSibling(target.getFileName() + FIXUP_SUFFIX);
    if (!fx.op().equals(Fixup.STRIP_LEADING_NEWLINE)) {
      throw new DownloadException(label + ": unknown fixup op " + fx.op());
    }
    byte[] served = Files.readAllBytes(part);
    if (served.length == 0 || served[0] != '\n') {
      Files.deleteIfExists(part);
      throw new DownloadException(label + ": expected the served file to start with a newline byte (the fixup "
          + fx.op() + " removes it), but it does not; the manifest needs updating");
    }
    try (FileChannel out = FileChannel.open(fixed, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer bb = ByteBuffer.wrap(served, 1, served.length - 1);
      while (bb.hasRemaining()) {
        out.write(bb);
      }
    }
    Files.delete(part);
    String actual = sha256Hex(fixed);
    if (Files.size(fixed) != fx.size() || !actual.equals(fx.sha256())) {
      Files.deleteIfExists(fixed);
      throw new ChecksumMismatchException(label + " (after " + fx.op() + ")", target, file.url().toString(),
          fx.sha256(), actual);
    }
    return fixed;
  }

  /** Lower-case hex SHA-256 of a file's bytes. */
  public static String sha256Hex(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[BUFFER_BYTES];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static void fsync(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  private static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
    // Make the rename itself durable; directories cannot be opened for sync on every platform.
    try (FileChannel dir = FileChannel.open(to.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException | UnsupportedOperationException ignored) {
      // best effort (e.g. Windows)
    }
  }

  // ----------------------------------------------------------------------------------------------- builder

  public static final class Builder {
    private DatasetManifest manifest;
    private HttpClient client;
    private int maxAttempts = 5;
    private Duration initialBackoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private Duration connectTimeout = Duration.ofSeconds(30);
    private Duration requestTimeout = Duration.ofSeconds(60);
    private Duration stallTimeout = Duration.ofSeconds(60);
    private Sleeper sleeper = d -> Thread.sleep(d.toMillis());

    private Builder() {}

    /** The datasets to serve (default: {@link DatasetManifest#builtIn()}). */
    public Builder manifest(DatasetManifest m) {
      this.manifest = Objects.requireNonNull(m);
      return this;
    }

    /** A preconfigured client (proxy, SSL); default: redirects followed, 30 s connect timeout. */
    public Builder httpClient(HttpClient c) {
      this.client = Objects.requireNonNull(c);
      return this;
    }

    /** Attempts per file including the first (default 5). */
    public Builder maxAttempts(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxAttempts must be >= 1, got " + n);
      }
      this.maxAttempts = n;
      return this;
    }

    /** Wait before the second attempt, doubled for each further one up to {@code max} (default 1 s, 30 s). */
    public Builder backoff(Duration initial, Duration max) {
      if (initial.isNegative() || max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("need 0 <= initial <= max, got " + initial + ", " + max);
      }
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /** Time to wait for response headers (default 60 s). */
    public Builder requestTimeout(Duration d) {
      this.requestTimeout = positive(d, "requestTimeout");
      return this;
    }

    /** A body that delivers no byte for this long is abandoned and retried (default 60 s). */
    public Builder stallTimeout(Duration d) {
      this.stallTimeout = positive(d, "stallTimeout");
      return this;
    }

    /** Time to establish a connection, for the default client (default 30 s). */
    public Builder connectTimeout(Duration d) {
      this.connectTimeout = positive(d, "connectTimeout");
      return this;
    }

    /** How to wait between attempts (tests record instead of sleeping). */
    public Builder sleeper(Sleeper s) {
      this.sleeper = Objects.requireNonNull(s);
      return this;
    }

    public Downloader build() {
      if (manifest == null) {
        manifest = DatasetManifest.builtIn();
      }
      return new Downloader(this);
    }

    private static Duration positive(Duration d, String what) {
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(what + " must be positive, got " + d);
      }
      return d;
    }
  }
}
