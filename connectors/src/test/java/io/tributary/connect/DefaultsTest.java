package io.tributary.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.config.Presence;
import io.tributary.connect.PipelineKeys.Key;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a minimal pipeline gets when it leaves keys out: the defaults of {@link PipelineKeys#KEYS}. */
class DefaultsTest {
  static Pipeline parse(String yaml) throws PipelineException {
    return PipelineLoader.parse(Path.of("p.yaml"), yaml);
  }

  @Test
  void minimalTopicToHudi() throws Exception {
    Pipeline p = parse("""
        name: orders
        source:
          type: topic
          topic: orders
        sink:
          type: hudi
          table.path: file:///tmp/lake/orders
          table.name: orders
          record.key: id
          precombine.field: ts
        """);
    assertEquals(new Source.Topic("orders", "127.0.0.1:9092", "connect-orders", Source.StartPosition.EARLIEST), p.source());
    assertEquals(new Sink.Hudi(URI.create("file:///tmp/lake/orders"), "orders", Sink.TableType.COPY_ON_WRITE, "id", "ts",
        Optional.empty(), 5000, 100_000, true), p.sink());
    assertEquals(List.of(), p.transforms());
    assertEquals(new Pipeline.Schema(URI.create("http://127.0.0.1:8081"), "orders-value"), p.schema());
    assertEquals(new Pipeline.Errors(Optional.empty(), Pipeline.Tolerance.NONE), p.errors());
  }

  @Test
  void minimalGeneratorAndFiles() throws Exception {
    Pipeline g = parse("name: gen\nsource:\n  type: generator\nsink:\n  type: topic\n  topic: events\n");
    assertEquals(new Source.Generator(1000, 1000, OptionalLong.empty(), 42), g.source());
    assertEquals("events-value", g.schema().subject());

    Pipeline f = parse("name: f\nsource:\n  type: files\n  path: hdfs://nn:8020/in\nsink:\n  type: hudi\n"
        + "  table.path: hdfs://nn:8020/lake/t\n  table.name: t\n  record.key: id\n  precombine.field: ts\n");
    assertEquals(new Source.Files(URI.create("hdfs://nn:8020/in"), Source.FileFormat.JSONL, true, 1000), f.source());
    assertEquals("f-value", f.schema().subject(), "no topic: the subject is named after the pipeline");
  }

  @Test
  void emptyOptionalKeysMeanTheirDefaultsAndQuotedNumbersAreNumbers() throws Exception {
    Pipeline p = parse("name: g\nsource:\n  type: generator\n  rate:\n  keys: \"10\"\nsink:\n  type: topic\n  topic: e\n"
        + "errors:\n");
    assertEquals(new Source.Generator(10, 1000, OptionalLong.empty(), 42), p.source());
  }

  @Test
  void everyKeyIsDocumentedAndEveryDefaultIsValid() throws Exception {
    Set<String> seen = new HashSet<>();
    for (Key k : PipelineKeys.KEYS) {
      assertTrue(seen.add(k.section() + "/" + k.variant() + "/" + k.name()), "defined twice: " + k);
      assertTrue(!k.doc().isBlank(), "undocumented: " + k.path());
      if (k.presence() == Presence.DEFAULT || k.presence() == Presence.DERIVED) {
        assertNotNull(k.defaultValue(), k.path());
      }
    }
    // The defaults are parsed by the loader as written in the table: a minimal file of each type loads.
    assertNotNull(parse("name: a\nsource:\n  type: files\n  path: /in\nsink:\n  type: topic\n  topic: t\n"));
  }
}
