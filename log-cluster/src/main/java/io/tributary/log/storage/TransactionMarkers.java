package io.tributary.log.storage;

import java.util.Iterator;
import java.util.Optional;
import org.apache.kafka.common.record.ControlRecordType;
import org.apache.kafka.common.record.EndTransactionMarker;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;

/**
 * The transaction markers of KIP-98 in the log: a control batch from the producer holding one control record,
 * COMMIT or ABORT ({@link EndTransactionMarker}), written by the partition leader when the transaction
 * coordinator asks (WriteTxnMarkers).
 */
public final class TransactionMarkers {
  private TransactionMarkers() {}

  /** The batch holding one COMMIT (or ABORT) marker of the producer, to be appended by the partition leader. */
  public static MemoryRecords endTransaction(long producerId, short producerEpoch, int coordinatorEpoch, boolean committed,
      long timestampMs) {
    EndTransactionMarker marker = new EndTransactionMarker(committed ? ControlRecordType.COMMIT : ControlRecordType.ABORT, coordinatorEpoch);
    return MemoryRecords.withEndTransactionMarker(0L, timestampMs, RecordBatch.NO_PARTITION_LEADER_EPOCH, producerId, producerEpoch, marker);
  }

  /**
   * COMMIT or ABORT for a transaction-marker batch; empty for a batch that is not a control batch or holds another
   * control record (Kafka's KRaft records use control batches too), or whose control record was compacted away.
   */
  static Optional<ControlRecordType> markerType(RecordBatch batch) {
    if (!batch.isControlBatch()) {
      return Optional.empty();
    }
    Iterator<Record> records = batch.iterator();
    if (!records.hasNext()) {
      return Optional.empty();
    }
    ControlRecordType type = ControlRecordType.parse(records.next().key());
    return type == ControlRecordType.COMMIT || type == ControlRecordType.ABORT ? Optional.of(type) : Optional.empty();
  }
}
