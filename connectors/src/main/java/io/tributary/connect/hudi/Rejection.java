package io.tributary.connect.hudi;

/**
 * Why a record cannot go into the table: the reason (a stable code, in the dead letter's headers) and a
 * message saying what exactly is wrong.
 */
public record Rejection(Reason reason, String message, Throwable cause) {

  /** The kinds of bad records. */
  public enum Reason {
    /** The value is not in the registry's wire format (magic byte 0, 4-byte schema id, Avro body). */
    NOT_AVRO("not-avro", "VALUE_CONVERTER"),
    /** The schema id is not in the registry. */
    UNKNOWN_SCHEMA_ID("unknown-schema-id", "VALUE_CONVERTER"),
    /** The Avro body does not decode with its writer schema. */
    UNDECODABLE("undecodable", "VALUE_CONVERTER"),
    /** The value is not a JSON object ({@code schema.format: json}). */
    NOT_JSON("not-json", "VALUE_CONVERTER"),
    /** A null value (a tombstone) while {@code sink.delete.mode} is none: the sink upserts, it does not delete. */
    NULL_VALUE("null-value", "VALUE_CONVERTER"),
    /** The value does not fit the table's schema (a missing field, a field of another type, not a record). */
    INCOMPATIBLE_SCHEMA("incompatible-schema", "TASK_PUT"),
    /** A record key field is null or empty. */
    MISSING_RECORD_KEY("missing-record-key", "TASK_PUT"),
    /** The precombine (ordering) field is null. */
    MISSING_PRECOMBINE_FIELD("missing-precombine-field", "TASK_PUT");

    private final String code;
    private final String stage;

    Reason(String code, String stage) {
      this.code = code;
      this.stage = stage;
    }

    /** The code in the dead letter's {@code __tributary.errors.reason} header. */
    public String code() {
      return code;
    }

    /** Kafka Connect's name of the stage that failed ({@code __connect.errors.stage}). */
    public String stage() {
      return stage;
    }
  }

  public Rejection(Reason reason, String message) {
    this(reason, message, null);
  }

  /** {@code reason-code: message}. */
  @Override
  public String toString() {
    return reason.code() + ": " + message;
  }
}
