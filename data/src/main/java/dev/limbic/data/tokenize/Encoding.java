package dev.limbic.data.tokenize;

/**
 * One tokenised text. {@code offsets[i]} is the [start, end) character span (UTF-16 units) of token i in the
 * original text, {-1, -1} for special tokens; {@code typeIds} are the segment ids (0 for the first text, 1
 * for the second of a pair).
 */
public record Encoding(int[] ids, String[] tokens, int[][] offsets, int[] typeIds) {

  public Encoding {
    if (tokens.length != ids.length || offsets.length != ids.length || typeIds.length != ids.length) {
      throw new IllegalArgumentException("Encoding: ids, tokens, offsets and typeIds must have the same length, got "
          + ids.length + ", " + tokens.length + ", " + offsets.length + ", " + typeIds.length);
    }
  }

  public int length() {
    return ids.length;
  }
}
