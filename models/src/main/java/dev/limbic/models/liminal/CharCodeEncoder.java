package dev.limbic.models.liminal;

import dev.limbic.models.encoder.SentenceEncoder;
import dev.limbic.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The LIMINAL notebook's dependency-free text encoder {@code encode_text_simple} (MODELS.md §1.1): component i is the
 * Unicode code point of the text's i-th character divided by 128, for the first {@code dimension} characters; zeros
 * after the text ends. Crude (it sees spelling, not meaning) but needs no weights at all.
 */
public final class CharCodeEncoder implements SentenceEncoder {
  public static final int DEFAULT_DIMENSION = 128;

  private final int dimension;

  public CharCodeEncoder(int dimension) {
    if (dimension < 1) {
      throw new IllegalArgumentException("CharCodeEncoder: dimension must be >= 1, got " + dimension);
    }
    this.dimension = dimension;
  }

  public CharCodeEncoder() {
    this(DEFAULT_DIMENSION);
  }

  @Override
  public Tensor embed(List<String> texts) {
    float[] out = new float[texts.size() * dimension];   // (N, dimension)
    for (int n = 0; n < texts.size(); n++) {
      int[] cps = texts.get(n).codePoints().limit(dimension).toArray();
      for (int i = 0; i < cps.length; i++) {
        out[n * dimension + i] = cps[i] / 128f;
      }
    }
    return Tensor.of(out, texts.size(), dimension);
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public String modelId() {
    return "charcode/" + dimension;
  }

  @Override
  public String fingerprint() {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(("limbic-charcode-v1/" + dimension)
          .getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
