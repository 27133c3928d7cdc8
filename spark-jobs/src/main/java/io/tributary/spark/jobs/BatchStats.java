package io.tributary.spark.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.max;

import io.tributary.spark.decode.KafkaDecoding;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What one decoded batch holds, from one small aggregation: records per outcome (decoded, or each quarantine
 * reason) and the next offset of each partition read.
 */
record BatchStats(long read, long decoded, Map<String, Long> failedByReason, Map<Integer, Long> nextOffsets) {
  static BatchStats of(Dataset<Row> decoded) {
    long read = 0;
    long ok = 0;
    Map<String, Long> failed = new TreeMap<>();
    Map<Integer, Long> next = new TreeMap<>();
    for (Row r : decoded.groupBy(col("partition"), col(KafkaDecoding.REASON))
        .agg(count("*").as("n"), max("offset").as("last")).collectAsList()) {
      long n = r.getLong(2);
      read += n;
      if (r.isNullAt(1)) {
        ok += n;
      } else {
        failed.merge(r.getString(1), n, Long::sum);
      }
      next.merge(r.getInt(0), r.getLong(3) + 1, Math::max);
    }
    return new BatchStats(read, ok, failed, next);
  }

  long failed() {
    return failedByReason.values().stream().mapToLong(Long::longValue).sum();
  }
}
