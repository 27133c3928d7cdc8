package io.tributary.registry.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the deserializer refuses before it asks the registry for a schema. Decoding real records is tested
 * against a real registry server in schema-registry's SerdeTest and SerdeRoundTripTest.
 */
class KafkaAvroDeserializerTest {

  static List<byte[]> notTheWireFormat() {
    return List.of(
        new byte[] {},
        new byte[] {0, 0, 0, 1},
        new byte[] {1, 0, 0, 0, 1, 2},
        "{\"json\":true}".getBytes());
  }

  /** Byte 0 and a 4-byte schema id come first; anything else is named as not being the wire format. */
  @ParameterizedTest
  @MethodSource("notTheWireFormat")
  void otherBytesAreRefusedWithoutAskingTheRegistry(byte[] value) {
    // A call to this registry would fail with another message.
    KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer(new RegistryClient(DeadRegistry.url()));
    deserializer.configure(Map.of(), false);
    SerializationException e = assertThrows(SerializationException.class,
        () -> deserializer.deserialize("orders", value));
    assertEquals("Unknown magic byte in a record of topic 'orders': not in the schema-registry wire format"
        + " (byte 0, 4-byte id, Avro)", e.getMessage());
  }

  @Test
  void anUnreachableRegistryIsNamedWithTheSchemaId() {
    String url = DeadRegistry.url();
    KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer(new RegistryClient(url));
    deserializer.configure(Map.of(), false);
    SerializationException e = assertThrows(SerializationException.class,
        () -> deserializer.deserialize("orders", new byte[] {0, 0, 0, 0, 7, 2}));
    assertTrue(e.getMessage().startsWith("Error fetching schema id 7 for a record of topic 'orders': "
        + "No schema registry reachable at [" + url + "]"), e.getMessage());
  }

  @Test
  void nullStaysNull() {
    KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer(new RegistryClient(DeadRegistry.url()));
    deserializer.configure(Map.of(), false);
    assertNull(deserializer.deserialize("orders", null));
  }
}
