package dev.limbic.models.encoder;

import dev.limbic.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * A {@link SentenceEncoder} that remembers vectors on disk: one file per model fingerprint
 * ({@code <dir>/<fingerprint>.embcache}), keyed by the SHA-256 of each text. {@link #embed} answers known texts
 * from memory and sends the others (each distinct text once, in order) to the wrapped encoder, then rewrites the
 * file atomically (temp file, fsync, rename), so a crash leaves either the old or the new file, never half of one.
 *
 * <p>File layout (little-endian): magic {@code LIMBEMB1}, the 64 ASCII hex characters of the fingerprint, int32
 * dimension, int32 count, then {@code count} entries of a 32-byte text hash and {@code dimension} float32 values,
 * then a CRC-32C of all preceding bytes. A file that is truncated, fails its checksum, or belongs to another model
 * or dimension is corrupt: {@link OnCorrupt#FAIL} reports it (naming the file and the problem), {@link
 * OnCorrupt#REBUILD} logs it and starts empty (the file is replaced on the next write).
 *
 * <p>Only batch-independent encoders can be cached (a {@code wmean_pos_rev} vector depends on its batch).
 */
public final class EmbeddingCache implements SentenceEncoder {
  private static final System.Logger LOG = System.getLogger(EmbeddingCache.class.getName());
  private static final byte[] MAGIC = "LIMBEMB1".getBytes(StandardCharsets.US_ASCII);
  private static final int HASH_BYTES = 32;
  private static final int FINGERPRINT_CHARS = 64;

  /** What to do with an unreadable cache file. */
  public enum OnCorrupt { FAIL, REBUILD }

  private final SentenceEncoder encoder;
  private final Path file;
  private final int dim;
  private final String fingerprint;
  private final Map<String, float[]> vectors = new LinkedHashMap<>();   // text hash (hex) → (dim)

  private EmbeddingCache(SentenceEncoder encoder, Path file) {
    this.encoder = encoder;
    this.file = file;
    this.dim = encoder.dimension();
    this.fingerprint = encoder.fingerprint();
  }

  /** Opens (or starts) the cache of {@code encoder} in {@code dir}. */
  public static EmbeddingCache open(SentenceEncoder encoder, Path dir, OnCorrupt onCorrupt) throws IOException {
    if (!encoder.batchIndependent()) {
      throw new IllegalArgumentException(encoder.modelId() + ": its vectors depend on the other texts of a batch, "
          + "so they cannot be cached per text");
    }
    String fp = encoder.fingerprint();
    if (!fp.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException(encoder.modelId() + ": fingerprint '" + fp + "' is not 64 hex digits");
    }
    EmbeddingCache cache = new EmbeddingCache(encoder, dir.resolve(fp + ".embcache"));
    if (Files.exists(cache.file)) {
      try {
        cache.read();
      } catch (CorruptCacheException e) {
        if (onCorrupt == OnCorrupt.FAIL) {
          throw e;
        }
        LOG.log(Level.WARNING, e.getMessage() + "; rebuilding the cache");
        cache.vectors.clear();
      }
    }
    return cache;
  }

  /** A cache file that cannot be used; the message names the file and the problem. */
  public static final class CorruptCacheException extends IOException {
    CorruptCacheException(Path file, String problem) {
      super("embedding cache " + file + " is corrupt: " + problem + " (delete it, or open with OnCorrupt.REBUILD)");
    }
  }

  private void read() throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    int header = MAGIC.length + FINGERPRINT_CHARS + 8;
    if (bytes.length < header + 4) {
      throw new CorruptCacheException(file, bytes.length + " bytes, shorter than the " + (header + 4)
          + "-byte header");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[MAGIC.length];
    b.get(magic);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      throw new CorruptCacheException(file, "wrong magic (not a Limbic embedding cache)");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if ((int) crc.getValue() != stored) {
      throw new CorruptCacheException(file, "checksum mismatch");
    }
    byte[] fp = new byte[FINGERPRINT_CHARS];
    b.get(fp);
    String fileFingerprint = new String(fp, StandardCharsets.US_ASCII);
    if (!fileFingerprint.equals(fingerprint)) {
      throw new CorruptCacheException(file, "written for model " + fileFingerprint + ", not " + fingerprint);
    }
    int fileDim = b.getInt();
    int count = b.getInt();
    if (fileDim != dim) {
      throw new CorruptCacheException(file, "dimension " + fileDim + ", the encoder gives " + dim);
    }
    long expected = header + (long) count * (HASH_BYTES + 4L * dim) + 4;
    if (count < 0 || expected != bytes.length) {
      throw new CorruptCacheException(file, count + " entries of dimension " + dim + " need " + expected
          + " bytes, the file has " + bytes.length);
    }
    HexFormat hex = HexFormat.of();
    byte[] key = new byte[HASH_BYTES];
    for (int i = 0; i < count; i++) {
      b.get(key);
      float[] v = new float[dim];
      b.asFloatBuffer().get(v);
      b.position(b.position() + 4 * dim);
      vectors.put(hex.formatHex(key), v);
    }
  }

  @Override
  public synchronized Tensor embed(List<String> texts) {
    String[] keys = new String[texts.size()];
    Map<String, String> missing = new LinkedHashMap<>();   // key → text, each distinct text once
    for (int i = 0; i < keys.length; i++) {
      keys[i] = key(texts.get(i));
      if (!vectors.containsKey(keys[i])) {
        missing.putIfAbsent(keys[i], texts.get(i));
      }
    }
    if (!missing.isEmpty()) {
      List<String> todo = new ArrayList<>(missing.values());
      float[] computed = encoder.embed(todo).contiguous().toFloatArray();   // (M, D)
      if (computed.length != todo.size() * dim) {
        throw new IllegalStateException(encoder.modelId() + " returned " + computed.length + " values for "
            + todo.size() + " texts of dimension " + dim);
      }
      int row = 0;
      for (String k : missing.keySet()) {
        vectors.put(k, java.util.Arrays.copyOfRange(computed, row * dim, (row + 1) * dim));
        row++;
      }
      try {
        write();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write embedding cache " + file, e);
      }
    }
    float[] out = new float[keys.length * dim];   // (N, D)
    for (int i = 0; i < keys.length; i++) {
      System.arraycopy(vectors.get(keys[i]), 0, out, i * dim, dim);
    }
    return Tensor.of(out, keys.length, dim);
  }

  private void write() throws IOException {
    int n = vectors.size();
    ByteBuffer b = ByteBuffer.allocate(MAGIC.length + FINGERPRINT_CHARS + 8 + n * (HASH_BYTES + 4 * dim) + 4)
        .order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).put(fingerprint.getBytes(StandardCharsets.US_ASCII)).putInt(dim).putInt(n);
    HexFormat hex = HexFormat.of();
    for (Map.Entry<String, float[]> e : vectors.entrySet()) {
      b.put(hex.parseHex(e.getKey()));
      for (float x : e.getValue()) {
        b.putFloat(x);
      }
    }
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    AtomicFiles.write(file, b.array());
  }

  private static String key(String text) {
    MessageDigest md = TransformerSentenceEncoder.sha256();
    return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** Vectors held (in memory and, after the last write, on disk). */
  public synchronized int size() {
    return vectors.size();
  }

  public Path file() {
    return file;
  }

  @Override
  public int dimension() {
    return dim;
  }

  @Override
  public String modelId() {
    return encoder.modelId();
  }

  @Override
  public String fingerprint() {
    return fingerprint;
  }
}
