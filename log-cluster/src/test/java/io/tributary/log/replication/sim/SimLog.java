package io.tributary.log.replication.sim;

import io.tributary.log.replication.FollowerFetchState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * One replica's log in memory: records, the leader-epoch cache (with {@code LeaderEpochCache}'s rules), what
 * has been flushed, and the high watermark last checkpointed. A crash keeps only the flushed prefix, as an
 * unclean shutdown without fsync does; the epoch cache and checkpoint files survive (written atomically).
 */
final class SimLog implements FollowerFetchState.LocalLog {
  private final List<SimRecord> records = new ArrayList<>();
  private final TreeMap<Integer, Long> epochs = new TreeMap<>();
  private long flushedOffset;
  private long checkpointedHighWatermark;

  @Override
  public long logEndOffset() {
    return records.size();
  }

  @Override
  public long logStartOffset() {
    return 0; // the simulation has no retention
  }

  @Override
  public OptionalInt latestEpoch() {
    return epochs.isEmpty() ? OptionalInt.empty() : OptionalInt.of(epochs.lastKey());
  }

  @Override
  public long endOffsetForEpoch(int epoch) {
    return endOffsetAndEpoch(epoch)[1];
  }

  /** The largest epoch <= {@code epoch} that the leader answers OffsetForLeaderEpoch with, -1 if none. */
  int epochForEndOffsetQuery(int epoch) {
    return (int) endOffsetAndEpoch(epoch)[0];
  }

  private long[] endOffsetAndEpoch(int requested) {
    if (requested < 0 || epochs.isEmpty()) {
      return new long[] {-1, -1};
    }
    if (requested == epochs.lastKey()) {
      return new long[] {requested, logEndOffset()};
    }
    Map.Entry<Integer, Long> higher = epochs.higherEntry(requested);
    if (higher == null) {
      return new long[] {-1, -1};
    }
    Map.Entry<Integer, Long> floor = epochs.floorEntry(requested);
    return new long[] {floor == null ? requested : floor.getKey(), higher.getValue()};
  }

  SimRecord get(long offset) {
    return records.get((int) offset);
  }

  List<SimRecord> read(long from, int maxRecords) {
    int end = (int) Math.min(records.size(), from + maxRecords);
    return List.copyOf(records.subList((int) from, end));
  }

  /** A new leader epoch starts at the log end (becoming leader). */
  void assignEpochStartOffset(int epoch) {
    assign(epoch, logEndOffset());
  }

  private void assign(int epoch, long startOffset) {
    if (!epochs.isEmpty()) {
      if (epoch <= epochs.lastKey()) {
        return;
      }
      while (!epochs.isEmpty() && epochs.lastEntry().getValue() > startOffset) {
        epochs.pollLastEntry();
      }
    }
    epochs.put(epoch, startOffset);
  }

  long appendAsLeader(long value, int epoch) {
    records.add(new SimRecord(epoch, value));
    return records.size() - 1;
  }

  /** Appends fetched records at the log end (the caller checked that they start there). */
  void appendAsFollower(List<SimRecord> fetched) {
    for (SimRecord r : fetched) {
      assign(r.epoch(), records.size());
      records.add(r);
    }
  }

  void truncateTo(long offset) {
    while (records.size() > offset) {
      records.remove(records.size() - 1);
    }
    while (!epochs.isEmpty() && epochs.lastEntry().getValue() >= offset) {
      epochs.pollLastEntry();
    }
    flushedOffset = Math.min(flushedOffset, offset);
  }

  void flush(long highWatermark) {
    flushedOffset = records.size();
    checkpointedHighWatermark = highWatermark;
  }

  /** An unclean shutdown: what was not flushed is gone; returns the high watermark recovered from the checkpoint. */
  long crash() {
    truncateTo(flushedOffset);
    return Math.min(checkpointedHighWatermark, logEndOffset());
  }

  List<SimRecord> records() {
    return records;
  }

  Map<Integer, Long> epochEntries() {
    return epochs;
  }
}
