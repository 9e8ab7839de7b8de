package dev.limbic.data.json;

/** A malformed JSON document or a missing/mistyped field; the message names the source, line and column. */
public final class JsonException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JsonException(String message) {
    super(message);
  }
}
