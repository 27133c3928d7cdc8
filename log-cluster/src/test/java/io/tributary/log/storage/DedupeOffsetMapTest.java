package io.tributary.log.storage;

import static io.tributary.log.storage.TestRecords.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The cleaner's bounded offset map and where a pass ends when it fills (pure, no files). */
class DedupeOffsetMapTest {
  private static ByteBuffer key(String k) {
    return ByteBuffer.wrap(bytes(k));
  }

  @ParameterizedTest(name = "{0} bytes hold {1} keys")
  @CsvSource({
      "48, 1",           // two 24-byte slots at load factor 0.9
      "240, 9",          // 10 slots
      "2688, 100",       // 112 slots: the "room for 100 keys" of the broker test
      "134217728, 5033164", // Kafka's default 128 MiB: 5,592,405 slots
  })
  void capacityIsTheBufferOver24BytesAtLoadFactorPointNine(long bufferBytes, int maxEntries) {
    assertEquals(maxEntries, new DedupeOffsetMap(bufferBytes).maxEntries());
  }

  @Test
  void aBufferWithoutRoomForOneKeyIsRefusedNamingTheConfig() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DedupeOffsetMap(47));
    assertTrue(e.getMessage().contains("log.cleaner.dedupe.buffer.size"), e.getMessage());
  }

  @Test
  void putGetOverwriteAndFull() {
    DedupeOffsetMap map = new DedupeOffsetMap(240); // 9 keys
    for (int i = 0; i < 9; i++) {
      assertTrue(map.put(key("k" + i), i));
    }
    assertTrue(map.isFull());
    assertFalse(map.put(key("new"), 100), "a new key is refused when full");
    assertEquals(-1, map.get(key("new")));
    assertEquals(8, map.latestOffset(), "a refused put does not move the latest offset");
    assertTrue(map.put(key("k3"), 50), "a key already present is updated even when full");
    assertEquals(50, map.get(key("k3")));
    assertEquals(9, map.size());
    for (int i = 0; i < 9; i++) {
      assertEquals(i == 3 ? 50 : i, map.get(key("k" + i)));
    }
    map.clear();
    assertEquals(0, map.size());
    assertEquals(-1, map.get(key("k0")));
    assertEquals(-1, map.latestOffset());
  }

  @Test
  void growsOnDemandAndKeepsEveryKeyUpToTheBuffer() {
    DedupeOffsetMap map = new DedupeOffsetMap(24L * 10_000); // 9,000 keys, more than the initial table
    for (int i = 0; i < 9_000; i++) {
      assertTrue(map.put(key("key-" + i), 1_000_000L + i));
    }
    assertFalse(map.put(key("one-too-many"), 1));
    for (int i = 0; i < 9_000; i++) {
      assertEquals(1_000_000L + i, map.get(key("key-" + i)));
    }
  }

  private static MemoryRecords batchAt(long baseOffset, String... keys) {
    SimpleRecord[] recs = new SimpleRecord[keys.length];
    for (int i = 0; i < keys.length; i++) {
      recs[i] = new SimpleRecord(0L, keys[i] == null ? null : bytes(keys[i]), bytes("v"));
    }
    return MemoryRecords.withRecords(baseOffset, Compression.NONE, recs);
  }

  private static List<RecordBatch> batches(MemoryRecords... parts) {
    List<RecordBatch> out = new ArrayList<>();
    for (MemoryRecords p : parts) {
      p.batches().forEach(out::add);
    }
    return out;
  }

  /** Where a pass ends: all batches read (not full), or the last offset the map covers (+1 ends the pass). */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      // case                                         | buffer | start | full  | latest | offset of a
      "room for all keys: the latest is the last batch | 2400   | 0     | false | 16     | 4",
      "9 keys, 12 distinct: full at the 10th key (j)   | 240    | 0     | true  | 12     | 4",
      "start mid-batch: records below it not mapped    | 240    | 5     | true  | 13     | -1",
      "1 key: full at the 2nd distinct key (b)         | 48     | 0     | true  | 0      | 0",
  })
  void whereAPassEnds(String name, long buffer, long start, boolean expectFull, long expectLatest, long expectA) {
    // offsets 0-3: a b c d | 4-7: a b c d | 8-11: e f g h | 12-15: i j k l | 16: a keyless record
    List<RecordBatch> in = batches(batchAt(0, "a", "b", "c", "d"), batchAt(4, "a", "b", "c", "d"),
        batchAt(8, "e", "f", "g", "h"), batchAt(12, "i", "j", "k", "l"), batchAt(16, (String) null));
    DedupeOffsetMap map = new DedupeOffsetMap(buffer);
    assertEquals(expectFull, LogCleaner.buildOffsetMap(map, in, new CleanedTransactions(List.of()), start));
    assertEquals(expectLatest, map.latestOffset());
    assertEquals(expectA, map.get(key("a")));
  }

  @Test
  void repeatedKeysTakeNoRoom() {
    DedupeOffsetMap map = new DedupeOffsetMap(48); // one key
    assertFalse(LogCleaner.buildOffsetMap(map, batches(batchAt(0, "a", "a", "a", "a"), batchAt(4, "a", "a", "a", "a")),
        new CleanedTransactions(List.of()), 0));
    assertEquals(7, map.get(key("a")));
  }
}
