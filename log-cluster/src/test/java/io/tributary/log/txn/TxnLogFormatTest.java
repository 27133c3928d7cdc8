package io.tributary.log.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.junit.jupiter.api.Test;

/** Records of __transaction_state: every state survives a write and a read; Dead is a tombstone. */
class TxnLogFormatTest {

  @Test
  void everyStateRoundTrips() throws Exception {
    for (TxnState state : TxnState.values()) {
      TreeSet<TopicPartition> partitions = new TreeSet<>(TxnMetadata::compare);
      if (!state.isIdle() && state != TxnState.DEAD) {
        partitions.add(new TopicPartition("orders", 3));
        partitions.add(new TopicPartition("__consumer_offsets", 17));
      }
      TxnMetadata m = new TxnMetadata("tx-" + state, 42, 41, (short) 7, (short) 6, 60_000, state, partitions, 1_000, 2_000);
      MemoryRecords records = TxnLogFormat.records(m, 3_000);
      Record r = records.records().iterator().next();
      TxnLogFormat.Entry e = TxnLogFormat.decode(r);
      assertEquals(m.transactionalId(), e.transactionalId());
      if (state == TxnState.DEAD) {
        assertNull(e.value(), "Dead is written as a tombstone");
      } else {
        assertEquals(m, e.value(), state.kafkaName());
      }
    }
  }

  @Test
  void aV2PrepareKeepsTheProducerIdItHandsOverTo() throws Exception {
    TreeSet<TopicPartition> partitions = new TreeSet<>(TxnMetadata::compare);
    partitions.add(new TopicPartition("orders", 3));
    TxnMetadata m = new TxnMetadata("tx-overflow", 42, -1, Short.MAX_VALUE, (short) (Short.MAX_VALUE - 1), 60_000,
        TxnState.PREPARE_COMMIT, partitions, 1_000, 2_000, 43);
    TxnLogFormat.Entry e = TxnLogFormat.decode(TxnLogFormat.records(m, 3_000).records().iterator().next());
    assertEquals(m, e.value(), "a new coordinator completes it with producer id 43");
  }

  @Test
  void idsHashOntoPartitionsAsKafkaDoes() {
    // Kafka: Utils.abs(transactionalId.hashCode) % transactionTopicPartitionCount
    assertEquals(Math.abs("my-app-txn".hashCode()) % 50, TxnLogFormat.partitionFor("my-app-txn", 50));
    assertEquals(List.of(0, 0), List.of(TxnLogFormat.partitionFor("a", 1), TxnLogFormat.partitionFor("b", 1)));
  }
}
