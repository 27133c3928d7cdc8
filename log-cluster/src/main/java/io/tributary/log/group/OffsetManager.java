package io.tributary.log.group;

import io.tributary.log.group.ClassicGroup.Snapshot;
import io.tributary.log.group.OffsetsTopicFormat.CommittedOffset;
import io.tributary.log.group.OffsetsTopicFormat.Entry;
import io.tributary.log.group.OffsetsTopicFormat.GroupEntry;
import io.tributary.log.group.OffsetsTopicFormat.OffsetEntry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * The committed offsets of the groups one coordinator serves, as pure decisions: no threads, clocks or
 * I/O (time comes in as {@code nowMs}). The group actor calls it on its thread and does the writing.
 *
 * <ul>
 *   <li>Commits: which partitions of an OffsetCommit are accepted, the timestamp stored, commits appended
 *       but not yet acknowledged (OffsetFetch {@code requireStable} answers UNSTABLE_OFFSET_COMMIT for them).</li>
 *   <li>Retention (KIP-211, {@code offsets.retention.minutes}): a group's offsets expire once it has been
 *       Empty that long, counted from the later of becoming Empty and its last commit.</li>
 *   <li>Load replay: the records of an offsets partition, in log order, to the latest state per group
 *       (tombstones delete).</li>
 * </ul>
 */
public final class OffsetManager {
  /** Longest commit metadata accepted (Kafka's {@code offset.metadata.max.bytes} default), in chars. */
  static final int METADATA_MAX_CHARS = 4096;

  private final long retentionMs;
  private final Map<String, Map<TopicPartition, CommittedOffset>> committed = new HashMap<>();
  /** Commits appended but not yet acknowledged: group → partition → how many. */
  private final Map<String, Map<TopicPartition, Integer>> inFlight = new HashMap<>();
  /** The log offset of the record each committed offset was written in (Kafka's {@code appendedBatchOffset}). */
  private final Map<String, Map<TopicPartition, Long>> appendedAt = new HashMap<>();

  public OffsetManager(long retentionMs) {
    this.retentionMs = retentionMs;
  }

  /**
   * Whether an offset written at log offset {@code candidate} replaces the committed one written at
   * {@code current} (null: none): only if written after it. A transaction's offset becomes committed when its
   * marker lands, later than a plain commit written between its record and the marker; the plain commit is the
   * newer one and stays (Kafka's {@code CommitRecordMetadataAndOffset.olderThan}).
   */
  static boolean supersedes(Long current, long candidate) {
    return current == null || current < candidate;
  }

  // ---------------------------------------------------------------- load replay

  /** A group as the replay of its offsets partition left it; {@code snapshot} null = known by its offsets only. */
  public record LoadedGroup(String groupId, Snapshot snapshot, Map<TopicPartition, CommittedOffset> offsets,
                            long emptySinceMs) {}

  /** The replay of one offsets partition: {@link #apply} the entries in log order, then read {@link #groups}. */
  public static final class Replay {
    private final Map<String, Snapshot> snapshots = new LinkedHashMap<>();
    private final Map<String, Map<TopicPartition, CommittedOffset>> offsets = new LinkedHashMap<>();
    /** The log offset of the record each of {@link #offsets} came from. */
    private final Map<String, Map<TopicPartition, Long>> appendOffsets = new HashMap<>();
    /** Offsets of transactions whose marker the replay has not reached yet, by producer id, in log order. */
    private final Map<Long, List<PositionedEntry>> openTransactions = new LinkedHashMap<>();

    /** An offset record of a transaction and its log offset. */
    public record PositionedEntry(OffsetEntry entry, long logOffset) {}

    /** An entry of a transactional batch (TxnOffsetCommit), position unknown: it applies at its commit marker. */
    public void applyTransactional(long producerId, Entry entry) {
      applyTransactional(producerId, entry, Long.MAX_VALUE);
    }

    /** An entry of a transactional batch (TxnOffsetCommit) at {@code logOffset}: it may apply at its commit marker. */
    public void applyTransactional(long producerId, Entry entry, long logOffset) {
      if (entry instanceof OffsetEntry oe) {
        openTransactions.computeIfAbsent(producerId, id -> new ArrayList<>()).add(new PositionedEntry(oe, logOffset));
      }
    }

