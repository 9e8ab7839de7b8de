package dev.limbic.data;

/**
 * A dataset is in none of the places {@link DataLocator} searches. The message lists every place it looked (and
 * what was missing there) and how to get the data.
 */
public final class DataNotFoundException extends RuntimeException {

  private final String dataset;

  public DataNotFoundException(String dataset, String message) {
    super(message);
    this.dataset = dataset;
  }

  public String dataset() {
    return dataset;
  }
}
