package dev.limbic.data.tokenize;

import java.util.Arrays;

/**
 * GPT-2's pre-tokenisation, a hand-written scanner equivalent to the regular expression
 * <pre>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</pre>
 * matched repeatedly from left to right. It works on code points (a surrogate pair is one character),
 * contractions are case-sensitive, {@code \s} is Unicode White_Space and {@code \p{L}}, {@code \p{N}} are the
 * general categories L and N (so combining marks, emoji, ZWJ and variation selectors fall in the third class).
 * A scanner rather than {@code java.util.regex}: it cannot backtrack badly on long runs, and every rule is
 * visible here; a test checks it against the regex with {@code UNICODE_CHARACTER_CLASS}.
 */
final class Gpt2PreTokenizer {

  private Gpt2PreTokenizer() {
  }

  private static final int SPACE = 0;
  private static final int LETTER = 1;
  private static final int NUMBER = 2;
  private static final int OTHER = 3;

  private static int classOf(int cp) {
    if (UnicodeClasses.isWhiteSpace(cp)) {
      return SPACE;
    } else if (UnicodeClasses.isLetter(cp)) {
      return LETTER;
    } else if (UnicodeClasses.isNumber(cp)) {
      return NUMBER;
    }
    return OTHER;
  }

  /**
   * The pieces of {@code text[from, to)} as consecutive UTF-16 end indices: piece k is
   * {@code [k == 0 ? from : ends[k-1], ends[k])}. The pieces cover the range exactly.
   */
  static int[] split(String text, int from, int to) {
    int[] ends = new int[8];
    int count = 0;
    int i = from;
    while (i < to) {
      int end = pieceEnd(text, i, to);
      if (count == ends.length) {
        ends = Arrays.copyOf(ends, count * 2);
      }
      ends[count++] = end;
      i = end;
    }
    return Arrays.copyOf(ends, count);
  }

  /** End of the piece that starts at {@code i}. */
  private static int pieceEnd(String text, int i, int to) {
    int cp = text.codePointAt(i);
    int next = i + Character.charCount(cp);
    // 's 't 're 've 'm 'll 'd (case-sensitive, tried first)
    if (cp == '\'' && next < to) {
      char c1 = text.charAt(next);
      if (c1 == 's' || c1 == 't' || c1 == 'm' || c1 == 'd') {
        return next + 1;
      }
      if (next + 1 < to) {
        char c2 = text.charAt(next + 1);
        if ((c1 == 'r' && c2 == 'e') || (c1 == 'v' && c2 == 'e') || (c1 == 'l' && c2 == 'l')) {
          return next + 2;
        }
      }
    }
    int cls = classOf(cp);
    // ' ?X+' for X in letters, numbers, others: an optional single ASCII space, then a run of one class
    int runStart = i;
    int runClass = cls;
    if (cp == ' ' && next < to) {
      int following = classOf(text.codePointAt(next));
      if (following != SPACE) {
        runStart = next;
        runClass = following;
      }
    }
    if (runClass != SPACE) {
      int j = runStart;
      while (j < to) {
        int c = text.codePointAt(j);
        if (classOf(c) != runClass) {
          break;
        }
        j += Character.charCount(c);
      }
      return j;
    }
    // whitespace: '\s+(?!\S)' keeps the run's last character for the next word when a non-space follows;
    // a single whitespace character before a non-space falls through to '\s+' and stands alone
    int j = i;
    int lastStart = i;
    while (j < to) {
      int c = text.codePointAt(j);
      if (!UnicodeClasses.isWhiteSpace(c)) {
        break;
      }
      lastStart = j;
      j += Character.charCount(c);
    }
    if (j == to || lastStart == i) {
      return j;
    }
    return lastStart;
  }
}
