package io.tributary.cli;

import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/** Where {@code consume} starts reading the partitions it assigns itself (no group): a {@link LogPosition}. */
final class ConsumeStart {
  private ConsumeStart() {}

  /** From the options; at most one of --from-beginning, --offset and --from-timestamp. Default: only new records. */
  static LogPosition of(boolean fromBeginning, String offset, String fromTimestamp) {
    int given = (fromBeginning ? 1 : 0) + (offset != null ? 1 : 0) + (fromTimestamp != null ? 1 : 0);
    if (given > 1) {
      throw new CliException("give one of --from-beginning, --offset and --from-timestamp", 2);
    }
    if (fromBeginning) {
      return new LogPosition.Earliest();
    }
    if (fromTimestamp != null) {
      return new LogPosition.AtTime(fromTimestamp.matches("\\d+") ? Long.parseLong(fromTimestamp)
          : LogPosition.parseDatetime(fromTimestamp, ZoneId.systemDefault()));
    }
    if (offset == null) {
      return new LogPosition.Latest();
    }
    switch (offset) {
      case "earliest":
      case "beginning":
        return new LogPosition.Earliest();
      case "latest":
      case "end":
        return new LogPosition.Latest();
      default:
        try {
          long n = Long.parseLong(offset);
          if (n < 0) {
            throw new NumberFormatException();
          }
          return new LogPosition.AtOffset(n);
        } catch (NumberFormatException e) {
          throw new CliException("--offset must be earliest, latest or an offset >= 0, got " + offset, 2);
        }
    }
  }

  /** Seeks each partition to {@code start}; a partition with no record at or after a time starts at its end. */
  static void seek(LogPosition start, Consumer<?, ?> consumer, List<TopicPartition> partitions, Duration timeout) {
    if (start instanceof LogPosition.Earliest) {
      consumer.seekToBeginning(partitions);
    } else if (start instanceof LogPosition.Latest) {
      consumer.seekToEnd(partitions);
    } else if (start instanceof LogPosition.AtOffset o) {
      // Past the end, the consumer's auto.offset.reset applies, as with kafka-console-consumer --offset.
      partitions.forEach(tp -> consumer.seek(tp, o.offset()));
    } else if (start instanceof LogPosition.AtTime t) {
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
