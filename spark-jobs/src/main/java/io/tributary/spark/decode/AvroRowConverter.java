package io.tributary.spark.decode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.collection.JavaConverters;

/**
 * Turns Avro values of one schema into the external values of a Spark {@link Row} of the type
 * {@link AvroSparkTypes} gives that schema. The conversion of each field is worked out once, when the
 * converter is built, not per record.
 */
public final class AvroRowConverter {
  @FunctionalInterface
  interface Converter {
    Object convert(Object avro);
  }

  private final Converter root;

  public AvroRowConverter(Schema record) {
    AvroSparkTypes.struct(record); // same checks as the type: recursive or unsupported schemas fail here
    this.root = converter(record);
  }

  /** The row of a record read with this converter's schema. */
  public Row toRow(IndexedRecord record) {
    return (Row) root.convert(record);
  }

  private static Converter converter(Schema s) {
    LogicalType logical = s.getLogicalType();
    switch (s.getType()) {
      case NULL:
        return v -> null;
      case BOOLEAN:
      case FLOAT:
      case DOUBLE:
        return v -> v;
      case INT:
        if (logical instanceof LogicalTypes.Date) {
          return v -> v == null ? null : Date.valueOf(LocalDate.ofEpochDay((Integer) v));
        }
        return v -> v;
      case LONG:
        if (logical instanceof LogicalTypes.TimestampMillis) {
          return v -> v == null ? null : new Timestamp((Long) v);
        }
        if (logical instanceof LogicalTypes.TimestampMicros) {
          return v -> v == null ? null : micros((Long) v);
        }
        if (logical instanceof LogicalTypes.LocalTimestampMillis) {
          return v -> v == null ? null
              : LocalDateTime.ofEpochSecond(Math.floorDiv((Long) v, 1000L), (int) Math.floorMod((Long) v, 1000L) * 1_000_000, ZoneOffset.UTC);
        }
        if (logical instanceof LogicalTypes.LocalTimestampMicros) {
          return v -> v == null ? null
              : LocalDateTime.ofEpochSecond(Math.floorDiv((Long) v, 1_000_000L), (int) Math.floorMod((Long) v, 1_000_000L) * 1000, ZoneOffset.UTC);
        }
        return v -> v;
      case STRING:
      case ENUM:
        return v -> v == null ? null : v.toString();
      case BYTES:
      case FIXED: {
        boolean decimal = logical instanceof LogicalTypes.Decimal d && d.getPrecision() <= 38;
        int scale = decimal ? ((LogicalTypes.Decimal) logical).getScale() : 0;
        return v -> {
          if (v == null) {
            return null;
          }
          byte[] bytes = bytes(v);
          return decimal ? new BigDecimal(new BigInteger(bytes), scale) : bytes;
        };
      }
      case RECORD: {
        List<Schema.Field> fields = s.getFields();
        Converter[] each = new Converter[fields.size()];
        for (int i = 0; i < each.length; i++) {
          each[i] = converter(fields.get(i).schema());
        }
        return v -> {
          if (v == null) {
            return null;
          }
          IndexedRecord r = (IndexedRecord) v;
          Object[] values = new Object[each.length];
          for (int i = 0; i < each.length; i++) {
            values[i] = each[i].convert(r.get(i));
          }
          return RowFactory.create(values);
        };
      }
      case ARRAY: {
        Converter element = converter(s.getElementType());
        return v -> {
          if (v == null) {
            return null;
          }
          Collection<?> items = (Collection<?>) v;
          Object[] out = new Object[items.size()];
          int i = 0;
          for (Object item : items) {
            out[i++] = element.convert(item);
          }
          return scala.Predef.wrapRefArray(out).toSeq();
        };
      }
      case MAP: {
        Converter value = converter(s.getValueType());
        return v -> {
          if (v == null) {
            return null;
          }
          Map<String, Object> out = new HashMap<>();
          for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
            out.put(e.getKey().toString(), value.convert(e.getValue()));
          }
          return JavaConverters.mapAsScalaMap(out);
        };
      }
      case UNION: {
        List<Schema> branches = AvroSparkTypes.nonNullBranches(s);
        if (branches.isEmpty()) {
          return v -> null;
        }
        if (branches.size() == 1) {
          Converter only = converter(branches.get(0));
          return v -> v == null ? null : only.convert(v);
        }
        List<Converter> each = new ArrayList<>();
        branches.forEach(b -> each.add(converter(b)));
        return v -> {
          if (v == null) {
            return null;
          }
          int branch = GenericData.get().resolveUnion(s, v);
          Schema chosen = s.getTypes().get(branch);
          Object[] members = new Object[each.size()];
          members[branches.indexOf(chosen)] = each.get(branches.indexOf(chosen)).convert(v);
          return RowFactory.create(members);
        };
      }
      default:
        throw new IllegalArgumentException("unsupported Avro type " + s.getType());
    }
  }

  private static Timestamp micros(long micros) {
    Timestamp t = new Timestamp(Math.floorDiv(micros, 1000L));
    t.setNanos((int) Math.floorMod(micros, 1_000_000L) * 1000);
    return t;
  }

  private static byte[] bytes(Object v) {
    if (v instanceof ByteBuffer b) {
      ByteBuffer d = b.duplicate();
      byte[] out = new byte[d.remaining()];
      d.get(out);
      return out;
    }
    return ((GenericFixed) v).bytes().clone();
  }
}
