package io.tributary.connect.cdc;

import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Where a Debezium record stands relative to the snapshot: a snapshot read ({@code op=r}), the snapshot's last
 * read ({@code source.snapshot=last}: the snapshot is complete), a streamed change, or no row change at all
 * (a tombstone, a heartbeat).
 */
enum SnapshotPhase {
  READ,
  LAST_READ,
  STREAMING,
  NOT_A_CHANGE;

  /** Debezium's value of {@code source.snapshot} on the last record of a snapshot. */
  static final String LAST = "last";

  static SnapshotPhase of(SourceRecord record) {
    if (!(record.value() instanceof Struct envelope) || envelope.schema().field("op") == null
        || envelope.getString("op") == null) {
      return NOT_A_CHANGE;
    }
    if (!envelope.getString("op").equals("r")) {
      return STREAMING;
    }
    Struct source = envelope.schema().field("source") == null ? null : envelope.getStruct("source");
    boolean last = source != null && source.schema().field("snapshot") != null
        && LAST.equals(String.valueOf(source.get("snapshot")));
    return last ? LAST_READ : READ;
  }

  /** {@code source.lsn} of a change: a snapshot's reads all carry the snapshot's position. */
  static long lsn(SourceRecord change) {
    return ((Struct) change.value()).getStruct("source").getInt64("lsn");
  }

  /** {@code source.ts_ms} of a change. */
  static long sourceTsMs(SourceRecord change) {
    return ((Struct) change.value()).getStruct("source").getInt64("ts_ms");
  }
}
