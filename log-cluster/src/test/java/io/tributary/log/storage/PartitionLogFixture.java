package io.tributary.log.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** One partition log in a temporary directory, on a manual clock, closed after each test. */
abstract class PartitionLogFixture {
  private final TopicPartition tp;
  private final Uuid topicId;
  @TempDir Path tmp;
  final ManualTime time = new ManualTime(1_700_000_000_000L);
  PartitionLog log;

  PartitionLogFixture(TopicPartition tp, Uuid topicId) {
    this.tp = tp;
    this.topicId = topicId;
  }

  /** Opens (or reopens) the log in {@code <tmp>/<topic>-<partition>} with these topic overrides. */
  PartitionLog open(Map<String, String> overrides) throws IOException {
    log = PartitionLog.open(tmp.resolve(tp.topic() + "-" + tp.partition()), tp, topicId, LogConfig.fromMap(overrides), time);
    return log;
  }

  @AfterEach
  void closeLog() throws IOException {
    if (log != null) {
      log.close();
    }
  }
}
