package io.tributary.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Issue 15: internal topics are created at their configured replication factor or not at all. */
class InternalTopicReplicationTest {
  private static final String KEY = "offsets.topic.replication.factor";

  @ParameterizedTest(name = "rf {0}, {1} live -> {2}")
  @CsvSource({"3, 0, false", "3, 1, false", "3, 2, false", "3, 3, true", "3, 5, true", "2, 1, false",
      "1, 0, false", "1, 1, true"})
  void createdOnlyOnceTheReplicationFactorIsLive(int replicationFactor, int liveBrokers, boolean enough) {
    assertEquals(enough, InternalTopicReplication.enoughBrokers(KEY, replicationFactor, liveBrokers));
  }

  @ParameterizedTest(name = "rf {0} -> min.insync.replicas {1}")
  @CsvSource({"1, 1", "2, 2", "3, 2", "5, 2"})
  void minInsyncReplicasIsTwoWhereTheFactorAllows(int replicationFactor, String minInsync) {
    assertEquals(Map.of("cleanup.policy", "compact", "min.insync.replicas", minInsync),
        InternalTopicReplication.configs(replicationFactor));
  }

  @Test
  void aFactorBelowOneIsRefusedNamingItsKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> InternalTopicReplication.enoughBrokers(KEY, 0, 3));
    assertEquals("offsets.topic.replication.factor must be at least 1, got 0", e.getMessage());
  }
}
