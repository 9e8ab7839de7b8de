package dev.limbic.data.tokenize;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.Locale;

/**
 * BERT's text normalisation (Hugging Face {@code BertNormalizer}), done one original code point at a time so
 * that every output character remembers the span of the original character it came from. That alignment is
 * what lets offsets point into the original text although lower-casing and NFD change lengths (U+0130 'İ'
 * lower-cases to two characters, 'é' decomposes to two and loses its accent).
 *
 * <p>Steps, in Hugging Face's order: clean text (delete NUL, U+FFFD and category C* except tab/newline/CR;
 * turn every White_Space character into ' '), put spaces around CJK ideographs, strip accents (NFD, then drop
 * category Mn), lower-case (full Unicode lower-casing of each character, without context, like Rust's
 * {@code char::to_lowercase}).
 */
final class BertNormalizer {

  private final boolean cleanText;
  private final boolean handleChineseChars;
  private final boolean stripAccents;
  private final boolean lowercase;

  BertNormalizer(boolean cleanText, boolean handleChineseChars, boolean stripAccents, boolean lowercase) {
    this.cleanText = cleanText;
    this.handleChineseChars = handleChineseChars;
    this.stripAccents = stripAccents;
    this.lowercase = lowercase;
  }

  /**
   * Normalised text as code points; {@code start[i]}, {@code end[i]} are the UTF-16 span in the original text
   * of the character that produced code point i.
   */
  record Normalized(int[] codePoints, int[] start, int[] end, int length) {
  }

  /** Normalises {@code text[from, to)} (UTF-16 indices); spans are indices into {@code text}. */
  Normalized normalize(String text, int from, int to) {
    Builder out = new Builder(to - from + 8);
    int i = from;
    while (i < to) {
      int cp = text.codePointAt(i);
      int next = i + Character.charCount(cp);
      if (cleanText) {
        if (cp == 0 || cp == 0xFFFD || UnicodeClasses.isBertControl(cp)) {
          i = next;
          continue;
        }
        if (UnicodeClasses.isWhiteSpace(cp)) {
          cp = ' ';
        }
      }
      if (handleChineseChars && UnicodeClasses.isCjkIdeograph(cp)) {
        out.add(' ', i, next);
        appendAccentsAndCase(cp, i, next, out);
        out.add(' ', i, next);
      } else {
        appendAccentsAndCase(cp, i, next, out);
      }
      i = next;
    }
    return new Normalized(out.cps, out.start, out.end, out.size);
  }

  private void appendAccentsAndCase(int cp, int start, int end, Builder out) {
    if (cp < 0x80) { // fast path: ASCII has no accents and lower-cases to one character
      out.add(lowercase && cp >= 'A' && cp <= 'Z' ? cp + 32 : cp, start, end);
      return;
    }
    String s = Character.toString(cp);
    if (stripAccents) {
      s = Normalizer.normalize(s, Normalizer.Form.NFD);
    }
    for (int k = 0; k < s.length(); ) {
      int c = s.codePointAt(k);
      k += Character.charCount(c);
      if (stripAccents && Character.getType(c) == Character.NON_SPACING_MARK) {
        continue;
      }
      if (lowercase) {
        // A one-character string has no casing context, so this is the context-free full mapping.
        String lower = Character.toString(c).toLowerCase(Locale.ROOT);
        for (int m = 0; m < lower.length(); ) {
          int l = lower.codePointAt(m);
          m += Character.charCount(l);
          out.add(l, start, end);
        }
      } else {
        out.add(c, start, end);
      }
    }
  }

  private static final class Builder {
    int[] cps;
    int[] start;
    int[] end;
    int size;

    Builder(int capacity) {
      cps = new int[capacity];
      start = new int[capacity];
      end = new int[capacity];
    }

    void add(int cp, int s, int e) {
      if (size == cps.length) {
        int n = size * 2 + 8;
        cps = Arrays.copyOf(cps, n);
        start = Arrays.copyOf(start, n);
        end = Arrays.copyOf(end, n);
      }
      cps[size] = cp;
      start[size] = s;
      end[size] = e;
      size++;
    }
  }
}
