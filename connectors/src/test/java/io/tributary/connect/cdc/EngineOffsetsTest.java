package io.tributary.connect.cdc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.OffsetBackingStore;
import org.apache.kafka.connect.storage.OffsetStorageReaderImpl;
import org.apache.kafka.connect.storage.OffsetStorageWriter;
import org.apache.kafka.connect.util.Callback;
import org.junit.jupiter.api.Test;

/**
 * The offset records the postgres source writes in its transactions are the engine's own: the same bytes as
 * Kafka Connect's {@link OffsetStorageWriter} with the engine's converters, and read back by its
 * {@link OffsetStorageReaderImpl} as the offset written.
 */
class EngineOffsetsTest {
  static final String ENGINE = "items-cdc";
  static final Map<String, Object> PARTITION = Map.of("server", "pg");

  /** A Postgres streaming position as Debezium keeps it. */
  static Map<String, Object> offset(long lsn) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("lsn_proc", lsn);
    o.put("lsn_commit", lsn - 8);
    o.put("lsn", lsn);
    o.put("txId", 771L);
    o.put("ts_usec", 1_765_000_000_000_000L);
    return o;
  }

  /** An offset store that keeps what it is given in memory: the engine's store minus the topic. */
  static final class MapStore implements OffsetBackingStore {
    final Map<ByteBuffer, ByteBuffer> data = new HashMap<>();

    @Override
    public void start() {}

    @Override
    public void stop() {}

    @Override
    public Future<Map<ByteBuffer, ByteBuffer>> get(Collection<ByteBuffer> keys) {
      Map<ByteBuffer, ByteBuffer> out = new HashMap<>();
      keys.forEach(k -> out.put(k, data.get(k)));
      return CompletableFuture.completedFuture(out);
    }

    @Override
    public Future<Void> set(Map<ByteBuffer, ByteBuffer> values, Callback<Void> callback) {
      data.putAll(values);
      callback.onCompletion(null, null);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
      return Set.of();
    }

    @Override
    public void configure(WorkerConfig config) {}
  }

  static JsonConverter converter(boolean isKey) {
    JsonConverter c = new JsonConverter();
    c.configure(Map.of("schemas.enable", "false"), isKey);
    return c;
  }

  @Test
  void theRecordHoldsWhatTheEnginesWriterWrites() throws Exception {
    MapStore store = new MapStore();
    OffsetStorageWriter writer = new OffsetStorageWriter(store, ENGINE, converter(true), converter(false));
    writer.offset(PARTITION, offset(5_000));
    writer.beginFlush(10, TimeUnit.SECONDS);
    writer.doFlush((error, result) -> { }).get(10, TimeUnit.SECONDS);

    ProducerRecord<byte[], byte[]> record = new EngineOffsets("pg-offsets", ENGINE).record(PARTITION, offset(5_000));
    assertEquals("pg-offsets", record.topic());
    assertEquals(1, store.data.size());
    Map.Entry<ByteBuffer, ByteBuffer> written = store.data.entrySet().iterator().next();
    assertArrayEquals(written.getKey().array(), record.key());
    assertArrayEquals(written.getValue().array(), record.value());
  }

  @Test
  void theEnginesReaderFindsTheOffsetWritten() {
    MapStore store = new MapStore();
    ProducerRecord<byte[], byte[]> record = new EngineOffsets("pg-offsets", ENGINE).record(PARTITION, offset(7_000));
    store.data.put(ByteBuffer.wrap(record.key()), ByteBuffer.wrap(record.value()));
    OffsetStorageReaderImpl reader = new OffsetStorageReaderImpl(store, ENGINE, converter(true), converter(false));
    assertEquals(offset(7_000), reader.offset(PARTITION));
    // another engine's name is another key: its position is not taken for this one's
    OffsetStorageReaderImpl other = new OffsetStorageReaderImpl(store, "other", converter(true), converter(false));
    assertEquals(null, other.offset(PARTITION));
  }

  @Test
  void aBatchStoresTheLastOffsetOfEachPartition() {
    Map<String, Object> other = Map.of("server", "pg2");
    List<SourceRecord> batch = List.of(
        new SourceRecord(PARTITION, offset(100), "t", null, null),
        new SourceRecord(other, offset(150), "t", null, null),
        new SourceRecord(PARTITION, offset(200), "t", null, null),
        new SourceRecord(PARTITION, null, "t", null, null));
    Map<Map<String, ?>, Map<String, ?>> latest = EngineOffsets.latest(batch);
    assertEquals(Map.of(PARTITION, offset(200), other, offset(150)), latest);
    assertEquals(List.of(PARTITION, other), List.copyOf(latest.keySet()), "in the order partitions first appear");
  }
}
