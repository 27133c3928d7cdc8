package io.tributary.cli;

import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/** Where {@code consume} starts reading the partitions it assigns itself (no group). */
sealed interface ConsumeStart {
  record Earliest() implements ConsumeStart {}

  record Latest() implements ConsumeStart {}

  record AtOffset(long offset) implements ConsumeStart {}

  /** The first record whose timestamp is at or after {@code epochMs}; the end of a partition that has none. */
  record AtTimestamp(long epochMs) implements ConsumeStart {}

  /** From the options; at most one of --from-beginning, --offset and --from-timestamp. Default: only new records. */
  static ConsumeStart of(boolean fromBeginning, String offset, String fromTimestamp) {
    int given = (fromBeginning ? 1 : 0) + (offset != null ? 1 : 0) + (fromTimestamp != null ? 1 : 0);
    if (given > 1) {
      throw new CliException("give one of --from-beginning, --offset and --from-timestamp", 2);
    }
    if (fromBeginning) {
      return new Earliest();
    }
    if (fromTimestamp != null) {
      return new AtTimestamp(fromTimestamp.matches("\\d+") ? Long.parseLong(fromTimestamp)
          : OffsetResetTarget.parseDatetime(fromTimestamp, ZoneId.systemDefault()));
    }
    if (offset == null) {
      return new Latest();
    }
    switch (offset) {
      case "earliest":
      case "beginning":
        return new Earliest();
      case "latest":
      case "end":
        return new Latest();
      default:
        try {
          long n = Long.parseLong(offset);
          if (n < 0) {
            throw new NumberFormatException();
          }
          return new AtOffset(n);
        } catch (NumberFormatException e) {
          throw new CliException("--offset must be earliest, latest or an offset >= 0, got " + offset, 2);
        }
    }
  }

  default void seek(Consumer<?, ?> consumer, List<TopicPartition> partitions, Duration timeout) {
    if (this instanceof Earliest) {
      consumer.seekToBeginning(partitions);
    } else if (this instanceof Latest) {
      consumer.seekToEnd(partitions);
    } else if (this instanceof AtOffset o) {
      // Past the end, the consumer's auto.offset.reset applies, as with kafka-console-consumer --offset.
      partitions.forEach(tp -> consumer.seek(tp, o.offset()));
    } else if (this instanceof AtTimestamp t) {
      Map<TopicPartition, Long> ask = new HashMap<>();
      partitions.forEach(tp -> ask.put(tp, t.epochMs()));
      Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(ask, timeout);
      for (TopicPartition tp : partitions) {
        OffsetAndTimestamp at = found.get(tp);
        if (at == null) {
          consumer.seekToEnd(List.of(tp));
        } else {
          consumer.seek(tp, at.offset());
        }
      }
    }
  }
}
