package io.tributary.spark;

/**
 * An error meant for the user, printed as one line with no stack trace: it names the object (file and key,
 * subject, table path) and says what to do.
 */
public final class JobException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JobException(String message) {
    super(message);
  }

  public JobException(String message, Throwable cause) {
    super(message, cause);
  }
}
