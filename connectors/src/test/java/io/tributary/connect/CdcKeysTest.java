package io.tributary.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The keys of deletes, JSON values, commit.bytes and on.data.loss: typed values, defaults, and rules across keys. */
class CdcKeysTest {
  static final String TOPIC_TO_HUDI = """
      name: orders
      source:
        type: topic
        topic: orders
      %s
      sink:
        type: hudi
        table.path: file:///tmp/lake/orders
        table.name: orders
        record.key: id
        precombine.field: ts
      %s
      """;

  static Pipeline parse(String yaml) throws PipelineException {
    return PipelineLoader.parse(Path.of("p.yaml"), yaml);
  }

  @Test
  void defaultsKeepTodaysBehaviour() throws Exception {
    Pipeline p = parse(TOPIC_TO_HUDI.formatted("", ""));
    Sink.Hudi sink = (Sink.Hudi) p.sink();
    assertEquals(Sink.DeleteMode.NONE, sink.deleteMode());
    assertEquals(64L * 1024 * 1024, sink.commitBytes());
    assertEquals(Source.DataLossPolicy.FAIL, ((Source.Topic) p.source()).onDataLoss());
    assertEquals(Pipeline.ValueFormat.AVRO, p.schema().format());
    assertEquals(Optional.empty(), p.schema().file());
  }

  @Test
  void everyNewKeyIsRead() throws Exception {
    Pipeline p = parse(TOPIC_TO_HUDI.formatted("  on.data.loss: continue", """
          delete.mode: soft
          commit.bytes: 1048576
        schema:
          format: json
          file: file:///tmp/orders.avsc
        """));
    Sink.Hudi sink = (Sink.Hudi) p.sink();
    assertEquals(Sink.DeleteMode.SOFT, sink.deleteMode());
    assertEquals(1_048_576L, sink.commitBytes());
    assertEquals(Source.DataLossPolicy.CONTINUE, ((Source.Topic) p.source()).onDataLoss());
    assertEquals(Pipeline.ValueFormat.JSON, p.schema().format());
    assertEquals(Optional.of(URI.create("file:///tmp/orders.avsc")), p.schema().file());
  }

  @Test
  void badValuesAndMisplacedKeysAreNamed() {
    PipelineException e = assertThrows(PipelineException.class, () -> parse(TOPIC_TO_HUDI.formatted(
        "  on.data.loss: ignore", """
          delete.mode: purge
          commit.bytes: 0
        schema:
          file: file:///tmp/orders.avsc
        """)));
    String text = e.getMessage();
    assertTrue(text.contains("source.on.data.loss"), text);
    assertTrue(text.contains("sink.delete.mode"), text);
    assertTrue(text.contains("sink.commit.bytes"), text);
    assertTrue(text.contains("schema.file: only applies when schema.format is 'json'"), text);

    PipelineException json = assertThrows(PipelineException.class, () -> parse(
        "name: g\nsource:\n  type: generator\nsink:\n  type: topic\n  topic: e\nschema:\n  format: json\n"));
    assertTrue(json.getMessage().contains("schema.format: 'json' describes the values of a topic source"),
        json.getMessage());
  }
}
