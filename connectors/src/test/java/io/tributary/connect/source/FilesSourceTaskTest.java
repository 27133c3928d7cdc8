package io.tributary.connect.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.connect.Pipeline;
import io.tributary.connect.PipelineLoader;
import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.testkit.TestClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files source in this JVM against a real broker: files appearing, bad lines, stop and resume. */
class FilesSourceTaskTest {
  static EmbeddedCluster cluster;
  @TempDir static Path dir;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    cluster = EmbeddedCluster.start(1, dir.resolve("cluster"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** A files -> topic pipeline reading {@code in}; extra YAML appended. */
  static Pipeline pipeline(String name, Path in, String format, String topic, String extra) throws Exception {
    Files.createDirectories(in);
    Path f = dir.resolve(name + ".yaml");
    Files.writeString(f, """
        name: %s
        source:
          type: files
          path: %s
          format: %s
          poll.interval.ms: 100
        sink:
          type: topic
          topic: %s
          bootstrap.servers: %s
        """.formatted(name, in, format, topic, cluster.bootstrapServers()) + extra);
    return PipelineLoader.load(f);
  }

  /** Writes a file the way producers of files should: elsewhere, then renamed into the directory. */
  static void drop(Path in, String name, String content) throws Exception {
    Files.createDirectories(in);
    Path tmp = in.resolve("." + name + ".tmp");
    Files.writeString(tmp, content);
    Files.move(tmp, in.resolve(name), StandardCopyOption.ATOMIC_MOVE);
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("not reached within 60 s: " + what);
      }
      Thread.sleep(50);
    }
  }

  static CompletableFuture<Void> runAsync(FilesSourceTask task) {
    return CompletableFuture.runAsync(() -> {
      try {
        task.run();
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
  }

  static List<ConsumerRecord<byte[], byte[]>> topic(String topic) {
    return TestClients.readAll(cluster.bootstrapServers(), topic, 1, 30_000);
  }

  static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    return SourceHeaders.get(r.headers(), name).orElse(null);
  }

  static String jsonLines(String prefix, int from, int to) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i <= to; i++) {
      sb.append("{\"id\": \"").append(prefix).append(i).append("\", \"n\": ").append(i).append("}\n");
    }
    return sb.toString();
  }

