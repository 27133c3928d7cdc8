package io.tributary.console;

/**
 * A part of the platform did not answer (the cluster, the registry, ZooKeeper, a table's storage). Its message
 * names the part and where the console looked for it, so that the page can say what is down.
 */
public final class Unavailable extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public Unavailable(String message, Throwable cause) {
    super(message, cause);
  }
}
