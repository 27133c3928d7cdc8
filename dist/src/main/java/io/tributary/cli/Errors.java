package io.tributary.cli;

import java.net.BindException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;

/** Turns exceptions into the one line a user sees. */
final class Errors {
  private Errors() {}

  /** Strips the wrappers (ExecutionException, CompletionException, ...) that carry no message of their own. */
  static Throwable unwrap(Throwable t) {
    Throwable cur = t;
    for (int depth = 0; depth < 10 && cur.getCause() != null; depth++) {
      if (cur instanceof ExecutionException || cur instanceof CompletionException
          || (cur.getClass() == RuntimeException.class && cur.getCause() != null)
          || (cur instanceof picocli.CommandLine.ExecutionException)) {
        cur = cur.getCause();
      } else {
        break;
      }
    }
    return cur;
  }

  /** The message of an error, without a stack trace. */
  static String message(Throwable t) {
    Throwable e = unwrap(t);
    if (e instanceof CliException || e instanceof ConfigException) {
      return e.getMessage();
    }
    if (e instanceof NoSuchFileException) {
      return "file not found: " + e.getMessage();
    }
    if (e instanceof BindException) {
      return "cannot bind: " + e.getMessage() + " (is the port used by another process?)";
    }
    String msg = e.getMessage();
    String kind = e.getClass().getSimpleName();
    if (msg == null || msg.isBlank()) {
      return kind;
    }
    // A client that could not be built says only "Failed to construct kafka consumer": the reason is its cause.
    if (e instanceof KafkaException && msg.startsWith("Failed to ") && e.getCause() != null) {
      return msg + ": " + message(e.getCause());
    }
    // Kafka's exception messages are written for users already; keep the kind only for unexpected ones.
    return e.getClass().getName().startsWith("org.apache.kafka.") ? msg : kind + ": " + msg;
  }

  static int exitCode(Throwable t) {
    Throwable e = unwrap(t);
    return e instanceof CliException c ? c.exitCode() : 1;
  }
}
