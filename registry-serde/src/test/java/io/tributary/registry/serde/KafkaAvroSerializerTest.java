package io.tributary.registry.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The serializer's decisions that need no registry: which schema a value has, and what it refuses. The wire
 * format and the registry calls are tested against a real registry server in schema-registry's SerdeTest.
 */
class KafkaAvroSerializerTest {

  static List<Object[]> primitives() {
    return List.of(
        new Object[] {"text", Schema.Type.STRING},
        new Object[] {42, Schema.Type.INT},
        new Object[] {42L, Schema.Type.LONG},
        new Object[] {1.5f, Schema.Type.FLOAT},
        new Object[] {1.5d, Schema.Type.DOUBLE},
        new Object[] {true, Schema.Type.BOOLEAN},
        new Object[] {new byte[] {1, 2}, Schema.Type.BYTES});
  }

  @ParameterizedTest
  @MethodSource("primitives")
  void primitivesHaveTheirAvroSchema(Object value, Schema.Type type) {
    assertEquals(Schema.create(type), KafkaAvroSerializer.schemaOf(value));
  }

  @Test
  void aRecordCarriesItsOwnSchema() {
    Schema schema = new Schema.Parser().parse(
        "{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}");
    assertEquals(schema, KafkaAvroSerializer.schemaOf(new GenericData.Record(schema)));
  }

  @Test
  void otherClassesAreRefusedByName() {
    SerializationException e = assertThrows(SerializationException.class,
        () -> KafkaAvroSerializer.schemaOf(BigDecimal.ONE));
    assertEquals("Cannot serialize a java.math.BigDecimal with Avro: use a GenericRecord, a SpecificRecord or a"
        + " primitive", e.getMessage());
  }

  @Test
  void nullStaysNullWithoutAskingTheRegistry() {
    // A call to this registry would throw, failing the test.
    KafkaAvroSerializer serializer = new KafkaAvroSerializer(new RegistryClient(DeadRegistry.url()));
    serializer.configure(Map.of(), false);
    assertNull(serializer.serialize("orders", null));
  }
}
