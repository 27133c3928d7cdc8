package io.tributary.bench.spark;

import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.registry.RegistryConfig;
import io.tributary.registry.RegistryServer;
import io.tributary.registry.serde.KafkaAvroSerializer;
import io.tributary.spark.config.ConfigLoader;
import io.tributary.spark.config.JobConfig;
import io.tributary.spark.config.JobKind;
import io.tributary.spark.jobs.JobTotals;
import io.tributary.spark.jobs.Jobs;
import io.tributary.spark.lake.LakeSession;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;

/**
 * Records per second of the {@code ingest} job on this machine: a real broker and registry in this JVM,
 * the connectors' generator events in Avro, the job run in-process on local Spark with Hudi's defaults.
 * A warm-up run ingests the first part (it creates the table and warms the JIT); the measured run then
 * ingests the rest (trigger available-now, micro-batches of --batch records). Figures are printed, nothing
 * is asserted.
 *
 * <pre>bench/run.sh spark-ingest [--records 200000] [--keys 10000] [--partitions 2] [--batch 50000]
 *     [--warmup 20000] [--master local[*]] [--table-type COPY_ON_WRITE|MERGE_ON_READ] [--lean] [--profile] [--shuffle-partitions 4]</pre>
 *
 * {@code --lean}: Hudi without its metadata table and embedded timeline server; {@code --profile}: print
 * the duration of every Spark job (where a micro-batch's time goes).
 */
