package io.tributary.log.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class LogConfigTest {

  @Test
  void defaultsAreKafkas() {
    LogConfig c = LogConfig.defaults();
    assertEquals(1073741824, c.segmentBytes());
    assertEquals(604800000L, c.segmentMs());
    assertEquals(10485760, c.segmentIndexBytes());
    assertEquals(4096, c.indexIntervalBytes());
    assertEquals(604800000L, c.retentionMs());
    assertEquals(-1L, c.retentionBytes());
    assertTrue(c.delete());
    assertFalse(c.compact());
    assertEquals(86400000L, c.deleteRetentionMs());
    assertEquals(0L, c.minCompactionLagMs());
    assertEquals(0.5, c.minCleanableDirtyRatio());
    assertEquals(Long.MAX_VALUE, c.flushMessages());
    assertEquals(Long.MAX_VALUE, c.flushMs());
    assertEquals(1048588, c.maxMessageBytes());
    assertEquals(TimestampType.CREATE_TIME, c.messageTimestampType());
    assertEquals(1, c.minInsyncReplicas());
    assertEquals(60000L, c.fileDeleteDelayMs());
    assertEquals(LogConfig.names(), c.toMap().keySet());
    assertEquals(19, LogConfig.names().size());
    for (String k : LogConfig.names()) {
      assertTrue(c.isDefault(k), k);
    }
  }

  @Test
  void overridesOnTopOfBrokerDefaults() {
    LogConfig c = LogConfig.fromMap(Map.of("retention.ms", "1000", "cleanup.policy", "compact", "retention.hours", "1"),
        Map.of("cleanup.policy", "compact,delete", "message.timestamp.type", "LogAppendTime"));
    assertEquals(1000L, c.retentionMs()); // canonical key wins over the alias
    assertTrue(c.compact());
    assertTrue(c.delete());
    assertEquals(TimestampType.LOG_APPEND_TIME, c.messageTimestampType());
    assertFalse(c.isDefault("retention.ms"));
    assertFalse(c.isDefault("cleanup.policy"));
    assertTrue(c.isDefault("segment.bytes"));
    assertEquals("compact,delete", c.toMap().get("cleanup.policy"));
    assertEquals(3_600_000L, LogConfig.fromMap(Map.of("retention.hours", "1"), Map.of()).retentionMs());
  }

  @Test
  void unknownKeyAndBadValuesAreRefusedNamingKeyAndValue() {
    ConfigException e = assertThrows(ConfigException.class, () -> LogConfig.fromMap(Map.of("retention.msx", "1")));
    assertTrue(e.getMessage().contains("retention.msx"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> LogConfig.fromMap(Map.of("segment.bytes", "abc")));
    assertTrue(e.getMessage().contains("segment.bytes") && e.getMessage().contains("abc"), e.getMessage());
    assertThrows(ConfigException.class, () -> LogConfig.fromMap(Map.of("cleanup.policy", "forever")));
    assertThrows(ConfigException.class, () -> LogConfig.fromMap(Map.of("message.timestamp.type", "Now")));
    assertThrows(ConfigException.class, () -> LogConfig.fromMap(Map.of("min.cleanable.dirty.ratio", "1.5")));
    assertThrows(ConfigException.class, () -> LogConfig.fromMap(Map.of("retention.ms", "-2")));
    assertThrows(ConfigException.class, () -> LogConfig.fromMap(Map.of("unclean.leader.election.enable", "yes")));
    assertEquals(-1L, LogConfig.fromMap(Map.of("retention.ms", "-1")).retentionMs());
  }
}
