package dev.limbic.models.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limbic.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The on-disk cache: hits, persistence, atomic rewrite, and what a damaged file does. */
class EmbeddingCacheTest {

  /** A deterministic encoder that records which texts it was asked for. */
  static final class CountingEncoder implements SentenceEncoder {
    final List<String> seen = new ArrayList<>();
    final String fingerprint;
    final boolean batchIndependent;

    CountingEncoder(char fp, boolean batchIndependent) {
      this.fingerprint = String.valueOf(fp).repeat(64);
      this.batchIndependent = batchIndependent;
    }

    @Override
    public Tensor embed(List<String> texts) {
      seen.addAll(texts);
      float[] v = new float[texts.size() * 3];
      for (int i = 0; i < texts.size(); i++) {
        String t = texts.get(i);
        v[3 * i] = t.length();
        v[3 * i + 1] = t.hashCode() % 1000;
        v[3 * i + 2] = t.isEmpty() ? 0 : t.charAt(0);
      }
      return Tensor.of(v, texts.size(), 3);
    }

    @Override
    public int dimension() {
      return 3;
    }

    @Override
    public String modelId() {
      return "counting";
    }

    @Override
    public String fingerprint() {
      return fingerprint;
    }

    @Override
    public boolean batchIndependent() {
      return batchIndependent;
    }
  }

  @Test
  void computesEachTextOnceAndPersists(@TempDir Path dir) throws IOException {
    CountingEncoder enc = new CountingEncoder('a', true);
    EmbeddingCache cache = EmbeddingCache.open(enc, dir, EmbeddingCache.OnCorrupt.FAIL);
    Tensor first = cache.embed(List.of("hello", "world", "hello"));
    assertThat(enc.seen).containsExactly("hello", "world");
    assertThat(first.shape()).containsExactly(3, 3);
    float[] f = first.toFloatArray();
    assertThat(java.util.Arrays.copyOfRange(f, 0, 3)).containsExactly(java.util.Arrays.copyOfRange(f, 6, 9));
    cache.embed(List.of("world", "new"));
    assertThat(enc.seen).containsExactly("hello", "world", "new");
    assertThat(cache.file()).exists().hasFileName("a".repeat(64) + ".embcache");
    try (var s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).as("no temp files left")
          .containsExactly(cache.file().getFileName().toString());
    }

    CountingEncoder again = new CountingEncoder('a', true);
    EmbeddingCache reopened = EmbeddingCache.open(again, dir, EmbeddingCache.OnCorrupt.FAIL);
    assertThat(reopened.size()).isEqualTo(3);
    assertThat(reopened.embed(List.of("hello", "world", "hello")).toFloatArray()).containsExactly(f);
    assertThat(again.seen).isEmpty();

    CountingEncoder other = new CountingEncoder('b', true);
    EmbeddingCache otherCache = EmbeddingCache.open(other, dir, EmbeddingCache.OnCorrupt.FAIL);
    assertThat(otherCache.size()).as("another model's cache is separate").isZero();
  }

  @Test
  void damagedFilesFailOrRebuild(@TempDir Path dir) throws IOException {
    CountingEncoder enc = new CountingEncoder('c', true);
    EmbeddingCache cache = EmbeddingCache.open(enc, dir, EmbeddingCache.OnCorrupt.FAIL);
    cache.embed(List.of("one", "two"));
    Path file = cache.file();
    byte[] good = Files.readAllBytes(file);

    byte[] flipped = good.clone();
    flipped[flipped.length - 10] ^= 1;
    Files.write(file, flipped);
    assertThatThrownBy(() -> EmbeddingCache.open(enc, dir, EmbeddingCache.OnCorrupt.FAIL))
        .isInstanceOf(EmbeddingCache.CorruptCacheException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("checksum mismatch");

    Files.write(file, java.util.Arrays.copyOf(good, 20));
    assertThatThrownBy(() -> EmbeddingCache.open(enc, dir, EmbeddingCache.OnCorrupt.FAIL))
        .hasMessageContaining("shorter than the");

    CountingEncoder fresh = new CountingEncoder('c', true);
    EmbeddingCache rebuilt = EmbeddingCache.open(fresh, dir, EmbeddingCache.OnCorrupt.REBUILD);
    assertThat(rebuilt.size()).isZero();
    rebuilt.embed(List.of("one"));
    assertThat(fresh.seen).containsExactly("one");
    assertThat(EmbeddingCache.open(enc, dir, EmbeddingCache.OnCorrupt.FAIL).size()).isEqualTo(1);
  }

  @Test
  void batchDependentEncodersAreRefused(@TempDir Path dir) {
    assertThatThrownBy(() -> EmbeddingCache.open(new CountingEncoder('d', false), dir,
        EmbeddingCache.OnCorrupt.FAIL)).hasMessageContaining("cannot be cached per text");
  }
}
