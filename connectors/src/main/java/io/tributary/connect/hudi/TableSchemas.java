package io.tributary.connect.hudi;

import io.tributary.connect.Transform;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/** The schema of a table fed by a topic: the values' record schema with the pipeline's renames and drops. */
final class TableSchemas {
  private TableSchemas() {}

  /**
   * {@code values} changed as {@code transforms} change each record (filters do not change the shape).
   *
   * @throws IllegalArgumentException when {@code values} is not a record schema
   */
  static Schema afterTransforms(Schema values, List<Transform> transforms) {
    if (values.getType() != Schema.Type.RECORD) {
      throw new IllegalArgumentException("the value schema is a " + values.getType()
          + ", not a record: a Hudi table needs record values");
    }
    Map<String, Schema.Field> fields = new LinkedHashMap<>();
    for (Schema.Field f : values.getFields()) {
      fields.put(f.name(), f);
    }
    for (Transform t : transforms) {
      if (t instanceof Transform.Rename r && fields.containsKey(r.from())) {
        Schema.Field f = fields.remove(r.from());
        fields.remove(r.to());
        fields.put(r.to(), new Schema.Field(r.to(), f.schema(), f.doc(), f.defaultVal(), f.order()));
      } else if (t instanceof Transform.Drop d) {
        d.fields().forEach(fields::remove);
      }
    }
    List<Schema.Field> copies = new ArrayList<>();
    for (Schema.Field f : fields.values()) {
      copies.add(new Schema.Field(f.name(), f.schema(), f.doc(), f.defaultVal(), f.order()));
    }
    Schema out = Schema.createRecord(values.getName(), values.getDoc(), values.getNamespace(), false, copies);
    values.getObjectProps().forEach(out::addProp);
    return out;
  }

  /**
   * The table schema after a value schema with new columns arrived: {@code table}'s fields, then the new ones
   * of {@code values} (after transforms) in their order. Old rows read a new column as null (or its default),
   * so each must be nullable or have a default.
   *
   * @throws IllegalArgumentException naming the column that cannot be added
   */
  static Schema evolve(Schema table, Schema values) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : table.getFields()) {
      fields.add(new Schema.Field(f.name(), f.schema(), f.doc(), f.defaultVal(), f.order()));
    }
    for (Schema.Field f : values.getFields()) {
      if (table.getField(f.name()) != null) {
        continue;
      }
      boolean nullable = f.schema().getType() == Schema.Type.NULL || (f.schema().getType() == Schema.Type.UNION
          && f.schema().getTypes().stream().anyMatch(b -> b.getType() == Schema.Type.NULL));
      if (!nullable && !f.hasDefaultValue()) {
        throw new IllegalArgumentException("new column '" + f.name() + "' (" + f.schema() + ") is neither nullable "
            + "nor has a default: the table's older rows could not read it");
      }
      fields.add(new Schema.Field(f.name(), f.schema(), f.doc(), f.defaultVal(), f.order()));
    }
    Schema out = Schema.createRecord(table.getName(), table.getDoc(), table.getNamespace(), false, fields);
    table.getObjectProps().forEach(out::addProp);
    return out;
  }

  /** The fields named by a comma-separated key that {@code schema} lacks. */
  static List<String> missingFields(Schema schema, String commaSeparated) {
    List<String> missing = new ArrayList<>();
    for (String f : KeyMaker.fields(commaSeparated)) {
      if (schema.getField(f) == null) {
        missing.add(f);
      }
    }
    return missing;
  }
}
