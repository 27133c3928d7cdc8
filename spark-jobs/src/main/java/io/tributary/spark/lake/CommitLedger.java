package io.tributary.spark.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hudi.common.table.HoodieTableMetaClient;
import org.apache.hudi.common.table.timeline.HoodieInstant;
import org.apache.hudi.common.table.timeline.HoodieTimeline;
import org.apache.hudi.storage.hadoop.HadoopStorageConfiguration;

/**
 * What a job stored in a Hudi table's commits (the commit's extra metadata, written in the same atomic commit
 * as the data): the next Kafka offsets, and for aggregate the watermark. Read back it tells a restarted job
 * which records are already in the table, which makes the writes exactly-once whatever Spark replays.
 */
public final class CommitLedger {
  /** Prefix of our keys in the commit metadata (Hudi copies write options with this prefix into it). */
  public static final String PREFIX = "tributary.";
  public static final String OFFSETS = PREFIX + "kafka.offsets";
  public static final String WATERMARK_MS = PREFIX + "watermark.ms";
  public static final String BATCH_ID = PREFIX + "batch.id";
  public static final String JOB = PREFIX + "job";

  private CommitLedger() {}

  /** Whether {@code path} holds a Hudi table. */
  public static boolean exists(Configuration hadoop, String path) {
    try {
      Path meta = new Path(path, ".hoodie/hoodie.properties");
      FileSystem fs = meta.getFileSystem(hadoop);
      return fs.exists(meta);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look at " + path, e);
    }
  }

  /** The extra metadata of the newest completed commit that has {@code key}; empty without a table. */
  public static Optional<Map<String, String>> latestWith(Configuration hadoop, String path, String key) {
    if (!exists(hadoop, path)) {
      return Optional.empty();
    }
    HoodieTableMetaClient meta = HoodieTableMetaClient.builder()
        .setConf(new HadoopStorageConfiguration(hadoop)).setBasePath(path).build();
    HoodieTimeline commits = meta.getCommitsTimeline().filterCompletedInstants();
    for (Iterator<HoodieInstant> it = commits.getReverseOrderedInstants().iterator(); it.hasNext(); ) {
      HoodieInstant instant = it.next();
      try {
        Map<String, String> extra = commits.readCommitMetadata(instant).getExtraMetadata();
        if (extra != null && extra.containsKey(key)) {
          return Optional.of(extra);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read commit " + instant + " of " + path, e);
      }
    }
    return Optional.empty();
  }

  /** Next offsets of {@code topic} recorded in the table (empty: none yet). */
  public static Map<Integer, Long> offsets(Configuration hadoop, String path, String topic) {
    return latestWith(hadoop, path, OFFSETS).map(m -> OffsetsJson.parse(m.get(OFFSETS), topic)).orElse(Map.of());
  }

  /** Table type (COPY_ON_WRITE or MERGE_ON_READ) of an existing table. */
  public static String tableType(Configuration hadoop, String path) {
    HoodieTableMetaClient meta = HoodieTableMetaClient.builder()
        .setConf(new HadoopStorageConfiguration(hadoop)).setBasePath(path).build();
    return meta.getTableType().name();
  }
}
