package io.tributary.connect.hudi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** JSON objects read with an Avro schema: what fits, and which field is named when something does not. */
class JsonValuesTest {
  static final Schema SCHEMA = SchemaBuilder.record("Order").fields()
      .requiredString("key").requiredLong("seq").requiredInt("qty").optionalDouble("amount")
      .name("status").type().enumeration("Status").symbols("NEW", "PAID").enumDefault("NEW")
      .name("region").type().stringType().stringDefault("eu")
      .name("tags").type().array().items().stringType().arrayDefault(List.of())
      .name("address").type().optional().record("Address").fields().requiredString("city").endRecord()
      .endRecord();

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      # value                                                                      | outcome  | field      | fields (name=value;...)
      {"key":"a","seq":1,"qty":2}                                                  | fields   |            | key=a;seq=1;qty=2;amount=null;status=NEW;region=eu;tags=[]
      {"key":"a","seq":1,"qty":2,"amount":3,"extra":true}                          | fields   |            | amount=3.0
      {"key":"a","seq":1,"qty":2,"amount":null,"status":"PAID","tags":["x","y"]}   | fields   |            | status=PAID;tags=[x, y];amount=null
      {"key":"a","seq":1,"qty":2,"address":{"city":"Oslo"}}                        | fields   |            | address={"city": "Oslo"}
      {"key":"a","seq":"1","qty":2}                                                | misfit   | seq        |
      {"key":"a","seq":1.5,"qty":2}                                                | misfit   | seq        |
      {"key":"a","seq":1,"qty":3000000000}                                         | misfit   | qty        |
      {"key":"a","seq":1}                                                          | misfit   | qty        |
      {"key":null,"seq":1,"qty":2}                                                 | misfit   | key        |
      {"key":"a","seq":1,"qty":2,"status":"LOST"}                                  | misfit   | status     |
      {"key":"a","seq":1,"qty":2,"tags":["x",7]}                                   | misfit   | tags[1]    |
      {"key":"a","seq":1,"qty":2,"address":{"town":"Oslo"}}                        | misfit   | address.city |
      {"key":"a","seq":1,"qty":2,"amount":"3"}                                     | misfit   | amount     |
      [1,2]                                                                        | not-json |            |
      {"key":                                                                      | not-json |            |
      """)
  void readsJsonWithTheSchema(String json, String outcome, String field, String expectedFields) {
    JsonValues.Result r = JsonValues.read(json.getBytes(StandardCharsets.UTF_8), SCHEMA);
    switch (outcome) {
      case "fields" -> {
        Map<String, Object> values = assertInstanceOf(JsonValues.Fields.class, r).values();
        Map<String, String> shown = new HashMap<>();
        values.forEach((k, v) -> shown.put(k, v instanceof GenericRecord g ? g.toString() : String.valueOf(v)));
        for (String pair : expectedFields.split(";")) {
          String[] kv = pair.split("=", 2);
          assertEquals(kv[1], shown.get(kv[0]), kv[0] + " of " + json);
        }
      }
      case "misfit" -> {
        JsonValues.Misfit m = assertInstanceOf(JsonValues.Misfit.class, r, json);
        assertEquals(field, m.field(), m.message());
        assertTrue(m.message().contains("'" + field + "'"), m.message());
      }
      case "not-json" -> assertInstanceOf(JsonValues.NotJson.class, r, json);
      default -> throw new AssertionError(outcome + " " + Arrays.toString(new Object[] {json}));
    }
  }
}