  @Test
  void readsFilesAsTheyAppearEachLineOnceWithItsOriginInHeaders() throws Exception {
    Path in = dir.resolve("appear");
    FilesSourceTask task = FilesSourceTask.create(pipeline("appear", in, "jsonl", "appear", ""), Map.of());
    CompletableFuture<Void> running = runAsync(task);
    drop(in, "a.jsonl", jsonLines("a", 1, 300));
    await("300 records out", () -> task.metrics().recordsOut() == 300);
    drop(in, "b.jsonl", jsonLines("b", 1, 200));
    Files.writeString(in.resolve(".hidden.jsonl"), "{\"id\": \"hidden\"}\n");
    await("500 records out", () -> task.metrics().recordsOut() == 500);
    task.stop();
    running.get(30, TimeUnit.SECONDS);

    List<ConsumerRecord<byte[], byte[]>> records = topic("appear");
    assertEquals(500, records.size());
    Map<String, Integer> seen = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      JsonNode v = JSON.readTree(r.value());
      String file = header(r, SourceHeaders.FILE);
      long line = Long.parseLong(header(r, SourceHeaders.LINE));
      assertEquals(file.substring(0, 1) + line, v.get("id").asText(), "line " + line + " of " + file);
      assertEquals("appear", header(r, SourceHeaders.PIPELINE));
      seen.merge(v.get("id").asText(), 1, Integer::sum);
    }
    assertEquals(500, seen.size());
    assertTrue(task.metrics().lastCommitMillis().isPresent());
    assertEquals(500, task.metrics().recordsIn());
  }

  @Test
  void badLinesGoToTheDeadLetterTopicWithFileLineAndReason() throws Exception {
    Path in = dir.resolve("bad");
    FilesSourceTask task = FilesSourceTask.create(pipeline("bad", in, "csv", "bad-out",
        "errors:\n  tolerance: all\n  dead.letter.topic: bad-dlq\n"), Map.of());
    drop(in, "orders.csv", """
        id,amount,status
        1,10,PAID
        2,20
        3,30,NEW

        4,"40,PAID
        5,50,PAID,extra
        6,60,NEW
        """);
    drop(in, "z.csv", "id,id\n1,2\n");
    CompletableFuture<Void> running = runAsync(task);
    await("3 out, 5 dead-lettered", () -> task.metrics().recordsOut() == 3 && task.metrics().deadLettered() == 5);
    task.stop();
    running.get(30, TimeUnit.SECONDS);

    assertEquals(List.of("{\"id\":\"1\",\"amount\":\"10\",\"status\":\"PAID\"}", "{\"id\":\"3\",\"amount\":\"30\",\"status\":\"NEW\"}",
        "{\"id\":\"6\",\"amount\":\"60\",\"status\":\"NEW\"}"),
        topic("bad-out").stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList());
    List<String> dlq = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : topic("bad-dlq")) {
      assertEquals("bad", header(r, SourceHeaders.CONNECT_CONNECTOR));
      assertEquals(header(r, SourceHeaders.ERROR_REASON), header(r, SourceHeaders.CONNECT_MESSAGE));
      dlq.add(header(r, SourceHeaders.FILE) + ":" + header(r, SourceHeaders.LINE) + " @"
          + header(r, SourceHeaders.BYTE_OFFSET) + " " + header(r, SourceHeaders.ERROR_REASON) + " | "
          + new String(r.value(), StandardCharsets.UTF_8));
    }
    assertEquals(List.of(
        "orders.csv:3 @27 expected 3 columns (as in the header), got 2 | 2,20",
        "orders.csv:6 @42 malformed CSV: column 2: the quote opened at character 3 is not closed | 4,\"40,PAID",
        "orders.csv:7 @53 expected 3 columns (as in the header), got 4 | 5,50,PAID,extra",
        "z.csv:1 @0 invalid CSV header: column name 'id' appears twice | id,id",
        "z.csv:2 @6 the header is invalid (column name 'id' appears twice): the columns of this row are unknown | 1,2"),
        dlq);
  }

  @Test
  void avroValuesThroughTheRegistryAndRecordsItRefusesAreDeadLettered() throws Exception {
    try (io.tributary.registry.RegistryServer registry = new io.tributary.registry.RegistryServer(
        new io.tributary.registry.RegistryConfig(Map.of(io.tributary.registry.RegistryConfig.LISTENERS,
            "http://127.0.0.1:0", io.tributary.registry.RegistryConfig.BOOTSTRAP, cluster.bootstrapServers(),
            io.tributary.registry.RegistryConfig.TOPIC_RF, "1"))).start()) {
      Path in = dir.resolve("avro");
      drop(in, "a.jsonl", """
          {"id": "1", "n": 1}
          {"id": "2", "n": 2}
          {"id": "3", "n": 3, "extra": "x"}
          {"id": "4", "nested": {"a": 1}}
          {"id": "5", "n": 5}
          """);
      FilesSourceTask task = FilesSourceTask.create(pipeline("avro", in, "jsonl", "avro-out",
          "errors:\n  tolerance: all\n  dead.letter.topic: avro-dlq\nschema:\n  registry.url: " + registry.url()
              + "\n"), Map.of());
      CompletableFuture<Void> running = runAsync(task);
      await("3 out, 2 dead-lettered", () -> task.metrics().recordsOut() == 3 && task.metrics().deadLettered() == 2);
      task.stop();
      running.get(30, TimeUnit.SECONDS);
      io.tributary.registry.serde.KafkaAvroDeserializer avro = new io.tributary.registry.serde.KafkaAvroDeserializer();
      avro.configure(Map.of(io.tributary.registry.serde.SerdeConfig.SCHEMA_REGISTRY_URL, registry.url()), false);
      assertEquals(List.of("1", "2", "5"), topic("avro-out").stream()
          .map(r -> ((org.apache.avro.generic.GenericRecord) avro.deserialize("avro-out", r.value())).get("id").toString())
          .toList());
      List<String> reasons = topic("avro-dlq").stream()
          .map(r -> header(r, SourceHeaders.LINE) + " " + header(r, SourceHeaders.ERROR_REASON)).toList();
      assertEquals(2, reasons.size());
      assertTrue(reasons.get(0).startsWith("3 the schema registry refused the record's schema: "), reasons.get(0));
      assertEquals("4 field 'nested' has a value of type LinkedHashMap, which has no Avro mapping here", reasons.get(1));
    }
  }

  @Test
  void withToleranceNoneTheFirstBadLineStopsThePipelineNamingFileAndLine() throws Exception {
    Path in = dir.resolve("strict");
    drop(in, "s.jsonl", jsonLines("s", 1, 3) + "{\"id\": \n" + jsonLines("t", 5, 6));
    FilesSourceTask task = FilesSourceTask.create(pipeline("strict", in, "jsonl", "strict", ""), Map.of());
    ExecutionException e = assertThrows(ExecutionException.class, () -> runAsync(task).get(60, TimeUnit.SECONDS));
    String message = e.getCause().getCause().getMessage();
    assertTrue(message.startsWith("pipeline strict: " + in + "/s.jsonl line 4: malformed JSON: "), message);
    assertEquals(3, topic("strict").size(), "the lines before it are produced");
    // started again, it stops at the same line without producing the first three twice
    FilesSourceTask again = FilesSourceTask.create(pipeline("strict", in, "jsonl", "strict", ""), Map.of());
    assertThrows(ExecutionException.class, () -> runAsync(again).get(60, TimeUnit.SECONDS));
    assertEquals(3, topic("strict").size());
  }

  @Test
  void aStoppedSourceResumesWhereItStopped() throws Exception {
    Path in = dir.resolve("resume");
    drop(in, "big.jsonl", jsonLines("r", 1, 20_000));
    Pipeline p = pipeline("resume", in, "jsonl", "resume", "");
    FilesSourceTask first = FilesSourceTask.create(p, Map.of());
    CompletableFuture<Void> running = runAsync(first);
    await("some records out", () -> first.metrics().recordsOut() > 1000);
    first.stop();
    running.get(30, TimeUnit.SECONDS);
    long firstOut = first.metrics().recordsOut();
    assertTrue(firstOut < 20_000, "stopped in the middle of the file: " + firstOut);

    FilesSourceTask second = FilesSourceTask.create(p, Map.of());
    CompletableFuture<Void> again = runAsync(second);
    await("the rest out", () -> second.metrics().recordsOut() == 20_000 - firstOut);
    second.stop();
    again.get(30, TimeUnit.SECONDS);
    List<ConsumerRecord<byte[], byte[]>> records = topic("resume");
    assertEquals(20_000, records.size());
    assertEquals(20_000, records.stream().map(r -> header(r, SourceHeaders.LINE)).distinct().count());
  }
}