    /**
     * The marker of {@code producerId}'s transaction: its offsets apply (commit) — each only over an offset
     * written before it in the log, as Kafka compares — or are dropped (abort).
     */
    public void endTransaction(long producerId, boolean commit) {
      List<PositionedEntry> entries = openTransactions.remove(producerId);
      if (commit && entries != null) {
        for (PositionedEntry e : entries) {
          Long current = appendOffsets.getOrDefault(e.entry().group(), Map.of()).get(e.entry().tp());
          if (supersedes(current, e.logOffset())) {
            apply(e.entry(), e.logOffset());
          }
        }
      }
    }

    /** The transactional offsets still waiting for their marker when the replay ended, by producer id. */
    public Map<Long, List<OffsetEntry>> openTransactions() {
      Map<Long, List<OffsetEntry>> out = new LinkedHashMap<>();
      openTransactions.forEach((pid, l) -> out.put(pid, l.stream().map(PositionedEntry::entry).toList()));
      return out;
    }

    /** {@link #openTransactions()} with the log offset of each record. */
    public Map<Long, List<PositionedEntry>> openTransactionsWithOffsets() {
      return Map.copyOf(openTransactions);
    }

    /** The log offset each replayed committed offset of {@code groupId} was written at. */
    public Map<TopicPartition, Long> appendOffsets(String groupId) {
      return Map.copyOf(appendOffsets.getOrDefault(groupId, Map.of()));
    }

    /** The latest record per key wins; a null value (tombstone) deletes. Unknown entries are skipped. */
    public void apply(Entry entry) {
      apply(entry, Long.MAX_VALUE);
    }

    /** {@link #apply(Entry)} of the record at {@code logOffset}. */
    public void apply(Entry entry, long logOffset) {
      if (entry instanceof OffsetEntry oe) {
        Map<TopicPartition, CommittedOffset> m = offsets.computeIfAbsent(oe.group(), g -> new HashMap<>());
        Map<TopicPartition, Long> at = appendOffsets.computeIfAbsent(oe.group(), g -> new HashMap<>());
        if (oe.value() == null) {
          m.remove(oe.tp());
          at.remove(oe.tp());
        } else {
          m.put(oe.tp(), oe.value());
          at.put(oe.tp(), logOffset);
        }
      } else if (entry instanceof GroupEntry ge) {
        if (ge.value() == null) {
          snapshots.remove(ge.group());
        } else {
          snapshots.put(ge.group(), ge.value());
        }
      }
    }

    /** Every group with a metadata record or at least one committed offset, in no particular order. */
    public List<LoadedGroup> groups(long nowMs) {
      Set<String> names = new HashSet<>(snapshots.keySet());
      offsets.forEach((g, m) -> {
        if (!m.isEmpty()) {
          names.add(g);
        }
      });
      List<LoadedGroup> loaded = new ArrayList<>();
      for (String g : names) {
        Map<TopicPartition, CommittedOffset> m = offsets.getOrDefault(g, Map.of());
        // A group known only by its offsets (simple commits) has been Empty since its last commit, not since
        // this load: retention keeps counting across coordinator moves.
        long emptySince = m.values().stream().mapToLong(CommittedOffset::commitTimestampMs).max().orElse(nowMs);
        loaded.add(new LoadedGroup(g, snapshots.get(g), Map.copyOf(m), Math.min(emptySince, nowMs)));
      }
      return loaded;
    }
  }

  /** Takes over the offsets a load replayed for {@code groupId}. */
  public void restore(String groupId, Map<TopicPartition, CommittedOffset> offsets) {
    restore(groupId, offsets, Map.of());
  }

  /** {@link #restore(String, Map)} with the log offset each was written at. */
  public void restore(String groupId, Map<TopicPartition, CommittedOffset> offsets, Map<TopicPartition, Long> writtenAt) {
    if (!offsets.isEmpty()) {
      committed.put(groupId, new HashMap<>(offsets));
      appendedAt.put(groupId, new HashMap<>(writtenAt));
    }
  }

