package dev.limbic.data.tokenize;

import dev.limbic.tensor.Tensor;

/**
 * A padded batch: {@code ids} and {@code attentionMask} are row-major (batch, maxLen) with padding on the
 * right; {@code lengths[b]} is the unpadded length of row b.
 */
public record BatchEncoding(int batch, int maxLen, int[] ids, int[] attentionMask, int[] typeIds, int[] lengths,
    Encoding[] encodings) {

  /** Pads the encodings to the longest one with {@code padId}. */
  public static BatchEncoding pad(Encoding[] encodings, int padId) {
    int maxLen = 0;
    for (Encoding e : encodings) {
      maxLen = Math.max(maxLen, e.length());
    }
    return pad(encodings, padId, maxLen);
  }

  /**
   * Pads every encoding to exactly {@code length} (a tokenizer.json's fixed padding, or a model's fixed input
   * size); an encoding longer than {@code length} is an error naming its row.
   */
  public static BatchEncoding pad(Encoding[] encodings, int padId, int length) {
    int batch = encodings.length;
    for (int b = 0; b < batch; b++) {
      if (encodings[b].length() > length) {
        throw new IllegalArgumentException("BatchEncoding.pad: row " + b + " has " + encodings[b].length()
            + " tokens, more than the padded length " + length + " (truncate when encoding)");
      }
    }
    int[] ids = new int[batch * length]; // (B, T)
    int[] mask = new int[batch * length]; // (B, T)
    int[] types = new int[batch * length]; // (B, T)
    int[] lengths = new int[batch];
    java.util.Arrays.fill(ids, padId);
    for (int b = 0; b < batch; b++) {
      Encoding e = encodings[b];
      lengths[b] = e.length();
      System.arraycopy(e.ids(), 0, ids, b * length, e.length());
      System.arraycopy(e.typeIds(), 0, types, b * length, e.length());
      java.util.Arrays.fill(mask, b * length, b * length + e.length(), 1);
    }
    return new BatchEncoding(batch, length, ids, mask, types, lengths, encodings);
  }

  /** Token ids as an I64 tensor {@code (B, T)}, the input of an embedding table. */
  public Tensor idsTensor() {
    return Tensor.ofLongs(widen(ids), batch, maxLen);
  }

  /** Segment ids as an I64 tensor {@code (B, T)} (0 on padding). */
  public Tensor typeIdsTensor() {
    return Tensor.ofLongs(widen(typeIds), batch, maxLen);
  }

  /** Hugging Face's attention mask as an I64 tensor {@code (B, T)}: 1 on tokens, 0 on padding. */
  public Tensor attentionMaskTensor() {
    return Tensor.ofLongs(widen(attentionMask), batch, maxLen);
  }

  /**
   * PyTorch's key-padding mask as an I64 tensor {@code (B, T)}: 1 on padding (ignored keys), 0 on tokens — the
   * complement of {@link #attentionMaskTensor()}.
   */
  public Tensor keyPaddingMaskTensor() {
    long[] padded = new long[attentionMask.length]; // (B, T)
    for (int i = 0; i < padded.length; i++) {
      padded[i] = 1 - attentionMask[i];
    }
    return Tensor.ofLongs(padded, batch, maxLen);
  }

  /** Unpadded row lengths as an I64 tensor {@code (B)}. */
  public Tensor lengthsTensor() {
    return Tensor.ofLongs(widen(lengths), batch);
  }

  private static long[] widen(int[] values) {
    long[] out = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}
