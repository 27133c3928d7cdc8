package io.tributary.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.connect.PipelineLoader;
import io.tributary.connect.hudi.TopicToHudiTask;
import io.tributary.connect.runtime.GeneratorSource;
import io.tributary.connect.runtime.Pacer;
import io.tributary.connect.runtime.PipelineRunner;
import io.tributary.connect.runtime.RecordSerializer;
import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.registry.RegistryConfig;
import io.tributary.registry.RegistryServer;
import io.tributary.registry.serde.RegistryClient;
import io.tributary.testkit.JvmProcessBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.avro.functions;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.Trigger;

/**
 * {@code bench/run.sh connect-hudi}: topic -> Hudi upserts, Tributary's connector against Spark Structured
 * Streaming (Kafka source + Hudi bundle, {@code format("hudi")}, local[2]) on the same topic with the same table
 * settings, in one run on one broker and registry (in the orchestrating JVM); each side runs in a fresh child JVM
 * of its own, one after the other.
 *
 * <p>Phase 1 fills a topic with {@code --events} generator events over {@code --keys} keys (Avro through the
 * registry). Throughput: each side upserts that backlog from the beginning into its own table, in batches of at
 * most {@code --batch} records; records/s = events / (time from its start to the commit holding the last
 * event). Freshness: with each side caught up, {@code --latency-events} more events are produced at
 * {@code --latency-rate}/s; an event's latency is the time from its produce (its CreateTime) to the completion
 * of the commit that holds it (the connector's commit callback; for Spark the end of the micro-batch that
 * wrote it, reported by its query listener after Hudi's commit). Prints both and the ratios.
 */
public final class ConnectHudiBench {
  static final String TOPIC = "bench-orders";
  static final ObjectMapper JSON = new ObjectMapper();

  private final long events;
  private final long keys;
  private final int partitions;
  private final long batch;
  private final long latencyEvents;
  private final long latencyRate;
  private final long commitIntervalMs;
  private final String tableType;
  private final boolean metadataTable;
  private final String only;
  private final Path dir;
  private final PrintStream out = System.out;
  private final Args args;
  private String bootstrap;
  private String registryUrl;

  /** One side's figures; crosses from the child JVM to the parent as one RESULT line. */
  record Result(String name, long records, double seconds, double p50Ms, double p99Ms, long samples, String detail) {
    Result(String name, long records, double seconds, LatencyStats latency, String detail) {
      this(name, records, seconds, latency.percentileMs(50), latency.percentileMs(99), latency.count(), detail);
    }

    double recordsPerSecond() {
      return records / seconds;
    }

    String line() {
      return "RESULT " + name + " " + records + " " + seconds + " " + p50Ms + " " + p99Ms + " " + samples + " " + detail;
    }

