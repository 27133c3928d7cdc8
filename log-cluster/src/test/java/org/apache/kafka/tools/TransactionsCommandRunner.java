package org.apache.kafka.tools;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;

/**
 * Runs Kafka's own {@code kafka-transactions.sh} (TransactionsCommand from kafka-tools) in-process and
 * returns what it printed. In Kafka's package because its testable entry point is package-private. It ends
 * with {@code Exit.exit(code)} even on success: the exit is turned into an exception here, and a non-zero
 * code fails the run.
 */
public final class TransactionsCommandRunner {
  private TransactionsCommandRunner() {}

  /** Thrown instead of exiting the JVM. */
  private static final class Exited extends RuntimeException {
    final int code;

    Exited(int code, String message) {
      super("kafka-transactions exited with " + code + (message == null ? "" : ": " + message));
      this.code = code;
    }
  }

  public static String run(String bootstrap, String... args) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Exit.setExitProcedure((code, message) -> {
      throw new Exited(code, message);
    });
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      TransactionsCommand.execute(args, ns -> Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap)),
          out, Time.SYSTEM);
    } catch (Exited e) {
      if (e.code != 0) {
        throw new IllegalStateException(e.getMessage() + "; printed: " + bytes.toString(StandardCharsets.UTF_8), e);
      }
    } finally {
      Exit.resetExitProcedure();
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
