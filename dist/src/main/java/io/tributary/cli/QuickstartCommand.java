package io.tributary.cli;

import io.tributary.log.broker.Broker;
import io.tributary.log.broker.BrokerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tributary quickstart}: ZooKeeper and a broker in this process, a topic, 10 events produced and
 * consumed back with kafka-clients, printed; then everything is stopped. Ports are chosen free.
 */
@Command(
    name = "quickstart",
    mixinStandardHelpOptions = true,
    description = {
      "The first run: an embedded cluster, a topic, 10 events produced and consumed back.",
      "Starts ZooKeeper and a broker in this process, creates topic quickstart-events (3 partitions),",
      "produces 10 events, consumes them back, prints them, and stops everything. Ctrl-C stops cleanly."
    })
final class QuickstartCommand implements Callable<Integer> {
  static final String TOPIC = "quickstart-events";
  static final int PARTITIONS = 3;
  static final int EVENTS = 10;
  static final long CONSUME_TIMEOUT_MS = 30_000;

  @Spec CommandSpec spec;

  @Option(names = "--dir", description = "Working directory (default: a temporary directory).")
  Path dir;

  @Option(names = "--keep", description = "Keep the working directory afterwards (its path is printed).")
  boolean keep;

  @Option(names = "--brokers", defaultValue = "1", description = "Number of brokers (default: ${DEFAULT-VALUE}).")
  int brokers;

  /** Everything started, closed in reverse order exactly once (by the main thread or by Ctrl-C). */
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private boolean closed;

  @Override
  public Integer call() throws Exception {
    if (brokers < 1 || brokers > 5) {
      throw new CliException("--brokers must be 1-5, got " + brokers, 2);
    }
    PrintWriter out = spec.commandLine().getOut();
    long startNanos = System.nanoTime();
    boolean tempDir = dir == null;
    Path work = tempDir ? Files.createTempDirectory("tributary-quickstart-") : dir.toAbsolutePath();
    Files.createDirectories(work);
    Thread hook = new Thread(() -> {
      closeAll();
      cleanup(work, tempDir);
    }, "quickstart-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    int steps = 6;
    try {
      step(out, 1, steps, "starting ZooKeeper (data in " + work.resolve("zookeeper") + ")");
      EmbeddedZooKeeper zk = register(EmbeddedZooKeeper.start("127.0.0.1", 0, work.resolve("zookeeper")));
      detail(out, "ZooKeeper serving on " + zk.connectString());

      step(out, 2, steps, "starting " + (brokers == 1 ? "a broker" : brokers + " brokers"));
      List<String> addresses = new ArrayList<>();
      for (int i = 0; i < brokers; i++) {
        Map<String, String> cfg = new LinkedHashMap<>();
        cfg.put("broker.id", Integer.toString(i));
        cfg.put("listeners", "PLAINTEXT://127.0.0.1:0");
        cfg.put("log.dirs", work.resolve("broker-" + i).toString());
        cfg.put("zookeeper.connect", zk.connectString());
        cfg.put("offsets.topic.replication.factor", Integer.toString(Math.min(3, brokers)));
        cfg.put("default.replication.factor", Integer.toString(Math.min(3, brokers)));
        Broker broker = register(new Broker(BrokerConfig.of(cfg)));
        try {
          broker.start();
        } catch (Exception e) {
          throw new CliException("broker " + i + " failed to start: " + Errors.message(e), e);
        }
        String address = "127.0.0.1:" + broker.boundPort();
        addresses.add(address);
        detail(out, "broker " + i + " serving the Kafka protocol on " + address + " (log in " + work.resolve("broker-" + i)
            + ")");
      }
      String bootstrap = String.join(",", addresses);

      short rf = (short) Math.min(3, brokers);
      step(out, 3, steps, "creating topic " + TOPIC + " (" + PARTITIONS + " partitions, replication factor " + rf + ")");
      try (Admin admin = Kafka.admin(bootstrap, 15_000)) {
        Kafka.get(admin.createTopics(List.of(new NewTopic(TOPIC, Optional.of(PARTITIONS), Optional.of(rf)))).all(),
            bootstrap, 15_000, "create topic " + TOPIC);
      }

      step(out, 4, steps, "producing " + EVENTS + " events (idempotent producer, acks=all)");
      produce(bootstrap, out);

      step(out, 5, steps, "consuming them back from the beginning of every partition");
      List<ConsumerRecord<String, String>> records = consume(bootstrap);
      records.sort(Comparator.<ConsumerRecord<String, String>>comparingInt(ConsumerRecord::partition)
          .thenComparingLong(ConsumerRecord::offset));
      Table t = new Table("PARTITION", "OFFSET", "KEY", "VALUE");
      records.forEach(r -> t.row(r.partition(), r.offset(), r.key(), r.value()));
      t.print(out, "      ");
      if (records.size() != EVENTS) {
        throw new CliException("consumed " + records.size() + " of " + EVENTS + " events from topic " + TOPIC
            + " within " + Kafka.seconds(CONSUME_TIMEOUT_MS) + "; see the broker log above");
      }
      detail(out, "all " + EVENTS + " events read back");

      step(out, 6, steps, "stopping the broker" + (brokers == 1 ? "" : "s") + " and ZooKeeper");
      closeAll();
      out.println();
      out.println("quickstart finished in " + Kafka.seconds((System.nanoTime() - startNanos) / 1_000_000 / 100 * 100)
          + (keep || !tempDir ? "; data kept in " + work : ""));
      out.println("next: ./tributary local start   (a cluster of real processes, then ./tributary topic list)");
      out.flush();
      return 0;
    } finally {
      closeAll();
      cleanup(work, tempDir);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is doing the same
      }
    }
  }

