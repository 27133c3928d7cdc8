package io.tributary.log.replication;

import java.util.OptionalInt;
import org.apache.kafka.common.protocol.Errors;

/**
 * The follower fetch loop of one partition, as a pure state machine: what to send the leader next and
 * what to do with its answers. No threads, sockets or files: the caller (the broker's fetcher thread,
 * or the replication simulation) reads the local log through {@link LocalLog}, sends the requests,
 * carries out the returned {@link Action}s and feeds the answers back. One instance lives for one
 * (leader, leader epoch); a leadership change makes a new one, so answers to an older one are ignored
 * by identity.
 *
 * <p>Kafka's order: first OffsetForLeaderEpoch and truncation to the leader-epoch boundary (so a
 * divergent tail never survives), then Fetch from the log end; OFFSET_OUT_OF_RANGE asks the leader's
 * log start (ListOffsets EARLIEST) and either starts over there or truncates again.
 */
public final class FollowerFetchState {

  /** What the follower reads of its own log. */
  public interface LocalLog {
    /** -1 when the log does not exist here (nothing to fetch into). */
    long logEndOffset();

    long logStartOffset();

    OptionalInt latestEpoch();

    /** The end offset of {@code epoch} in this log (Kafka's OffsetForLeaderEpoch semantics), -1 if unknown. */
    long endOffsetForEpoch(int epoch);
  }

  /** The next thing to do. */
  public sealed interface Action {}

  /** Nothing to send (no local log). */
  public record Idle() implements Action {}

  /** Send OffsetForLeaderEpoch for {@code ourLatestEpoch}, fenced by {@code currentLeaderEpoch}. */
  public record AskEpochEnd(int currentLeaderEpoch, int ourLatestEpoch) implements Action {}

  /** Send a Fetch from {@code fetchOffset} (our log end). */
  public record Fetch(long fetchOffset, long logStartOffset, int currentLeaderEpoch, OptionalInt lastFetchedEpoch)
      implements Action {}

  /** Cut the local log to {@code offset} (no-op when it already ends there or before). */
  public record TruncateTo(long offset) implements Action {}

  /** Drop the local log and start it empty at {@code offset}. */
  public record TruncateFullyAndStartAt(long offset) implements Action {}

  /** Append the fetched records and take the leader's high watermark and log start. */
  public record Append() implements Action {}

  /** Ask the leader's log start offset (ListOffsets EARLIEST), fenced by {@code currentLeaderEpoch}. */
  public record AskLogStart(int currentLeaderEpoch) implements Action {}

  /** Wait a back-off before the next request; {@code reason} is the error that made us wait. */
  public record Backoff(Errors reason) implements Action {}

  /** Try again at once (nothing happened that calls for waiting). */
  public record Retry() implements Action {}

  private final int leaderEpoch;
  private boolean needsTruncation = true;

  public FollowerFetchState(int leaderEpoch) {
    this.leaderEpoch = leaderEpoch;
  }

  public int leaderEpoch() {
    return leaderEpoch;
  }

  public boolean needsTruncation() {
    return needsTruncation;
  }

  /** The request to send next: an epoch query while truncation is pending, else a fetch. */
  public Action next(LocalLog log) {
    if (needsTruncation) {
      OptionalInt ours = log.latestEpoch();
      if (ours.isPresent()) {
        return new AskEpochEnd(leaderEpoch, ours.getAsInt());
      }
      // An empty epoch history has no tail that could diverge.
      needsTruncation = false;
    }
    long leo = log.logEndOffset();
    if (leo < 0) {
      return new Idle();
    }
    return new Fetch(leo, log.logStartOffset(), leaderEpoch, log.latestEpoch());
  }

  /** The leader's OffsetForLeaderEpoch answer for this partition. */
  public Action onEpochEndOffset(Errors error, int leaderEpochFound, long endOffset, LocalLog log) {
    if (error != Errors.NONE) {
      return new Backoff(error); // still needs truncation: ask again after the back-off
    }
    long cut = Truncation.truncationOffset(log.latestEpoch(), log.logEndOffset(), leaderEpochFound, endOffset,
        log::endOffsetForEpoch);
    needsTruncation = false;
    return new TruncateTo(cut);
  }

  /** The leader's Fetch answer for this partition. */
  public Action onFetchResponse(Errors error) {
    return switch (error) {
      case NONE -> new Append();
      case OFFSET_OUT_OF_RANGE -> new AskLogStart(leaderEpoch);
      default -> new Backoff(error);
    };
  }

  /** The leader's log start, asked after OFFSET_OUT_OF_RANGE. */
  public Action onLogStart(long leaderLogStartOffset, LocalLog log) {
    if (leaderLogStartOffset > log.logEndOffset()) {
      return new TruncateFullyAndStartAt(leaderLogStartOffset);
    }
    // Our log end is past the leader's: our tail diverged, so go through the epoch boundary again.
    needsTruncation = true;
    return new Retry();
  }
}
