package dev.limbic.data.tokenize;

import java.util.Arrays;

/**
 * A growable list of content tokens (id, token string, original span) and the assembly of those lists into
 * {@link Encoding}s with special tokens and truncation, shared by WordPiece and BPE.
 */
final class Pieces {

  int[] ids = new int[16];
  String[] tokens = new String[16];
  int[] start = new int[16];
  int[] end = new int[16];
  int size;

  void add(int id, String token, int s, int e) {
    if (size == ids.length) {
      int n = size * 2;
      ids = Arrays.copyOf(ids, n);
      tokens = Arrays.copyOf(tokens, n);
      start = Arrays.copyOf(start, n);
      end = Arrays.copyOf(end, n);
    }
    ids[size] = id;
    tokens[size] = token;
    start[size] = s;
    end[size] = e;
    size++;
  }

  /** A special token (no span in the text). */
  record Special(int id, String token) {
  }

  /** Encoding of {@code prefix + content[0, keep) + suffix}, all with type id {@code typeId}. */
  static Encoding single(Special[] prefix, Pieces content, int keep, Special[] suffix) {
    Builder b = new Builder(prefix.length + keep + suffix.length);
    b.specials(prefix, 0);
    b.content(content, keep, 0);
    b.specials(suffix, 0);
    return b.build();
  }

  /**
   * Encoding of {@code prefix + a[0, keepA) + middle + b[0, keepB) + suffix}; the first segment (prefix, a,
   * middle) has type id 0 and the rest {@code secondTypeId}.
   */
  static Encoding pair(Special[] prefix, Pieces a, int keepA, Special[] middle, Pieces b, int keepB,
      Special[] suffix, int secondTypeId) {
    Builder out = new Builder(prefix.length + keepA + middle.length + keepB + suffix.length);
    out.specials(prefix, 0);
    out.content(a, keepA, 0);
    out.specials(middle, 0);
    out.content(b, keepB, secondTypeId);
    out.specials(suffix, secondTypeId);
    return out.build();
  }

  /** Content length that fits {@code maxLength} ids beside {@code specials} special tokens. */
  static int singleBudget(int length, int maxLength, int specials, String who) {
    if (maxLength < specials) {
      throw new IllegalArgumentException(who + ": maxLength " + maxLength + " leaves no room for the " + specials
          + " special tokens");
    }
    return Math.min(length, maxLength - specials);
  }

  /**
   * Hugging Face's longest-first pair truncation: returns {keepA, keepB}. If the shorter text fits in half the
   * budget it is kept whole and the longer one gets the rest; otherwise the first text gets floor(budget/2) and
   * the second the remainder when the first is the shorter (or equal), and vice versa.
   */
  static int[] pairBudget(int lengthA, int lengthB, int maxLength, int specials, String who) {
    if (maxLength < specials) {
      throw new IllegalArgumentException(who + ": maxLength " + maxLength + " leaves no room for the " + specials
          + " special tokens");
    }
    int budget = maxLength - specials;
    if (lengthA + lengthB <= budget) {
      return new int[] {lengthA, lengthB};
    }
    boolean swap = lengthA > lengthB;
    int shorter = swap ? lengthB : lengthA;
    int longer = Math.max(shorter, budget - shorter);
    if (shorter + longer > budget) {
      shorter = budget / 2;
      longer = shorter + budget % 2;
    }
    return swap ? new int[] {longer, shorter} : new int[] {shorter, longer};
  }

  private static final class Builder {
    final int[] ids;
    final String[] tokens;
    final int[][] offsets;
    final int[] types;
    int n;

    Builder(int length) {
      ids = new int[length];
      tokens = new String[length];
      offsets = new int[length][];
      types = new int[length];
    }

    void specials(Special[] specials, int typeId) {
      for (Special s : specials) {
        ids[n] = s.id();
        tokens[n] = s.token();
        offsets[n] = new int[] {-1, -1};
        types[n] = typeId;
        n++;
      }
    }

    void content(Pieces p, int keep, int typeId) {
      for (int i = 0; i < keep; i++) {
        ids[n] = p.ids[i];
        tokens[n] = p.tokens[i];
        offsets[n] = new int[] {p.start[i], p.end[i]};
        types[n] = typeId;
        n++;
      }
    }

    Encoding build() {
      return new Encoding(ids, tokens, offsets, types);
    }
  }
}
