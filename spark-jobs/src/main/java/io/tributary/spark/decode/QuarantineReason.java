package io.tributary.spark.decode;

/** Why a record was quarantined (the {@code reason} column of a quarantine table). */
public enum QuarantineReason {
  /** The record has no value (a tombstone): nothing to decode. */
  NULL_VALUE,
  /** The value does not start with the registry's wire-format header (byte 0, then a 4-byte schema id). */
  NOT_WIRE_FORMAT,
  /** The value names a schema id the registry does not have. */
  UNKNOWN_SCHEMA_ID,
  /** The writer schema cannot be read as the job's reader schema (Avro schema resolution fails). */
  SCHEMA_MISMATCH,
  /** The Avro body is truncated, malformed, or followed by extra bytes. */
  CORRUPT_AVRO,
  /** A field the job needs (record key, ordering field, event time) is null. */
  MISSING_FIELD,
  /** A valid event older than the watermark when it arrived (aggregate): not counted in any window. */
  LATE_EVENT
}
