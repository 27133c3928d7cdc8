package io.tributary.connect.hudi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checkpoint text is the one Hudi's streamer writes for Kafka: topic,partition:offset,... */
class KafkaCheckpointTest {
  @Test
  void formatsAsHudisKafkaCheckpointAndParsesBack() {
    KafkaCheckpoint cp = KafkaCheckpoint.of("orders", Map.of(2, 7L, 0, 120L, 1, 98L));
    assertEquals("orders,0:120,1:98,2:7", cp.format());
    assertEquals(cp, KafkaCheckpoint.parse("orders,0:120,1:98,2:7"));
    assertEquals(cp, KafkaCheckpoint.parse("orders,2:7,0:120,1:98"));
    assertEquals("deltastreamer.checkpoint.key", KafkaCheckpoint.METADATA_KEY);
  }

  @Test
  void aTopicWithoutPartitionsYetHasAnEmptyCheckpoint() {
    assertEquals(KafkaCheckpoint.of("t", Map.of()), KafkaCheckpoint.parse("t"));
  }

  @Test
  void badTextIsRefusedNamingTheEntry() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KafkaCheckpoint.parse("orders,0:12,x:3"));
    assertTrue(e.getMessage().contains("bad entry 'x:3'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> KafkaCheckpoint.parse(",0:1"));
    assertThrows(IllegalArgumentException.class, () -> KafkaCheckpoint.parse("orders,0:1:2"));
  }
}
