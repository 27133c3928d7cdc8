package io.tributary.log.group;

import io.tributary.log.storage.LogReadResult;
import io.tributary.log.storage.PartitionLog;
import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.ControlRecordType;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one offsets partition from its log start to the log end it had when the read began (what a new
 * coordinator loads), decoding every record into an {@link OffsetManager.Replay}. The I/O half of a load;
 * the replay decides.
 *
 * <p>A record that cannot be decoded (a key or value that is not our JSON, for example one written by a
 * plain producer) is skipped with an error naming its partition and offset: failing the whole load would
 * leave every group of the partition unavailable for as long as the record stays in the log.
 */
final class OffsetsLoader {
  private static final Logger log = LoggerFactory.getLogger(OffsetsLoader.class);
  /** Bytes read from the log per step. */
  static final int READ_MAX_BYTES = 1 << 20;

  private OffsetsLoader() {}

  /**
   * What a read found: the replay, how many records it read, how many of those it skipped as undecodable,
   * and the offset it read up to (exclusive).
   */
  record Loaded(OffsetManager.Replay replay, int records, int undecodable, long endOffset,
                Map<Long, TransactionalWriter> transactionalWriters) {}

  /** The last transactional batch (TxnOffsetCommit) a producer id wrote to the partition: its epoch and last sequence. */
  record TransactionalWriter(short epoch, int lastSequence) {}

  static Loaded read(TopicPartition tp, PartitionLog plog) throws IOException {
    long offset = plog.logStartOffset();
    long end = plog.logEndOffset();
    OffsetManager.Replay replay = new OffsetManager.Replay();
    int records = 0;
    int undecodable = 0;
    Map<Long, TransactionalWriter> writers = new HashMap<>();
    while (offset < end) {
      LogReadResult r = plog.read(offset, READ_MAX_BYTES, end, true);
      long next = offset;
      for (RecordBatch batch : r.records().batches()) {
        if (batch.isControlBatch()) {
          // A transaction marker (written by WriteTxnMarkers): the producer's offsets of that transaction
          // apply or are dropped.
          Iterator<Record> control = batch.iterator();
          if (batch.lastOffset() >= offset && batch.lastOffset() < end && control.hasNext()) {
            ControlRecordType type = ControlRecordType.parse(control.next().key());
            if (type == ControlRecordType.COMMIT || type == ControlRecordType.ABORT) {
              replay.endTransaction(batch.producerId(), type == ControlRecordType.COMMIT);
            }
          }
          next = Math.max(next, batch.nextOffset());
          continue;
        }
        if (batch.isTransactional()) {
          writers.put(batch.producerId(), new TransactionalWriter(batch.producerEpoch(), batch.lastSequence()));
        }
        for (Record rec : batch) {
          if (rec.offset() < offset || rec.offset() >= end) {
            continue;
          }
          records++;
          OffsetsTopicFormat.Entry e;
          try {
            e = OffsetsTopicFormat.decode(rec);
          } catch (IOException | RuntimeException undecodableRecord) {
            undecodable++;
            log.error("{} offset {}: skipping a record that cannot be decoded ({})", tp, rec.offset(),
                undecodableRecord.toString());
            continue;
          }
          if (e instanceof OffsetsTopicFormat.Unknown unknown) {
            log.warn("{} offset {}: skipping record ({})", tp, rec.offset(), unknown.reason());
          }
          if (batch.isTransactional()) {
            replay.applyTransactional(batch.producerId(), e, rec.offset());
          } else {
            replay.apply(e, rec.offset());
          }
        }
        next = Math.max(next, batch.nextOffset());
      }
      if (next <= offset) {
        break; // nothing readable (should not happen below the log end)
      }
      offset = next;
    }
    return new Loaded(replay, records, undecodable, end, writers);
  }
}
