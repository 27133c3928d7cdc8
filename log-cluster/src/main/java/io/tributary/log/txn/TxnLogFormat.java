package io.tributary.log.txn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.utils.Utils;

/**
 * The records of {@code __transaction_state} (our own JSON, as {@code __consumer_offsets} uses; compacted,
 * so the latest record per key wins and a null value deletes). Fields are always written in the order shown,
 * so equal keys are equal bytes:
 *
 * <pre>
 * key   {"type":"txn","id":TRANSACTIONAL_ID}
 * value {"v":1,"producerId":..,"previousProducerId":..,"producerEpoch":..,"lastProducerEpoch":..,"timeoutMs":..,
 *        "state":"Ongoing","partitions":[{"topic":..,"partition":..}],"txnStartMs":..,"lastUpdateMs":..
 *        [,"nextProducerId":..]}   (only a transactions-v2 Prepare state that exhausted the epoch has it)
 * an expired id: the same key with a null value (tombstone)
 * </pre>
 *
 * A reader skips records of an unknown {@code type} or a {@code v} above 1.
 */
public final class TxnLogFormat {
  public static final String TOPIC = "__transaction_state";
  static final int VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  private TxnLogFormat() {}

  /** The partition that holds (and whose leader coordinates) {@code transactionalId}, as Kafka hashes it. */
  public static int partitionFor(String transactionalId, int partitions) {
    return Utils.abs(transactionalId.hashCode()) % partitions;
  }

  public static byte[] key(String transactionalId) {
    ObjectNode k = JSON.createObjectNode();
    k.put("type", "txn");
    k.put("id", transactionalId);
    return bytes(k);
  }

  /** The value of {@code m}; null (a tombstone) for Dead. */
  public static byte[] value(TxnMetadata m) {
    if (m.state() == TxnState.DEAD) {
      return null;
    }
    ObjectNode v = JSON.createObjectNode();
    v.put("v", VERSION);
    v.put("producerId", m.producerId());
    v.put("previousProducerId", m.previousProducerId());
    v.put("producerEpoch", m.producerEpoch());
    v.put("lastProducerEpoch", m.lastProducerEpoch());
    v.put("timeoutMs", m.timeoutMs());
    v.put("state", m.state().kafkaName());
    ArrayNode parts = v.putArray("partitions");
    for (TopicPartition tp : m.partitions()) {
      parts.addObject().put("topic", tp.topic()).put("partition", tp.partition());
    }
    v.put("txnStartMs", m.txnStartMs());
    v.put("lastUpdateMs", m.lastUpdateMs());
    if (m.nextProducerId() != TxnMetadata.NO_PRODUCER_ID) {
      v.put("nextProducerId", m.nextProducerId());
    }
    return bytes(v);
  }

  /** The one-record batch that writes {@code m}. */
  public static MemoryRecords records(TxnMetadata m, long nowMs) {
    return MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(nowMs, key(m.transactionalId()), value(m)));
  }

  /** A decoded record: the id and its state (null = deleted), or null for a record of another kind. */
  public record Entry(String transactionalId, TxnMetadata value) {}

  public static Entry decode(Record record) throws IOException {
    if (!record.hasKey()) {
      return null;
    }
    JsonNode k = JSON.readTree(array(record.key()));
    if (!"txn".equals(k.path("type").asText(""))) {
      return null;
    }
    String id = k.path("id").asText();
    if (!record.hasValue()) {
      return new Entry(id, null);
    }
    JsonNode v = JSON.readTree(array(record.value()));
    if (v.path("v").asInt(0) > VERSION) {
      return null;
    }
    TreeSet<TopicPartition> partitions = new TreeSet<>(TxnMetadata::compare);
    for (JsonNode p : v.path("partitions")) {
      partitions.add(new TopicPartition(p.path("topic").asText(), p.path("partition").asInt()));
    }
    return new Entry(id, new TxnMetadata(id, v.path("producerId").asLong(), v.path("previousProducerId").asLong(-1),
        (short) v.path("producerEpoch").asInt(), (short) v.path("lastProducerEpoch").asInt(-1), v.path("timeoutMs").asInt(),
        TxnState.fromKafkaName(v.path("state").asText()), partitions, v.path("txnStartMs").asLong(-1),
        v.path("lastUpdateMs").asLong(), v.path("nextProducerId").asLong(TxnMetadata.NO_PRODUCER_ID)));
  }

  private static byte[] array(ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.duplicate().get(a);
    return a;
  }

  private static byte[] bytes(ObjectNode n) {
    try {
      return JSON.writeValueAsBytes(n);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode " + n, e);
    }
  }
}
