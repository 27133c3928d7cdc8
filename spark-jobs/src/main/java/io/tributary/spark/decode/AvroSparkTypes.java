package io.tributary.spark.decode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The Spark type of an Avro schema, so that decoded records become typed columns. Written here rather than
 * taken from spark-avro because its row converter is internal to Spark (it builds InternalRows) and its
 * {@code from_avro} reads one fixed schema with no per-record writer schema and no reason for a failure.
 *
 * <p>Mapping: boolean, int, long, float, double, string as themselves; enum and uuid as string; bytes and
 * fixed as binary (decimal as decimal(p, s) when p ≤ 38); date as date; timestamp-millis/micros as timestamp;
 * local-timestamp-millis/micros as timestamp_ntz; record as struct; array as array; map as map with string
 * keys. A union of null and one type is that type, nullable; a union of several types is a struct with one
 * nullable field per non-null branch ({@code member0}, {@code member1}, ...), as spark-avro does.
 */
public final class AvroSparkTypes {
  private AvroSparkTypes() {}

  /** A Spark type and whether it may be null. */
  public record Typed(DataType type, boolean nullable) {}

  /** The struct of a record schema; throws IllegalArgumentException naming what cannot be represented. */
  public static StructType struct(Schema record) {
    if (record.getType() != Schema.Type.RECORD) {
      throw new IllegalArgumentException("the schema is a " + record.getType().getName()
          + ", not a record: a job needs records to make columns");
    }
    return (StructType) typed(record, new HashSet<>(), record.getFullName()).type();
  }

  static Typed typed(Schema s, Set<String> enclosing, String path) {
    LogicalType logical = s.getLogicalType();
    switch (s.getType()) {
      case NULL:
        return new Typed(DataTypes.NullType, true);
      case BOOLEAN:
        return new Typed(DataTypes.BooleanType, false);
      case INT:
        return new Typed(logical instanceof LogicalTypes.Date ? DataTypes.DateType : DataTypes.IntegerType, false);
      case LONG:
        if (logical instanceof LogicalTypes.TimestampMillis || logical instanceof LogicalTypes.TimestampMicros) {
          return new Typed(DataTypes.TimestampType, false);
        }
        if (logical instanceof LogicalTypes.LocalTimestampMillis || logical instanceof LogicalTypes.LocalTimestampMicros) {
          return new Typed(DataTypes.TimestampNTZType, false);
        }
        return new Typed(DataTypes.LongType, false);
      case FLOAT:
        return new Typed(DataTypes.FloatType, false);
      case DOUBLE:
        return new Typed(DataTypes.DoubleType, false);
      case STRING:
      case ENUM:
        return new Typed(DataTypes.StringType, false);
      case BYTES:
      case FIXED:
        if (logical instanceof LogicalTypes.Decimal d && d.getPrecision() <= 38) {
          return new Typed(DataTypes.createDecimalType(d.getPrecision(), d.getScale()), false);
        }
        return new Typed(DataTypes.BinaryType, false);
      case RECORD: {
        if (!enclosing.add(s.getFullName())) {
          throw new IllegalArgumentException("record " + s.getFullName() + " contains itself (at " + path
              + "): recursive schemas have no Spark type");
        }
        List<StructField> fields = new ArrayList<>();
        for (Schema.Field f : s.getFields()) {
          Typed t = typed(f.schema(), enclosing, path + "." + f.name());
          fields.add(DataTypes.createStructField(f.name(), t.type(), t.nullable()));
        }
        enclosing.remove(s.getFullName());
        return new Typed(DataTypes.createStructType(fields), false);
      }
      case ARRAY: {
        Typed e = typed(s.getElementType(), enclosing, path + "[]");
        return new Typed(DataTypes.createArrayType(e.type(), e.nullable()), false);
      }
      case MAP: {
        Typed v = typed(s.getValueType(), enclosing, path + "{}");
        return new Typed(DataTypes.createMapType(DataTypes.StringType, v.type(), v.nullable()), false);
      }
      case UNION: {
        List<Schema> branches = nonNullBranches(s);
        boolean hasNull = branches.size() < s.getTypes().size();
        if (branches.isEmpty()) {
          return new Typed(DataTypes.NullType, true);
        }
        if (branches.size() == 1) {
          Typed t = typed(branches.get(0), enclosing, path);
          return new Typed(t.type(), hasNull || t.nullable());
        }
        List<StructField> members = new ArrayList<>();
        for (int i = 0; i < branches.size(); i++) {
          Typed t = typed(branches.get(i), enclosing, path + "|" + i);
          members.add(DataTypes.createStructField("member" + i, t.type(), true));
        }
        return new Typed(DataTypes.createStructType(members), hasNull);
      }
      default:
        throw new IllegalArgumentException("unsupported Avro type " + s.getType() + " at " + path);
    }
  }

  static List<Schema> nonNullBranches(Schema union) {
    List<Schema> out = new ArrayList<>();
    for (Schema b : union.getTypes()) {
      if (b.getType() != Schema.Type.NULL) {
        out.add(b);
      }
    }
    return out;
  }
}
