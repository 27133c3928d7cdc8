package io.tributary.connect.worker;

import io.tributary.connect.cli.ConnectCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine;

/** What the worker process tests share: configs, the CLI in this JVM, waiting, topic sizes, dropping files. */
final class ProcessTests {
  private ProcessTests() {}

  record Cli(int code, String out, String err) {}

  static Cli connect(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new ConnectCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Cli(code, out.toString(), err.toString());
  }

  static Path workerConfig(Path dir, String id, String zookeeper, String pipelines) throws Exception {
    return workerConfig(dir, id, zookeeper, pipelines, 3000);
  }

  static Path workerConfig(Path dir, String id, String zookeeper, String pipelines, long sessionTimeoutMs)
      throws Exception {
    Path f = dir.resolve(id + ".properties");
    Files.writeString(f, """
        worker.id=%s
        zookeeper.connect=%s
        zookeeper.session.timeout.ms=%d
        status.interval.ms=500
        work.dir=%s
        """.formatted(id, zookeeper, sessionTimeoutMs, dir.resolve("work-" + id)) + (pipelines == null ? "" : "pipelines=" + pipelines + "\n"));
    return f;
  }

  /** Waits for {@code condition}; fails after {@code timeoutMs}, showing {@code context}. */
  static void await(String what, long timeoutMs, BooleanSupplier condition, java.util.function.Supplier<String> context)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("not reached within " + timeoutMs + " ms: " + what + "\n" + context.get());
      }
      Thread.sleep(20);
    }
  }

  /** Records in {@code topic} (sum of its partitions' end offsets). */
  static long size(KafkaConsumer<byte[], byte[]> c, String topic) {
    List<TopicPartition> tps = c.partitionsFor(topic).stream()
        .map(p -> new TopicPartition(topic, p.partition())).toList();
    return c.endOffsets(tps).values().stream().mapToLong(Long::longValue).sum();
  }

  static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** Writes a file the way producers of files should: elsewhere, then renamed into the directory. */
  static void drop(Path in, String name, String content) throws Exception {
    Files.createDirectories(in);
    Path tmp = in.resolve("." + name + ".tmp");
    Files.writeString(tmp, content);
    Files.move(tmp, in.resolve(name), StandardCopyOption.ATOMIC_MOVE);
  }

  /** A fresh log file under target/worker-logs (kept after the test, for reading after a failure). */
  static Path logFile(String name) throws Exception {
    Path dir = Path.of("target", "worker-logs");
    Files.createDirectories(dir);
    Path f = dir.resolve(name);
    Files.deleteIfExists(f);
    return f.toAbsolutePath();
  }
}