    static Result parse(String line) {
      String[] f = line.split(" ", 8);
      return new Result(f[1], Long.parseLong(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4]),
          Double.parseDouble(f[5]), Long.parseLong(f[6]), f[7]);
    }
  }

  ConnectHudiBench(Args a) throws Exception {
    args = a;
    events = a.longValue("events", 1_000_000);
    keys = a.longValue("keys", Math.max(1, events / 10));
    partitions = a.intValue("partitions", 4);
    batch = a.longValue("batch", 100_000);
    latencyEvents = a.longValue("latency-events", 50_000);
    latencyRate = a.longValue("latency-rate", 2_000);
    commitIntervalMs = a.longValue("commit-interval-ms", 1000);
    tableType = a.string("table-type", "COPY_ON_WRITE");
    metadataTable = Boolean.parseBoolean(a.string("metadata-table", "false"));
    only = a.string("only", "both");
    dir = a.has("dir") ? Path.of(a.string("dir", null)) : Files.createTempDirectory("connect-hudi-bench");
  }

  public static void main(String[] argv) throws Exception {
    Args a;
    try {
      a = new Args(argv, List.of("help"), List.of("events", "keys", "partitions", "batch", "latency-events",
          "latency-rate", "commit-interval-ms", "table-type", "metadata-table", "only", "dir", "side", "bootstrap",
          "registry"));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    if (a.flag("help")) {
      System.out.println(String.join("\n",
          "usage: bench/run.sh connect-hudi [options]",
          "  --events N              events in the backlog (default 1000000)",
          "  --keys K                distinct keys (default events/10)",
          "  --partitions P          topic partitions (default 4)",
          "  --batch R               most records per commit / micro-batch (default 100000)",
          "  --commit-interval-ms T  connector's commit.interval.ms (default 1000)",
          "  --latency-events M      events produced for the freshness phase (default 50000)",
          "  --latency-rate X        their rate, events/s (default 2000)",
          "  --table-type T          COPY_ON_WRITE (default) or MERGE_ON_READ",
          "  --metadata-table B      both tables keep Hudi's metadata table (default false: the sink's",
          "                          metadata.enable: false, Spark's hoodie.metadata.enable=false)",
          "  --only connector|spark  run one side only",
          "  --dir D                 working directory (default a new temporary one)"));
      return;
    }
    ConnectHudiBench bench = new ConnectHudiBench(a);
    if (a.has("side")) {
      bench.runSide(a.string("side", null), a.string("bootstrap", null), a.string("registry", null));
    } else {
      bench.run();
    }
    System.exit(0); // Spark and Hudi leave non-daemon threads behind
  }

  /**
   * The orchestrating JVM: the broker, the registry and the backlog here; each side in a fresh child JVM of its
   * own (no JIT warmed by the other, no Spark in the connector's heap), one after the other; then Spark reads both
   * tables back.
   */
  void run() throws Exception {
    out.printf("connect-hudi benchmark: %,d events over %,d keys, %d partitions, %s, metadata table %s, batches of at "
        + "most %,d, freshness phase %,d events at %,d/s; working directory %s%n", events, keys, partitions, tableType,
        metadataTable ? "on" : "off", batch, latencyEvents, latencyRate, dir);
    try (EmbeddedCluster cluster = EmbeddedCluster.start(1, dir.resolve("cluster"));
         RegistryServer registry = new RegistryServer(new RegistryConfig(Map.of(RegistryConfig.LISTENERS,
             "http://127.0.0.1:0", RegistryConfig.BOOTSTRAP, cluster.bootstrapServers(), RegistryConfig.TOPIC_RF,
             "1"))).start()) {
      bootstrap = cluster.bootstrapServers();
      registryUrl = registry.url();
      cluster.createTopic(TOPIC, partitions, 1, Map.of());
      long t0 = System.nanoTime();
      fillBacklog();
      out.printf("backlog: %,d events produced in %.1f s%n", events, (System.nanoTime() - t0) / 1e9);
      Result connector = only.equals("spark") ? null : child("connector");
      Result spark = only.equals("connector") ? null : child("spark");
      if (connector != null) {
        checkTable(dir.resolve("lake/connector").toUri().toString(), "connector");
      }
      if (spark != null) {
        checkTable(dir.resolve("lake/spark").toUri().toString(), "spark");
      }
      report(connector, spark);
    }
  }

  /** Runs one side in a child JVM (same classpath and flags), echoing its output; returns its RESULT line. */
  private Result child(String side) throws Exception {
    List<String> cmd = new ArrayList<>();
    for (String name : List.of("events", "keys", "batch", "latency-events", "latency-rate", "commit-interval-ms",
        "table-type", "metadata-table")) {
      if (args.has(name)) {
        cmd.add("--" + name);
        cmd.add(args.string(name, null));
      }
    }
    cmd.addAll(List.of("--side", side, "--bootstrap", bootstrap, "--registry", registryUrl, "--dir", dir.toString()));
    // This JVM's own arguments (heap, flags) too, so that both sides run as this one does.
    Process p = JvmProcessBuilder.main(ConnectHudiBench.class.getName()).name(side + " side")
        .jvmArgs(ManagementFactory.getRuntimeMXBean().getInputArguments()).args(cmd).pipeOutput().start().process();
    Result result = null;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("RESULT ")) {
          result = Result.parse(line);
        } else if (!line.startsWith("SLF4J") && !line.startsWith("Partition to insert buckets")
            && !line.startsWith("UpdateLocations mapped to buckets")) { // Hudi prints these to stdout
          out.println("  [" + side + " jvm] " + line);
        }
      }
    }
    int code = p.waitFor();
    if (code != 0 || result == null) {
      throw new IllegalStateException(side + " side failed (exit " + code + ")");
    }
    return result;
  }

  /** A child JVM: one side against the broker and registry of the parent. */
  void runSide(String side, String bootstrap, String registryUrl) throws Exception {
    this.bootstrap = bootstrap;
    this.registryUrl = registryUrl;
    long backlog = topicEnd();
    Result r = switch (side) {
      case "connector" -> connector(backlog);
      case "spark" -> spark(backlog);
      default -> throw new IllegalArgumentException("--side connector|spark, not " + side);
    };
    out.println(r.line());
  }

  /** Records in the topic now (the backlog a side starts with). */
  private long topicEnd() {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    try (KafkaConsumer<byte[], byte[]> c =
             new KafkaConsumer<>(props,
                 new ByteArrayDeserializer(),
                 new ByteArrayDeserializer())) {
      List<TopicPartition> tps = c.partitionsFor(TOPIC).stream()
          .map(i -> new TopicPartition(TOPIC, i.partition())).toList();
      return c.endOffsets(tps).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private void fillBacklog() throws Exception {
    Path file = dir.resolve("fill.yaml");
    Files.writeString(file, """
        name: bench-fill
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
        """.formatted(keys, events, TOPIC, bootstrap, registryUrl));
    PipelineRunner.Metrics m = new PipelineRunner(PipelineLoader.load(file), OptionalLong.empty(),
        Map.of("batch.size", 262144, "linger.ms", 20)).run();
    if (m.acknowledged.get() != events) {
      throw new IllegalStateException("backlog: " + m);
    }
  }

  // ---------------------------------------------------------------- the connector

  private Result connector(long backlog) throws Exception {
    String table = dir.resolve("lake/connector").toUri().toString();
    Path file = dir.resolve("connector.yaml");
    Files.writeString(file, """
        name: bench-connector
        source:
          type: topic
          topic: %s
          bootstrap.servers: %s
          start: earliest
        sink:
          type: hudi
          table.path: %s
          table.name: bench_connector
          table.type: %s
          record.key: key
          precombine.field: seq
          commit.interval.ms: %d
          commit.records: %d
          metadata.enable: %s
        schema:
          registry.url: %s
        """.formatted(TOPIC, bootstrap, table, tableType, commitIntervalMs, batch, metadataTable, registryUrl));
    LatencyStats latency = new LatencyStats();
    AtomicLong latencyPhaseStart = new AtomicLong(Long.MAX_VALUE);
    AtomicLong commits = new AtomicLong();
    TopicToHudiTask task = TopicToHudiTask.create(PipelineLoader.load(file), Map.of())
        .progress(line -> out.println("  connector: " + line), 10_000)
        .onCommit((instant, completed, timestamps) -> {
          commits.incrementAndGet();
          long from = latencyPhaseStart.get();
          synchronized (latency) {
            for (long ts : timestamps) {
              if (ts >= from) {
                latency.recordNanos(TimeUnit.MILLISECONDS.toNanos(completed - ts));
              }
            }
          }
        });
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread runner = new Thread(() -> {
      try {
        task.run();
      } catch (Throwable e) {
        failure.set(e);
      }
    }, "bench-connector");
    out.println("connector: upserting the backlog...");
    long t0 = System.nanoTime();
    runner.start();
    await(() -> task.metrics().recordsOut() >= backlog || failure.get() != null, "connector backlog", failure);
    double seconds = (System.nanoTime() - t0) / 1e9;
    long backlogCommits = commits.get();
    out.printf("connector: %,d records upserted in %.1f s (%,.0f records/s, %d commits)%n", backlog, seconds,
        backlog / seconds, backlogCommits);

    out.printf("connector: freshness phase, %,d events at %,d/s...%n", latencyEvents, latencyRate);
    latencyPhaseStart.set(System.currentTimeMillis());
    producePaced(11, null);
    long target = backlog + latencyEvents;
    await(() -> task.metrics().recordsOut() >= target || failure.get() != null, "connector freshness", failure);
    task.stop();
    runner.join(120_000);
    if (failure.get() != null) {
      throw new IllegalStateException("connector failed", failure.get());
    }
    return new Result("connector", backlog, seconds, latency, backlogCommits + " commits for the backlog");
  }

  // ---------------------------------------------------------------- Spark Structured Streaming

  private Result spark(long backlog) throws Exception {
    String table = dir.resolve("lake/spark").toUri().toString();
    SparkSession spark = sparkSession();
    String schema = new RegistryClient(registryUrl).latest(TOPIC + "-value").schema();
    AtomicLong rowsDone = new AtomicLong();
    AtomicLong batches = new AtomicLong();
    AtomicReference<Map<Integer, Long>> endOffsets = new AtomicReference<>(new HashMap<>());
    Map<Long, Long> produceTimes = new ConcurrentHashMap<>();
    LatencyStats latency = new LatencyStats();
    StreamingQueryListener listener = new StreamingQueryListener() {
      @Override
      public void onQueryStarted(QueryStartedEvent event) {}

      @Override
      public void onQueryProgress(QueryProgressEvent event) {
        long now = System.currentTimeMillis();
        long n = event.progress().numInputRows();
        if (n == 0 || event.progress().sources().length == 0) {
          return;
        }
        Map<Integer, Long> end = offsets(event.progress().sources()[0].endOffset());
        Map<Integer, Long> start = endOffsets.getAndSet(end);
        if (!produceTimes.isEmpty()) {
          synchronized (latency) {
            end.forEach((p, e) -> {
              for (long o = start.getOrDefault(p, 0L); o < e; o++) {
                Long ts = produceTimes.remove(((long) p << 40) | o);
                if (ts != null) {
                  latency.recordNanos(TimeUnit.MILLISECONDS.toNanos(now - ts));
                }
              }
            });
          }
        }
        batches.incrementAndGet();
        rowsDone.addAndGet(n);
      }

      @Override
      public void onQueryTerminated(QueryTerminatedEvent event) {}
    };
    spark.streams().addListener(listener);

    Column body = org.apache.spark.sql.functions.expr("substring(value, 6, length(value) - 5)");
    Dataset<Row> rows = spark.readStream().format("kafka")
        .option("kafka.bootstrap.servers", bootstrap)
        .option("subscribe", TOPIC)
        .option("startingOffsets", "earliest")
        .option("maxOffsetsPerTrigger", batch)
        .option("failOnDataLoss", "false")
        .load()
        .select(functions.from_avro(body, schema).as("r"))
        .select("r.*");
    out.println("spark: upserting the backlog (Structured Streaming, Kafka source, format(\"hudi\"), local[2])...");
    long t0 = System.nanoTime();
    StreamingQuery query = rows.writeStream().format("hudi")
        .options(hudiOptions("bench_spark"))
        .option("checkpointLocation", dir.resolve("spark-checkpoint").toString())
        .outputMode("append")
        .trigger(Trigger.ProcessingTime(0))
        .start(table);
    awaitSpark(() -> rowsDone.get() >= backlog, query, "spark backlog");
    double seconds = (System.nanoTime() - t0) / 1e9;
    long backlogBatches = batches.get();
    out.printf("spark: %,d records upserted in %.1f s (%,.0f records/s, %d micro-batches)%n", backlog, seconds,
        backlog / seconds, backlogBatches);
    long caughtUp = backlog;

    out.printf("spark: freshness phase, %,d events at %,d/s...%n", latencyEvents, latencyRate);
    producePaced(13, produceTimes);
    long target = caughtUp + latencyEvents;
    awaitSpark(() -> rowsDone.get() >= target, query, "spark freshness");
    query.stop();
    return new Result("spark", backlog, seconds, latency, backlogBatches + " micro-batches for the backlog");
  }

  private Map<String, String> hudiOptions(String name) {
    Map<String, String> o = new HashMap<>();
    // the settings HudiTable gives the connector's table
    o.put("hoodie.table.name", name);
    o.put("hoodie.datasource.write.table.type", tableType);
    o.put("hoodie.datasource.write.operation", "upsert");
    o.put("hoodie.datasource.write.recordkey.field", "key");
    o.put("hoodie.datasource.write.precombine.field", "seq");
    o.put("hoodie.table.ordering.fields", "seq");
    o.put("hoodie.datasource.write.partitionpath.field", "");
    o.put("hoodie.datasource.write.keygenerator.class", "org.apache.hudi.keygen.NonpartitionedKeyGenerator");
    o.put("hoodie.write.record.merge.mode", "EVENT_TIME_ORDERING");
    o.put("hoodie.index.type", "SIMPLE");
    o.put("hoodie.clean.commits.retained", "5");
    o.put("hoodie.clean.max.commits", "5");
    o.put("hoodie.cleaner.policy.failed.writes", "EAGER");
    o.put("hoodie.metadata.enable", Boolean.toString(metadataTable));
    o.put("hoodie.metadata.index.column.stats.enable", "false");
    o.put("hoodie.metadata.index.partition.stats.enable", "false");
    o.put("hoodie.embed.timeline.server", "false");
    o.put("hoodie.write.markers.type", "DIRECT");
    // MERGE_ON_READ: compaction scheduled every 5 delta commits and executed asynchronously (the connector does the
    // same; it is also the Spark streaming sink's default), updates to log files (no small-file rewrites)
    o.put("hoodie.compact.inline", "false");
    o.put("hoodie.compact.inline.max.delta.commits", "5");
    o.put("hoodie.datasource.compaction.async.enable", Boolean.toString(tableType.equals("MERGE_ON_READ")));
    if (tableType.equals("MERGE_ON_READ")) {
      o.put("hoodie.parquet.small.file.limit", "0");
    }
    o.put("hoodie.parquet.compression.codec", "snappy");
    o.put("hoodie.upsert.shuffle.parallelism", "2");
    o.put("hoodie.insert.shuffle.parallelism", "2");
    return o;
  }

  /** Spark in this JVM as the benchmarks read Hudi tables with it: local[2], the Hudi extensions, no UI. */
  static SparkSession sparkSession() {
    return SparkSession.builder()
        .master("local[2]")
        .appName("connect-hudi-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.kryo.registrator", "org.apache.spark.HoodieSparkKryoRegistrar")
        .config("spark.sql.extensions", "org.apache.spark.sql.hudi.HoodieSparkSessionExtension")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate();
  }

  // ---------------------------------------------------------------- shared

  /**
   * Produces {@code --latency-events} generator events (updates of the same keys) at {@code --latency-rate}/s,
   * acks=all; records each one's produce time under (partition, offset) when {@code times} is given.
   */
  private void producePaced(long seed, Map<Long, Long> times) throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    GeneratorSource gen = new GeneratorSource(keys, OptionalLong.of(latencyEvents), seed, System::currentTimeMillis);
    Pacer pacer = new Pacer(latencyRate, System::nanoTime);
    AtomicReference<Exception> failed = new AtomicReference<>();
    try (RecordSerializer serializer = RecordSerializer.avro(registryUrl);
         KafkaProducer<byte[], byte[]> producer =
             new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      while (gen.hasNext()) {
        pacer.acquire(() -> false);
        Map<String, Object> e = gen.next();
        // seq above the backlog's, so every event of this phase is the newest of its key
        e.put("seq", events * 2 + seed * events + (long) e.get("seq"));
        producer.send(new ProducerRecord<>(TOPIC, ((String) e.get("key")).getBytes(StandardCharsets.UTF_8),
            serializer.serialize(TOPIC, e)), (md, ex) -> {
              if (ex != null) {
                failed.compareAndSet(null, ex);
              } else if (times != null) {
                times.put(((long) md.partition() << 40) | md.offset(), md.timestamp());
              }
            });
      }
      producer.flush();
    }
    if (failed.get() != null) {
      throw new IllegalStateException("freshness phase: a send failed", failed.get());
    }
  }

  /** The table has one row per key (no duplicates, nothing missing), read back with Spark. */
  private void checkTable(String table, String side) {
    SparkSession spark = sparkSession();
    Dataset<Row> t = spark.read().format("hudi").load(table);
    long rows = t.count();
    long distinct = t.select("key").distinct().count();
    out.printf("%s: table %s holds %,d rows, %,d distinct keys (expected %,d)%n", side, table, rows, distinct, keys);
    if (rows != keys || distinct != keys) {
      throw new IllegalStateException(side + ": the table does not hold one row per key");
    }
  }

  private static Map<Integer, Long> offsets(String json) {
    Map<Integer, Long> out = new HashMap<>();
    try {
      JsonNode n = JSON.readTree(json).path(TOPIC);
      n.fields().forEachRemaining(e -> out.put(Integer.parseInt(e.getKey()), e.getValue().asLong()));
    } catch (IOException e) {
      throw new IllegalStateException("unreadable end offsets: " + json, e);
    }
    return out;
  }

  private static void await(BooleanSupplier done, String what, AtomicReference<Throwable> failure)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + TimeUnit.HOURS.toMillis(2);
    while (!done.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException(what + ": timed out");
      }
      Thread.sleep(20);
    }
    if (failure.get() != null) {
      throw new IllegalStateException(what + ": failed", failure.get());
    }
  }

  private static void awaitSpark(BooleanSupplier done, StreamingQuery q, String what)
      throws Exception {
    while (!done.getAsBoolean()) {
      if (q.exception().isDefined()) {
        throw new IllegalStateException(what + ": the query failed", q.exception().get());
      }
      if (!q.isActive()) {
        throw new IllegalStateException(what + ": the query stopped");
      }
      Thread.sleep(20);
    }
  }

  private void report(Result c, Result s) {
    out.println();
    out.println("connect-hudi results (" + tableType + ", " + String.format("%,d", events) + " events, "
        + String.format("%,d", keys) + " keys, batches <= " + String.format("%,d", batch) + "):");
    List<Result> all = new ArrayList<>();
    if (c != null) {
      all.add(c);
    }
    if (s != null) {
      all.add(s);
    }
    out.printf("  %-10s %14s %12s %16s %16s %10s  %s%n", "", "records/s", "seconds", "freshness p50 ms",
        "freshness p99 ms", "samples", "");
    for (Result r : all) {
      out.printf("  %-10s %,14.0f %12.1f %16.0f %16.0f %,10d  %,d records; %s%n", r.name(), r.recordsPerSecond(),
          r.seconds(), r.p50Ms(), r.p99Ms(), r.samples(), r.records(), r.detail());
    }
    if (c != null && s != null) {
      out.printf("  throughput ratio connector/spark: %.2fx; freshness p50 ratio spark/connector: %.2fx%n",
          c.recordsPerSecond() / s.recordsPerSecond(), s.p50Ms() / c.p50Ms());
    }
  }
}
