package io.tributary.log.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.storage.UncompressedRecordsWalk.Kind;
import io.tributary.log.storage.UncompressedRecordsWalk.Problem;
import java.nio.ByteBuffer;
import java.util.Random;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.CloseableIterator;
import org.junit.jupiter.api.Test;

/**
 * The in-place walk of uncompressed records gives kafka-clients' own verdict: on sound batches, and on batches
 * with bytes of their records flipped and record counts that lie, it accepts exactly what kafka-clients' record
 * iterator reads to the end with sequential offsets (and keys where required).
 */
class UncompressedRecordsWalkTest {
  /** The record count field of a v2 batch header (kafka-clients' DefaultRecordBatch.RECORDS_COUNT_OFFSET). */
  private static final int RECORDS_COUNT_OFFSET = 57;
  private static final int CASES = 20_000;

  @Test
  void soundBatchesPassAndBrokenRulesAreNamed() {
    ByteBuffer keyed = batch(new Random(1), 5, true);
    assertNull(UncompressedRecordsWalk.check(keyed, 5, true));
    ByteBuffer someUnkeyed = batch(new Random(2), 5, false);
    Problem noKey = UncompressedRecordsWalk.check(someUnkeyed, 5, true);
    assertEquals(Kind.NO_KEY, noKey.kind());
    assertEquals(Kind.STRUCTURE, UncompressedRecordsWalk.check(keyed, 4, false).kind(), "a record more than declared");
    Problem fewer = UncompressedRecordsWalk.check(keyed, 6, false);
    assertEquals(new Problem(5, Kind.STRUCTURE, "the batch ends before record 5 of 6"), fewer);
  }

  @Test
  void agreesWithKafkaClientsOnMangledBatches() {
    Random random = new Random(20261207L);
    int rejected = 0;
    for (int c = 0; c < CASES; c++) {
      int records = 1 + random.nextInt(6);
      ByteBuffer b = batch(random, records, random.nextBoolean());
      int flips = random.nextInt(4);
      for (int f = 0; f < flips; f++) {
        int at = UncompressedRecordsWalk.RECORDS_OFFSET + random.nextInt(b.limit() - UncompressedRecordsWalk.RECORDS_OFFSET);
        b.put(at, (byte) (random.nextInt(3) == 0 ? random.nextInt(256) : b.get(at) ^ (1 << random.nextInt(8))));
      }
      int count = random.nextInt(5) == 0 ? Math.max(1, records + random.nextInt(3) - 1) : records;
      b.putInt(RECORDS_COUNT_OFFSET, count);
      boolean keyRequired = random.nextBoolean();
      boolean kafka = kafkaClientsAccepts(b, keyRequired);
      Problem walk = UncompressedRecordsWalk.check(b, count, keyRequired);
      assertEquals(kafka, walk == null, "case " + c + " (" + records + " records, " + flips + " flips, count " + count
          + "): kafka-clients " + (kafka ? "accepts" : "rejects") + ", the walk says " + walk);
      if (walk != null) {
        rejected++;
      }
    }
    assertTrue(rejected > CASES / 10 && rejected < CASES * 9 / 10, "both verdicts were exercised: " + rejected + " rejected");
  }

  /** kafka-clients' verdict: every declared record read, offsets 0, 1, 2, ..., keys where required, nothing left over. */
  private static boolean kafkaClientsAccepts(ByteBuffer b, boolean keyRequired) {
    RecordBatch batch = MemoryRecords.readableRecords(b.duplicate()).batches().iterator().next();
    int seen = 0;
    try (CloseableIterator<Record> it = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
      while (it.hasNext()) {
        Record r = it.next();
        if (r.offset() != batch.baseOffset() + seen || (keyRequired && !r.hasKey())) {
          return false;
        }
        seen++;
      }
    } catch (RuntimeException e) {
      return false;
    }
    return true;
  }

  /**
   * One uncompressed v2 batch of {@code n} records with random keys, values and headers; unless {@code allKeyed}
   * some keys are null, the last one always.
   */
  private static ByteBuffer batch(Random random, int n, boolean allKeyed) {
    MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(4096), RecordBatch.MAGIC_VALUE_V2,
        Compression.NONE, TimestampType.CREATE_TIME, 0L);
    for (int i = 0; i < n; i++) {
      boolean keyed = allKeyed || (i < n - 1 && random.nextBoolean());
      byte[] key = keyed ? bytes(random, 1 + random.nextInt(8)) : null;
      byte[] value = random.nextInt(5) == 0 ? null : bytes(random, random.nextInt(40));
      Header[] headers = new Header[random.nextInt(3)];
      for (int h = 0; h < headers.length; h++) {
        headers[h] = new RecordHeader("h" + h, random.nextBoolean() ? null : bytes(random, random.nextInt(6)));
      }
      builder.append(1_000L + i, key, value, headers);
    }
    MemoryRecords records = builder.build();
    ByteBuffer out = ByteBuffer.allocate(records.sizeInBytes());
    out.put(records.buffer()).flip();
    return out;
  }

  private static byte[] bytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
