package io.tributary.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** One file per kind of error in src/test/resources/bad-pipelines, and the exact messages each gives. */
class BadPipelinesTest {
  static final Path DIR = Path.of("src", "test", "resources", "bad-pipelines");

  /** file name -> the errors, without the "path/to/file:" prefix (checked separately). */
  static final Map<String, List<String>> EXPECTED = new TreeMap<>(Map.ofEntries(
      Map.entry("unknown-key.yaml", List.of(
          "2: source.topic: required key is missing",
          "4: source.topc: unknown key (did you mean 'topic'?)")),
      Map.entry("bad-security.yaml", List.of(
          "12: security.sasl.jaas.config: sasl.mechanism SCRAM-SHA-512 needs org.apache.kafka.common.security.scram.ScramLoginModule,"
              + " not org.apache.kafka.common.security.plain.PlainLoginModule",
          "13: security.ssl.truststore.type: unknown value 'PKCS13' (expected one of: PKCS12, JKS, PEM)",
          "14: security.basic.auth.user.info: required when basic.auth.credentials.source is USER_INFO (USER:PASSWORD)",
          "15: security.schema.registry.ssl.truststore.location: applies to an https registry; schema.registry.url is"
              + " http://127.0.0.1:8081")),
      Map.entry("security-protocol-mismatch.yaml", List.of(
          "9: security.sasl.mechanism: only applies when security.protocol is SASL_PLAINTEXT or SASL_SSL (it is PLAINTEXT)",
          "10: security.ssl.truststore.location: only applies when security.protocol is SSL or SASL_SSL (it is PLAINTEXT)",
          "11: security.basic.auth.user.info: must be USER:PASSWORD")),
      Map.entry("security-missing-sasl.yaml", List.of(
          "8: security.sasl.mechanism: required when security.protocol is SASL_SSL (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)",
          "9: security.sasl.jaas.config: not a JAAS configuration Kafka can read (LoginModuleClass required key=\"value\" ...;):"
              + " Invalid login module control flag 'a' in JAAS config")),
      Map.entry("wrong-type.yaml", List.of(
          "9: sink.commit.interval.ms: expected an integer, got 'soon'")),
      Map.entry("missing-required-key.yaml", List.of(
          "5: sink.record.key: required key is missing")),
      Map.entry("bad-uri.yaml", List.of(
          "7: sink.table.path: 'htp://x' is not a valid URI for a Hadoop file system (use file:// or hdfs://)")),
      Map.entry("unknown-source-type.yaml", List.of(
          "3: source.type: unknown source type 'kafkaa' (expected one of: topic, files, generator, postgres)")),
      Map.entry("unknown-sink-type.yaml", List.of(
          "6: sink.type: unknown sink type 'hdfs' (expected one of: hudi, topic)")),
      Map.entry("malformed.yaml", List.of(
          "5:5: malformed YAML: while parsing a flow sequence (which started at line 4, column 10),"
              + " expected ',' or ']', but got ':'")),
      Map.entry("bad-enum-value.yaml", List.of(
          "5: source.start: unknown value 'beginning' (expected one of: earliest, latest)",
          "10: sink.table.type: unknown value 'COPY_ON_WRTE' (expected one of: COPY_ON_WRITE, MERGE_ON_READ)")),
      Map.entry("negative-number.yaml", List.of(
          "4: source.keys: must be at least 1, got -10",
          "11: sink.commit.records: must be at least 1, got -5")),
      Map.entry("many-errors.yaml", List.of(
          "2: name: 'orders lake' is not a valid name (letters, digits, '.', '_', '-'; at most 249 characters)",
          "5: source.path: 'htp://x' is not a valid URI for a Hadoop file system (use file:// or hdfs://)",
          "6: source.topic: unknown key for source type 'files' (it is a key of source type 'topic')",
          "8: transforms[0].to: required key is missing",
          "10: transforms[1].type: unknown transform type 'upper' (expected one of: rename, drop, filter)",
          "13: sink.table: unknown key (did you mean 'table.path'? keys are written flat, not nested)",
          "14: sink.table.path: 'file://tmp/lake' names the host 'tmp'; a local path needs three slashes,"
              + " as in 'file:///tmp/lake'",
          "19: errors.dead.letter.topic: required when errors.tolerance is 'all'"
              + " (bad records go there: nothing is dropped silently)"))));

  @Test
  void everyBadFileGivesItsExactErrors() {
    for (Map.Entry<String, List<String>> e : EXPECTED.entrySet()) {
      Path file = DIR.resolve(e.getKey());
      PipelineException ex = assertThrows(PipelineException.class, () -> PipelineLoader.load(file), e.getKey());
      List<String> expected = e.getValue().stream().map(m -> file + ":" + m).collect(Collectors.toList());
      List<String> actual = ex.errors().stream().map(ValidationError::toString).collect(Collectors.toList());
      assertEquals(expected, actual, e.getKey());
      assertEquals(String.join("\n", expected), ex.toString(), "one error per line");
    }
  }

