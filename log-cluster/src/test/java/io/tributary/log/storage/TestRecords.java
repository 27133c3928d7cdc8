package io.tributary.log.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.Records;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.record.TimestampType;

/** Builders and readers of real record batches for the storage tests. */
final class TestRecords {
  private TestRecords() {}

  static byte[] bytes(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  static String str(ByteBuffer b) {
    if (b == null) {
      return null;
    }
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return new String(out, StandardCharsets.UTF_8);
  }

  /** One uncompressed batch of n records with values prefix-i. */
  static MemoryRecords batch(String prefix, int n, long timestamp) {
    SimpleRecord[] recs = new SimpleRecord[n];
    for (int i = 0; i < n; i++) {
      recs[i] = new SimpleRecord(timestamp, bytes("k" + i), bytes(prefix + "-" + i));
    }
    return MemoryRecords.withRecords(Compression.NONE, recs);
  }

  static MemoryRecords keyed(long timestamp, String... keyValues) {
    return keyed(Compression.NONE, timestamp, keyValues);
  }

  /** One batch of (key, value) pairs; a null value is a tombstone. */
  static MemoryRecords keyed(Compression compression, long timestamp, String... keyValues) {
    SimpleRecord[] recs = new SimpleRecord[keyValues.length / 2];
    for (int i = 0; i < recs.length; i++) {
      recs[i] = new SimpleRecord(timestamp, bytes(keyValues[2 * i]), bytes(keyValues[2 * i + 1]));
    }
    return MemoryRecords.withRecords(compression, recs);
  }

  /** An idempotent batch of n records. */
  static MemoryRecords idempotent(long producerId, short epoch, int baseSequence, int n, long timestamp) {
    MemoryRecordsBuilder b = MemoryRecords.builder(ByteBuffer.allocate(1024 + n * 64), RecordBatch.MAGIC_VALUE_V2, Compression.NONE,
        TimestampType.CREATE_TIME, 0L, RecordBatch.NO_TIMESTAMP, producerId, epoch, baseSequence);
    for (int i = 0; i < n; i++) {
      b.append(new SimpleRecord(timestamp, bytes("k" + i), bytes("p" + producerId + "-s" + (baseSequence + i))));
    }
    return b.build();
  }

  /** A transactional batch of n records (values p<pid>-s<seq>). */
  static MemoryRecords transactional(long producerId, short epoch, int baseSequence, int n, long timestamp) {
    SimpleRecord[] recs = new SimpleRecord[n];
    for (int i = 0; i < n; i++) {
      recs[i] = new SimpleRecord(timestamp, bytes("k" + i), bytes("p" + producerId + "-s" + (baseSequence + i)));
    }
    return MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, epoch, baseSequence, recs);
  }

  /** Several batches concatenated into one MemoryRecords. */
  static MemoryRecords concat(MemoryRecords... parts) {
    int size = 0;
    for (MemoryRecords p : parts) {
      size += p.sizeInBytes();
    }
    ByteBuffer buf = ByteBuffer.allocate(size);
    for (MemoryRecords p : parts) {
      buf.put(p.buffer().duplicate());
    }
    buf.flip();
    return MemoryRecords.readableRecords(buf);
  }

  record Rec(long offset, long timestamp, String key, String value) {}

  /** Every record of the given records (FileRecords or MemoryRecords), checking each batch's CRC. */
  static List<Rec> records(Records records) {
    List<Rec> out = new ArrayList<>();
    for (RecordBatch batch : records.batches()) {
      batch.ensureValid();
      for (Record r : batch) {
        out.add(new Rec(r.offset(), r.timestamp(), str(r.key()), str(r.value())));
      }
    }
    return out;
  }

  /** Every record of the log from its start to its end, reading segment after segment as a consumer would. */
  static List<Rec> readAll(PartitionLog log) throws IOException {
    List<Rec> out = new ArrayList<>();
    long next = log.logStartOffset();
    while (next < log.logEndOffset()) {
      Records r = log.read(next, Integer.MAX_VALUE, Long.MAX_VALUE, true).records();
      if (r.sizeInBytes() == 0) {
        throw new AssertionError("empty read at " + next + " below log end " + log.logEndOffset());
      }
      for (RecordBatch b : r.batches()) {
        b.ensureValid();
        for (Record rec : b) {
          if (rec.offset() >= next) {
            out.add(new Rec(rec.offset(), rec.timestamp(), str(rec.key()), str(rec.value())));
          }
        }
        next = Math.max(next, b.nextOffset());
      }
    }
    return out;
  }

  static List<RecordBatch> batches(Records records) {
    List<RecordBatch> out = new ArrayList<>();
    for (RecordBatch b : records.batches()) {
      out.add(b);
    }
    return out;
  }

  /** Latest value per key, as a consumer replaying the whole log would see it (a null value deletes the key). */
  static Map<String, String> latestByKey(List<Rec> recs) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Rec r : recs) {
      if (r.value() == null) {
        out.remove(r.key());
      } else {
        out.put(r.key(), r.value());
      }
    }
    return out;
  }
}
