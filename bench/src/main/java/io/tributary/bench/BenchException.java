package io.tributary.bench;

/** A benchmark that could not run or whose results failed verification; the message says what and where. */
public final class BenchException extends Exception {
  public BenchException(String message) {
    super(message);
  }

  public BenchException(String message, Throwable cause) {
    super(message, cause);
  }
}
