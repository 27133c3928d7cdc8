package io.tributary.connect.hudi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tributary.connect.Transform;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

class TableSchemasTest {
  static final Schema VALUES = SchemaBuilder.record("Order").namespace("shop").fields()
      .requiredString("key").requiredLong("seq").requiredDouble("amount").optionalString("debug").endRecord();

  @Test
  void renamesAndDropsShapeTheTableSchemaAsTheyShapeRecords() {
    Schema table = TableSchemas.afterTransforms(VALUES, List.of(new Transform.Rename("amount", "total"),
        new Transform.Drop(List.of("debug")), new Transform.Filter("key", "x")));
    assertEquals(List.of("key", "seq", "total"), table.getFields().stream().map(Schema.Field::name).toList());
    assertEquals(Schema.Type.DOUBLE, table.getField("total").schema().getType());
    assertEquals("shop.Order", table.getFullName());
  }

  @Test
  void namesTheKeyFieldsTheSchemaLacks() {
    assertEquals(List.of("region"), TableSchemas.missingFields(VALUES, "key, region"));
    assertEquals(List.of(), TableSchemas.missingFields(VALUES, ""));
  }

  @Test
  void valuesMustBeRecords() {
    assertThrows(IllegalArgumentException.class,
        () -> TableSchemas.afterTransforms(Schema.create(Schema.Type.STRING), List.of()));
  }
}
