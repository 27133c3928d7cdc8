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

  /**
   * Reads a topic's records as they come, from its start, with {@code isolation.level} {@code isolation}: with
   * {@code read_committed}, transaction markers and the records of aborted transactions (a killed source's last
   * one) do not count; with {@code read_uncommitted} everything written counts, committed or not.
   */
  static final class Records implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> records =
        new java.util.ArrayList<>();
    private List<TopicPartition> tps;

    Records(String bootstrap, String topic, String isolation) {
      Properties p = new Properties();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
      this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      this.topic = topic;
    }

    /** The records up to the end visible to this reader now (the last stable offset for read_committed). */
    List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> records() {
      java.util.Map<TopicPartition, Long> end = consumer.endOffsets(partitions());
      long deadline = System.currentTimeMillis() + 30_000;
      while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.currentTimeMillis() < deadline) {
        consumer.poll(java.time.Duration.ofMillis(100)).forEach(records::add);
      }
      return records;
    }

    /**
     * The end offsets visible to this reader, summed: quick, and for {@code read_uncommitted} a measure of what was
     * written (transaction markers included).
     */
    long endOffsets() {
      return consumer.endOffsets(partitions()).values().stream().mapToLong(Long::longValue).sum();
    }

    private List<TopicPartition> partitions() {
      if (tps == null) {
        tps = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
      }
      return tps;
    }

    /** How many records {@link #records()} holds. */
    long count() {
      return records().size();
    }

    @Override
    public void close() {
      consumer.close();
    }
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
