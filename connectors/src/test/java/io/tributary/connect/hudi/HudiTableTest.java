package io.tributary.connect.hudi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.connect.Sink;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hudi.common.model.DefaultHoodieRecordPayload;
import org.apache.hudi.common.model.HoodieRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HudiTableTest {
  static final Schema SCHEMA = SchemaBuilder.record("Order").fields()
      .requiredString("key").requiredLong("seq").requiredString("region").requiredDouble("amount").endRecord();

  @TempDir Path dir;

  static List<HoodieRecord<DefaultHoodieRecordPayload>> batch(KeyMaker km, long from, long to, int keys) {
    List<HoodieRecord<DefaultHoodieRecordPayload>> out = new ArrayList<>();
    for (long i = from; i < to; i++) {
      GenericRecord r = new GenericData.Record(SCHEMA);
      r.put("key", "k" + (i % keys));
      r.put("seq", i);
      r.put("region", i % 2 == 0 ? "eu" : "us");
      r.put("amount", i / 10.0);
      out.add(km.record(r));
    }
    return out;
  }

  @Test
  void upsertsAndKeepsCheckpointsCopyOnWrite() throws Exception {
    roundTrip(Sink.TableType.COPY_ON_WRITE, Optional.of("region"));
  }

  @Test
  void upsertsAndKeepsCheckpointsMergeOnRead() throws Exception {
    roundTrip(Sink.TableType.MERGE_ON_READ, Optional.empty());
  }

  void roundTrip(Sink.TableType type, Optional<String> partition) throws Exception {
    URI path = dir.resolve("t").toUri();
    Sink.Hudi sink = new Sink.Hudi(path, "orders", type, "key", "seq", partition, 1000, 1000, true);
    KeyMaker km = new KeyMaker(sink);
    Configuration conf = new Configuration();
    try (HudiTable t = HudiTable.open(sink, SCHEMA, conf)) {
      assertEquals(Optional.empty(), t.lastCheckpoint());
      t.upsert(batch(km, 0, 1000, 100), KafkaCheckpoint.of("orders", Map.of(0, 1000L)));
      for (int c = 1; c < 3; c++) {
        t.upsert(batch(km, c * 1000L, c * 1000L + 1000, 100), KafkaCheckpoint.of("orders", Map.of(0, 1000L * c + 1000)));
      }
      t.upsert(List.of(), KafkaCheckpoint.of("orders", Map.of(0, 3500L)));
      assertEquals(KafkaCheckpoint.of("orders", Map.of(0, 3500L)), t.lastCheckpoint().get());
    }
    Map<String, Long> rows = SparkReader.seqByKey(path.toString(), "key", "seq");
    assertEquals(100, rows.size());
    for (int k = 0; k < 100; k++) {
      assertEquals(2900L + k, rows.get("k" + k));
    }
  }
}
