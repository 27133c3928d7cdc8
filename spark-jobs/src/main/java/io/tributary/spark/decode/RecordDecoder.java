package io.tributary.spark.decode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.spark.sql.Row;

/**
 * Decodes one record value in the registry's wire format (byte 0, 4-byte big-endian schema id, Avro binary)
 * into a row of the reader schema, or says why it cannot: the pure part of decoding, with no Spark in it.
 * Each writer schema is checked against the reader schema once (Avro's own resolution rules) and its reader
 * kept; not thread-safe (one per task).
 */
public final class RecordDecoder {
  /** A decoded row, or the reason and a detail for the quarantine. */
  public record Result(Row row, QuarantineReason reason, String detail) {
    static Result ok(Row row) {
      return new Result(row, null, null);
    }

    static Result failed(QuarantineReason reason, String detail) {
      return new Result(null, reason, detail);
    }

    public boolean ok() {
      return reason == null;
    }
  }

  /** A writer schema's reader, or why records of that writer cannot be read. */
  private record WriterPlan(GenericDatumReader<GenericRecord> reader, QuarantineReason reason, String detail) {}

  private final SchemaSource schemas;
  private final Schema readerSchema;
  private final String readerName;
  private final AvroRowConverter converter;
  private final List<String> requiredFields;
  private final int[] requiredPositions;
  private final Map<Integer, WriterPlan> plans = new ConcurrentHashMap<>();
  private BinaryDecoder decoder;
  private GenericRecord reuse;

  /**
   * @param readerName how the reader schema is named in messages (subject and version)
   * @param requiredFields top-level fields that must not be null (record key, ordering field, event time)
   */
  public RecordDecoder(SchemaSource schemas, Schema readerSchema, String readerName, List<String> requiredFields) {
    this.schemas = schemas;
    this.readerSchema = readerSchema;
    this.readerName = readerName;
    this.converter = new AvroRowConverter(readerSchema);
    this.requiredFields = List.copyOf(requiredFields);
    this.requiredPositions = new int[requiredFields.size()];
    for (int i = 0; i < requiredPositions.length; i++) {
      Schema.Field f = readerSchema.getField(requiredFields.get(i));
      if (f == null) {
        throw new IllegalArgumentException("field '" + requiredFields.get(i) + "' is not in " + readerName);
      }
      requiredPositions[i] = f.pos();
    }
  }

  /** Decodes {@code value}; IOException only when the registry cannot be reached. */
  public Result decode(byte[] value) throws IOException {
    if (value == null) {
      return Result.failed(QuarantineReason.NULL_VALUE, "the record has no value (a tombstone)");
    }
    if (value.length < 5) {
      return Result.failed(QuarantineReason.NOT_WIRE_FORMAT, "the value is " + value.length
          + " bytes, shorter than the 5-byte header (byte 0, 4-byte schema id)");
    }
    if (value[0] != 0) {
      return Result.failed(QuarantineReason.NOT_WIRE_FORMAT, String.format(
          "the first byte is 0x%02x, not 0: not in the registry wire format (was it written without the registry serializer?)",
          value[0] & 0xff));
    }
    int id = ByteBuffer.wrap(value, 1, 4).getInt();
    WriterPlan plan = plans.get(id);
    if (plan == null) {
      plan = plan(id);
      plans.put(id, plan);
    }
    if (plan.reader() == null) {
      return Result.failed(plan.reason(), plan.detail());
    }
    GenericRecord record;
    try {
      decoder = DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, decoder);
      record = plan.reader().read(reuse, decoder);
      reuse = record;
      if (!decoder.isEnd()) {
        int extra = decoder.inputStream().available();
        return Result.failed(QuarantineReason.CORRUPT_AVRO, "the Avro body (schema id " + id + ") is followed by "
            + (extra > 0 ? extra + " more" : "more") + " bytes");
      }
    } catch (IOException | RuntimeException e) {
      return Result.failed(QuarantineReason.CORRUPT_AVRO, "the Avro body (schema id " + id + ") cannot be read: "
          + describe(e));
    }
    for (int i = 0; i < requiredPositions.length; i++) {
      if (record.get(requiredPositions[i]) == null) {
        return Result.failed(QuarantineReason.MISSING_FIELD, "field '" + requiredFields.get(i) + "' is null");
      }
    }
    return Result.ok(converter.toRow(record));
  }

  private WriterPlan plan(int id) throws IOException {
    Optional<Schema> writer = schemas.byId(id);
    if (writer.isEmpty()) {
      return new WriterPlan(null, QuarantineReason.UNKNOWN_SCHEMA_ID,
          "schema id " + id + " is not in " + schemas.describe());
    }
    SchemaCompatibility.SchemaPairCompatibility c =
        SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer.get());
    if (c.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      String why = c.getResult().getIncompatibilities().stream()
          .map(i -> i.getType() + " at " + i.getLocation() + (i.getMessage() == null ? "" : " (" + i.getMessage() + ")"))
          .limit(3).reduce((a, b) -> a + "; " + b).orElse(c.getDescription());
      return new WriterPlan(null, QuarantineReason.SCHEMA_MISMATCH,
          "writer schema id " + id + " cannot be read as " + readerName + ": " + why);
    }
    return new WriterPlan(new GenericDatumReader<>(writer.get(), readerSchema), null, null);
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + (m.length() > 300 ? m.substring(0, 300) + "..." : m));
  }
}
