package io.tributary.log.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tributary.log.group.ClassicGroup.MemberSnapshot;
import io.tributary.log.group.ClassicGroup.Snapshot;
import io.tributary.log.group.OffsetsTopicFormat.CommittedOffset;
import io.tributary.log.group.OffsetsTopicFormat.GroupEntry;
import io.tributary.log.group.OffsetsTopicFormat.OffsetEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/** The records of __consumer_offsets: round trips, tombstones, stable key bytes, Kafka's partition hash. */
class OffsetsTopicFormatTest {

  static List<Record> records(MemoryRecords m) {
    List<Record> list = new ArrayList<>();
    for (RecordBatch b : m.batches()) {
      b.forEach(list::add);
    }
    return list;
  }

  @Test
  void offsetsAndGroupsRoundTripAndTombstonesDecodeAsDeletions() throws Exception {
    TopicPartition tp = new TopicPartition("orders", 7);
    CommittedOffset o = new CommittedOffset(42, 3, "meta\"data", 1_700_000_000_000L);
    LinkedHashMap<String, byte[]> protocols = new LinkedHashMap<>();
    protocols.put("range", new byte[] {0, 1, 2, (byte) 255});
    protocols.put("cooperative-sticky", new byte[0]);
    Snapshot s = new Snapshot("g", 5, "consumer", "range", "m-1", 123L, List.of(
        new MemberSnapshot("m-1", null, "client", "/127.0.0.1", 10_000, 30_000, protocols, "A".getBytes(StandardCharsets.UTF_8)),
        new MemberSnapshot("i-2", "i", "client", "/127.0.0.1", 10_000, 30_000, protocols, new byte[0])));
    MemoryRecords m = OffsetsTopicFormat.records(1L, List.of(
        new byte[][] {OffsetsTopicFormat.offsetKey("g", tp), OffsetsTopicFormat.offsetValue(o)},
        new byte[][] {OffsetsTopicFormat.groupKey("g"), OffsetsTopicFormat.groupValue(s)},
        new byte[][] {OffsetsTopicFormat.offsetKey("g", tp), null},
        new byte[][] {OffsetsTopicFormat.groupKey("g"), null}));
    List<Record> recs = records(m);
    OffsetEntry oe = assertInstanceOf(OffsetEntry.class, OffsetsTopicFormat.decode(recs.get(0)));
    assertEquals("g", oe.group());
    assertEquals(tp, oe.tp());
    assertEquals(o, oe.value());
    GroupEntry ge = assertInstanceOf(GroupEntry.class, OffsetsTopicFormat.decode(recs.get(1)));
    Snapshot back = ge.value();
    assertEquals(5, back.generationId());
    assertEquals("range", back.protocolName());
    assertEquals("m-1", back.leaderId());
    assertEquals(2, back.members().size());
    assertNull(back.members().get(0).groupInstanceId());
    assertEquals("i", back.members().get(1).groupInstanceId());
    assertArrayEquals(new byte[] {0, 1, 2, (byte) 255}, back.members().get(0).protocols().get("range"));
    assertEquals(List.of("range", "cooperative-sticky"), new ArrayList<>(back.members().get(0).protocols().keySet()));
    assertArrayEquals("A".getBytes(StandardCharsets.UTF_8), back.members().get(0).assignment());
    assertNull(assertInstanceOf(OffsetEntry.class, OffsetsTopicFormat.decode(recs.get(2))).value());
    assertNull(assertInstanceOf(GroupEntry.class, OffsetsTopicFormat.decode(recs.get(3))).value());
  }

  @Test
  void equalKeysAreEqualBytesSoCompactionKeepsTheLatest() {
    TopicPartition tp = new TopicPartition("t", 0);
    assertArrayEquals(OffsetsTopicFormat.offsetKey("g", tp), OffsetsTopicFormat.offsetKey("g", new TopicPartition("t", 0)));
    assertEquals("{\"type\":\"offset\",\"group\":\"g\",\"topic\":\"t\",\"partition\":0}",
        new String(OffsetsTopicFormat.offsetKey("g", tp), StandardCharsets.UTF_8));
    assertEquals("{\"type\":\"group\",\"group\":\"g\"}", new String(OffsetsTopicFormat.groupKey("g"), StandardCharsets.UTF_8));
  }

  @Test
  void newerValueVersionsAndUnknownTypesAreSkipped() throws Exception {
    MemoryRecords m = OffsetsTopicFormat.records(1L, List.of(
        new byte[][] {"{\"type\":\"lease\",\"group\":\"g\"}".getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8)},
        new byte[][] {OffsetsTopicFormat.groupKey("g"), "{\"v\":2}".getBytes(StandardCharsets.UTF_8)}));
    List<Record> recs = records(m);
    assertInstanceOf(OffsetsTopicFormat.Unknown.class, OffsetsTopicFormat.decode(recs.get(0)));
    assertInstanceOf(OffsetsTopicFormat.Unknown.class, OffsetsTopicFormat.decode(recs.get(1)));
  }

  @Test
  void groupsHashOntoPartitionsAsKafkaDoes() {
    for (String g : List.of("g", "orders-service", "", "a-much-longer-group-id-with-unicode-é", "negative-hash-?")) {
      assertEquals(Utils.abs(g.hashCode()) % 50, OffsetsTopicFormat.partitionFor(g, 50));
    }
    // Utils.abs(Integer.MIN_VALUE) is 0, not negative: "polygenelubricants".hashCode() == Integer.MIN_VALUE.
    assertEquals(Integer.MIN_VALUE, "polygenelubricants".hashCode());
    assertEquals(0, OffsetsTopicFormat.partitionFor("polygenelubricants", 50));
  }
}
