package io.tributary.spark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
  static final Path FILE = Path.of("/jobs/orders.yaml");

  static JobConfig parse(JobKind job, String yaml) throws ConfigException {
    return ConfigLoader.parse(job, FILE, yaml);
  }

  static List<String> errors(JobKind job, String yaml) {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(job, yaml));
    return e.errors().stream().map(ConfigError::toString).toList();
  }

  @Test
  void aMinimalIngestFileGetsEveryDefault() throws Exception {
    JobConfig c = parse(JobKind.INGEST, """
        source:
          topic: orders
        table:
          path: lake/orders
        """);
    assertEquals("tributary-ingest", c.name());
    assertEquals("orders", c.source().topic());
    assertEquals("127.0.0.1:9092", c.source().bootstrapServers());
    assertEquals("earliest", c.source().startingOffsets());
    assertEquals(OptionalLong.empty(), c.source().maxOffsetsPerTrigger());
    assertEquals("http://127.0.0.1:8081", c.schema().registryUrl());
    assertEquals("orders-value", c.schema().subject());
    assertTrue(c.schema().version().isEmpty(), "latest");
    assertEquals("file:///jobs/lake/orders", c.table().path(), "relative to the job file");
    assertEquals("orders", c.table().name());
    assertEquals("COPY_ON_WRITE", c.table().type());
    assertEquals(List.of("key"), c.table().recordKey());
    assertEquals("seq", c.table().precombineField());
    assertEquals(List.of(), c.table().partitionPath());
    assertEquals("file:///jobs/lake/orders_quarantine", c.quarantine().path());
    assertEquals("orders_quarantine", c.quarantine().name());
    assertEquals("file:///jobs/lake/orders_checkpoint", c.stream().checkpoint());
    assertEquals(JobConfig.Trigger.PROCESSING_TIME, c.stream().trigger());
    assertEquals(10_000, c.stream().triggerIntervalMs());
    assertEquals(null, c.window());
    assertEquals("/jobs/orders.yaml:2: source.topic", c.where("source.topic"));
  }

  @Test
  void everyErrorIsReportedWithFileLineAndKey() {
    List<String> errors = errors(JobKind.INGEST, """
        name: bad name!
        source:
          topik: orders
          bootstrap.servers: localhost
          max.offsets.per.trigger: 0
          ending.offsets: latest
        table:
          type: MERGE_ON_WRITE
        stream:
          trigger.interval: soon
        window:
          duration: 1m
        """);
    assertEquals(List.of(
        "/jobs/orders.yaml:1: name: 'bad name!' is not a valid name (letters, digits, '.', '_', '-')",
        "/jobs/orders.yaml:2: source.topic: required key is missing",
        "/jobs/orders.yaml:3: source.topik: unknown key (did you mean 'topic'?)",
        "/jobs/orders.yaml:4: source.bootstrap.servers: 'localhost' is not a list of host:port (e.g. 127.0.0.1:9092)",
        "/jobs/orders.yaml:5: source.max.offsets.per.trigger: must be at least 1, got 0",
        "/jobs/orders.yaml:6: source.ending.offsets: does not apply to job ingest (it is a key of: batch-report)",
        "/jobs/orders.yaml:7: table.path: required key is missing",
        "/jobs/orders.yaml:8: table.type: unknown value 'MERGE_ON_WRITE' (expected one of: COPY_ON_WRITE, MERGE_ON_READ)",
        "/jobs/orders.yaml:10: stream.trigger.interval: 'soon' is not a duration above zero (e.g. 500ms, 10s, 5m, 1h, 1d)",
        "/jobs/orders.yaml:11: window: does not apply to job ingest (it is a key of: aggregate)"), errors);
  }

  @Test
  void missingSectionsAndSyntaxErrorsNameTheirLine() {
    assertEquals(List.of("/jobs/orders.yaml:1: source: required key is missing (a section)",
            "/jobs/orders.yaml:1: table: required key is missing (a section)"),
        errors(JobKind.INGEST, "name: x\n"));
    List<String> syntax = errors(JobKind.INGEST, "source:\n  topic: [orders\ntable:\n  path: x\n");
    assertEquals(1, syntax.size());
    assertTrue(syntax.get(0).startsWith("/jobs/orders.yaml:3: malformed YAML"), syntax.get(0));
    assertEquals(List.of("/jobs/orders.yaml:1: the file is empty"),
        errors(JobKind.INGEST, ""));
    assertEquals(List.of("/jobs/orders.yaml:3: source.topic: duplicate key (first at line 2)"),
        errors(JobKind.INGEST, "source:\n  topic: a\n  topic: b\ntable:\n  path: x\n"));
    assertEquals(List.of("/jobs/orders.yaml:1: topic: unknown key (it is a key of section 'source': write it under 'source:')"),
        errors(JobKind.INGEST, "topic: a\nsource:\n  topic: a\ntable:\n  path: x\n"));
    assertEquals(List.of("/jobs/orders.yaml:4: table.path: 'file://tmp/x' names the host 'tmp'; a local path needs three slashes, as in file:///tmp/x"),
        errors(JobKind.INGEST, "source:\n  topic: a\ntable:\n  path: file://tmp/x\n"));
  }

  @Test
  void aggregateWindowsAndTheirChecks() throws Exception {
    JobConfig c = parse(JobKind.AGGREGATE, """
        source: {topic: clicks}
        table: {path: "hdfs://nn:8020/lake/clicks_per_minute"}
        window:
          duration: 1m
          slide: 10 seconds
          group.by: region, status
          sum: [amount]
        """);
    assertEquals(60_000, c.window().durationMs());
    assertEquals(10_000, c.window().slideMs());
    assertEquals(10_000, c.window().watermarkDelayMs(), "default");
    assertEquals("updatedAt", c.window().eventTimeField());
    assertEquals(List.of("region", "status"), c.window().groupBy());
    assertEquals(List.of("amount"), c.window().sum());
    assertEquals("hdfs://nn:8020/lake/clicks_per_minute_quarantine", c.quarantine().path());
    assertEquals(List.of("/jobs/orders.yaml:6: window.slide: is longer than window.duration (120000 ms > 60000 ms): "
            + "events between windows would be lost"),
        errors(JobKind.AGGREGATE, "source: {topic: c}\ntable: {path: x}\nwindow:\n  duration: 1m\n\n  slide: 2m\n"));
  }

  @Test
  void batchReportRangesAreOffsetsOrTimestampsNotBoth() throws Exception {
    JobConfig c = parse(JobKind.BATCH_REPORT, """
        source:
          topic: orders
          starting.timestamp: 2024-05-01T00:00:00Z
          ending.timestamp: 1714608000000
        table: {path: /lake/report}
        report: {group.by: region, measures: amount}
        """);
    assertEquals(OptionalLong.of(1714521600000L), c.source().startingTimestampMs());
    assertEquals(OptionalLong.of(1714608000000L), c.source().endingTimestampMs());
    assertEquals("tributary-batch-report", c.report().id());
    assertEquals("file:///lake/report", c.table().path());
    List<String> errors = errors(JobKind.BATCH_REPORT, """
        source:
          topic: orders
          starting.offsets: '{"orders":{"0":5}}'
          starting.timestamp: 0
          ending.offsets: '{"other":{"0":9}}'
          ending.timestamp: yesterday
        table: {path: /lake/report}
        """);
    assertEquals(List.of(
        "/jobs/orders.yaml:4: source.starting.timestamp: give starting.offsets or starting.timestamp, not both",
        "/jobs/orders.yaml:5: source.ending.offsets: names topic 'other' but the job reads 'orders'",
        "/jobs/orders.yaml:6: source.ending.timestamp: 'yesterday' is not a timestamp (milliseconds since the epoch, or ISO-8601 such as 2024-05-01T12:00:00Z)",
        "/jobs/orders.yaml:6: source.ending.timestamp: give ending.offsets or ending.timestamp, not both"),
        errors);
    assertEquals(List.of("/jobs/orders.yaml:1: source.starting.offsets: topic 'orders' partition 'x': partitions are "
            + "numbers and offsets are integers >= -2 (-2 earliest, -1 latest)"),
        errors(JobKind.BATCH_REPORT, "source: {topic: orders, starting.offsets: '{\"orders\":{\"x\":1}}'}\ntable: {path: r}\n"));
  }

  @Test
  void passThroughMapsAndServices() throws Exception {
    JobConfig c = parse(JobKind.CLEAN, """
        spark:
          spark.sql.shuffle.partitions: 4
        table:
          path: /lake/orders
          options:
            hoodie.metadata.enable: false
        service:
          retain.file.versions: 2
        """);
    assertEquals(Map.of("spark.sql.shuffle.partitions", "4"), c.spark());
    assertEquals(Map.of("hoodie.metadata.enable", "false"), c.table().options());
    assertEquals(2, c.service().retainFileVersions());
    assertEquals(null, c.source());
    assertEquals(List.of("/jobs/orders.yaml:3: service.retain.file.versions: give retain.commits or retain.file.versions, not both"),
        errors(JobKind.CLEAN, "table: {path: x}\nservice:\n  retain.file.versions: 2\n  retain.commits: 3\n"));
    assertEquals(List.of("/jobs/orders.yaml:1: source: does not apply to job compact (it is a key of: ingest, aggregate, batch-report)",
            "/jobs/orders.yaml:4: table.options.a: expected a value (text, number or boolean), got a list"),
        errors(JobKind.COMPACT, "source: {topic: x}\ntable:\n  path: x\n  options: {a: [1]}\n"));
  }

  @Test
  void aSecuritySectionSecuresTheKafkaSourceAndTheRegistryClient() throws Exception {
    JobConfig c = parse(JobKind.INGEST, """
        source:
          topic: orders
          options:
            kafka.client.id: reporting
        schema:
          registry.url: https://registry:8081
        table:
          path: lake/orders
        security:
          security.protocol: SASL_SSL
          sasl.mechanism: SCRAM-SHA-512
          sasl.jaas.config: org.apache.kafka.common.security.scram.ScramLoginModule required username="etl" password="s";
          ssl.truststore.type: PEM
          ssl.truststore.location: ca.pem
          basic.auth.user.info: etl:s
          schema.registry.ssl.truststore.type: PEM
          schema.registry.ssl.truststore.location: ca.pem
        """);
    assertEquals(Map.of("kafka.client.id", "reporting", "kafka.security.protocol", "SASL_SSL",
        "kafka.sasl.mechanism", "SCRAM-SHA-512",
        "kafka.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"etl\" password=\"s\";",
        "kafka.ssl.truststore.type", "PEM", "kafka.ssl.truststore.location", "/jobs/ca.pem"), c.source().options());
    assertEquals(Map.of("basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "etl:s",
        "schema.registry.ssl.truststore.type", "PEM", "schema.registry.ssl.truststore.location", "/jobs/ca.pem"),
        c.schema().client());
    assertTrue(!c.schema().toString().contains("etl:s"), "no credentials in toString");

    assertEquals(Map.of(), parse(JobKind.INGEST, "source: {topic: o}\ntable: {path: x}\n").source().options(),
        "no security section: no options added");

    assertEquals(List.of(
        "/jobs/orders.yaml:4: security.sasl.mechanism: required when security.protocol is SASL_SSL",
        "/jobs/orders.yaml:4: security.sasl.jaas.config: required when security.protocol is SASL_SSL",
        "/jobs/orders.yaml:5: security.basic.auth.user.info: required when basic.auth.credentials.source is USER_INFO (USER:PASSWORD)"),
        errors(JobKind.INGEST, "source: {topic: o}\ntable: {path: x}\nsecurity:\n  security.protocol: SASL_SSL\n"
            + "  basic.auth.credentials.source: USER_INFO\n"));
    assertEquals(List.of(
        "/jobs/orders.yaml:4: security.ssl.truststore.location: only applies when security.protocol is SSL or SASL_SSL (it is PLAINTEXT)",
        "/jobs/orders.yaml:5: security.sasl.mechanism: unknown value 'GSSAPI' (expected one of: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)",
        "/jobs/orders.yaml:5: security.sasl.mechanism: only applies when security.protocol is SASL_PLAINTEXT or SASL_SSL (it is PLAINTEXT)"),
        errors(JobKind.INGEST, "source: {topic: o}\ntable: {path: x}\nsecurity:\n  ssl.truststore.location: ca.pem\n"
            + "  sasl.mechanism: GSSAPI\n"));
  }
}
