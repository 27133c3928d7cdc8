package io.tributary.testkit;

import java.io.IOException;

/** Polls a reading (a scraped metric, an HTTP status) until it equals the expected value, within a bound. */
public final class AwaitValue {
  /** How often the reading is taken again. */
  private static final long POLL_MS = 250;

  /** One reading; an {@link IOException} (the endpoint not answering yet) counts as "not yet". */
  public interface Reading {
    double value() throws Exception;
  }

  private AwaitValue() {}

  /** Returns once {@code reading} equals {@code expected}; fails naming {@code what} and the last value after {@code timeoutMs}. */
  public static void await(String what, Reading reading, double expected, long timeoutMs) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    String last = "";
    while (System.currentTimeMillis() < deadline) {
      try {
        double v = reading.value();
        if (v == expected) {
          return;
        }
        last = Double.toString(v);
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(POLL_MS);
    }
    throw new AssertionError(what + ": expected " + expected + " within " + timeoutMs + " ms, last seen " + last);
  }
}
