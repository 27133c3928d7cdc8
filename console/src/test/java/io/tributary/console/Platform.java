package io.tributary.console;

import io.tributary.connect.worker.ClusterLayout;
import io.tributary.connect.worker.ClusterStatus;
import io.tributary.connect.worker.Worker;
import io.tributary.connect.worker.WorkerConfig;
import io.tributary.console.lake.HudiTimeline;
import io.tributary.console.pipelines.Pipelines;
import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.registry.RegistryConfig;
import io.tributary.registry.RegistryServer;
import io.tributary.registry.serde.KafkaAvroSerializer;
import io.tributary.registry.serde.RegistryClient;
import io.tributary.registry.serde.SerdeConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A real local platform for the console's tests, as the quickstart runs it but in this JVM: ZooKeeper and a
 * broker, the schema registry, a connect worker running a topic-to-Hudi pipeline with a dead-letter topic, and
 * a lake catalog naming its table. Filled with what the pages must show: an Avro topic with two schema versions,
 * a consumer group that lags, bad records dead-lettered, Hudi commits.
 */
final class Platform implements AutoCloseable {
  static final String ORDERS = "orders";
  static final String GROUP = "billing";
  static final int ORDERS_COUNT = 5;
  static final int ORDERS_CONSUMED = 1;
  static final String EVENTS = "events";
  static final String EVENTS_DEAD = "events-dead";
  static final String PIPELINE = "events-to-lake";
  static final String TABLE = "events";
  static final String WORKER_CLUSTER = "console-test";
  static final int GOOD_EVENTS = 40;
  static final List<String> BAD_EVENTS = List.of("not avro at all", "{\"key\": \"k-x\"}", "plain text");

  static final Schema ORDER_V1 = SchemaBuilder.record("Order").namespace("shop").fields()
      .requiredString("id").requiredString("customer").requiredDouble("amount").endRecord();
  static final Schema ORDER_V2 = SchemaBuilder.record("Order").namespace("shop").fields()
      .requiredString("id").requiredString("customer").requiredDouble("amount").optionalString("coupon").endRecord();
  static final Schema EVENT = SchemaBuilder.record("Event").namespace("lake").fields()
      .requiredString("key").requiredLong("seq").requiredString("region").endRecord();

  final EmbeddedCluster cluster;
  final RegistryServer registry;
  final Worker worker;
  final Path catalog;
  final String tablePath;

  private Platform(EmbeddedCluster cluster, RegistryServer registry, Worker worker, Path catalog, String tablePath) {
    this.cluster = cluster;
    this.registry = registry;
    this.worker = worker;
    this.catalog = catalog;
    this.tablePath = tablePath;
  }

  static Platform start(Path dir) throws Exception {
    // metrics.port: each broker's /metrics, which the overview's throughput reads
    EmbeddedCluster cluster = EmbeddedCluster.start(1, dir.resolve("cluster"), Map.of("metrics.port", "0"));
    RegistryServer registry = new RegistryServer(new RegistryConfig(Map.of(RegistryConfig.LISTENERS,
        "http://127.0.0.1:0", RegistryConfig.BOOTSTRAP, cluster.bootstrapServers(), RegistryConfig.TOPIC_RF, "1")))
        .start();
    cluster.createTopic(ORDERS, 2, 1, Map.of());
    cluster.createTopic(EVENTS, 1, 1, Map.of());
    cluster.createTopic(EVENTS_DEAD, 1, 1, Map.of());
    produceOrders(cluster, registry.url());
    consumeSome(cluster);
    produceEvents(cluster, registry.url());

    String tablePath = dir.resolve("lake").resolve(TABLE).toUri().toString();
    Path pipeline = dir.resolve(PIPELINE + ".yaml");
    Files.writeString(pipeline, """
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
          table.type: COPY_ON_WRITE
          record.key: key
          precombine.field: seq
          commit.interval.ms: 500
          commit.records: 1000
        schema:
          registry.url: %s
        errors:
          tolerance: all
          dead.letter.topic: %s
        """.formatted(PIPELINE, EVENTS, cluster.bootstrapServers(), tablePath, TABLE, registry.url(), EVENTS_DEAD));
    Path workerConfig = dir.resolve("worker.properties");
    Files.writeString(workerConfig, """
        worker.id=w1
        zookeeper.connect=%s
        cluster.name=%s
        zookeeper.session.timeout.ms=6000
        status.interval.ms=200
        work.dir=%s
        pipelines=%s
        """.formatted(cluster.zookeeperConnect(), WORKER_CLUSTER, dir.resolve("work"), pipeline.getFileName()));
    Worker worker = Worker.create(WorkerConfig.load(workerConfig)).start();

    Path catalog = Files.createDirectories(dir.resolve("catalog"));
    Files.writeString(catalog.resolve(TABLE + ".yaml"), "path: " + tablePath + "\n");
    Platform p = new Platform(cluster, registry, worker, catalog, tablePath);
    p.awaitPipeline();
    return p;
  }

