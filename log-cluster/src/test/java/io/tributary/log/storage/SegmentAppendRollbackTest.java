package io.tributary.log.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Putting a segment back after a failed append, on a real file. */
class SegmentAppendRollbackTest {
  private static final long NOW_MS = 1_700_000_000_000L;
  /** An index entry after every batch, so the rollback must undo index entries too. */
  private static final LogConfig CONFIG = LogConfig.fromMap(Map.of("index.interval.bytes", "1"));

  @TempDir Path dir;

  private static MemoryRecords at(long baseOffset, String prefix, int n) {
    MemoryRecords records = TestRecords.batch(prefix, n, NOW_MS);
    for (MutableRecordBatch batch : records.batches()) {
      batch.setLastOffset(baseOffset + n - 1);
    }
    return records;
  }

  @Test
  void rollBackRemovesTheFailedAppendAndTheBytesAFailedWriteLeftBehind() throws IOException {
    Segment segment = Segment.create(dir, 0, CONFIG, NOW_MS);
    segment.append(at(0, "acked", 3));
    segment.append(at(3, "acked-too", 2));
    int ackedBytes = segment.sizeInBytes();
    Segment.AppendMark before = segment.mark();

    segment.append(at(5, "failed", 4)); // its index entries are written as well
    try (FileChannel raw = FileChannel.open(segment.logPath(), StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      raw.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7})); // what a short write leaves: bytes the segment does not count
    }
    segment.rollBackTo(before, new IOException("No space left on device"));

    assertEquals(ackedBytes, Files.size(segment.logPath()), "the file is back to the acknowledged bytes");
    assertEquals(ackedBytes, segment.sizeInBytes());
    assertEquals(5, segment.nextOffset());
    segment.append(at(5, "next", 2));
    assertEquals(List.of("acked-0", "acked-1", "acked-2", "acked-too-0", "acked-too-1", "next-0", "next-1"), values(segment));
    segment.close();

    Segment reopened = Segment.open(dir, 0, CONFIG, NOW_MS);
    assertEquals(0, reopened.loadClean(), "indexes and log agree: nothing to rebuild or truncate");
    assertEquals(7, reopened.nextOffset());
    assertEquals(0, reopened.recover(), "every byte on disk is a valid batch");
    reopened.close();
  }

  @Test
  void rollBackOfAFreshSegmentEmptiesIt() throws IOException {
    Segment segment = Segment.create(dir, 10, CONFIG, NOW_MS);
    Segment.AppendMark empty = segment.mark();
    segment.append(at(10, "failed", 2));
    segment.rollBackTo(empty, new IOException("Input/output error"));
    assertEquals(0, Files.size(segment.logPath()));
    assertEquals(0, Files.size(Segment.indexFile(dir, 10)));
    assertEquals(10, segment.nextOffset());
    segment.close();
  }

  private static List<String> values(Segment segment) {
    return TestRecords.records(segment.records()).stream().map(TestRecords.Rec::value).toList();
  }
}
