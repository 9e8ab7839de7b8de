package dev.limbic.data.tokenize;

/**
 * A vocabulary, merges or tokenizer.json file that cannot be used: the message names the file and, where it
 * applies, the line or field at fault.
 */
public final class TokenizerFileException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TokenizerFileException(String message) {
    super(message);
  }

  public TokenizerFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