  ConsoleConfig consoleConfig() {
    return new ConsoleConfig("127.0.0.1", 0, cluster.bootstrapServers(), registry.url(), cluster.zookeeperConnect(),
        WORKER_CLUSTER, catalog, Map.of(), Map.of(0, brokerMetricsUrl()));
  }

  String brokerMetricsUrl() {
    return "http://127.0.0.1:" + cluster.broker(0).metricsPort() + "/metrics";
  }

  /**
   * Good events again, for keys the table has (same region, a newer seq): the pipeline writes them as upserts, so
   * the table keeps {@link #GOOD_EVENTS} rows while the pipeline's records out grows by {@code count}.
   */
  void produceEventsAgain(int count) throws Exception {
    KafkaAvroSerializer serializer = new KafkaAvroSerializer();
    serializer.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registry.url()), false);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(cluster.producerProps(), new ByteArraySerializer(),
        new ByteArraySerializer())) {
      for (int i = 0; i < count; i++) {
        GenericRecord e = new GenericData.Record(EVENT);
        e.put("key", String.format("k-%03d", i));
        e.put("seq", (long) GOOD_EVENTS + i);
        e.put("region", i % 2 == 0 ? "eu" : "us");
        producer.send(new ProducerRecord<>(EVENTS, ((String) e.get("key")).getBytes(StandardCharsets.UTF_8),
            serializer.serialize(EVENTS, e))).get();
      }
    }
  }

  /** Reads every record of {@code topic} without a group (commits nothing): the brokers count bytes out. */
  void consumeAll(String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cluster.consumerProps())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.currentTimeMillis() + 60_000;
      while (!partitions.stream().allMatch(tp -> consumer.position(tp) >= consumer.endOffsets(List.of(tp)).get(tp))) {
        consumer.poll(Duration.ofMillis(200));
        if (System.currentTimeMillis() > deadline) {
          throw new AssertionError("could not read " + topic + " to its end in 60 s");
        }
      }
    }
  }

  /** Orders in Avro through the registry serde: version 1 of orders-value, then version 2 registered. */
  private static void produceOrders(EmbeddedCluster cluster, String registryUrl) throws Exception {
    KafkaAvroSerializer serializer = new KafkaAvroSerializer();
    serializer.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl), false);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(cluster.producerProps(), new ByteArraySerializer(),
        new ByteArraySerializer())) {
      for (int i = 0; i < ORDERS_COUNT; i++) {
        GenericRecord order = new GenericData.Record(ORDER_V1);
        order.put("id", "order-" + i);
        order.put("customer", i == 0 ? "alice" : "customer-" + i);
        order.put("amount", 10.5 + i);
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(ORDERS, 0, ("order-" + i).getBytes(StandardCharsets.UTF_8),
            serializer.serialize(ORDERS, order));
        r.headers().add("source", "web-shop".getBytes(StandardCharsets.UTF_8));
        producer.send(r).get();
      }
    }
    new RegistryClient(registryUrl).register(ORDERS + "-value", ORDER_V2.toString());
  }

  /** The group reads and commits the first order of partition 0, then stops: it lags by the rest. */
  private static void consumeSome(EmbeddedCluster cluster) {
    Properties p = cluster.consumerProps();
    p.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(ORDERS_CONSUMED));
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of(ORDERS));
      long deadline = System.currentTimeMillis() + 60_000;
      while (consumer.poll(Duration.ofMillis(200)).isEmpty()) {
        if (System.currentTimeMillis() > deadline) {
          throw new AssertionError("the group read nothing of " + ORDERS + " in 60 s");
        }
      }
      consumer.commitSync();
    }
  }

  /** Good events in Avro, with bad ones (not in the registry's wire format) among them. */
  private static void produceEvents(EmbeddedCluster cluster, String registryUrl) throws Exception {
    KafkaAvroSerializer serializer = new KafkaAvroSerializer();
    serializer.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl), false);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(cluster.producerProps(), new ByteArraySerializer(),
        new ByteArraySerializer())) {
      for (int i = 0; i < GOOD_EVENTS; i++) {
        GenericRecord e = new GenericData.Record(EVENT);
        e.put("key", String.format("k-%03d", i));
        e.put("seq", (long) i);
        e.put("region", i % 2 == 0 ? "eu" : "us");
        producer.send(new ProducerRecord<>(EVENTS, ((String) e.get("key")).getBytes(StandardCharsets.UTF_8),
            serializer.serialize(EVENTS, e))).get();
        if (i % 10 == 5 && i / 10 < BAD_EVENTS.size()) {
          producer.send(new ProducerRecord<>(EVENTS, ("bad-" + i).getBytes(StandardCharsets.UTF_8),
              BAD_EVENTS.get(i / 10).getBytes(StandardCharsets.UTF_8))).get();
        }
      }
    }
  }

  /** Until the worker reports every record in (good ones written, bad ones dead-lettered) and a commit exists. */
  private void awaitPipeline() throws InterruptedException {
    try (Pipelines pipelines = new Pipelines(cluster.zookeeperConnect(), WORKER_CLUSTER)) {
      await("pipeline " + PIPELINE + " wrote " + GOOD_EVENTS + " records and dead-lettered " + BAD_EVENTS.size(),
          () -> {
            ClusterStatus s = pipelines.status();
            return s.pipelines().stream().anyMatch(r -> r.status().filter(t -> t.recordsOut() == GOOD_EVENTS
                && t.deadLettered() == BAD_EVENTS.size() && t.lastCommitMillis() != null).isPresent());
          }, () -> pipelines.status().render(System.currentTimeMillis()));
    }
    await("a completed commit in " + tablePath, () -> HudiTimeline.read(tablePath).commits() > 0, () -> tablePath);
  }

  /** When the worker last reported the pipeline's status (its clock). */
  long pipelineReportMillis() {
    return pipelineStatus().updatedMillis();
  }

  long pipelineRecordsOut() {
    return pipelineStatus().recordsOut();
  }

  private ClusterLayout.TaskStatus pipelineStatus() {
    try (Pipelines pipelines = new Pipelines(cluster.zookeeperConnect(), WORKER_CLUSTER)) {
      return pipelines.status().pipelines().stream().filter(r -> r.pipeline().equals(PIPELINE))
          .flatMap(r -> r.status().stream()).findFirst()
          .orElseThrow(() -> new AssertionError("no status of " + PIPELINE));
    }
  }

  /** Waits (bounded) for {@code done}; fails with {@code state} when it does not happen. */
  static void await(String what, BooleanSupplier done, Supplier<String> state)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 120_000;
    while (System.currentTimeMillis() < deadline) {
      try {
        if (done.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) { // not there yet (no table before the first commit)
        // try again
      }
      Thread.sleep(200);
    }
    throw new AssertionError("timed out waiting for: " + what + "; now: " + state.get());
  }

  @Override
  public void close() throws Exception {
    worker.close();
    registry.close();
    cluster.close();
  }
}
