package io.tributary.log.group;

import io.tributary.log.group.OffsetsTopicFormat.CommittedOffset;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Offsets committed inside transactions (TxnOffsetCommit, KIP-98/KIP-447), pending until the transaction's
 * marker reaches their offsets partition: a commit marker makes them the group's committed offsets, an abort
 * marker drops them. Pure: the group actor calls it on its thread. While a group has pending offsets for a
 * partition, OffsetFetch with {@code requireStable} answers UNSTABLE_OFFSET_COMMIT for it (the consumer of
 * an exactly-once application waits rather than read an offset that may still be aborted).
 *
 * <p>Also the sequence numbers of the coordinator's own transactional batches: the offsets partition's log
 * checks a producer's sequences as for any producer, and the coordinator is the only writer of that
 * producer id on the partition, so it continues from the last batch it wrote (or the load replay saw).
 */
public final class TxnOffsets {
  /** A producer on one offsets partition (index). */
  private record Writer(int partition, long producerId) {}

  /** Writer → group → partition → the offset its transaction commits. */
  private final Map<Writer, Map<String, Map<TopicPartition, CommittedOffset>>> pending = new HashMap<>();
  /** Writer → group → partition → the log offset of the record of {@link #pending}'s offset. */
  private final Map<Writer, Map<String, Map<TopicPartition, Long>>> writtenAt = new HashMap<>();

  /** A transaction's offset made committed by its marker, with the log offset of its record. */
  public record Completed(CommittedOffset offset, long logOffset) {}
  /** Writer → {epoch, last sequence written}. */
  private final Map<Writer, int[]> sequences = new HashMap<>();

  /** Offsets of {@code group} written in producer {@code producerId}'s open transaction on partition {@code p}. */
  public void add(int p, long producerId, String group, Map<TopicPartition, CommittedOffset> offsets) {
    add(p, producerId, group, offsets, Long.MAX_VALUE);
  }

  /** {@link #add(int, long, String, Map)} of offsets whose records were written at log offset {@code logOffset}. */
  public void add(int p, long producerId, String group, Map<TopicPartition, CommittedOffset> offsets, long logOffset) {
    pending.computeIfAbsent(new Writer(p, producerId), w -> new HashMap<>())
        .computeIfAbsent(group, g -> new HashMap<>()).putAll(offsets);
    Map<TopicPartition, Long> at = writtenAt.computeIfAbsent(new Writer(p, producerId), w -> new HashMap<>())
        .computeIfAbsent(group, g -> new HashMap<>());
    offsets.keySet().forEach(tp -> at.put(tp, logOffset));
  }

  /**
   * The marker of {@code producerId}'s transaction reached offsets partition {@code p}: its offsets there,
   * group by group, to apply (commit) — or to forget (abort, an empty map).
   */
  public Map<String, Map<TopicPartition, CommittedOffset>> complete(int p, long producerId, boolean commit) {
    writtenAt.remove(new Writer(p, producerId));
    Map<String, Map<TopicPartition, CommittedOffset>> done = pending.remove(new Writer(p, producerId));
    return commit && done != null ? done : Map.of();
  }

  /** {@link #complete} with the log offset of each offset's record (for the comparison with later plain commits). */
  public Map<String, Map<TopicPartition, Completed>> completeWithLogOffsets(int p, long producerId, boolean commit) {
    Map<String, Map<TopicPartition, Long>> at = writtenAt.getOrDefault(new Writer(p, producerId), Map.of());
    Map<String, Map<TopicPartition, Completed>> out = new HashMap<>();
    complete(p, producerId, commit).forEach((group, offsets) -> offsets.forEach((tp, o) -> out
        .computeIfAbsent(group, g -> new HashMap<>())
        .put(tp, new Completed(o, at.getOrDefault(group, Map.of()).getOrDefault(tp, Long.MAX_VALUE)))));
    return out;
  }

  /** Whether any open transaction holds an offset of {@code group} for {@code tp}. */
  public boolean isPending(String group, TopicPartition tp) {
    for (Map<String, Map<TopicPartition, CommittedOffset>> byGroup : pending.values()) {
      Map<TopicPartition, CommittedOffset> m = byGroup.get(group);
      if (m != null && m.containsKey(tp)) {
        return true;
      }
    }
    return false;
  }

  /** Whether any open transaction holds an offset of {@code group}. */
  public boolean hasPending(String group) {
    return pending.values().stream().anyMatch(byGroup -> byGroup.containsKey(group));
  }

  /** Forgets everything of offsets partition {@code p} (unloaded: its next leader replays it). */
  public void unload(int p) {
    pending.keySet().removeIf(w -> w.partition() == p);
    writtenAt.keySet().removeIf(w -> w.partition() == p);
    sequences.keySet().removeIf(w -> w.partition() == p);
  }

  // ---------------------------------------------------------------- sequences

  /** The first sequence of the next batch {@code producerId} at {@code epoch} writes to partition {@code p}. */
  public int nextSequence(int p, long producerId, short epoch) {
    int[] last = sequences.get(new Writer(p, producerId));
    if (last == null || last[0] != epoch) {
      return 0;
    }
    return last[1] == Integer.MAX_VALUE ? 0 : last[1] + 1;
  }

  /** A batch of {@code producerId} at {@code epoch} with sequences up to {@code lastSequence} is in partition {@code p}. */
  public void wrote(int p, long producerId, short epoch, int lastSequence) {
    sequences.put(new Writer(p, producerId), new int[] {epoch, lastSequence});
  }
}
