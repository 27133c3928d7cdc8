package io.tributary.connect.hudi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.connect.Sink;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hudi.common.model.DefaultHoodieRecordPayload;
import org.apache.hudi.common.model.HoodieRecord;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Hard deletes through Hudi's payload: a delete marker removes the key unless the stored row or another record
 * of the key in the batch has a larger precombine value; a tombstone removes the key whatever it holds.
 * Read back by Spark.
 */
class HudiDeletesTest {
  static final Schema SCHEMA = SchemaBuilder.record("Row").fields()
      .requiredString("key").requiredLong("seq").optionalString("name").requiredBoolean("__deleted").endRecord();

  @TempDir Path dir;

  static GenericRecord row(String key, long seq, boolean deleted) {
    GenericRecord r = new GenericData.Record(SCHEMA);
    r.put("key", key);
    r.put("seq", seq);
    r.put("name", deleted ? null : key + "@" + seq);
    r.put("__deleted", deleted);
    return r;
  }

  @ParameterizedTest
  @EnumSource(Sink.TableType.class)
  void deletesFollowThePrecombineFieldAndTombstonesAlwaysDelete(Sink.TableType type) throws Exception {
    URI path = dir.resolve("t").toUri();
    Sink.Hudi sink = new Sink.Hudi(path, "rows", type, "key", "seq", Optional.empty(), 1000, 1000, false,
        Sink.DeleteMode.HARD, Sink.Hudi.DEFAULT_COMMIT_BYTES);
    KeyMaker km = new KeyMaker(sink);
    try (HudiTable t = HudiTable.open(sink, SCHEMA, new Configuration())) {
      List<HoodieRecord<DefaultHoodieRecordPayload>> first = new ArrayList<>();
      for (int k = 0; k < 8; k++) {
        first.add(km.record(row("k" + k, 10, false)));
      }
      t.upsert(first, KafkaCheckpoint.of("rows", Map.of(0, 8L)));
      GenericRecord keyOfK4 = new GenericData.Record(SCHEMA);
      keyOfK4.put("key", "k4");
      t.upsert(List.of(
          km.record(row("k0", 11, true)),   // a newer delete: gone
          km.record(row("k1", 5, true)),    // an older delete than the stored row: ignored
          km.record(row("k2", 12, false)),  // update then an older delete in the same batch: the update stays
          km.record(row("k2", 11, true)),
          km.record(row("k3", 13, true)),   // a newer delete after an older update in the batch: gone
          km.record(row("k3", 12, false)),
          km.tombstone(keyOfK4),             // a tombstone: gone
          km.record(row("k5", 14, false))), KafkaCheckpoint.of("rows", Map.of(0, 16L)));
    }
    Map<String, Long> rows = new TreeMap<>(SparkReader.seqByKey(path.toString(), "key", "seq"));
    assertEquals(Map.of("k1", 10L, "k2", 12L, "k5", 14L, "k6", 10L, "k7", 10L), rows, type.name());
  }
}
