package dev.limbic.data.tokenize;

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
    int batch = encodings.length;
    int[] ids = new int[batch * maxLen]; // (B, T)
    int[] mask = new int[batch * maxLen]; // (B, T)
    int[] types = new int[batch * maxLen]; // (B, T)
    int[] lengths = new int[batch];
    java.util.Arrays.fill(ids, padId);
    for (int b = 0; b < batch; b++) {
      Encoding e = encodings[b];
      lengths[b] = e.length();
      System.arraycopy(e.ids(), 0, ids, b * maxLen, e.length());
      System.arraycopy(e.typeIds(), 0, types, b * maxLen, e.length());
      java.util.Arrays.fill(mask, b * maxLen, b * maxLen + e.length(), 1);
    }
    return new BatchEncoding(batch, maxLen, ids, mask, types, lengths, encodings);
  }
}
