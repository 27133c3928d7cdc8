package io.tributary.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every pipeline in connectors/examples validates, and reads as the documentation says. */
class ExamplesTest {
  static final Path EXAMPLES = Path.of("examples");

  @Test
  void everyExampleValidates() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(EXAMPLES)) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().collect(Collectors.toList());
    }
    assertEquals(4, files.size(), "examples: " + files);
    for (Path file : files) {
      Pipeline p = PipelineLoader.load(file); // throws with every error if one is invalid
      assertEquals(file, p.file());
    }
  }

  @Test
  void generatorToTopic() throws Exception {
    Pipeline p = PipelineLoader.load(EXAMPLES.resolve("generator-to-topic.yaml"));
    assertEquals(new Source.Generator(100_000, 20_000, OptionalLong.of(1_000_000), 7), p.source());
    assertEquals(new Sink.Topic("orders", "127.0.0.1:9092"), p.sink());
    assertEquals("orders-value", p.schema().subject());
  }

  @Test
  void topicToHudiCopyOnWriteOnLocalDisk() throws Exception {
    Pipeline p = PipelineLoader.load(EXAMPLES.resolve("topic-to-hudi-cow-local.yaml"));
    assertEquals(new Source.Topic("orders", "127.0.0.1:9092", "connect-orders-lake-local", Source.StartPosition.EARLIEST),
        p.source());
    assertEquals(List.of(new Transform.Drop(List.of("updatedAt"))), p.transforms());
    assertEquals(new Sink.Hudi(URI.create("file:///tmp/tributary/lake/orders"), "orders", Sink.TableType.COPY_ON_WRITE,
        "key", "seq", Optional.of("region"), 5000, 100_000, true), p.sink());
    assertEquals(new Pipeline.Errors(Optional.of("orders-dlq"), Pipeline.Tolerance.ALL), p.errors());
  }

  @Test
  void topicToHudiMergeOnReadOnHdfs() throws Exception {
    Pipeline p = PipelineLoader.load(EXAMPLES.resolve("topic-to-hudi-mor-hdfs.yaml"));
    Sink.Hudi sink = assertInstanceOf(Sink.Hudi.class, p.sink());
    assertEquals(URI.create("hdfs://namenode:8020/lake/paid_orders"), sink.tablePath());
    assertEquals(Sink.TableType.MERGE_ON_READ, sink.tableType());
    assertEquals(Optional.empty(), sink.partitionPath());
    assertEquals(List.of(new Transform.Filter("status", "PAID"), new Transform.Rename("amount", "paid_amount")),
        p.transforms());
    assertEquals("orders-lake-hdfs", ((Source.Topic) p.source()).group());
  }

  @Test
  void filesToTopicResolvesALocalDirectoryAgainstThePipelineFile() throws Exception {
    Pipeline p = PipelineLoader.load(EXAMPLES.resolve("files-to-topic.yaml"));
    Source.Files source = assertInstanceOf(Source.Files.class, p.source());
    assertEquals(EXAMPLES.toAbsolutePath().resolve("incoming/shipments").normalize().toUri(), source.path());
    assertEquals(Source.FileFormat.CSV, source.format());
    assertTrue(source.csvHeader());
    assertEquals("shipments-value", p.schema().subject());
  }
}
