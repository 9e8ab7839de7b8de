package dev.limbic.models.liminal;

import dev.limbic.data.json.Json;
import dev.limbic.data.json.JsonException;
import dev.limbic.models.encoder.AtomicFiles;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * SoulKernel memory persisted as JSON lines, one entry {@code {timestamp, hope, faith, love, rinse[]}} per call
 * (MODELS.md §1.5, the notebook's {@code heartbeat_log.json} made append-only). Each call appends one complete line
 * with a single write followed by fsync, so a crash leaves at worst a torn last line; on start that line is reported
 * (a warning naming the file and line), cut off, and the last {@link #capacity()} entries are read back, so a new
 * process continues from the old one's memory. A malformed line before the last is an error naming file and line.
 *
 * <p>The file is compacted (rewritten atomically with the live entries: temp file, fsync, rename) once it holds
 * {@code 10 × capacity} lines, so a long training run does not grow it without bound. Not thread-safe.
 */
public final class FileSoulMemory implements SoulMemory, Closeable {
  private static final System.Logger LOG = System.getLogger(FileSoulMemory.class.getName());
  private static final int COMPACT_FACTOR = 10;

  private final Path file;
  private final InMemorySoulMemory live;
  private final List<String> warnings = new ArrayList<>();
  private FileChannel channel;
  private long linesInFile;

  private FileSoulMemory(Path file, int capacity) {
    this.file = file.toAbsolutePath();
    this.live = new InMemorySoulMemory(capacity);
  }

  /** Opens (or starts) the memory file; existing entries are read back (the last {@code capacity}). */
  public static FileSoulMemory open(Path file, int capacity) throws IOException {
    FileSoulMemory m = new FileSoulMemory(file, capacity);
    m.readBack();
    return m;
  }

  public static FileSoulMemory open(Path file) throws IOException {
    return open(file, DEFAULT_CAPACITY);
  }

  private void readBack() throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    byte[] bytes = Files.readAllBytes(file);
    int lastNewline = -1;
    for (int i = bytes.length - 1; i >= 0; i--) {
      if (bytes[i] == '\n') {
        lastNewline = i;
        break;
      }
    }
    String complete = new String(bytes, 0, lastNewline + 1, StandardCharsets.UTF_8);
    String[] lines = complete.isEmpty() ? new String[0] : complete.split("\n", -1);
    int lineCount = Math.max(0, lines.length - 1);   // split leaves one empty string after the final '\n'
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < lineCount; i++) {
      String line = lines[i];
      if (line.isBlank()) {
        continue;
      }
      String where = file + " line " + (i + 1);
      try {
        Object v = Json.parse(line, where);
        if (!(v instanceof Map<?, ?>)) {
          throw new IllegalArgumentException(where + ": a SoulKernel memory line must be a JSON object, got "
              + Json.typeName(v));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> obj = (Map<String, Object>) v;
        entries.add(Entry.fromJson(obj, where));
      } catch (JsonException | IllegalArgumentException e) {
        throw new IOException("SoulKernel memory " + file + " line " + (i + 1) + " is malformed: " + e.getMessage()
            + " (remove the line or start afresh with --reset-soul)", e);
      }
    }
    linesInFile = lineCount;
    if (lastNewline + 1 < bytes.length) {
      // an interrupted append: everything after the last newline is an incomplete entry
      String warning = "SoulKernel memory " + file + " line " + (lineCount + 1) + " is incomplete ("
          + (bytes.length - lastNewline - 1) + " bytes without a newline, probably an interrupted write); skipped "
          + "and cut off";
      warnings.add(warning);
      LOG.log(Level.WARNING, warning);
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ch.truncate(lastNewline + 1);
        ch.force(true);
      }
    }
    live.replaceAll(entries);
  }

  @Override
  public void store(Entry entry) {
    live.store(entry);
    try {
      if (linesInFile + 1 >= (long) COMPACT_FACTOR * live.capacity()) {
        rewrite();
        return;
      }
      if (channel == null) {
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
      }
      ByteBuffer b = ByteBuffer.wrap((Json.write(entry.toJson()) + "\n").getBytes(StandardCharsets.UTF_8));
      while (b.hasRemaining()) {
        channel.write(b);
      }
      channel.force(false);
      linesInFile++;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to the SoulKernel memory " + file + ": " + e.getMessage(), e);
    }
  }

  /** Replaces the file's content with the live entries, atomically. */
  private void rewrite() throws IOException {
    closeChannel();
    StringBuilder sb = new StringBuilder();
    for (Entry e : live.entries()) {
      sb.append(Json.write(e.toJson())).append('\n');
    }
    AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    linesInFile = live.size();
  }

  @Override
  public List<Entry> entries() {
    return live.entries();
  }

  @Override
  public List<double[]> lastRinse(int n) {
    return live.lastRinse(n);
  }

  @Override
  public int size() {
    return live.size();
  }

  @Override
  public void replaceAll(List<Entry> entries) {
    live.replaceAll(entries);
    try {
      rewrite();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rewrite the SoulKernel memory " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void reset() {
    replaceAll(List.of());
  }

  @Override
  public int capacity() {
    return live.capacity();
  }

  public Path file() {
    return file;
  }

  /** Problems found when the file was read back (a torn last line), one message each. */
  public List<String> warnings() {
    return List.copyOf(warnings);
  }

  private void closeChannel() throws IOException {
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }

  @Override
  public void close() throws IOException {
    closeChannel();
  }
}
