package io.tributary.connect.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.connect.Transform;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class TransformsTest {

  private static Map<String, Object> rec() {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("key", "key-000001");
    r.put("seq", 12L);
    r.put("status", "PAID");
    r.put("amount", 12.5);
    r.put("debug", "x");
    return r;
  }

  @Test
  void renameDropFilterInOrder() {
    Transforms t = new Transforms(List.of(
        new Transform.Drop(List.of("debug", "absent")),
        new Transform.Rename("key", "order_id"),
        new Transform.Filter("status", "PAID")));
    Map<String, Object> r = rec();
    assertTrue(t.apply(r));
    assertEquals(List.of("seq", "status", "amount", "order_id"), List.copyOf(r.keySet()));
    assertEquals("key-000001", r.get("order_id"));

    Map<String, Object> other = rec();
    other.put("status", "NEW");
    assertFalse(t.apply(other));
  }

  @Test
  void filterComparesAsTextAndDropsRecordsWithoutTheField() {
    Map<String, Object> r = rec();
    assertTrue(new Transforms(List.of(new Transform.Filter("amount", "12.5"))).apply(r));
    assertTrue(new Transforms(List.of(new Transform.Filter("seq", "12"))).apply(r));
    assertFalse(new Transforms(List.of(new Transform.Filter("seq", "13"))).apply(r));
    assertFalse(new Transforms(List.of(new Transform.Filter("nope", "12"))).apply(r));
    Map<String, Object> b = rec();
    b.put("flag", true);
    assertTrue(new Transforms(List.of(new Transform.Filter("flag", "true"))).apply(b));
  }

  @Test
  void renameOfAMissingFieldDoesNothingAndNoTransformsPassesAll() {
    Map<String, Object> r = rec();
    assertTrue(new Transforms(List.of(new Transform.Rename("nope", "other"))).apply(r));
    assertEquals(rec(), r);
    assertTrue(new Transforms(List.of()).apply(r));
  }

  @Test
  void avroSchemaFollowsTheTransformedRecordAndJsonKeepsOrder() {
    Map<String, Object> r = rec();
    new Transforms(List.of(new Transform.Rename("key", "order_id"))).apply(r);
    Schema s = RecordSerializer.schemaFor("GeneratedRecord", r);
    assertEquals(List.of("seq", "status", "amount", "debug", "order_id"),
        s.getFields().stream().map(Schema.Field::name).toList());
    assertEquals(Schema.Type.LONG, s.getField("seq").schema().getType());
    assertEquals(Schema.Type.DOUBLE, s.getField("amount").schema().getType());
    r.put("order-id", "x");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RecordSerializer.schemaFor("R", r));
    assertTrue(e.getMessage().contains("'order-id' is not a valid Avro field name"), e.getMessage());
    assertEquals("{\"key\":\"key-000001\",\"seq\":12,\"status\":\"PAID\",\"amount\":12.5,\"debug\":\"x\"}",
        new String(RecordSerializer.json().serialize("t", rec()), StandardCharsets.UTF_8));
  }
}
