package io.tributary.log.replication.sim;

import io.tributary.log.cluster.PartitionState;
import java.util.List;
import org.apache.kafka.common.protocol.Errors;

/**
 * What the simulated nodes send each other: the replication RPCs (Fetch, OffsetForLeaderEpoch,
 * ListOffsets EARLIEST), Produce with acks=all, and ZooKeeper's partition-state writes and watches.
 * {@code token} pairs a response with the request it answers.
 */
sealed interface SimMessage {
  int from();

  int to();

  record FetchRequest(int from, int to, long token, long fetchOffset, int currentLeaderEpoch) implements SimMessage {}

  record FetchResponse(int from, int to, long token, Errors error, long baseOffset, List<SimRecord> records,
      long highWatermark, long logStartOffset) implements SimMessage {}

  record EpochRequest(int from, int to, long token, int currentLeaderEpoch, int epoch) implements SimMessage {}

  record EpochResponse(int from, int to, long token, Errors error, int leaderEpoch, long endOffset) implements SimMessage {}

  record LogStartRequest(int from, int to, long token, int currentLeaderEpoch) implements SimMessage {}

  record LogStartResponse(int from, int to, long token, Errors error, long offset) implements SimMessage {}

  record ProduceRequest(int from, int to, long value) implements SimMessage {}

  record ProduceResponse(int from, int to, long value, Errors error, long offset) implements SimMessage {}

  /** A ZooKeeper watch firing: the partition-state znode now holds {@code state}. */
  record StateNotification(int from, int to, PartitionState state) implements SimMessage {}

  /** A leader's compare-and-set of the ISR, from the session of incarnation {@code incarnation}. */
  record IsrWrite(int from, int to, long incarnation, PartitionState expected, List<Integer> proposed) implements SimMessage {}

  /** The written state, or null when the znode was no longer at {@code expected} (refused). */
  record IsrWriteResult(int from, int to, PartitionState expected, PartitionState written) implements SimMessage {}
}
