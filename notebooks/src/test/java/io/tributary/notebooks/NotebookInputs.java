package io.tributary.notebooks;

import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.notebooks.SampleEvents.Event;
import io.tributary.registry.RegistryConfig;
import io.tributary.registry.RegistryServer;
import io.tributary.registry.serde.KafkaAvroSerializer;
import io.tributary.registry.serde.SerdeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * What the notebooks read, made for real in this JVM: a log cluster (ZooKeeper + one broker) and a schema
 * registry on 127.0.0.1, the topic {@code events} holding {@value #EVENTS} Avro events in Confluent's wire
 * format (every version of {@value #KEYS} keys, over two hours of {@code updatedAt}), and the Hudi table
 * {@code events} at {@code <lake>/events} upserted from the same events in three commits.
 *
 * <p>This stands in for {@code ./tributary quickstart --keep-running} (issue 8), which makes the same inputs;
 * {@link #environment()} is what the notebooks are pointed at.
 */
public final class NotebookInputs implements AutoCloseable {
  public static final String TOPIC = "events";
  public static final String TABLE = "events";
  static final int KEYS = 500;
  static final int EVENTS = 3000;
  static final long START_MILLIS = Instant.parse("2025-06-02T08:00:00Z").toEpochMilli();
  static final long SPAN_MILLIS = 2 * 3600_000L;
  /** Where the three commits split the events (fractions of the span of {@code updatedAt}). */
  static final double[] COMMIT_ENDS = {0.5, 0.8, 1.0};

  private final EmbeddedCluster cluster;
  private final RegistryServer registry;
  private final Path lake;
  private final List<Event> events;

  private NotebookInputs(EmbeddedCluster cluster, RegistryServer registry, Path lake, List<Event> events) {
    this.cluster = cluster;
    this.registry = registry;
    this.lake = lake;
    this.events = events;
  }

  /** Starts the cluster and the registry, fills the topic, writes the lake table under {@code dir}. */
  public static NotebookInputs create(Path dir) throws Exception {
    List<Event> events = SampleEvents.generate(KEYS, EVENTS, START_MILLIS, SPAN_MILLIS, 42);
    EmbeddedCluster cluster = EmbeddedCluster.start(1, dir.resolve("cluster"));
    RegistryServer registry = null;
    try {
      registry = new RegistryServer(new RegistryConfig(Map.of(
          RegistryConfig.LISTENERS, "http://127.0.0.1:0",
          RegistryConfig.BOOTSTRAP, cluster.bootstrapServers(),
          RegistryConfig.TOPIC_RF, "1"))).start();
      cluster.createTopic(TOPIC, 3, 1, Map.of());
      produce(events, cluster.bootstrapServers(), registry.url());
      Path lake = Files.createDirectories(dir.resolve("lake"));
      writeLakeTable(events, lake.resolve(TABLE).toUri().toString());
      return new NotebookInputs(cluster, registry, lake, events);
    } catch (Exception | Error e) {
      if (registry != null) {
        registry.close();
      }
      cluster.close();
      throw e;
    }
  }

  /** The variables the notebooks read (notebooks/README.md). */
  public Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("TRIBUTARY_LAKE", lake.toUri().toString().replaceAll("/$", ""));
    env.put("TRIBUTARY_BOOTSTRAP", cluster.bootstrapServers());
    env.put("TRIBUTARY_REGISTRY", registry.url());
    env.put("TRIBUTARY_TOPIC", TOPIC);
    return env;
  }

  /** Records in the topic: every version of every key. */
  public int topicRecords() {
    return events.size();
  }

  /** Commits on the table's timeline. */
  public int commits() {
    return COMMIT_ENDS.length;
  }

  /** Tumbling windows of {@code windowMillis} (aligned on the epoch, as Spark's) that events fall in. */
  public int windowsOfTopic(long windowMillis) {
    return (int) events.stream().map(e -> e.updatedAt() / windowMillis).distinct().count();
  }

  /** Tumbling windows of {@code windowMillis} that the latest version of each key falls in. */
  public int windowsOfSnapshot(long windowMillis) {
    Map<String, Long> latest = new HashMap<>();
    events.forEach(e -> latest.merge(e.key(), e.updatedAt(), Math::max));
    return (int) latest.values().stream().map(t -> t / windowMillis).distinct().count();
  }

  /** Rows of the table's latest snapshot: one per key. */
  public int snapshotRows() {
    return KEYS;
  }

  /** Rows of the table as of its first commit: the keys created in the first half of the span. */
  public int rowsAsOfFirstCommit() {
    return keysIn(commitBatches().get(0));
  }

  /** Rows an incremental query from the first commit returns: keys written by the later commits. */
  public int rowsChangedAfterFirstCommit() {
    List<List<Event>> batches = commitBatches();
    return keysIn(batches.get(1), batches.get(2));
  }

  @SafeVarargs
  private static int keysIn(List<Event>... batches) {
    Set<String> keys = new HashSet<>();
    for (List<Event> b : batches) {
      b.forEach(e -> keys.add(e.key()));
    }
    return keys.size();
  }

  private static void produce(List<Event> events, String bootstrap, String registryUrl) throws Exception {
    Schema schema = SchemaBuilder.record("GeneratedRecord").namespace("io.tributary.connect.generated").fields()
        .requiredString("key").requiredLong("seq").requiredLong("updatedAt")
        .requiredString("region").requiredString("status").requiredDouble("amount")
        .endRecord();
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl);
    try (KafkaProducer<String, Object> producer =
             new KafkaProducer<>(p, new StringSerializer(), serializer(registryUrl))) {
      for (Event e : events) {
        GenericRecord r = new GenericData.Record(schema);
        r.put("key", e.key());
        r.put("seq", e.seq());
        r.put("updatedAt", e.updatedAt());
        r.put("region", e.region());
        r.put("status", e.status());
        r.put("amount", e.amount());
        producer.send(new ProducerRecord<>(TOPIC, e.key(), r));
      }
      producer.flush();
    }
  }

  private static KafkaAvroSerializer serializer(String registryUrl) {
    KafkaAvroSerializer s = new KafkaAvroSerializer();
    s.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl), false);
    return s;
  }

  /** The events of each commit: split by {@code updatedAt}, so the table grows as the topic did. */
  private List<List<Event>> commitBatches() {
    return commitBatches(events);
  }

  private static List<List<Event>> commitBatches(List<Event> events) {
    List<List<Event>> batches = new ArrayList<>();
    long from = Long.MIN_VALUE;
    for (double end : COMMIT_ENDS) {
      long to = end >= 1 ? Long.MAX_VALUE : START_MILLIS + (long) (end * SPAN_MILLIS);
      long lo = from;
      batches.add(events.stream().filter(e -> e.updatedAt() >= lo && e.updatedAt() < to).toList());
      from = to;
    }
    return batches;
  }

  /** Upserts the events into a COPY_ON_WRITE table, one Spark write (= one Hudi commit) per batch. */
  private static void writeLakeTable(List<Event> events, String tablePath) {
    SparkSession spark = SparkSession.builder()
        .appName("notebook-inputs").master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.kryo.registrator", "org.apache.spark.HoodieSparkKryoRegistrar")
        .getOrCreate();
    try {
      StructType schema = new StructType()
          .add("key", DataTypes.StringType, false)
          .add("seq", DataTypes.LongType, false)
          .add("updatedAt", DataTypes.LongType, false)
          .add("region", DataTypes.StringType, false)
          .add("status", DataTypes.StringType, false)
          .add("amount", DataTypes.DoubleType, false);
      for (List<Event> batch : commitBatches(events)) {
        List<Row> rows = batch.stream().map(e -> RowFactory.create(
            e.key(), e.seq(), e.updatedAt(), e.region(), e.status(), e.amount())).toList();
        spark.createDataFrame(rows, schema).write().format("hudi")
            .option("hoodie.table.name", TABLE)
            .option("hoodie.datasource.write.table.type", "COPY_ON_WRITE")
            .option("hoodie.datasource.write.operation", "upsert")
            .option("hoodie.datasource.write.recordkey.field", "key")
            .option("hoodie.datasource.write.precombine.field", "seq")
            .option("hoodie.datasource.write.partitionpath.field", "region")
            .option("hoodie.upsert.shuffle.parallelism", "2")
            .option("hoodie.insert.shuffle.parallelism", "2")
            // one short-lived writer: no timeline server (it would start a web server per commit)
            .option("hoodie.embed.timeline.server", "false")
            .mode(SaveMode.Append)
            .save(tablePath);
      }
    } finally {
      // the notebooks run their own Spark in the kernel; free this JVM's memory for the cluster
      spark.stop();
    }
  }

  @Override
  public void close() throws Exception {
    registry.close();
    cluster.close();
  }

  /**
   * Makes the inputs under the given directory (default {@code target/notebook-inputs}) and keeps them until
   * killed, printing the variables to export: to develop the notebooks ({@code mvn -pl notebooks test-compile
   * exec:exec@inputs}).
   */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "target/notebook-inputs");
    if (Files.isDirectory(dir)) {
      try (var entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          System.err.println(dir + " is not empty (inputs of an earlier run?): remove it or name another directory");
          System.exit(2);
        }
      }
    }
    Files.createDirectories(dir);
    NotebookInputs inputs = create(dir);
    inputs.environment().forEach((k, v) -> System.out.println("export " + k + "=" + v));
    System.out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        inputs.close();
      } catch (Exception e) {
        e.printStackTrace();
      }
      stopped.countDown();
    }));
    stopped.await();
  }
}