public final class IngestBench {
  static final Schema EVENT = new Schema.Parser().parse("""
      {"type":"record","name":"GeneratedRecord","fields":[
        {"name":"key","type":"string"},{"name":"seq","type":"long"},{"name":"updatedAt","type":"long"},
        {"name":"region","type":"string"},{"name":"status","type":"string"},{"name":"amount","type":"double"}]}""");
  static final String[] REGIONS = {"eu", "us", "apac", "latam"};
  static final String[] STATUSES = {"NEW", "PAID", "SHIPPED", "DELIVERED", "CANCELLED"};

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--lean") || args[i].equals("--profile")) {
        a.put(args[i].substring(2), "true");
      } else if (args[i].startsWith("--") && i + 1 < args.length) {
        a.put(args[i].substring(2), args[++i]);
      } else {
        System.err.println("unexpected argument " + args[i] + " (see the class comment of " + IngestBench.class.getName() + ")");
        System.exit(2);
      }
    }
    int records = Integer.parseInt(a.getOrDefault("records", "200000"));
    int keys = Integer.parseInt(a.getOrDefault("keys", "10000"));
    int partitions = Integer.parseInt(a.getOrDefault("partitions", "2"));
    int batch = Integer.parseInt(a.getOrDefault("batch", "50000"));
    int warmup = Integer.parseInt(a.getOrDefault("warmup", Integer.toString(Math.max(1, records / 10))));
    String master = a.getOrDefault("master", "local[*]");
    String tableType = a.getOrDefault("table-type", "COPY_ON_WRITE");
    boolean lean = a.containsKey("lean");

    Path dir = Files.createTempDirectory("spark-ingest-bench");
    System.out.printf("spark-ingest bench: %d records (%d warm-up) over %d keys, %d partitions, micro-batches of %d,"
        + " %s, %s, Hudi %s, in %s%n", records, warmup, keys, partitions, batch, master, tableType,
        lean ? "without metadata table and timeline server" : "defaults", dir);
    try (EmbeddedCluster cluster = EmbeddedCluster.start(1, dir.resolve("cluster"))) {
      RegistryServer registry = new RegistryServer(new RegistryConfig(Map.of(RegistryConfig.LISTENERS,
          "http://127.0.0.1:0", RegistryConfig.BOOTSTRAP, cluster.bootstrapServers(), RegistryConfig.TOPIC_RF, "1"))).start();
      try {
        cluster.createTopic("orders", partitions, 1, Map.of());
        Path jobFile = dir.resolve("ingest.yaml");
        Files.writeString(jobFile, """
            name: ingest-bench
            source:
              topic: orders
              bootstrap.servers: %s
              max.offsets.per.trigger: %d
            schema:
              registry.url: %s
            table:
              path: lake/orders
              type: %s
              partition.path: region
            %s
            stream:
              trigger: available-now
            """.formatted(cluster.bootstrapServers(), batch, registry.url(), tableType,
            lean ? "  options:\n    hoodie.metadata.enable: false\n    hoodie.embed.timeline.server: false" : ""));
        JobConfig config = ConfigLoader.load(JobKind.INGEST, jobFile);
        SparkSession spark = LakeSession.configure(SparkSession.builder().master(master).appName("spark-ingest-bench")
            .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", a.getOrDefault("shuffle-partitions", "4"))).getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        if (a.containsKey("profile")) {
          spark.sparkContext().addSparkListener(new JobTimes());
        }

        produce(cluster, registry.url(), 0, warmup, keys);
        JobTotals warm = Jobs.run(spark, config);
        System.out.printf("warm-up run: %d records in %.1f s (%.0f records/s, includes creating the table)%n",
            warm.read(), warm.seconds(), warm.read() / warm.seconds());

        long producedNanos = System.nanoTime();
        produce(cluster, registry.url(), warmup, records, keys);
        double produceSeconds = (System.nanoTime() - producedNanos) / 1e9;
        JobTotals measured = Jobs.run(spark, config);
        long rows = spark.read().format("hudi").load(config.table().path()).count();
        System.out.printf("produce: %d records in %.1f s (%.0f records/s)%n", records - warmup, produceSeconds,
            (records - warmup) / produceSeconds);
        System.out.printf("FIGURE spark-ingest: %d records in %d micro-batches in %.1f s = %.0f records/s "
                + "(%s, %s, %d cores); table holds %d rows (keys: %d); %d quarantined%n",
            measured.read(), measured.batches(), measured.seconds(), measured.read() / measured.seconds(), master,
            tableType, Runtime.getRuntime().availableProcessors(), rows, keys, measured.quarantinedTotal());
        spark.stop();
      } finally {
        registry.close();
      }
    }
  }

  static void produce(EmbeddedCluster cluster, String registryUrl, int from, int to, int keys) throws Exception {
    Properties p = cluster.producerProps();
    p.put("linger.ms", "20");
    p.put("batch.size", "262144");
    KafkaAvroSerializer values = new KafkaAvroSerializer();
    values.configure(Map.of("schema.registry.url", registryUrl), false);
    SplittableRandom random = new SplittableRandom(42 + from);
    try (KafkaProducer<byte[], Object> producer = new KafkaProducer<>(p, new ByteArraySerializer(), values)) {
      for (int i = from; i < to; i++) {
        int k = i % keys;
        GenericRecord r = new GenericData.Record(EVENT);
        r.put("key", String.format("key-%06d", k));
        r.put("seq", (long) i);
        r.put("updatedAt", System.currentTimeMillis());
        r.put("region", REGIONS[k % REGIONS.length]); // a key's region never changes (it is the partition path)
        r.put("status", STATUSES[random.nextInt(STATUSES.length)]);
        r.put("amount", random.nextInt(1_000_000) / 100.0);
        producer.send(new ProducerRecord<>("orders", r.get("key").toString().getBytes(StandardCharsets.UTF_8), r));
      }
      producer.flush();
    }
  }

  /** Prints each Spark job's duration and call site. */
  static final class JobTimes extends SparkListener {
    private final Map<Integer, Long> starts = new ConcurrentHashMap<>();
    private final Map<Integer, String> sites = new ConcurrentHashMap<>();

    @Override
    public void onJobStart(SparkListenerJobStart e) {
      starts.put(e.jobId(), e.time());
      sites.put(e.jobId(), String.valueOf(e.properties().getProperty("callSite.short")));
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd e) {
      System.out.printf("  spark job %d: %d ms (%s)%n", e.jobId(), e.time() - starts.getOrDefault(e.jobId(), e.time()),
          sites.get(e.jobId()));
    }
  }
}
