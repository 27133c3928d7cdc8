package io.tributary.connect.hudi;

import io.tributary.connect.Pipeline;
import io.tributary.connect.PipelineLoader;
import io.tributary.connect.runtime.GeneratorSource;
import io.tributary.connect.runtime.PipelineRunner;
import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.registry.RegistryConfig;
import io.tributary.registry.RegistryServer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;

/**
 * What the Hudi sink tests share: a log cluster and a schema registry (real, in-process), generator events
 * produced in Avro through the registry, pipelines written from a template, and the expected final table.
 */
final class Lake implements AutoCloseable {
  final EmbeddedCluster cluster;
  final RegistryServer registry;
  final Path dir;

  private Lake(EmbeddedCluster cluster, RegistryServer registry, Path dir) {
    this.cluster = cluster;
    this.registry = registry;
    this.dir = dir;
  }

  static Lake start(Path dir) throws Exception {
    EmbeddedCluster cluster = EmbeddedCluster.start(1, dir.resolve("cluster"));
    RegistryServer registry = new RegistryServer(new RegistryConfig(Map.of(RegistryConfig.LISTENERS,
        "http://127.0.0.1:0", RegistryConfig.BOOTSTRAP, cluster.bootstrapServers(), RegistryConfig.TOPIC_RF, "1")))
        .start();
    return new Lake(cluster, registry, dir);
  }

  String bootstrap() {
    return cluster.bootstrapServers();
  }

  String registryUrl() {
    return registry.url();
  }

  /**
   * Produces {@code events} generator events over {@code keys} keys (seed 7) to {@code topic} in Avro via the
   * registry, with the connector's own generator pipeline (idempotent, acks=all), records from {@code first}.
   */
  long produce(String topic, int partitions, long events, long keys) throws Exception {
    if (partitions > 0) {
      cluster.createTopic(topic, partitions, 1, Map.of());
    }
    Path file = dir.resolve("produce-" + topic + "-" + System.nanoTime() + ".yaml");
    Files.writeString(file, """
        name: produce-%s
        source:
          type: generator
          keys: %d
          rate: 0
          records: %d
          seed: 7
        sink:
          type: topic
          topic: %s
          bootstrap.servers: %s
        schema:
          registry.url: %s
        """.formatted(topic, keys, events, topic, bootstrap(), registryUrl()));
    Pipeline p = PipelineLoader.load(file);
    PipelineRunner runner = new PipelineRunner(p, OptionalLong.empty(), Map.of("batch.size", 262144, "linger.ms", 20));
    PipelineRunner.Metrics m = runner.run();
    if (m.acknowledged.get() != events) {
      throw new AssertionError("produced " + m + ", wanted " + events);
    }
    return events;
  }

  /** A topic -> hudi pipeline file over {@code topic} into {@code tablePath}; {@code extra} is appended. */
  Path pipeline(String name, String topic, String tablePath, String tableType, String partitionLine,
      long commitRecords, long commitIntervalMs, String extra) throws Exception {
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(file, """
        name: %s
        source:
          type: topic
          topic: %s
          bootstrap.servers: %s
          start: earliest
        sink:
          type: hudi
          table.path: %s
          table.name: %s
          table.type: %s
          record.key: key
          precombine.field: seq
        %s
          commit.interval.ms: %d
          commit.records: %d
        schema:
          registry.url: %s
        """.formatted(name, topic, bootstrap(), tablePath, name.replace('-', '_'), tableType,
        partitionLine == null ? "" : "  " + partitionLine, commitIntervalMs, commitRecords, registryUrl()) + extra);
    return file;
  }

  /** What the generator's events leave in an upserted table: per key, the event with the largest seq. */
  static Map<String, Map<String, Object>> expected(long events, long keys) {
    GeneratorSource gen = new GeneratorSource(keys, OptionalLong.of(events), 7, () -> 0L);
    Map<String, Map<String, Object>> out = new HashMap<>();
    while (gen.hasNext()) {
      Map<String, Object> e = gen.next();
      out.put((String) e.get("key"), e);
    }
    return out;
  }

  /** Every record of partition 0 of {@code topic} up to its end offset now (waiting at most 30 s). */
  List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(cluster.consumerProps())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      long deadline = System.currentTimeMillis() + 30_000;
      while (c.position(tp) < end && System.currentTimeMillis() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  /** Waits until {@code done} or {@code timeoutMs} passes; false on timeout. */
  static boolean await(BooleanSupplier done, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      if (done.getAsBoolean()) {
        return true;
      }
      Thread.sleep(100);
    }
    return done.getAsBoolean();
  }

  @Override
  public void close() throws Exception {
    registry.close();
    cluster.close();
  }
}