  @Test
  void everyFileOfTheFolderIsCovered() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      List<String> names = files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
      assertEquals(List.copyOf(EXPECTED.keySet()), names);
    }
  }

  @Test
  void errorsNameTheFileAsGiven() {
    Path file = Path.of("pipelines", "orders.yaml");
    PipelineException ex = assertThrows(PipelineException.class, () -> PipelineLoader.parse(file,
        "name: orders\nsource:\n  type: topic\n  topic: orders\nsink:\n  type: hudi\n  table.path: htp://x\n"
            + "  table.name: orders\n  record.key: id\n  precombine.field: ts\n"));
    assertEquals(List.of("pipelines/orders.yaml:7: sink.table.path: 'htp://x' is not a valid URI for a Hadoop"
        + " file system (use file:// or hdfs://)"), ex.errors().stream().map(Object::toString).toList());
  }

  @Test
  void anUnreadableFileIsOneErrorNamingIt() {
    Path file = DIR.resolve("no-such-file.yaml");
    PipelineException ex = assertThrows(PipelineException.class, () -> PipelineLoader.load(file));
    assertEquals(1, ex.errors().size());
    assertTrue(ex.toString().startsWith(file + ": cannot read the file (NoSuchFileException"), ex.toString());
  }

  @Test
  void smallerCases() {
    assertErrors("", "x.yaml:1: the file is empty; a pipeline needs at least name, source and sink");
    assertErrors("- a\n- b\n", "x.yaml:1: a pipeline file is a mapping of keys (name, source, sink, ...), got a list");
    assertErrors("name: a\nname: b\nsource: x\nsink:\n  type: topic\n  topic: t\n",
        "x.yaml:2: name: duplicate key (first at line 1)",
        "x.yaml:3: source: expected a mapping of keys (type: ...), got 'x'");
    assertErrors("name: a\nsource:\n  type: generator\n  rate: 1.5\n  seed: [1]\nsink:\n  type: topic\n  topic: t\n"
            + "  bootstrap.servers: localhost\n",
        "x.yaml:4: source.rate: expected an integer, got '1.5'",
        "x.yaml:5: source.seed: expected an integer, got a list",
        "x.yaml:9: sink.bootstrap.servers: 'localhost' is not a list of host:port (e.g. 127.0.0.1:9092)");
    assertErrors("name: a\nsource:\n  type: topic\n  topic: t\nsink:\n  type: topic\n  topic: t\n",
        "x.yaml:7: sink.topic: 't' is also the source topic: the pipeline would read its own output");
    assertErrors("name: a\nsource:\n  type: files\n  path: /in\n  csv.header: yes\nsink:\n  type: topic\n  topic: t\n",
        "x.yaml:5: source.csv.header: expected true or false, got 'yes'", // YAML 1.2: yes is a string
        "x.yaml:5: source.csv.header: only applies when source.format is 'csv'");
    assertErrors("name: a\nsource:\n  type:\nsink:\n  type: topic\n  topic: t\nschema:\n  registry.url: ftp://r\n",
        "x.yaml:3: source.type: required key has no value (one of: topic, files, generator, postgres)",
        "x.yaml:8: schema.registry.url: 'ftp://r' is not an http:// or https:// URL (e.g. http://127.0.0.1:8081)");
    assertErrors("name: a\nsource:\n  type: generator\ntransforms:\n  - type: drop\n    fields: []\n"
            + "  - type: rename\n    from: a\n    to: a\nsink:\n  type: hudi\n  table.path: hdfs://nn:8020\n"
            + "  table.name: 9t\n  record.key: 'a,,b'\n  precombine.field: ts\n",
        "x.yaml:6: transforms[0].fields: must name at least one field",
        "x.yaml:9: transforms[1].to: renames 'a' to itself",
        "x.yaml:12: sink.table.path: 'hdfs://nn:8020' has no absolute path"
            + " (e.g. file:///tmp/lake/orders or hdfs://namenode:8020/lake/orders)",
        "x.yaml:13: sink.table.name: '9t' is not a valid table name (a letter or '_', then letters, digits, '_')",
        "x.yaml:14: sink.record.key: 'a,,b' is not a field name or a comma-separated list of field names");
  }

  @Test
  void limits() {
    assertErrors("name: a\nx: " + "[".repeat(20) + "]".repeat(20) + "\n",
        "x.yaml:2:20: malformed YAML: nesting deeper than 16 levels at x[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]");
    StringBuilder many = new StringBuilder("name: a\nsource:\n  type: generator\nsink:\n  type: topic\n  topic: t\ntransforms:\n");
    for (int i = 0; i <= PipelineLoader.MAX_TRANSFORMS; i++) {
      many.append("  - type: drop\n    fields: [f]\n");
    }
    assertErrors(many.toString(), "x.yaml:7: transforms: 65 transforms; at most 64 are allowed");
    assertErrors("name: a\nsource: &s\n  type: generator\nsink: *s\n",
        "x.yaml:4: sink: YAML aliases (*s) are not supported: write the value out",
        "x.yaml:4: sink: expected a mapping of keys (type: ...), got 's'");
  }

  private static void assertErrors(String yaml, String... expected) {
    PipelineException ex = assertThrows(PipelineException.class, () -> PipelineLoader.parse(Path.of("x.yaml"), yaml));
    assertEquals(List.of(expected), ex.errors().stream().map(Object::toString).toList());
  }
}
