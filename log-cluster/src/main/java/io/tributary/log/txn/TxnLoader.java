package io.tributary.log.txn;

import io.tributary.log.storage.LogReadResult;
import io.tributary.log.storage.PartitionLog;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one {@code __transaction_state} partition from its log start to the log end it had when the read
 * began: the latest state of every transactional id on it (what a new coordinator takes over). A record
 * that cannot be decoded is skipped with an error naming it, as the offsets loader does.
 */
final class TxnLoader {
  private static final Logger log = LoggerFactory.getLogger(TxnLoader.class);
  /** Bytes read from the log per step. */
  static final int READ_MAX_BYTES = 1 << 20;

  private TxnLoader() {}

  /** What a read found: each live id's latest state, the records read, the offset read up to (exclusive). */
  record Loaded(Map<String, TxnMetadata> states, int records, long endOffset) {}

  static Loaded read(TopicPartition tp, PartitionLog plog) throws IOException {
    long offset = plog.logStartOffset();
    long end = plog.logEndOffset();
    Map<String, TxnMetadata> states = new HashMap<>();
    int records = 0;
    while (offset < end) {
      LogReadResult r = plog.read(offset, READ_MAX_BYTES, end, true);
      long next = offset;
      for (RecordBatch batch : r.records().batches()) {
        next = Math.max(next, batch.nextOffset());
        if (batch.isControlBatch()) {
          continue;
        }
        for (Record rec : batch) {
          if (rec.offset() < offset || rec.offset() >= end) {
            continue;
          }
          records++;
          try {
            TxnLogFormat.Entry e = TxnLogFormat.decode(rec);
            if (e == null) {
              log.warn("{} offset {}: skipping a record of an unknown kind or version", tp, rec.offset());
            } else if (e.value() == null) {
              states.remove(e.transactionalId());
            } else {
              states.put(e.transactionalId(), e.value());
            }
          } catch (IOException | RuntimeException undecodable) {
            log.error("{} offset {}: skipping a record that cannot be decoded ({})", tp, rec.offset(), undecodable.toString());
          }
        }
      }
      if (next <= offset) {
        break; // nothing readable (should not happen below the log end)
      }
      offset = next;
    }
    return new Loaded(states, records, end);
  }
}