  /** Forgets a group (deleted, expired, or its partition unloaded). */
  public void forget(String groupId) {
    committed.remove(groupId);
    inFlight.remove(groupId);
    appendedAt.remove(groupId);
  }

  // ---------------------------------------------------------------- commits

  /** One partition of an OffsetCommit as the client sent it; {@code commitTimestampMs} -1 = the broker's clock. */
  public record CommitRequest(long offset, int leaderEpoch, String metadata, long commitTimestampMs) {}

  /** The error of one partition of a commit the group accepted: NONE, or why this partition is refused. */
  public static Errors validate(boolean partitionExists, String metadata) {
    if (!partitionExists) {
      return Errors.UNKNOWN_TOPIC_OR_PARTITION;
    }
    if (metadata != null && metadata.length() > METADATA_MAX_CHARS) {
      return Errors.OFFSET_METADATA_TOO_LARGE;
    }
    return Errors.NONE;
  }

  /** The offset stored for an accepted commit: the client's timestamp if it sent one (v1 only), else now. */
  public static CommittedOffset toCommitted(CommitRequest request, long nowMs) {
    long timestampMs = request.commitTimestampMs() >= 0 ? request.commitTimestampMs() : nowMs;
    return new CommittedOffset(request.offset(), request.leaderEpoch(),
        request.metadata() == null ? "" : request.metadata(), timestampMs);
  }

  /** The commit of {@code partitions} was appended; until {@link #endCommit} they are unstable. */
  public void beginCommit(String groupId, Collection<TopicPartition> partitions) {
    Map<TopicPartition, Integer> m = inFlight.computeIfAbsent(groupId, g -> new HashMap<>());
    partitions.forEach(tp -> m.merge(tp, 1, Integer::sum));
  }

  /** The commit's append finished; {@code durable}: it succeeded and this coordinator still serves the group. */
  public void endCommit(String groupId, Map<TopicPartition, CommittedOffset> offsets, boolean durable) {
    endCommit(groupId, offsets, durable, Long.MAX_VALUE);
  }

  /** {@link #endCommit(String, Map, boolean)} of a commit written at log offset {@code logOffset}. */
  public void endCommit(String groupId, Map<TopicPartition, CommittedOffset> offsets, boolean durable, long logOffset) {
    Map<TopicPartition, Integer> m = inFlight.get(groupId);
    if (m != null) {
      offsets.keySet().forEach(tp -> m.computeIfPresent(tp, (k, v) -> v > 1 ? v - 1 : null));
      if (m.isEmpty()) {
        inFlight.remove(groupId);
      }
    }
    if (durable) {
      offsets.forEach((tp, o) -> put(groupId, tp, o, logOffset));
    }
  }

  /** Offsets made committed by a transaction's commit marker (TxnOffsetCommit). */
  public void applyCommitted(String groupId, Map<TopicPartition, CommittedOffset> offsets) {
    offsets.forEach((tp, o) -> put(groupId, tp, o, Long.MAX_VALUE));
  }

  /** A transaction's offset written at {@code logOffset}, made committed by its marker unless a later write superseded it. */
  public void applyCommitted(String groupId, TopicPartition tp, CommittedOffset offset, long logOffset) {
    put(groupId, tp, offset, logOffset);
  }

  private void put(String groupId, TopicPartition tp, CommittedOffset offset, long logOffset) {
    Map<TopicPartition, Long> at = appendedAt.computeIfAbsent(groupId, g -> new HashMap<>());
    if (supersedes(at.get(tp), logOffset)) {
      committed.computeIfAbsent(groupId, g -> new HashMap<>()).put(tp, offset);
      at.put(tp, logOffset);
    }
  }

  // ---------------------------------------------------------------- fetch

  /** One partition of an OffsetFetch answer; {@code offset} null = nothing committed (or unstable). */
  public record Fetched(TopicPartition tp, CommittedOffset offset, Errors error) {}

