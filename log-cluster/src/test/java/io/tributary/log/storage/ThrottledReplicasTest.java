package io.tributary.log.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The *.replication.throttled.replicas values, in Kafka's format, as a table. */
class ThrottledReplicasTest {
  record Row(String value, int partition, int broker, boolean throttled) {}

  @Test
  void table() {
    List<Row> rows = List.of(
        new Row("", 0, 1, false),
        new Row("*", 7, 3, true),
        new Row("0:1,1:2", 0, 1, true),
        new Row("0:1,1:2", 1, 2, true),
        new Row("0:1,1:2", 0, 2, false),
        new Row(" 0 : 1 , 2:3 ", 2, 3, true));
    for (Row r : rows) {
      assertEquals(r.throttled(), ThrottledReplicas.parse("k", r.value()).contains(r.partition(), r.broker()), r.toString());
    }
  }

  @Test
  void badValuesNameTheFormat() {
    for (String bad : List.of("0", "0:1:2", "a:1", "0:-1", "*,0:1")) {
      ConfigException e = assertThrows(ConfigException.class, () -> ThrottledReplicas.parse("leader.replication.throttled.replicas", bad));
      assertTrue(e.getMessage().contains("[partitionId]:[brokerId]"), e.getMessage());
    }
  }
}
