package io.tributary.spark.decode;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Decodes the rows of Spark's Kafka source (key, value, topic, partition, offset, timestamp) in one pass
 * into rows that carry either the typed record ({@code data}) or the reason it failed ({@code reason},
 * {@code detail}), with the Kafka coordinates and raw bytes kept so that a failed record loses nothing.
 * {@link #good} and {@link #bad} split them.
 */
public final class KafkaDecoding {
  public static final String DATA = "data";
  public static final String REASON = "reason";
  public static final String DETAIL = "detail";

  private KafkaDecoding() {}

  /**
   * The reader schema and what must not be null, as shipped to executors, with the registry client's
   * security keys (basic.auth.*, schema.registry.ssl.*).
   */
  public record Spec(String registryUrl, String readerSchemaJson, String readerName, List<String> requiredFields,
      Map<String, String> registryClient) implements Serializable {
    public Spec {
      requiredFields = new ArrayList<>(requiredFields); // serializable
      registryClient = new HashMap<>(registryClient);
    }

    public Spec(String registryUrl, String readerSchemaJson, String readerName, List<String> requiredFields) {
      this(registryUrl, readerSchemaJson, readerName, requiredFields, Map.of());
    }

    @Override
    public String toString() {
      return "Spec[registryUrl=" + registryUrl + ", reader=" + readerName + "]"; // never the credentials
    }

    public Schema readerSchema() {
      return new Schema.Parser().parse(readerSchemaJson);
    }

    public StructType dataType() {
      return AvroSparkTypes.struct(readerSchema());
    }
  }

  public static StructType decodedType(Spec spec) {
    return new StructType()
        .add("topic", DataTypes.StringType, false)
        .add("partition", DataTypes.IntegerType, false)
        .add("offset", DataTypes.LongType, false)
        .add("timestamp", DataTypes.TimestampType, true)
        .add("key", DataTypes.BinaryType, true)
        .add("value", DataTypes.BinaryType, true)
        .add(REASON, DataTypes.StringType, true)
        .add(DETAIL, DataTypes.StringType, true)
        .add(DATA, spec.dataType(), true);
  }

  /** {@code kafka}: rows of Spark's Kafka source (batch or streaming). */
  public static Dataset<Row> decode(Dataset<Row> kafka, Spec spec) {
    Dataset<Row> raw = kafka.select(col("topic"), col("partition"), col("offset"), col("timestamp"), col("key"),
        col("value"));
    return raw.mapPartitions(new DecodePartition(spec), Encoders.row(decodedType(spec)));
  }

  /** The typed records that decoded, as top-level columns. */
  public static Dataset<Row> good(Dataset<Row> decoded) {
    return decoded.filter(col(REASON).isNull()).select(col(DATA + ".*"));
  }

  /** The typed records that decoded, with their Kafka coordinates (for jobs that may still reject them). */
  public static Dataset<Row> goodWithCoordinates(Dataset<Row> decoded) {
    return decoded.filter(col(REASON).isNull());
  }

  /** The records that failed: Kafka coordinates, raw key and value, reason and detail. */
  public static Dataset<Row> bad(Dataset<Row> decoded) {
    return decoded.filter(col(REASON).isNotNull()).drop(DATA);
  }

  /** A condition true for rows at or after these offsets (per partition) or in other partitions. */
  public static Column notBefore(Map<Integer, Long> nextOffsets) {
    Column keep = null;
    for (var e : nextOffsets.entrySet()) {
      Column c = col("partition").notEqual(e.getKey()).or(col("offset").geq(e.getValue()));
      keep = keep == null ? c : keep.and(c);
    }
    return keep == null ? org.apache.spark.sql.functions.lit(true) : keep;
  }

  /** Decodes one partition of Kafka rows; a {@link RecordDecoder} per task, the schema cache per JVM. */
  static final class DecodePartition implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final Spec spec;

    DecodePartition(Spec spec) {
      this.spec = spec;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      RecordDecoder decoder = new RecordDecoder(RegistrySchemas.of(spec.registryUrl(), spec.registryClient()), spec.readerSchema(),
          spec.readerName(), spec.requiredFields());
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public Row next() {
          Row in = rows.next();
          byte[] value = in.isNullAt(5) ? null : (byte[]) in.get(5);
          RecordDecoder.Result r;
          try {
            r = decoder.decode(value);
          } catch (IOException e) {
            throw new UncheckedIOException("cannot reach the schema registry decoding " + in.getString(0) + "-"
                + in.getInt(1) + " at offset " + in.getLong(2) + ": " + e.getMessage(), e);
          }
          return RowFactory.create(in.get(0), in.get(1), in.get(2), in.get(3), in.get(4), value,
              r.ok() ? null : r.reason().name(), r.detail(), r.row());
        }
      };
    }
  }
}
