package io.tributary.connect.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.connect.cli.ConnectCommand;
import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.registry.RegistryConfig;
import io.tributary.registry.RegistryServer;
import io.tributary.registry.serde.KafkaAvroDeserializer;
import io.tributary.registry.serde.SerdeConfig;
import io.tributary.testkit.ChildProcess;
import io.tributary.testkit.JvmProcessBuilder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code connect run} of the generator-to-topic example (5,000 records over 500 keys instead of 1,000,000 over
 * 100,000) against a real broker and registry; the topic is read back with a real consumer.
 */
class GeneratorToTopicTest {
  static EmbeddedCluster cluster;
  static RegistryServer registry;
  @TempDir static Path dir;

  @BeforeAll
  static void start() throws Exception {
    cluster = EmbeddedCluster.start(1, dir.resolve("cluster"));
    registry = new RegistryServer(new RegistryConfig(Map.of(RegistryConfig.LISTENERS, "http://127.0.0.1:0",
        RegistryConfig.BOOTSTRAP, cluster.bootstrapServers(), RegistryConfig.TOPIC_RF, "1"))).start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (registry != null) {
      registry.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  record Result(int code, String out, String err) {}

  static Result cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new ConnectCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  /** The example, with small counts, this cluster and (or not) this registry, plus extra lines. */
  static Path pipeline(String name, String topic, boolean withRegistry, String extra) throws Exception {
    String yaml = Files.readString(Path.of("examples/generator-to-topic.yaml"))
        .replace("keys: 100000", "keys: 500")
        .replace("rate: 20000", "rate: 0")
        .replace("records: 1000000", "records: 5000")
        .replace("topic: orders", "topic: " + topic)
        .replace("127.0.0.1:9092", cluster.bootstrapServers())
        .replace("http://127.0.0.1:8081", registry.url());
    if (!withRegistry) {
      yaml = yaml.substring(0, yaml.indexOf("schema:"));
    }
    Path f = dir.resolve(name + ".yaml");
    Files.writeString(f, yaml + extra);
    return f;
  }

  static <V> List<ConsumerRecord<byte[], V>> readAll(String topic, long expected,
      org.apache.kafka.common.serialization.Deserializer<V> values) {
    List<ConsumerRecord<byte[], V>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], V> c = new KafkaConsumer<>(cluster.consumerProps(), new ByteArrayDeserializer(), values)) {
      List<TopicPartition> parts = c.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      long end = c.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
      if (expected >= 0) {
        assertEquals(expected, end, "records in the topic");
      }
      long deadline = System.currentTimeMillis() + 20_000;
      while (out.size() < end && System.currentTimeMillis() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  /** Exactly 5,000 records, all 500 keys, seq increasing per key (and key = the record's key field). */
  static <V> void checkKeysAndSeq(List<ConsumerRecord<byte[], V>> records, Function<V, String> keyField,
      Function<V, Long> seq) {
    assertEquals(5000, records.size());
    Map<String, Long> last = new HashMap<>();
    for (ConsumerRecord<byte[], V> r : records) {
      String key = new String(r.key(), StandardCharsets.UTF_8);
      assertEquals(key, keyField.apply(r.value()));
      long s = seq.apply(r.value());
      Long prev = last.put(key, s);
      assertTrue(prev == null || prev < s, "seq of " + key + " went from " + prev + " to " + s);
    }
    assertEquals(500, last.size());
  }

  @Test
  void avroThroughTheRegistry() throws Exception {
    Result r = cli("run", pipeline("avro", "orders-avro", true, "").toString());
    assertEquals(0, r.code(), r.err());
    assertEquals("pipeline orders-generator -> topic orders-avro: 5000 records generated, 5000 produced, "
        + "5000 acknowledged, 0 dropped by filter, 0 failed\n", r.out().replace(System.lineSeparator(), "\n"));
    KafkaAvroDeserializer values = new KafkaAvroDeserializer();
    values.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registry.url()), false);
    List<ConsumerRecord<byte[], Object>> records = readAll("orders-avro", 5000, values);
    checkKeysAndSeq(records, v -> ((GenericRecord) v).get("key").toString(),
        v -> (Long) ((GenericRecord) v).get("seq"));
    GenericRecord first = (GenericRecord) records.get(0).value();
    assertEquals(List.of("key", "seq", "updatedAt", "region", "status", "amount"),
        first.getSchema().getFields().stream().map(f -> f.name()).toList());
  }

  @Test
  void jsonWithTransformsAndMaxRecords() throws Exception {
    Path f = pipeline("json", "orders-json", false, """
        transforms:
          - type: filter
            field: status
            equals: PAID
          - type: rename
            from: amount
            to: total
          - type: drop
            fields: [region]
        """);
    Result r = cli("run", f.toString(), "--max-records", "1000");
    assertEquals(0, r.code(), r.err());
    String summary = r.out().trim();
    assertTrue(summary.startsWith("pipeline orders-generator -> topic orders-json: 1000 records generated, "),
        summary);
    long produced = Long.parseLong(summary.replaceAll(".*generated, (\\d+) produced.*", "$1"));
    assertTrue(produced > 100 && produced < 400, summary); // about one in five is PAID
    assertTrue(summary.contains(produced + " acknowledged, " + (1000 - produced) + " dropped by filter"), summary);
    ObjectMapper json = new ObjectMapper();
    for (ConsumerRecord<byte[], byte[]> rec : readAll("orders-json", produced, new ByteArrayDeserializer())) {
      JsonNode v = json.readTree(rec.value());
      assertEquals("PAID", v.get("status").asText());
      assertTrue(v.has("total") && !v.has("amount") && !v.has("region"), v.toString());
      assertEquals(new String(rec.key(), StandardCharsets.UTF_8), v.get("key").asText());
    }
  }

  @Test
  void stopFlushesEverythingProduced() throws Exception {
    Path f = pipeline("unbounded", "orders-unbounded", false, "");
    Files.writeString(f, Files.readString(f).replace("  records: 5000\n", "").replace("rate: 0", "rate: 2000"));
    PipelineRunner runner = new PipelineRunner(io.tributary.connect.PipelineLoader.load(f),
        java.util.OptionalLong.empty(), Map.of());
    java.util.concurrent.CompletableFuture<PipelineRunner.Metrics> done =
        java.util.concurrent.CompletableFuture.supplyAsync(runner::run);
    long deadline = System.currentTimeMillis() + 10_000;
    while (runner.metrics().acknowledged.get() < 500 && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(runner.stopAndWait(10_000), "run() returned");
    PipelineRunner.Metrics m = done.get();
    assertTrue(m.recordsOut.get() >= 500, m.toString());
    assertEquals(m.recordsOut.get(), m.acknowledged.get(), "flushed before returning: " + m);
    assertTrue(runner.summary().endsWith("(stopped)"), runner.summary());
    List<ConsumerRecord<byte[], byte[]>> records =
        readAll("orders-unbounded", m.acknowledged.get(), new ByteArrayDeserializer());
    assertEquals(m.acknowledged.get(), records.size());
  }

  @Test
  void sigtermStopsTheCommandAfterAFlush() throws Exception {
    Path f = pipeline("sigterm", "orders-sigterm", false, "");
    Files.writeString(f, Files.readString(f).replace("  records: 5000\n", "").replace("rate: 0", "rate: 1000"));
    Path outFile = dir.resolve("sigterm.out");
    ChildProcess p = JvmProcessBuilder.main(ConnectCommand.class.getName()).jvmArgs("-Xmx256m")
        .args("run", f.toString()).logFile(outFile).errorFile(dir.resolve("sigterm.err")).start();
    try {
      long deadline = System.currentTimeMillis() + 20_000;
      long seen = 0;
      while (seen < 300 && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
        seen = readAll("orders-sigterm", -1, new ByteArrayDeserializer()).size();
      }
      assertTrue(seen >= 300, "the command produced " + seen + " records");
      p.sigterm();
      assertTrue(p.waitForExit(Duration.ofSeconds(20)).isPresent(), "exited after SIGTERM");
    } finally {
      p.kill9();
    }
    String all = Files.readString(outFile).trim();
    String out = all.substring(all.lastIndexOf('\n') + 1); // the summary is the last line (logs go to stdout in tests)
    assertTrue(out.startsWith("pipeline orders-generator -> topic orders-sigterm: ") && out.endsWith("(stopped)"),
        "OUT[" + all + "] ERR[" + Files.readString(dir.resolve("sigterm.err")) + "]");
    long acked = Long.parseLong(out.replaceAll(".* (\\d+) acknowledged.*", "$1"));
    assertTrue(out.contains(acked + " produced, " + acked + " acknowledged"), out);
    assertEquals(acked, readAll("orders-sigterm", acked, new ByteArrayDeserializer()).size());
  }

  @Test
  void invalidFilesFail() throws Exception {
    Path dash = pipeline("dash", "orders-dash", true, """
        transforms:
          - type: rename
            from: amount
            to: order-total
        """);
    Result d = cli("run", dash.toString());
    assertEquals(1, d.code());
    assertTrue(d.err().startsWith(dash + ": field 'order-total' is not a valid Avro field name"), d.err());
    Result bad = cli("run", "src/test/resources/bad-pipelines/negative-number.yaml");
    assertEquals(1, bad.code());
    assertTrue(bad.err().startsWith(
        "src/test/resources/bad-pipelines/negative-number.yaml:4: source.keys: must be at least 1, got -10"),
        bad.err());
  }
}
