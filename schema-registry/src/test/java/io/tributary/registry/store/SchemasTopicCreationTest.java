package io.tributary.registry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Issue 15: _schemas is created at kafkastore.topic.replication.factor or not at all. */
class SchemasTopicCreationTest {

  @ParameterizedTest(name = "rf {0}, {1} live -> {2}")
  @CsvSource({"3, 0, false", "3, 1, false", "3, 2, false", "3, 3, true", "3, 4, true", "1, 0, false", "1, 1, true"})
  void createdOnlyOnceTheReplicationFactorIsLive(int replicationFactor, int liveBrokers, boolean enough) {
    assertEquals(enough, SchemasTopicCreation.enoughBrokers(replicationFactor, liveBrokers));
  }

  @ParameterizedTest(name = "rf {0} -> min.insync.replicas {1}")
  @CsvSource({"1, 1", "2, 2", "3, 2", "5, 2"})
  void minInsyncReplicasIsTwoWhereTheFactorAllows(int replicationFactor, String minInsync) {
    assertEquals(Map.of("cleanup.policy", "compact", "min.insync.replicas", minInsync),
        SchemasTopicCreation.configs(replicationFactor));
  }

  @ParameterizedTest
  @CsvSource({"0", "-1"})
  void aFactorBelowOneIsRefused(int replicationFactor) {
    assertThrows(IllegalArgumentException.class, () -> SchemasTopicCreation.enoughBrokers(replicationFactor, 3));
  }
}
