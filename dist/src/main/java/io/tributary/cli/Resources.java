package io.tributary.cli;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a command started, closed in reverse order exactly once: by the main thread at the end, or by the
 * Ctrl-C shutdown hook, whichever comes first.
 */
final class Resources implements AutoCloseable {
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private boolean closed;

  /** Registers a resource; throws if closing already began (Ctrl-C while starting). */
  synchronized <T extends AutoCloseable> T add(T resource) {
    if (closed) {
      closeQuietly(resource);
      throw new CliException("interrupted");
    }
    started.push(resource);
    return resource;
  }

  synchronized boolean closed() {
    return closed;
  }

  @Override
  public synchronized void close() {
    closed = true;
    while (!started.isEmpty()) {
      closeQuietly(started.pop());
    }
  }

  private static void closeQuietly(AutoCloseable resource) {
    try {
      resource.close();
    } catch (Exception e) {
      // Best effort on the way out; a failed close must not hide the real outcome.
    }
  }
}
