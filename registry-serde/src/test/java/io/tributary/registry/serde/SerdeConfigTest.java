package io.tributary.registry.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How the serdes read their configuration: the registry URL, TopicNameStrategy subjects and boolean flags. */
class SerdeConfigTest {

  @Test
  void bothSerdesRequireTheRegistryUrl() {
    Serializer<Object> serializer = new KafkaAvroSerializer();
    Deserializer<Object> deserializer = new KafkaAvroDeserializer();
    for (Runnable configure : List.<Runnable>of(
        () -> serializer.configure(Map.of(), false), () -> deserializer.configure(Map.of(), false))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, configure::run);
      assertEquals("schema.registry.url is required", e.getMessage());
    }
  }

  @ParameterizedTest
  @CsvSource({
      "orders, false, orders-value",
      "orders, true, orders-key",
      "a.b-c, false, a.b-c-value"})
  void subjectFollowsTopicNameStrategy(String topic, boolean isKey, String subject) {
    assertEquals(subject, SerdeConfig.subject(topic, isKey));
  }

  /** A flag is true only when its value reads "true" (any case, trimmed); absent means the default. */
  @ParameterizedTest
  @CsvSource(nullValues = "ABSENT", value = {
      "ABSENT, false, false",
      "ABSENT, true, true",
      "true, false, true",
      "' TRUE ', false, true",
      "false, true, false",
      "yes, true, false"})
  void booleanFlags(String value, boolean dflt, boolean expected) {
    Map<String, Object> configs = new HashMap<>();
    if (value != null) {
      configs.put(SerdeConfig.AUTO_REGISTER_SCHEMAS, value);
    }
    assertEquals(expected, SerdeConfig.bool(configs, SerdeConfig.AUTO_REGISTER_SCHEMAS, dflt));
  }

  @ParameterizedTest
  @CsvSource({"true, true", "false, false"})
  void booleanFlagsMayBeBooleans(boolean value, boolean expected) {
    assertEquals(expected, SerdeConfig.bool(Map.of(SerdeConfig.USE_LATEST_VERSION, value),
        SerdeConfig.USE_LATEST_VERSION, !expected));
  }
}
