package dev.limbic.data.tokenize;

/**
 * Character classes the tokenizers share, defined by code point so that surrogate pairs count as one
 * character. {@link Character#isWhitespace} is not used: it is not Unicode's White_Space (it rejects U+00A0 and
 * U+202F and accepts U+001C..U+001F), which is what both Hugging Face's BERT normaliser (Rust
 * {@code char::is_whitespace}) and GPT-2's {@code \s} use.
 */
final class UnicodeClasses {

  private UnicodeClasses() {
  }

  /** Unicode's White_Space property (PropList.txt). */
  static boolean isWhiteSpace(int cp) {
    return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
        || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F
        || cp == 0x3000;
  }

  /**
   * BERT's "control" characters, which text cleaning deletes: every category C* (control, format, surrogate,
   * private use, unassigned) except tab, newline and carriage return, which count as whitespace.
   */
  static boolean isBertControl(int cp) {
    if (cp == '\t' || cp == '\n' || cp == '\r') {
      return false;
    }
    int type = Character.getType(cp);
    return type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
        || type == Character.PRIVATE_USE || type == Character.UNASSIGNED;
  }

  /**
   * BERT's punctuation: all ASCII non-alphanumeric printable characters (so {@code $ + < = > ^ ` | ~}, which
   * Unicode files as symbols, split too) and every Unicode P* category.
   */
  static boolean isBertPunctuation(int cp) {
    if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
      return true;
    }
    int type = Character.getType(cp);
    return type == Character.CONNECTOR_PUNCTUATION || type == Character.DASH_PUNCTUATION
        || type == Character.START_PUNCTUATION || type == Character.END_PUNCTUATION
        || type == Character.INITIAL_QUOTE_PUNCTUATION || type == Character.FINAL_QUOTE_PUNCTUATION
        || type == Character.OTHER_PUNCTUATION;
  }

  /**
   * The CJK Unified Ideograph blocks that BERT surrounds with spaces (so each ideograph is its own word).
   * Hangul, kana and CJK punctuation are deliberately not included, as in BERT.
   */
  static boolean isCjkIdeograph(int cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
        || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF)
        || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
  }

  /** General category L (Lu, Ll, Lt, Lm, Lo): regex {@code \p{L}}. */
  static boolean isLetter(int cp) {
    return Character.isLetter(cp);
  }

  /** General category N (Nd, Nl, No): regex {@code \p{N}}. */
  static boolean isNumber(int cp) {
    int type = Character.getType(cp);
    return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER
        || type == Character.OTHER_NUMBER;
  }
}