  private void produce(String bootstrap, PrintWriter out) throws Exception {
    Properties p = Kafka.common(bootstrap, 15_000);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
    String[] kinds = {"page_view", "add_to_cart", "checkout"};
    List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
    try (KafkaProducer<String, String> producer = register(
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer()))) {
      for (int i = 0; i < EVENTS; i++) {
        String key = "customer-" + (i % 3);
        String value = "{\"event\":" + i + ",\"type\":\"" + kinds[(i / 3) % kinds.length] + "\",\"customer\":\""
            + key + "\"}";
        sent.add(producer.send(new ProducerRecord<>(TOPIC, key, value)));
      }
      producer.flush();
      int[] perPartition = new int[PARTITIONS];
      for (java.util.concurrent.Future<RecordMetadata> f : sent) {
        try {
          perPartition[f.get().partition()]++;
        } catch (java.util.concurrent.ExecutionException e) {
          throw new CliException("cannot produce to topic " + TOPIC + ": " + Errors.message(e.getCause()), e);
        }
      }
      detail(out, "acknowledged: " + perPartition[0] + " + " + perPartition[1] + " + " + perPartition[2]
          + " events on partitions 0, 1, 2 (same key, same partition)");
    }
  }

  private List<ConsumerRecord<String, String>> consume(String bootstrap) {
    Properties p = Kafka.common(bootstrap, 15_000);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = register(
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer()))) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int i = 0; i < PARTITIONS; i++) {
        tps.add(new TopicPartition(TOPIC, i));
      }
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      long deadline = System.nanoTime() + CONSUME_TIMEOUT_MS * 1_000_000L;
      while (records.size() < EVENTS && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  private synchronized <T extends AutoCloseable> T register(T resource) {
    if (closed) {
      throw new CliException("interrupted");
    }
    resources.push(resource);
    return resource;
  }

  private synchronized void closeAll() {
    closed = true;
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        // Best effort on the way out; a failed close must not hide the real outcome.
      }
    }
  }

  private void cleanup(Path work, boolean tempDir) {
    if (tempDir && !keep) {
      deleteTree(work);
    }
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
          Files.deleteIfExists(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      // A temp directory left behind is not worth failing the run for.
    }
  }

  private static void step(PrintWriter out, int n, int of, String what) {
    out.println("[" + n + "/" + of + "] " + what);
    out.flush();
  }

  private static void detail(PrintWriter out, String what) {
    out.println("      " + what);
    out.flush();
  }
}
