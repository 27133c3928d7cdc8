package io.tributary.registry.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tributary.registry.RegistryConfig;
import io.tributary.registry.RegistryServer;
import io.tributary.registry.store.InMemoryLogStore;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Wire format, subjects, caching and schema evolution of the serdes, against an in-process HTTP registry. */
class SerdeTest {
  static RegistryServer server;

  static final Schema V1 = new Schema.Parser().parse(
      "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"io.tributary.registry.serde\",\"fields\":["
          + "{\"name\":\"name\",\"type\":\"string\"}]}");
  static final Schema V2 = User.SCHEMA$;

  @BeforeAll
  static void start() throws Exception {
    server = new RegistryServer(new RegistryConfig(Map.of(RegistryConfig.LISTENERS, "http://127.0.0.1:0")),
        new InMemoryLogStore()).start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Map<String, Object> conf(Object... kv) {
    Map<String, Object> m = new HashMap<>();
    m.put(SerdeConfig.SCHEMA_REGISTRY_URL, server.url());
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  static GenericRecord v1(String name) {
    GenericRecord r = new GenericData.Record(V1);
    r.put("name", name);
    return r;
  }

  @Test
  void wireFormatAndTopicNameStrategy() throws Exception {
    KafkaAvroSerializer ser = new KafkaAvroSerializer();
    ser.configure(conf(), false);
    byte[] bytes = ser.serialize("orders", v1("ann"));
    assertEquals(0, bytes[0]);
    int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
    RegistryClient client = new RegistryClient(server.url());
    assertEquals(id, client.latest("orders-value").id());
    // Avro binary of {"name":"ann"}: zig-zag length 3 = 6, then the bytes
    assertArrayEquals(new byte[] {6, 'a', 'n', 'n'}, java.util.Arrays.copyOfRange(bytes, 5, bytes.length));
    KafkaAvroSerializer keySer = new KafkaAvroSerializer();
    keySer.configure(conf(), true);
    keySer.serialize("orders", "k1");
    assertEquals("\"string\"", client.latest("orders-key").schema());
  }

  @Test
  void steadyStateMakesNoHttpCalls() {
    KafkaAvroSerializer ser = new KafkaAvroSerializer();
    ser.configure(conf(), false);
    KafkaAvroDeserializer de = new KafkaAvroDeserializer();
    de.configure(conf(), false);
    de.deserialize("cache", ser.serialize("cache", v1("warm")));
    long before = server.requestCount();
    for (int i = 0; i < 1000; i++) {
      GenericRecord back = (GenericRecord) de.deserialize("cache", ser.serialize("cache", v1("n" + i)));
      assertEquals("n" + i, back.get("name").toString());
    }
    assertEquals(before, server.requestCount());
  }

  @Test
  void v1WriterV2ReaderGenericAndSpecific() {
    KafkaAvroSerializer ser = new KafkaAvroSerializer();
    ser.configure(conf(), false);
    byte[] old = ser.serialize("evolve", v1("old"));
    KafkaAvroDeserializer generic = new KafkaAvroDeserializer();
    generic.configure(conf(SerdeConfig.AVRO_READER_SCHEMA, V2.toString()), false);
    GenericRecord g = (GenericRecord) generic.deserialize("evolve", old);
    assertEquals(-1, g.get("age"));
    KafkaAvroDeserializer specific = new KafkaAvroDeserializer();
    specific.configure(conf(SerdeConfig.SPECIFIC_AVRO_READER, "true"), false);
    User u = assertInstanceOf(User.class, specific.deserialize("evolve", old));
    assertEquals("old", u.name.toString());
    assertEquals(-1, u.age);
    // a specific record serializes too, registering v2 (BACKWARD-compatible)
    byte[] fresh = ser.serialize("evolve", new User("new", 30));
    User back = (User) specific.deserialize("evolve", fresh);
    assertEquals(30, back.age);
  }

  @Test
  void autoRegisterOffAndUseLatest() throws Exception {
    KafkaAvroSerializer noReg = new KafkaAvroSerializer();
    noReg.configure(conf(SerdeConfig.AUTO_REGISTER_SCHEMAS, "false"), false);
    SerializationException e = assertThrows(SerializationException.class, () -> noReg.serialize("unreg", v1("x")));
    assertEquals(true, e.getMessage().contains("unreg-value"), e.getMessage());
    RegistryClient client = new RegistryClient(server.url());
    int id = client.register("unreg-value", V1.toString());
    assertEquals(id, ByteBuffer.wrap(noReg.serialize("unreg", v1("x")), 1, 4).getInt());
    int id2 = client.register("unreg-value", V2.toString());
    KafkaAvroSerializer latest = new KafkaAvroSerializer();
    latest.configure(conf(SerdeConfig.AUTO_REGISTER_SCHEMAS, "false", SerdeConfig.USE_LATEST_VERSION, "true"), false);
    assertEquals(id2, ByteBuffer.wrap(latest.serialize("unreg", new User("y", 2)), 1, 4).getInt());
  }

  @Test
  void badBytesAreRefused() {
    KafkaAvroDeserializer de = new KafkaAvroDeserializer();
    de.configure(conf(), false);
    assertThrows(SerializationException.class, () -> de.deserialize("t", new byte[] {1, 0, 0, 0, 1, 2}));
    assertThrows(SerializationException.class, () -> de.deserialize("t", new byte[] {0, 0x7f, 0, 0, 1, 2}));
  }
}
