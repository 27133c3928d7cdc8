package io.tributary.connect.hudi;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The consumed position of a topic as stored in a Hudi commit's extra metadata: for each partition the next
 * offset to read. Same key and text as Hudi's own streamer uses for its Kafka source
 * ({@code deltastreamer.checkpoint.key} = {@code topic,partition:offset,partition:offset...}), so Hudi's tools
 * (the CLI's commit metadata, a streamer taking over the table) read it as a Kafka checkpoint.
 *
 * @param nextOffsets partition to the offset of the first record not yet in the table
 */
public record KafkaCheckpoint(String topic, SortedMap<Integer, Long> nextOffsets) {

  /** The commit-metadata key Hudi's streamer writes and reads for Kafka sources (its checkpoint "V1"). */
  public static final String METADATA_KEY = "deltastreamer.checkpoint.key";

  public KafkaCheckpoint {
    nextOffsets = Collections.unmodifiableSortedMap(new TreeMap<>(nextOffsets));
  }

  public static KafkaCheckpoint of(String topic, Map<Integer, Long> nextOffsets) {
    return new KafkaCheckpoint(topic, new TreeMap<>(nextOffsets));
  }

  /** {@code topic,0:120,1:98}. */
  public String format() {
    StringBuilder sb = new StringBuilder(topic);
    nextOffsets.forEach((p, o) -> sb.append(',').append(p).append(':').append(o));
    return sb.toString();
  }

  /** Parses {@link #format()}'s text; throws IllegalArgumentException naming what is wrong. */
  public static KafkaCheckpoint parse(String text) {
    String[] parts = text.split(",");
    if (parts.length < 1 || parts[0].isEmpty()) {
      throw new IllegalArgumentException("not a Kafka checkpoint (topic,partition:offset,...): '" + text + "'");
    }
    SortedMap<Integer, Long> offsets = new TreeMap<>();
    for (int i = 1; i < parts.length; i++) {
      String[] po = parts[i].split(":");
      try {
        if (po.length != 2) {
          throw new NumberFormatException();
        }
        offsets.put(Integer.parseInt(po[0].trim()), Long.parseLong(po[1].trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a Kafka checkpoint (topic,partition:offset,...): '" + text
            + "': bad entry '" + parts[i] + "'");
      }
    }
    return new KafkaCheckpoint(parts[0], offsets);
  }
}
