package io.tributary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.registry.RegistryConfig;
import io.tributary.registry.RegistryServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Done-when 4 of issue 17: group reset-offsets and delete, consume by partition, offset and timestamp with
 * registry decoding and JSON, produce with headers and Avro, schema, cluster info and health, --format json,
 * --command-config and completion, through the command line (in this JVM) against a real broker and registry.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class OperatorCommandsTest {
  static final ObjectMapper JSON = new ObjectMapper();
  /** Records per partition of the topic "clicks"; partition p's record i has timestamp BASE_MS + i seconds. */
  static final int RECORDS_PER_PARTITION = 10;
  static final long BASE_MS = Instant.parse("2026-01-31T08:00:00Z").toEpochMilli();

  EmbeddedCluster cluster;
  RegistryServer registry;
  String bootstrap;
  @TempDir Path tmp;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    cluster = EmbeddedCluster.start(1, dir.resolve("cluster"), Map.of("group.initial.rebalance.delay.ms", "0"));
    bootstrap = cluster.bootstrapServers();
    registry = new RegistryServer(new RegistryConfig(Map.of(RegistryConfig.LISTENERS, "http://127.0.0.1:0",
        RegistryConfig.BOOTSTRAP, bootstrap, RegistryConfig.TOPIC_RF, "1"))).start();
    cluster.createTopic("clicks", 2, 1, Map.of());
    try (KafkaProducer<String, String> p = new KafkaProducer<>(cluster.producerProps(), new StringSerializer(),
        new StringSerializer())) {
      for (int partition = 0; partition < 2; partition++) {
        for (int i = 0; i < RECORDS_PER_PARTITION; i++) {
          p.send(new ProducerRecord<>("clicks", partition, BASE_MS + i * 1000L, "k" + i, "p" + partition + "-" + i));
        }
      }
      p.flush();
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (registry != null) {
      registry.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private Cli.Result kafka(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--bootstrap", bootstrap));
    return Cli.run(all.toArray(String[]::new));
  }

  private Cli.Result schema(String... args) {
    List<String> all = new ArrayList<>(List.of("schema"));
    all.addAll(List.of(args));
    all.addAll(List.of("--registry", registry.url()));
    return Cli.run(all.toArray(String[]::new));
  }

  private static Cli.Result ok(Cli.Result r) {
    assertEquals(0, r.code(), r.toString());
    return r;
  }

  private KafkaConsumer<String, String> groupMember(String group) {
    Properties p = cluster.consumerProps();
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    c.subscribe(List.of("clicks"));
    return c;
  }

  /** Polls until {@code count} records arrived (bounded), committing them; returns them. */
  private static List<ConsumerRecord<String, String>> read(KafkaConsumer<String, String> c, int count) {
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (out.size() < count && System.nanoTime() < deadline) {
      c.poll(Duration.ofMillis(200)).forEach(out::add);
    }
    c.commitSync();
    return out;
  }

  private Map<TopicPartition, OffsetAndMetadata> committed(String group) throws Exception {
    try (Admin admin = cluster.admin()) {
      return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    }
  }

  @Test
  void resetOffsetsOfALiveGroupThatThenResumesFromTheNewPosition() throws Exception {
    String group = "reset-live";
    try (KafkaConsumer<String, String> member = groupMember(group)) {
      assertEquals(2 * RECORDS_PER_PARTITION, read(member, 2 * RECORDS_PER_PARTITION).size());
      // A live member would overwrite new offsets with its next commit: refused, as by Kafka's tool.
      Cli.Result refused = kafka("group", "reset-offsets", group, "--topic", "clicks", "--to-earliest", "--execute");
      assertEquals(1, refused.code(), refused.toString());
      assertTrue(refused.err().contains("can only be reset if the group '" + group + "' is inactive"), refused.toString());
    }
    TopicPartition p0 = new TopicPartition("clicks", 0);
    TopicPartition p1 = new TopicPartition("clicks", 1);
    assertEquals(RECORDS_PER_PARTITION, committed(group).get(p0).offset());

    // Dry run by default: prints the plan, changes nothing.
    Cli.Result dry = ok(kafka("group", "reset-offsets", group, "--topic", "clicks", "--to-offset", "4"));
    assertTrue(dry.out().lines().anyMatch(l -> l.matches(group + "\\s+clicks\\s+0\\s+10\\s+4")), dry.toString());
    assertTrue(dry.out().contains("dry run"), dry.toString());
    assertEquals(RECORDS_PER_PARTITION, committed(group).get(p0).offset());

    // --to-datetime: the first record at or after 08:00:06 is offset 6 in each partition; JSON output.
    Cli.Result byTime = ok(kafka("group", "reset-offsets", group, "--topic", "clicks:1", "--to-datetime",
        "2026-01-31T09:00:06+01:00", "--format", "json"));
    JsonNode plan = JSON.readTree(byTime.out());
    assertEquals(1, plan.size(), byTime.toString());
    assertEquals(1, plan.get(0).get("partition").asInt());
    assertEquals(6, plan.get(0).get("new_offset").asLong());
    assertEquals(10, plan.get(0).get("current_offset").asLong());

    // Executed: partition 0 to offset 4 (only it), partition 1 to 6 by time; an offset past the end is clamped.
    ok(kafka("group", "reset-offsets", group, "--topic", "clicks:0", "--to-offset", "4", "--execute"));
    ok(kafka("group", "reset-offsets", group, "--topic", "clicks:1", "--to-datetime", "2026-01-31T08:00:06Z",
        "--execute"));
    Map<TopicPartition, OffsetAndMetadata> after = committed(group);
    assertEquals(4, after.get(p0).offset());
    assertEquals(6, after.get(p1).offset());
    Cli.Result clamped = ok(kafka("group", "reset-offsets", group, "--all-topics", "--to-offset", "999"));
    assertEquals(2, clamped.out().lines().filter(l -> l.matches(group + "\\s+clicks\\s+\\d\\s+\\d+\\s+10")).count(),
        clamped.toString());

    // The group resumes from the new position: 6 records of partition 0 (4..9) and 4 of partition 1 (6..9).
    try (KafkaConsumer<String, String> member = groupMember(group)) {
      List<ConsumerRecord<String, String>> resumed = read(member, 10);
      assertEquals(10, resumed.size());
      assertEquals(List.of(4L, 5L, 6L, 7L, 8L, 9L), resumed.stream().filter(r -> r.partition() == 0)
          .map(ConsumerRecord::offset).toList());
      assertEquals(List.of(6L, 7L, 8L, 9L), resumed.stream().filter(r -> r.partition() == 1)
          .map(ConsumerRecord::offset).toList());
      member.poll(Duration.ofMillis(500)).forEach(r -> {
        throw new AssertionError("read past the reset position: " + r);
      });
    }

    Cli.Result usage = kafka("group", "reset-offsets", group, "--topic", "clicks", "--to-earliest", "--to-latest");
    assertEquals(2, usage.code(), usage.toString());
  }

  @Test
  void deleteGroups() throws Exception {
    String group = "to-delete";
    try (KafkaConsumer<String, String> member = groupMember(group)) {
      read(member, 2 * RECORDS_PER_PARTITION);
      Cli.Result nonEmpty = kafka("group", "delete", group);
      assertEquals(1, nonEmpty.code(), nonEmpty.toString());
      assertTrue(nonEmpty.err().contains("cannot delete group " + group), nonEmpty.toString());
    }
    Cli.Result deleted = ok(kafka("group", "delete", group));
    assertTrue(deleted.out().contains("deleted group " + group), deleted.toString());
    assertTrue(committed(group).isEmpty());
    JsonNode groups = JSON.readTree(ok(kafka("group", "list", "--format", "json")).out());
    groups.forEach(g -> assertNotEquals(group, g.get("group").asText(), groups.toString()));
  }

  @Test
  void describeAGroupAsJson() throws Exception {
    String group = "described";
    try (KafkaConsumer<String, String> member = groupMember(group)) {
      read(member, 2 * RECORDS_PER_PARTITION);
    }
    JsonNode d = JSON.readTree(ok(kafka("group", "describe", group, "--format", "json")).out());
    assertEquals(group, d.get("group").asText());
    assertEquals("Empty", d.get("state").asText());
    assertEquals(2, d.get("offsets").size(), d.toString());
    d.get("offsets").forEach(o -> {
      assertEquals(RECORDS_PER_PARTITION, o.get("committed").asLong());
      assertEquals(0, o.get("lag").asLong());
    });
  }

  @Test
  void consumeByPartitionOffsetAndTimestamp() throws Exception {
    Cli.Result byOffset = ok(kafka("consume", "clicks", "-p", "1", "-o", "7", "-n", "3", "--format", "%p %o %v"));
    assertEquals(List.of("1 7 p1-7", "1 8 p1-8", "1 9 p1-9"), byOffset.out().lines().toList(), byOffset.toString());

    Cli.Result byTime = ok(kafka("consume", "clicks", "--partition", "0", "--from-timestamp", "2026-01-31T08:00:08Z",
        "-n", "2", "--format", "%o"));
    assertEquals(List.of("8", "9"), byTime.out().lines().toList(), byTime.toString());
    Cli.Result byEpochMs = ok(kafka("consume", "clicks", "-p", "0", "--from-timestamp", Long.toString(BASE_MS + 9000),
        "-n", "1", "--format", "%o"));
    assertEquals(List.of("9"), byEpochMs.out().lines().toList(), byEpochMs.toString());

    Cli.Result json = ok(kafka("consume", "clicks", "-p", "0", "--offset", "earliest", "-n", "1", "--format", "json"));
    JsonNode r = JSON.readTree(json.out());
    assertEquals("clicks", r.get("topic").asText());
    assertEquals(0, r.get("partition").asInt());
    assertEquals(0, r.get("offset").asLong());
    assertEquals(BASE_MS, r.get("timestamp").asLong());
    assertEquals("k0", r.get("key").asText());
    assertEquals("p0-0", r.get("value").asText());

    Cli.Result noSuchPartition = kafka("consume", "clicks", "-p", "5", "-n", "1");
    assertEquals(2, noSuchPartition.code(), noSuchPartition.toString());
    Cli.Result withGroup = kafka("consume", "clicks", "-g", "x", "-o", "3", "-n", "1");
    assertEquals(2, withGroup.code(), withGroup.toString());
  }

  @Test
  void produceAvroWithHeadersAndConsumeItDecodedThroughTheRegistry() throws Exception {
    cluster.createTopic("payments", 1, 1, Map.of());
    Path avsc = tmp.resolve("payment.avsc");
    Files.writeString(avsc, "{\"type\":\"record\",\"name\":\"Payment\",\"fields\":["
        + "{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"amount\",\"type\":\"long\"}]}");
    Cli.Result produced = ok(kafka("produce", "payments", "--schema-file", avsc.toString(),
        "--registry", registry.url(), "-H", "source=cli", "-H", "trace=t-1", "--key-separator", "|",
        "--value", "p1|{\"id\":\"p1\",\"amount\":12}", "--value", "p2|{\"id\":\"p2\",\"amount\":40}"));
    assertTrue(produced.err().contains("produced 2 records"), produced.toString());

    // The values are in the registry's wire format: magic byte 0, then the schema id.
    Cli.Result raw = ok(kafka("consume", "payments", "--from-beginning", "-n", "1", "--raw", "--format", "%v"));
    assertEquals(0, raw.out().charAt(0), raw.toString());

    Cli.Result json = ok(kafka("consume", "payments", "--from-beginning", "-n", "2", "--format", "json",
        "--registry", registry.url()));
    List<JsonNode> records = new ArrayList<>();
    for (String line : json.out().lines().toList()) {
      records.add(JSON.readTree(line));
    }
    assertEquals(2, records.size(), json.toString());
    assertEquals("p1", records.get(0).get("key").asText());
    assertEquals("p1", records.get(0).get("value").get("id").asText());
    assertEquals(12, records.get(0).get("value").get("amount").asLong());
    assertEquals(40, records.get(1).get("value").get("amount").asLong());
    assertEquals("cli", records.get(1).get("headers").get("source").asText());
    assertEquals("t-1", records.get(1).get("headers").get("trace").asText());

    Cli.Result text = ok(kafka("consume", "payments", "--from-beginning", "-n", "1", "--format", "%k %v %h",
        "--registry", registry.url()));
    assertEquals("p1 {\"id\": \"p1\", \"amount\": 12} source=cli,trace=t-1", text.out().strip(), text.toString());

    // By id: the schema registered above under payments-value.
    int id = JSON.readTree(ok(schema("get", "payments-value", "--format", "json")).out()).get("id").asInt();
    ok(kafka("produce", "payments", "--schema-id", Integer.toString(id), "--registry", registry.url(),
        "--value", "{\"id\":\"p3\",\"amount\":7}"));
    Cli.Result third = ok(kafka("consume", "payments", "-o", "2", "-n", "1", "--format", "%v",
        "--registry", registry.url()));
    assertEquals("{\"id\": \"p3\", \"amount\": 7}", third.out().strip(), third.toString());

    Cli.Result bad = kafka("produce", "payments", "--schema-file", avsc.toString(), "--registry", registry.url(),
        "--value", "{\"id\":\"p4\"}");
    assertEquals(1, bad.code(), bad.toString());
    assertTrue(bad.err().contains("line 1 does not match the Avro schema Payment"), bad.toString());
  }

  @Test
  void schemaCommands() throws Exception {
    Path v1 = tmp.resolve("user-v1.avsc");
    Files.writeString(v1, "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"name\",\"type\":\"string\"}]}");
    String v2 = "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"name\",\"type\":\"string\"},"
        + "{\"name\":\"age\",\"type\":\"int\",\"default\":0}]}";
    String incompatible = "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"name\",\"type\":\"string\"},"
        + "{\"name\":\"email\",\"type\":\"string\"}]}"; // a new field without a default: not BACKWARD

    assertTrue(ok(schema("register", "users-value", "--schema-file", v1.toString())).out()
        .contains("registered users-value version 1"));
    JsonNode second = JSON.readTree(ok(schema("register", "users-value", "--schema", v2, "--format", "json")).out());
    assertEquals(2, second.get("version").asInt());

    JsonNode list = JSON.readTree(ok(schema("list", "--prefix", "users", "--format", "json")).out());
    assertEquals(1, list.size(), list.toString());
    assertEquals("users-value", list.get(0).get("subject").asText());
    assertEquals(2, list.get(0).get("version").asInt());
    assertEquals(second.get("id").asInt(), list.get(0).get("id").asInt());
    assertTrue(ok(schema("list")).out().lines().anyMatch(l -> l.matches("users-value\\s+2\\s+\\d+\\s+AVRO")));

    Cli.Result get = ok(schema("get", "users-value", "--version", "1"));
    assertTrue(get.out().contains("VERSION  1") && get.out().contains("\"name\" : \"User\""), get.toString());
    assertTrue(ok(schema("get", "--id", second.get("id").asText())).out().contains("\"age\""));

    assertTrue(ok(schema("check", "users-value", "--schema", v2)).out().contains("compatible with users-value"));
    Cli.Result notCompatible = schema("check", "users-value", "--schema", incompatible);
    assertEquals(1, notCompatible.code(), notCompatible.toString());
    assertTrue(notCompatible.out().contains("NOT compatible"), notCompatible.toString());

    assertTrue(ok(schema("config", "users-value", "--set", "none")).out().contains("compatibility NONE"));
    assertTrue(ok(schema("config", "users-value")).out().contains("subject users-value: compatibility NONE"));
    assertEquals(0, schema("check", "users-value", "--schema", incompatible).code());
    ok(schema("config", "users-value", "--delete"));
    assertTrue(ok(schema("config")).out().contains("global: compatibility BACKWARD"));

    assertTrue(ok(schema("delete", "users-value", "--version", "1")).out().contains("deleted users-value version 1"));
    assertTrue(ok(schema("delete", "users-value")).out().contains("deleted users-value versions [2]"));
    assertFalse(ok(schema("list")).out().contains("users-value"));
    Cli.Result missing = schema("get", "users-value");
    assertEquals(1, missing.code(), missing.toString());
    assertTrue(missing.err().contains("40401"), missing.toString());
  }

  @Test
  void clusterInfoAndHealth() throws Exception {
    Cli.Result info = ok(kafka("cluster", "info"));
    assertTrue(info.out().contains("CONTROLLER   0"), info.toString());
    assertTrue(info.out().lines().anyMatch(l -> l.matches("0\\s+127\\.0\\.0\\.1\\s+\\d+\\s+-\\s+true")), info.toString());
    JsonNode infoJson = JSON.readTree(ok(kafka("cluster", "info", "--format", "json")).out());
    assertFalse(infoJson.get("cluster_id").asText().isEmpty());
    assertEquals(0, infoJson.get("controller").asInt());
    assertEquals(1, infoJson.get("brokers").size());

    JsonNode health = JSON.readTree(ok(kafka("cluster", "health", "--format", "json")).out());
    assertTrue(health.get("healthy").asBoolean(), health.toString());
    assertEquals(0, health.get("under_replicated_partitions").size());
    assertTrue(ok(kafka("cluster", "health")).out().contains("HEALTHY                      true"));

    JsonNode topics = JSON.readTree(ok(kafka("topic", "list", "--format", "json")).out());
    assertTrue(topics.findValuesAsText("name").contains("clicks"), topics.toString());
    JsonNode clicks = JSON.readTree(ok(kafka("topic", "describe", "clicks", "--format", "json")).out());
    assertEquals("clicks", clicks.get("name").asText());
    assertEquals(2, clicks.get("partitions").size(), clicks.toString());
    assertEquals(0, clicks.get("partitions").get(1).get("leader").asInt(), clicks.toString());
    assertEquals("[0]", clicks.get("partitions").get(1).get("isr").asText(), clicks.toString());
  }

  @Test
  void commandConfigPropertiesReachTheClients() throws Exception {
    // A client property the file sets is used: SASL without a JAAS configuration fails as Kafka's clients do.
    Path sasl = tmp.resolve("sasl.properties");
    Files.writeString(sasl, "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n");
    for (String[] command : List.of(new String[] {"topic", "list"}, new String[] {"consume", "clicks", "-n", "1"},
        new String[] {"produce", "clicks", "--value", "x"})) {
      List<String> args = new ArrayList<>(List.of(command));
      args.addAll(List.of("--command-config", sasl.toString(), "--request-timeout-ms", "3000"));
      Cli.Result r = kafka(args.toArray(String[]::new));
      assertNotEquals(0, r.code(), r.toString());
      assertTrue(r.err().contains("JAAS"), r.toString());
    }
    Path plain = tmp.resolve("client.properties");
    Files.writeString(plain, "client.id=from-command-config\n");
    assertTrue(ok(kafka("topic", "list", "--command-config", plain.toString())).out().contains("clicks"));
    Cli.Result missing = kafka("topic", "list", "--command-config", tmp.resolve("nope.properties").toString());
    assertEquals(2, missing.code(), missing.toString());
    assertTrue(missing.err().contains("--command-config: file not found"), missing.toString());
  }

  @Test
  void bashCompletionCoversTheCommands() {
    Cli.Result r = ok(Cli.run("completion", "bash"));
    assertTrue(r.out().contains("complete -F"), r.out().lines().limit(5).toList().toString());
    for (String word : List.of("reset-offsets", "--to-datetime", "schema", "cluster", "--command-config")) {
      assertTrue(r.out().contains(word), word);
    }
    assertTrue(r.out().length() > 1000, "a script, not a stub");
  }
}
