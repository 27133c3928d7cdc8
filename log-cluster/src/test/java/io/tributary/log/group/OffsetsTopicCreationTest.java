package io.tributary.log.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Issue 15: __consumer_offsets is created at its configured replication factor or not at all. */
class OffsetsTopicCreationTest {

  @ParameterizedTest(name = "rf {0}, {1} live -> {2}")
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      3 | 0 | __consumer_offsets needs 3 live brokers (offsets.topic.replication.factor), 0 live
      3 | 1 | __consumer_offsets needs 3 live brokers (offsets.topic.replication.factor), 1 live
      3 | 2 | __consumer_offsets needs 3 live brokers (offsets.topic.replication.factor), 2 live
      3 | 3 | -
      3 | 5 | -
      1 | 0 | __consumer_offsets needs 1 live brokers (offsets.topic.replication.factor), 0 live
      1 | 1 | -
      2 | 1 | __consumer_offsets needs 2 live brokers (offsets.topic.replication.factor), 1 live
      """)
  void createdOnlyOnceTheReplicationFactorIsLive(int replicationFactor, int liveBrokers, String refusal) {
    assertEquals(refusal, OffsetsTopicCreation.refusal(replicationFactor, liveBrokers));
  }

  @ParameterizedTest(name = "rf {0} -> min.insync.replicas {1}")
  @CsvSource({"1, 1", "2, 2", "3, 2", "5, 2"})
  void minInsyncReplicasIsTwoWhereTheFactorAllows(int replicationFactor, String minInsync) {
    assertEquals(Map.of("cleanup.policy", "compact", "min.insync.replicas", minInsync),
        OffsetsTopicCreation.configs(replicationFactor));
  }

  @ParameterizedTest
  @CsvSource({"0", "-1"})
  void aFactorBelowOneIsABug(int replicationFactor) {
    assertThrows(IllegalArgumentException.class, () -> OffsetsTopicCreation.refusal(replicationFactor, 3));
  }
}
