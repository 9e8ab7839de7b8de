package dev.limbic.data.tokenize;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds special (and added) tokens typed in raw text, as Hugging Face does, and hands the ordinary text between
 * them to the model's own tokenizer: leftmost match, longest token first. Shared by WordPiece and byte-level BPE.
 */
final class SpecialTokenSplitter {

  /** Tokenises the ordinary text {@code text[from, to)} into {@code out}. */
  interface SegmentTokenizer {
    void tokenize(String text, int from, int to, Pieces out);
  }

  private final String[] strings; // longest first
  private final int[] ids;
  private final String absorbsWhitespaceBefore;

  /**
   * @param tokens strings matched in the text; each must be in {@code vocab}
   * @param absorbsWhitespaceBefore a token that swallows the whitespace before it (RoBERTa's {@code <mask>}), or null
   */
  SpecialTokenSplitter(List<String> tokens, Map<String, Integer> vocab, String absorbsWhitespaceBefore) {
    List<String> sorted = new ArrayList<>(tokens);
    sorted.sort((x, y) -> Integer.compare(y.length(), x.length()));
    strings = sorted.toArray(String[]::new);
    ids = new int[strings.length];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = vocab.get(strings[i]);
    }
    this.absorbsWhitespaceBefore = absorbsWhitespaceBefore;
  }

  /** The id of a vocabulary token the tokenizer cannot work without; the error names the file and the role. */
  static int require(Map<String, Integer> vocab, String token, String role, String source) {
    Integer id = token == null ? null : vocab.get(token);
    if (id == null) {
      throw new TokenizerFileException(source + ": the " + role + " token \"" + token
          + "\" is not in the vocabulary");
    }
    return id;
  }

  boolean isSpecialId(int id) {
    for (int s : ids) {
      if (s == id) {
        return true;
      }
    }
    return false;
  }

  /** Special tokens become single pieces with their span; everything between goes to {@code segments}. */
  Pieces split(String text, SegmentTokenizer segments) {
    Pieces out = new Pieces();
    int segmentStart = 0;
    int i = 0;
    while (strings.length > 0 && i < text.length()) {
      int match = indexAt(text, i);
      if (match < 0) {
        i++;
        continue;
      }
      int segmentEnd = i;
      if (strings[match].equals(absorbsWhitespaceBefore)) {
        while (segmentEnd > segmentStart && UnicodeClasses.isWhiteSpace(text.charAt(segmentEnd - 1))) {
          segmentEnd--;
        }
      }
      segments.tokenize(text, segmentStart, segmentEnd, out);
      out.add(ids[match], strings[match], i, i + strings[match].length());
      i += strings[match].length();
      segmentStart = i;
    }
    segments.tokenize(text, segmentStart, text.length(), out);
    return out;
  }

  /** Index of the special token starting at {@code text[i]} (longest first), or -1. */
  private int indexAt(String text, int i) {
    for (int k = 0; k < strings.length; k++) {
      if (text.startsWith(strings[k], i)) {
        return k;
      }
    }
    return -1;
  }
}
