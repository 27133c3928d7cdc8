package io.tributary.log.broker;

import io.tributary.log.cluster.ClusterImage;
import io.tributary.log.cluster.PartitionState;
import io.tributary.log.cluster.TopicInfo;
import io.tributary.log.storage.AppendResult;
import io.tributary.log.storage.LogConfig;
import io.tributary.log.storage.LogManager;
import io.tributary.log.storage.LogReadResult;
import io.tributary.log.storage.PartitionLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.Records;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions this broker hosts, kept in line with the cluster metadata: creates local logs for
 * partitions assigned here, applies leadership, deletes logs of deleted topics; and the read and write
 * paths over them.
 */
public final class ReplicaManager implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReplicaManager.class);

  private final int brokerId;
  private final LogManager logs;
  private final Map<String, String> topicDefaults;
  private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
  private final FetchPurgatory purgatory = new FetchPurgatory();
  private volatile ClusterImage image = ClusterImage.EMPTY;

  public ReplicaManager(int brokerId, LogManager logs, Map<String, String> topicDefaults) {
    this.brokerId = brokerId;
    this.logs = logs;
    this.topicDefaults = topicDefaults;
  }

  public int brokerId() {
    return brokerId;
  }

  public FetchPurgatory purgatory() {
    return purgatory;
  }

  public Optional<Partition> partition(TopicPartition tp) {
    return Optional.ofNullable(partitions.get(tp));
  }

  /** The leader's partition, or the Kafka error telling the client where to go. */
  public Partition leaderPartition(TopicPartition tp, int clientLeaderEpoch) {
    Partition p = partitions.get(tp);
    if (p == null) {
      if (image.partition(tp).isPresent()) {
        throw new NotLeaderOrFollowerException("broker " + brokerId + " does not host " + tp);
      }
      throw new UnknownTopicOrPartitionException("unknown topic-partition " + tp);
    }
    p.ensureLeader(clientLeaderEpoch);
    return p;
  }

  /** Brings local partitions in line with a new metadata image. Called on the metadata thread. */
  public synchronized void applyImage(ClusterImage next) {
    this.image = next;
    Set<TopicPartition> assignedHere = new HashSet<>();
    for (TopicInfo topic : next.topics().values()) {
      for (Map.Entry<Integer, List<Integer>> e : topic.replicas().entrySet()) {
        if (!e.getValue().contains(brokerId)) {
          continue;
        }
        TopicPartition tp = new TopicPartition(topic.name(), e.getKey());
        assignedHere.add(tp);
        try {
          Partition partition = partitions.get(tp);
          if (partition == null || !partition.log().topicId().equals(topic.id())) {
            PartitionLog plog = logs.getOrCreate(tp, topic.id(), topic.configs());
            partition = new Partition(tp, plog, brokerId);
            partitions.put(tp, partition);
          } else {
            partition.log().updateConfig(LogConfig.fromMap(topicDefaults, topic.configs()));
          }
          PartitionState state = next.partitions().get(tp);
          if (state != null) {
            partition.applyState(state.leader(), state.leaderEpoch(), state.isr());
          }
          purgatory.notifyPartition(tp);
        } catch (IOException | RuntimeException ex) {
          log.error("cannot open the log of {} in {}", tp, "log.dirs", ex);
        }
      }
    }
    for (TopicPartition tp : new ArrayList<>(partitions.keySet())) {
      if (!assignedHere.contains(tp)) {
        Partition removed = partitions.remove(tp);
        try {
          logs.delete(tp);
          log.info("deleted local log of {} (topic deleted or partition moved)", tp);
        } catch (IOException ex) {
          log.error("cannot delete the local log of {} at {}", tp, removed.log().dir(), ex);
        }
        purgatory.notifyPartition(tp);
      }
    }
  }

  /** Appends to a partition this broker leads; wakes the fetches waiting on it. */
  public AppendResult appendAsLeader(TopicPartition tp, MemoryRecords records) throws IOException {
    Partition p = leaderPartition(tp, -1);
    AppendResult result = p.appendAsLeader(records);
    purgatory.notifyPartition(tp);
    return result;
  }

  /** The result of reading one partition for a fetch. */
  public record ReadResult(Records records, long highWatermark, long logStartOffset, long logEndOffset) {}

  /**
   * Reads committed data (below the high watermark) for a consumer, or everything for a replica.
   */
  public ReadResult read(TopicPartition tp, int clientLeaderEpoch, long offset, int maxBytes, boolean minOneBatch, boolean isReplica)
      throws IOException {
    Partition p = leaderPartition(tp, clientLeaderEpoch);
    long hw = p.highWatermark();
    long limit = isReplica ? p.log().logEndOffset() : hw;
    if (offset > limit && offset <= p.log().logEndOffset() && !isReplica) {
      // Between the high watermark and the log end: valid, but nothing is visible yet.
      return new ReadResult(MemoryRecords.EMPTY, hw, p.log().logStartOffset(), p.log().logEndOffset());
    }
    LogReadResult r = p.log().read(offset, maxBytes, limit, minOneBatch);
    return new ReadResult(r.records(), hw, r.logStartOffset(), r.logEndOffset());
  }

  /** ListOffsets for one partition: earliest (-2), latest (-1), max timestamp (-3) or by timestamp. */
  public long[] listOffset(TopicPartition tp, int clientLeaderEpoch, long timestamp) throws IOException {
    Partition p = leaderPartition(tp, clientLeaderEpoch);
    PartitionLog plog = p.log();
    if (timestamp == -2L || timestamp == -4L) { // EARLIEST, EARLIEST_LOCAL
      return new long[] {RecordBatch.NO_TIMESTAMP, plog.logStartOffset(), p.leaderEpoch()};
    }
    if (timestamp == -1L) { // LATEST
      return new long[] {RecordBatch.NO_TIMESTAMP, p.highWatermark(), p.leaderEpoch()};
    }
    if (timestamp == -3L) { // MAX_TIMESTAMP
      return maxTimestamp(p);
    }
    var found = plog.offsetForTimestamp(timestamp);
    if (found.isEmpty() || found.get().offset >= p.highWatermark()) {
      return new long[] {RecordBatch.NO_TIMESTAMP, -1L, -1};
    }
    int epoch = found.get().leaderEpoch.orElse(-1);
    return new long[] {found.get().timestamp, found.get().offset, epoch};
  }

  private long[] maxTimestamp(Partition p) throws IOException {
    long bestTs = RecordBatch.NO_TIMESTAMP;
    long bestOffset = -1;
    int bestEpoch = -1;
    long hw = p.highWatermark();
    long offset = p.log().logStartOffset();
    while (offset < hw) {
      LogReadResult r = p.log().read(offset, 1 << 20, hw, true);
      boolean any = false;
      for (RecordBatch batch : r.records().batches()) {
        any = true;
        if (batch.maxTimestamp() > bestTs) {
          bestTs = batch.maxTimestamp();
          for (var rec : batch) {
            if (rec.timestamp() == bestTs) {
              bestOffset = rec.offset();
              break;
            }
          }
          bestEpoch = batch.partitionLeaderEpoch();
        }
        offset = batch.nextOffset();
      }
      if (!any) {
        break;
      }
    }
    return new long[] {bestTs, bestOffset, bestEpoch};
  }

  /** OffsetForLeaderEpoch: the end offset of {@code epoch} on this leader, with the epoch it belongs to. */
  public long[] endOffsetForEpoch(TopicPartition tp, int clientLeaderEpoch, int epoch) {
    Partition p = leaderPartition(tp, clientLeaderEpoch);
    int found = p.log().epochForOffsetEndQuery(epoch);
    long end = p.log().endOffsetForEpoch(epoch);
    if (found < 0 || end < 0) {
      return new long[] {-1, -1};
    }
    return new long[] {found, end};
  }

  /** Rethrows offset-out-of-range with the partition's bounds named. */
  static OffsetOutOfRangeException outOfRange(TopicPartition tp, long offset, PartitionLog plog) {
    return new OffsetOutOfRangeException("offset " + offset + " of " + tp + " is outside ["
        + plog.logStartOffset() + ", " + plog.logEndOffset() + "]");
  }

  public ClusterImage image() {
    return image;
  }

  @Override
  public void close() {
    purgatory.close();
  }
}