  /** The committed offsets of a group: those asked for ({@code wanted} null = all it has, sorted). */
  public List<Fetched> fetch(String groupId, Map<String, List<Integer>> wanted, boolean requireStable) {
    Map<TopicPartition, CommittedOffset> offsets = committed.getOrDefault(groupId, Map.of());
    List<Fetched> out = new ArrayList<>();
    if (wanted == null) {
      offsets.entrySet().stream()
          .sorted(Comparator.comparing(e -> e.getKey().toString()))
          .forEach(e -> out.add(new Fetched(e.getKey(), e.getValue(), Errors.NONE)));
      return out;
    }
    Map<TopicPartition, Integer> unstable = inFlight.getOrDefault(groupId, Map.of());
    wanted.forEach((topic, parts) -> {
      for (int p : parts) {
        TopicPartition tp = new TopicPartition(topic, p);
        boolean isUnstable = requireStable && unstable.containsKey(tp);
        out.add(new Fetched(tp, isUnstable ? null : offsets.get(tp), isUnstable ? Errors.UNSTABLE_OFFSET_COMMIT : Errors.NONE));
      }
    });
    return out;
  }

  public Map<TopicPartition, CommittedOffset> committed(String groupId) {
    return Map.copyOf(committed.getOrDefault(groupId, Map.of()));
  }

  /** Every group's committed offsets (the groups this coordinator holds): group → partition → offset. */
  public Map<String, Map<TopicPartition, Long>> committedOffsets() {
    Map<String, Map<TopicPartition, Long>> out = new HashMap<>();
    committed.forEach((group, offsets) -> {
      Map<TopicPartition, Long> byPartition = new HashMap<>();
      offsets.forEach((tp, c) -> byPartition.put(tp, c.offset()));
      out.put(group, byPartition);
    });
    return out;
  }

  /** No offsets committed and none in flight. */
  public boolean holdsNothing(String groupId) {
    return committed.getOrDefault(groupId, Map.of()).isEmpty() && !inFlight.containsKey(groupId);
  }

  // ---------------------------------------------------------------- deletion

  /** Removes offsets whose deletion (tombstones) was written. */
  public void delete(String groupId, Collection<TopicPartition> partitions) {
    Map<TopicPartition, CommittedOffset> m = committed.get(groupId);
    if (m != null) {
      partitions.forEach(m::remove);
    }
    Map<TopicPartition, Long> at = appendedAt.get(groupId);
    if (at != null) {
      partitions.forEach(at::remove);
    }
  }

  /**
   * Topics the members of an active consumer group subscribe to (OffsetDelete refuses them; empty for
   * Empty groups), null if unknown (not a consumer group, or a subscription that does not parse).
   */
  public static Set<String> subscribedTopics(ClassicGroup group) {
    if (group.state() == GroupState.EMPTY) {
      return Set.of();
    }
    if (!ConsumerProtocol.PROTOCOL_TYPE.equals(group.protocolType())) {
      return null;
    }
    Set<String> topics = new HashSet<>();
    try {
      for (byte[] md : group.memberMetadata()) {
        ConsumerPartitionAssignor.Subscription s = ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(md));
        topics.addAll(s.topics());
      }
    } catch (RuntimeException e) {
      return null;
    }
    return topics;
  }

  // ---------------------------------------------------------------- retention

  /** When the group was last active: the later of its state change (to Empty) and its last commit. */
  public long lastActivityMs(String groupId, long stateSinceMs) {
    long last = stateSinceMs;
    for (CommittedOffset o : committed.getOrDefault(groupId, Map.of()).values()) {
      last = Math.max(last, o.commitTimestampMs());
    }
    return last;
  }

  /** Whether a group and its offsets are deleted now: Empty, nothing in flight, inactive for the retention. */
  public boolean expired(String groupId, GroupState state, long stateSinceMs, long nowMs) {
    if (state != GroupState.EMPTY || inFlight.containsKey(groupId)) {
      return false;
    }
    return nowMs - lastActivityMs(groupId, stateSinceMs) >= retentionMs;
  }

  public long retentionMs() {
    return retentionMs;
  }
}
