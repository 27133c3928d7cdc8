package io.tributary.log.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which znode contents are decoded and which are refused (and so skipped, the last good content kept):
 * the formats are what {@link ZkJson} writes, and nothing short of them.
 */
class ZnodeDecodingTest {
  private static final Uuid ID = Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAQ");

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void whatZkJsonWritesDecodesBack() {
    SortedMap<Integer, List<Integer>> replicas = new TreeMap<>(Map.of(0, List.of(1, 2, 3), 1, List.of(2, 3, 1)));
    TopicInfo topic = ZkJson.topic("t", ZkJson.topic(ID, replicas), Map.of("retention.ms", "-1"));
    assertEquals(new TopicInfo("t", ID, replicas, Map.of("retention.ms", "-1")), topic);

    PartitionState state = new PartitionState(2, 5, List.of(2, 3), 4, 0);
    assertEquals(state.withZkVersion(9), ZkJson.partitionState(ZkJson.partitionState(state), 9));

    BrokerInfo broker = new BrokerInfo(3, "h", 9092, "r1");
    assertEquals(broker, ZkJson.broker(3, ZkJson.broker(broker)));

    assertEquals(7, ZkJson.controllerEpoch(ZkJson.controllerEpoch(7, 2))[0]);
    assertEquals(ID, ZkJson.deletedTopic(ZkJson.deletedTopic(ID)));
    assertEquals(Map.of("a", "1"), ZkJson.configs(ZkJson.configs(Map.of("a", "1"))));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{",
      "",
      "[]",
      "42",
      "{}",
      "{\"replicas\":{\"0\":[1]}}",                                 // no id
      "{\"id\":\"not-a-uuid\",\"replicas\":{\"0\":[1]}}",
      "{\"id\":\"AAAAAAAAAAAAAAAAAAAAAQ\"}",                          // no partitions: would unassign all
      "{\"id\":\"AAAAAAAAAAAAAAAAAAAAAQ\",\"replicas\":{}}",
      "{\"id\":\"AAAAAAAAAAAAAAAAAAAAAQ\",\"replicas\":{\"0\":[]}}",  // a partition without replicas
      "{\"id\":\"AAAAAAAAAAAAAAAAAAAAAQ\",\"replicas\":{\"0\":[\"x\"]}}",
      "{\"id\":\"AAAAAAAAAAAAAAAAAAAAAQ\",\"replicas\":{\"x\":[1]}}",
      "{\"id\":\"AAAAAAAAAAAAAAAAAAAAAQ\",\"replicas\":{\"1\":[1]}}",  // partition 0 missing
  })
  void aTopicZnodeShortOfAnIdAndItsPartitionsIsRefused(String content) {
    assertThrows(RuntimeException.class, () -> ZkJson.topic("t", utf8(content), Map.of()));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{",
      "{}",
      "{\"leader\":1,\"leader_epoch\":0,\"controller_epoch\":1}",               // no ISR
      "{\"leader\":\"1\",\"leader_epoch\":0,\"isr\":[1],\"controller_epoch\":1}",
      "{\"leader\":-2,\"leader_epoch\":0,\"isr\":[1],\"controller_epoch\":1}",
      "{\"leader\":1,\"leader_epoch\":-1,\"isr\":[1],\"controller_epoch\":1}",
      "{\"leader\":1,\"leader_epoch\":0,\"isr\":[1,\"x\"],\"controller_epoch\":1}",
  })
  void aPartitionStateOfUnexpectedShapeIsRefused(String content) {
    assertThrows(RuntimeException.class, () -> ZkJson.partitionState(utf8(content), 0));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{", "{}", "{\"host\":\"h\"}", "{\"host\":\"\",\"port\":9092}", "{\"host\":\"h\",\"port\":70000}"})
  void aBrokerRegistrationOfUnexpectedShapeIsRefused(String content) {
    assertThrows(RuntimeException.class, () -> ZkJson.broker(1, utf8(content)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{", "{}", "{\"epoch\":-1,\"broker\":1}", "{\"epoch\":\"3\",\"broker\":1}"})
  void aControllerEpochOfUnexpectedShapeIsRefused(String content) {
    assertThrows(RuntimeException.class, () -> ZkJson.controllerEpoch(utf8(content)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{", "[]", "{\"retention.ms\":{}}", "{\"retention.ms\":null}"})
  void aTopicConfigOfUnexpectedShapeIsRefused(String content) {
    assertThrows(RuntimeException.class, () -> ZkJson.configs(utf8(content)));
  }

  @Test
  void decodeOrKeepTakesTheNewContentWhenItDecodes() {
    BrokerInfo lastGood = new BrokerInfo(1, "old", 1, "");
    BrokerInfo decoded = LastGoodZnode.decodeOrKeep("/brokers/ids/1", ZkJson.broker(new BrokerInfo(1, "new", 2, "")),
        data -> ZkJson.broker(1, data), lastGood);
    assertEquals("new", decoded.host());
  }

  @Test
  void decodeOrKeepKeepsTheLastGoodContentWhenTheNewDoesNotDecode() {
    BrokerInfo lastGood = new BrokerInfo(1, "old", 1, "");
    assertSame(lastGood, LastGoodZnode.decodeOrKeep("/brokers/ids/1", utf8("{"), data -> ZkJson.broker(1, data), lastGood));
  }

  @Test
  void decodeOrKeepSkipsAZnodeThatNeverDecoded() {
    assertNull(LastGoodZnode.decodeOrKeep("/brokers/ids/1", utf8("{"), data -> ZkJson.broker(1, data), null));
  }

  @Test
  void onlyALogOfTheTopicIdTheControllerMarkedDeletedIsDeleted() {
    Uuid other = Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAg");
    TopicInfo recreated = new TopicInfo("t", other, new TreeMap<>(Map.of(0, List.of(1))), Map.of());
    ClusterImage marked = new ClusterImage(Map.of(), Map.of(), Map.of(), -1, Map.of("t", ID));
    ClusterImage markedAndRecreated = new ClusterImage(Map.of(), Map.of("t", recreated), Map.of(), -1, Map.of("t", ID));
    record Row(ClusterImage image, String topic, Uuid localId, boolean deleted) {}
    List<Row> table = List.of(
        new Row(ClusterImage.EMPTY, "t", ID, false),            // missing from the metadata is not deleted
        new Row(marked, "t", ID, true),
        new Row(marked, "t", other, false),                     // a mark of another incarnation of the name
        new Row(marked, "u", ID, false),
        new Row(marked, "t", Uuid.ZERO_UUID, true),             // a log from before topic ids: by name
        new Row(markedAndRecreated, "t", Uuid.ZERO_UUID, false), // ... unless the name is in use again
        new Row(markedAndRecreated, "t", ID, true));
    for (Row row : table) {
      assertEquals(row.deleted(), row.image().isDeleted(row.topic(), row.localId()), row.toString());
    }
  }
}
